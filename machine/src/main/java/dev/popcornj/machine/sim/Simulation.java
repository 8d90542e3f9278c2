package dev.popcornj.machine.sim;

import dev.popcornj.machine.trace.Trace;
import java.util.Map;
import java.util.TreeMap;

/**
 * The machine's run loop: virtual time, the event queue, and the harts run in quanta.
 *
 * <p>How time advances (lax synchronisation). The loop keeps a global time {@code now}. One round:
 *
 * <ol>
 *   <li>every event due at or before {@code now} runs, in (time, sequence) order;
 *   <li>the round's boundary is {@code min(now + quantum, next event time)} (at least one
 *       picosecond past now);
 *   <li>each hart that is not idle runs up to the boundary, in ascending hart id order;
 *   <li>{@code now} becomes the boundary.
 * </ol>
 *
 * An effect one hart causes on another during a slice (an IPI, a message becoming visible) is an
 * event at the sender's local time plus its modelled latency; the receiver sees it at its next
 * boundary at or after that time. The quantum bounds how far harts drift apart, and so how much
 * later than modelled a cross-hart effect can be seen. Nothing here reads the host clock and only
 * one thread runs it, so the same inputs and seed give the same run.
 */
public final class Simulation implements EventTime {
  /** Why {@link #run} returned. */
  public enum StopReason {
    /** No hart has work and no event is pending. */
    ALL_IDLE,
    /** Something asked the machine to power off. */
    POWER_OFF,
    /** Virtual time reached the limit given to run. */
    TIME_LIMIT,
    /** The harts together retired the number of instructions given to run. */
    INSTRUCTION_LIMIT
  }

  private final long quantumPs;
  private final SimRandom random;
  private final Trace trace;
  private final EventQueue events = new EventQueue();
  private final Map<Integer, HartDriver> drivers = new TreeMap<>();
  private long now;
  private boolean powerOffRequested;
  private int powerOffStatus;

  public Simulation(long seed, long quantumPs, Trace trace) {
    if (quantumPs <= 0) {
      throw new IllegalArgumentException("quantum must be positive");
    }
    this.quantumPs = quantumPs;
    this.random = new SimRandom(seed);
    this.trace = trace;
  }

  @Override
  public long now() {
    return now;
  }

  public long quantumPs() {
    return quantumPs;
  }

  @Override
  public EventQueue events() {
    return events;
  }

  public SimRandom random() {
    return random;
  }

  public Trace trace() {
    return trace;
  }

  /** Puts driver in charge of hart id, replacing whatever drove it before. */
  public void attach(int hartId, HartDriver driver) {
    drivers.put(hartId, driver);
  }

  public void detach(int hartId) {
    drivers.remove(hartId);
  }

  /** Asks the loop to stop at the end of the current round with the given status. */
  public void powerOff(int status) {
    powerOffRequested = true;
    powerOffStatus = status;
  }

  public int powerOffStatus() {
    return powerOffStatus;
  }

  private HostEvents hostEvents = now -> {};

  /** Where host input comes from while the machine runs; none by default. */
  public void setHostEvents(HostEvents h) {
    hostEvents = h;
  }

  /** Instructions retired by all attached harts. */
  public long instructionsRetired() {
    long sum = 0;
    for (HartDriver d : drivers.values()) {
      sum += d.instructionsRetired();
    }
    return sum;
  }

  /**
   * Runs rounds until a stop condition holds: power-off, every hart idle with no event pending,
   * virtual time at timeLimitPs, or instructionLimit instructions retired (Long.MAX_VALUE for no
   * limit).
   */
  public StopReason run(long timeLimitPs, long instructionLimit) {
    while (true) {
      hostEvents.poll(now);
      events.runDue(now);
      if (powerOffRequested) {
        return StopReason.POWER_OFF;
      }
      boolean anyBusy = false;
      for (HartDriver d : drivers.values()) {
        if (!d.idle()) {
          anyBusy = true;
          break;
        }
      }
      long nextEvent = events.nextTime();
      if (!anyBusy && nextEvent == Long.MAX_VALUE) {
        return StopReason.ALL_IDLE;
      }
      if (now >= timeLimitPs) {
        return StopReason.TIME_LIMIT;
      }
      if (instructionsRetired() >= instructionLimit) {
        return StopReason.INSTRUCTION_LIMIT;
      }
      long boundary = Math.min(now + quantumPs, Math.max(nextEvent, now + 1));
      boundary = Math.min(boundary, timeLimitPs);
      if (!anyBusy) {
        now = Math.min(nextEvent, timeLimitPs);
        continue;
      }
      for (HartDriver d : drivers.values()) {
        if (!d.idle()) {
          d.runSlice(boundary);
        }
        if (powerOffRequested) {
          break;
        }
      }
      now = boundary;
    }
  }
}
