package dev.popcornj.kernel.msg;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A kernel's heartbeat and its watch over the others: every {@link #HEARTBEAT_PS} it bumps its own
 * beat in the info table and looks at each peer that is online there; a peer whose beat has not
 * moved for {@link #MISSED_BEATS} periods is marked down, one whose entry says OFFLINE halted.
 * Either way the endpoint fails what waits on that peer and tells the peer listeners.
 *
 * <p>Owned by one kernel instance; its ticks run as that kernel's deferred work.
 */
public final class Watchdog {
  /** Heartbeat period, and how many silent periods make a peer down. */
  public static final long HEARTBEAT_PS = 10_000_000_000L;

  public static final int MISSED_BEATS = 3;

  private final Endpoint endpoint;
  private final Clock clock;
  private final Deferrer deferrer;
  private final Consumer<String> log;
  private final Map<Integer, long[]> lastBeat = new HashMap<>();
  private boolean stopped;

  /**
   * @param deferrer runs the next tick later (the kernel wraps it so a failure panics only itself)
   * @param log where "kernel N is down" and "kernel N halted" go (dmesg)
   */
  public Watchdog(Endpoint endpoint, Clock clock, Deferrer deferrer, Consumer<String> log) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.deferrer = deferrer;
    this.log = log;
  }

  /** Starts beating and watching (after check-in). */
  public void start() {
    tick();
  }

  /** This kernel stopped: it says so in the info table (DOWN or OFFLINE) and stops beating. */
  public void stop(KernelState state) {
    endpoint.window().setState(endpoint.kernelId(), state);
    stopped = true;
  }

  public boolean stopped() {
    return stopped;
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = clock.nowPs();
    endpoint.heartbeat();
    for (Peer p : endpoint.peers()) {
      int k = p.identity().kernelId();
      if (k == endpoint.kernelId() || p.state() != KernelState.ONLINE) {
        continue;
      }
      if (endpoint.window().state(k) == KernelState.OFFLINE) {
        endpoint.markHalted(k);
        log.accept("popcorn: kernel " + k + " halted");
        continue;
      }
      long beat = endpoint.window().heartbeat(k);
      long[] seen = lastBeat.computeIfAbsent(k, x -> new long[] {beat, now});
      if (beat != seen[0]) {
        seen[0] = beat;
        seen[1] = now;
      } else if (now - seen[1] >= MISSED_BEATS * HEARTBEAT_PS) {
        endpoint.markDown(k);
        log.accept("popcorn: kernel " + k + " is down (no heartbeat)");
      }
    }
    deferrer.callAt(now + HEARTBEAT_PS, this::tick);
  }
}
