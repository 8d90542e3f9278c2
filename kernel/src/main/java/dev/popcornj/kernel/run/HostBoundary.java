package dev.popcornj.kernel.run;

import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.machine.sim.Simulation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where host input crosses into a boot: live (the console's keyboard and the forwarded host sockets
 * as they come), recorded (live, and every piece of input logged with the virtual time and query at
 * which it entered, see {@link HostInputLog}), or replayed from such a log (no terminal is read and
 * no host socket is opened; what the guest sends to forwarded connections is discarded).
 *
 * <p>Host input is asked for at points the simulation alone decides: the typist's calls to its
 * keyboard and the forwarder's ticks. A replay answers each of them with what the recording got at
 * the same point, and checks that the point came at the same virtual time; a run that goes another
 * way (a different PopcornJ, a changed guest) stops with {@link #divergence()} saying where.
 */
public final class HostBoundary {
  private final HostInputLog.Writer recording; // null unless recording
  private final ArrayDeque<HostInputLog.Console> console = new ArrayDeque<>(); // replay only
  private final ArrayDeque<HostInputLog.Forward> forward = new ArrayDeque<>(); // replay only
  private final boolean replaying;
  private final boolean replayEndsWithInput;
  private Simulation sim;
  private String divergence;

  private HostBoundary(HostInputLog.Writer recording, HostInputLog replay, boolean endsWithInput) {
    this.recording = recording;
    this.replaying = replay != null;
    this.replayEndsWithInput = endsWithInput;
    if (replay != null) {
      for (HostInputLog.Event e : replay.events()) {
        switch (e) {
          case HostInputLog.Console c -> console.add(c);
          case HostInputLog.Forward f -> forward.add(f);
        }
      }
    }
  }

  /** The host's input as it comes, not recorded. */
  public static HostBoundary live() {
    return new HostBoundary(null, null, false);
  }

  /** The host's input as it comes, each piece appended to log. */
  public static HostBoundary recording(HostInputLog.Writer log) {
    return new HostBoundary(log, null, false);
  }

  /**
   * The input of log instead of the host's; endsWithInput says whether the recorded console ended
   * the session with its input (piped input, see {@link BootRunner.Keyboard#endsWithInput}).
   */
  public static HostBoundary replaying(HostInputLog log, boolean endsWithInput) {
    return new HostBoundary(null, log, endsWithInput);
  }

  public boolean replaying() {
    return replaying;
  }

  /** Binds the boundary to the machine whose clock stamps the input (once, at boot). */
  void attach(Simulation simulation) {
    this.sim = simulation;
  }

  /** The console's keyboard as this boundary sees it: host's, recorded, or replayed instead. */
  BootRunner.Keyboard keyboard(BootRunner.Keyboard host) {
    if (replaying) {
      return new ReplayedKeyboard();
    }
    return recording == null ? host : new RecordedKeyboard(host);
  }

  /** The port forwarder's host half: sockets on 127.0.0.1, recorded, or a replay of them. */
  HostForwarder.HostSide hostSide(List<HostForwarder.Rule> rules, Diagnostics diag) {
    if (replaying) {
      return new ReplayedHost(rules.size());
    }
    HostSockets sockets = new HostSockets(rules, diag);
    return recording == null ? sockets : new RecordedHost(sockets);
  }

  /**
   * After the run: why the replay went another way than the recording (or ended before all of its
   * input was taken), or null when it did not, or when nothing was replayed.
   */
  public String divergence() {
    if (divergence == null && replaying && (!console.isEmpty() || !forward.isEmpty())) {
      HostInputLog.Event first =
          console.isEmpty()
              ? forward.peek()
              : forward.isEmpty() || console.peek().timePs() <= forward.peek().timePs()
                  ? console.peek()
                  : forward.peek();
      return "the run ended at "
          + time(sim == null ? 0 : sim.now())
          + " before the recorded input '"
          + HostInputLog.format(first)
          + "' (a different PopcornJ, guest or options?)";
    }
    return divergence;
  }

  private void diverge(String what, HostInputLog.Event recorded) {
    if (divergence == null) {
      divergence =
          "the run went another way than the recording at "
              + time(sim.now())
              + ": "
              + what
              + ", where the recording has '"
              + HostInputLog.format(recorded)
              + "' (a different PopcornJ, guest or options?)";
      sim.powerOff(1);
    }
  }

  private static String time(long ps) {
    return ps + " ps (virtual)";
  }

  private HostInputLog.Writer log() {
    return recording;
  }

  /** The host's keyboard, each answer that brought input or changed its state logged. */
  private final class RecordedKeyboard implements BootRunner.Keyboard {
    private final BootRunner.Keyboard host;
    private long calls;
    private boolean ended;
    private boolean quit;

    RecordedKeyboard(BootRunner.Keyboard host) {
      this.host = host;
    }

    private byte[] note(HostInputLog.Call call, byte[] data) {
      long index = ++calls;
      boolean e = host.ended();
      boolean q = host.quitRequested();
      if (data != null || e != ended || q != quit) {
        ended = e;
        quit = q;
        log().append(new HostInputLog.Console(index, sim.now(), call, data, e, q));
      }
      return data;
    }

    @Override
    public byte[] next() {
      return note(HostInputLog.Call.NEXT, host.next());
    }

    @Override
    public byte[] poll(boolean guestWaiting) {
      return note(HostInputLog.Call.POLL, host.poll(guestWaiting));
    }

    @Override
    public boolean ended() {
      note(HostInputLog.Call.ENDED, null);
      return ended;
    }

    @Override
    public boolean quitRequested() {
      note(HostInputLog.Call.QUIT, null);
      return quit;
    }

    @Override
    public boolean endsWithInput() {
      return host.endsWithInput();
    }
  }

  /** The recorded keyboard's answers, at the calls that got them. */
  private final class ReplayedKeyboard implements BootRunner.Keyboard {
    private long calls;
    private boolean ended;
    private boolean quit;

    private byte[] answer(HostInputLog.Call call) {
      long index = ++calls;
      HostInputLog.Console head = console.peek();
      if (divergence != null || head == null || head.index() > index) {
        return null;
      }
      if (head.index() < index || head.call() != call || head.timePs() != sim.now()) {
        diverge("the console's keyboard was asked (" + call.word() + ")", head);
        return null;
      }
      console.poll();
      ended = head.ended();
      quit = head.quit();
      return head.data();
    }

    @Override
    public byte[] next() {
      return answer(HostInputLog.Call.NEXT);
    }

    @Override
    public byte[] poll(boolean guestWaiting) {
      return answer(HostInputLog.Call.POLL);
    }

    @Override
    public boolean ended() {
      answer(HostInputLog.Call.ENDED);
      return ended;
    }

    @Override
    public boolean quitRequested() {
      answer(HostInputLog.Call.QUIT);
      return quit || divergence != null;
    }

    @Override
    public boolean endsWithInput() {
      return replayEndsWithInput;
    }
  }

  /** Live host sockets, each tick's input logged. */
  private final class RecordedHost implements HostForwarder.HostSide {
    private final HostForwarder.HostSide host;

    RecordedHost(HostForwarder.HostSide host) {
      this.host = host;
    }

    @Override
    public List<HostInputLog.Forward> poll(
        long tick, long nowPs, Map<Integer, Integer> room, Set<Integer> awaitingDrain) {
      List<HostInputLog.Forward> events = host.poll(tick, nowPs, room, awaitingDrain);
      events.forEach(log()::append);
      return events;
    }

    @Override
    public void write(int connection, byte[] data) {
      host.write(connection, data);
    }

    @Override
    public void shutdownOutput(int connection) {
      host.shutdownOutput(connection);
    }

    @Override
    public void close(int connection) {
      host.close(connection);
    }

    @Override
    public void idle() {
      host.idle();
    }

    @Override
    public void shutdown() {
      host.shutdown();
    }
  }

  /**
   * The recorded host connections: each tick gets the events the recording's tick of that number
   * got, checked against what the guest's half could take; what the guest sends is discarded.
   */
  private final class ReplayedHost implements HostForwarder.HostSide {
    private final int listeners;
    private final Set<Integer> open = new HashSet<>();
    private int nextConnection;

    ReplayedHost(int listeners) {
      this.listeners = listeners;
    }

    @Override
    public List<HostInputLog.Forward> poll(
        long tick, long nowPs, Map<Integer, Integer> room, Set<Integer> awaitingDrain) {
      List<HostInputLog.Forward> events = new ArrayList<>();
      HostInputLog.Forward head;
      while (divergence == null && (head = forward.peek()) != null && head.index() <= tick) {
        String wrong =
            head.index() < tick || head.timePs() != nowPs
                ? " came at another time"
                : fits(head, room, awaitingDrain);
        if (wrong != null) {
          diverge("the port forwarder's tick " + tick + wrong, head);
          break;
        }
        forward.poll();
        events.add(head);
      }
      return events;
    }

    /** Null if e can happen on this tick, else why not. */
    private String fits(
        HostInputLog.Forward e, Map<Integer, Integer> room, Set<Integer> awaitingDrain) {
      switch (e) {
        case HostInputLog.Accepted a -> {
          if (a.listener() >= listeners || a.connection() != nextConnection) {
            return " opens connection " + nextConnection + " of " + listeners + " forwards";
          }
          nextConnection++;
          open.add(a.connection());
        }
        case HostInputLog.Received r -> {
          int n = open.contains(r.connection()) ? room.getOrDefault(r.connection(), 0) : 0;
          if (r.data().length == 0 || r.data().length > n) {
            return " has room for " + n + " bytes on connection " + r.connection();
          }
        }
        case HostInputLog.HostEof h -> {
          if (!open.contains(h.connection()) || room.getOrDefault(h.connection(), 0) == 0) {
            return " does not read connection " + h.connection();
          }
        }
        case HostInputLog.HostReset h -> {
          if (!open.remove(h.connection())) {
            return " has no connection " + h.connection();
          }
        }
        case HostInputLog.Drained d -> {
          if (!awaitingDrain.contains(d.connection())) {
            return " does not wait for the host on connection " + d.connection();
          }
        }
      }
      return null;
    }

    @Override
    public void write(int connection, byte[] data) {
      // Replayed: the guest's bytes for the host go nowhere.
    }

    @Override
    public void shutdownOutput(int connection) {}

    @Override
    public void close(int connection) {
      open.remove(connection);
    }

    @Override
    public void shutdown() {}
  }
}
