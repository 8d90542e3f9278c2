package dev.popcornj.machine.sim;

import dev.popcornj.machine.trace.Trace;
import java.util.BitSet;
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
 * A hart whose driver can wake itself ({@link HartDriver#acceptWaker}) is parked when it reports
 * idle and left out of the rounds until its driver wakes it, which keeps the order above: a hart
 * woken during a round by one with a lower id runs in that round, as it would had it been asked.
 *
 * <p>An effect one hart causes on another during a slice (an IPI, a message becoming visible) is an
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

  /** One attached driver; index is its place in {@link #slots}, -1 once detached. */
  private static final class Slot {
    final HartDriver driver;
    boolean parkable;
    int index;

    Slot(HartDriver driver) {
      this.driver = driver;
    }
  }

  private final Map<Integer, Slot> drivers = new TreeMap<>();
  // the drivers in ascending hart id order, and which of them are not parked
  private Slot[] slots = new Slot[0];
  private final BitSet awake = new BitSet();
  // with assertions on (the tests), every round checks that no parked driver has work
  private boolean checkParked = Simulation.class.desiredAssertionStatus();
  private long now;
  // The boundary of the round being run, and the slot whose driver it is running (-1 between
  // drivers); continueAlone moves both on. The limits are those of the current run.
  private long boundary;
  private int running = -1;
  private long timeLimitPs = Long.MAX_VALUE;
  private long instructionLimit = Long.MAX_VALUE;
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
    Slot slot = new Slot(driver);
    Slot old = drivers.put(hartId, slot);
    if (old != null) {
      old.index = -1;
    }
    reindex();
    slot.parkable = driver.acceptWaker(() -> wake(slot));
  }

  public void detach(int hartId) {
    Slot old = drivers.remove(hartId);
    if (old != null) {
      old.index = -1;
      reindex();
    }
  }

  /** Rebuilds the ordered array after an attach or detach; every driver starts awake. */
  private void reindex() {
    slots = drivers.values().toArray(new Slot[0]);
    awake.clear();
    for (int i = 0; i < slots.length; i++) {
      slots[i].index = i;
    }
    awake.set(0, slots.length);
  }

  private void wake(Slot slot) {
    if (slot.index >= 0) {
      awake.set(slot.index);
    }
  }

  /** True unless the driver at index i may be left out of rounds: it said it was idle. */
  private boolean busyOrAwake(int i) {
    Slot s = slots[i];
    if (!s.driver.idle()) {
      return true;
    }
    if (s.parkable) {
      awake.clear(i);
    }
    return false;
  }

  /**
   * Whether each round asks every parked driver whether it is still idle and fails if one is not:
   * on by default when assertions are (in tests), off otherwise.
   */
  public void checkParkedHarts(boolean on) {
    checkParked = on;
  }

  /** What the parking relies on: every parked driver still reports idle. */
  private void checkParkedAreIdle() {
    for (int i = awake.nextClearBit(0); i < slots.length; i = awake.nextClearBit(i + 1)) {
      if (!slots[i].driver.idle()) {
        throw new AssertionError("hart driver " + slots[i].driver + " has work but was not woken");
      }
    }
  }

  /** Asks the loop to stop at the end of the current round with the given status. */
  public void powerOff(int status) {
    powerOffRequested = true;
    powerOffStatus = status;
  }

  public int powerOffStatus() {
    return powerOffStatus;
  }

  // none by default: nothing ever arrives
  private HostEvents hostEvents =
      new HostEvents() {
        @Override
        public void poll(long nowPs) {}

        @Override
        public boolean pending() {
          return false;
        }
      };

  /** Where host input comes from while the machine runs; none by default. */
  public void setHostEvents(HostEvents h) {
    hostEvents = h;
  }

  /** Instructions retired by all attached harts. */
  public long instructionsRetired() {
    long sum = 0;
    for (Slot s : slots) {
      sum += s.driver.instructionsRetired();
    }
    return sum;
  }

  /**
   * Runs rounds until a stop condition holds: power-off, every hart idle with no event pending,
   * virtual time at timeLimitPs, or instructionLimit instructions retired (Long.MAX_VALUE for no
   * limit).
   */
  public StopReason run(long timeLimitPs, long instructionLimit) {
    this.timeLimitPs = timeLimitPs;
    this.instructionLimit = instructionLimit;
    // each round is a method of its own so that the JIT compiles it: this loop runs for the whole
    // simulation, and the launcher turns off on-stack replacement
    while (true) {
      StopReason r = round();
      if (r != null) {
        return r;
      }
    }
  }

  /** One round of the loop of {@link #run}: its stop reason, or null to go on. */
  private StopReason round() {
    hostEvents.poll(now);
    events.runDue(now);
    if (powerOffRequested) {
      return StopReason.POWER_OFF;
    }
    if (checkParked) {
      checkParkedAreIdle();
    }
    boolean anyBusy = false;
    for (int i = awake.nextSetBit(0); i >= 0; i = awake.nextSetBit(i + 1)) {
      if (busyOrAwake(i)) {
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
    if (outOfInstructions()) {
      return StopReason.INSTRUCTION_LIMIT;
    }
    if (!anyBusy) {
      now = Math.min(nextEvent, timeLimitPs);
      return null;
    }
    boundary = boundaryAfter(now, nextEvent);
    for (int i = awake.nextSetBit(0); i >= 0; i = awake.nextSetBit(i + 1)) {
      if (busyOrAwake(i)) {
        running = i;
        try {
          slots[i].driver.runSlice(boundary); // continueAlone may move the boundary on
        } finally {
          running = -1;
        }
      }
      if (powerOffRequested) {
        break;
      }
    }
    now = boundary;
    return null;
  }

  /**
   * The most drivers awake for which {@link #continueAlone} asks the others whether they are idle:
   * beyond it, when many harts are at work (a replicated boot), it would ask each of them at every
   * other's slice end, and one of them is almost always busy.
   */
  private static final int ASKED_MAX = 8;

  /** True when the harts together retired the run's instruction limit. */
  private boolean outOfInstructions() {
    return instructionLimit != Long.MAX_VALUE && instructionsRetired() >= instructionLimit;
  }

  /** The boundary of a round starting at start: a quantum on, the next event, the time limit. */
  private long boundaryAfter(long start, long nextEvent) {
    return Math.min(Math.min(start + quantumPs, Math.max(nextEvent, start + 1)), timeLimitPs);
  }

  /**
   * Lets the driver being run go on into the next round without returning, when that round would
   * run it alone: returns the next round's boundary, having done what the rest of this round and
   * the next round's start would (the drivers after it asked and found idle, {@code now} moved to
   * this round's boundary, the drivers before it asked and found idle); -1 when it must return
   * because anything else is to happen first: another driver with work, an event or host input due,
   * power-off, or the run's time or instruction limit. A driver that goes on is run as if it had
   * returned and been called again, so the run is the same, round for round; it saves the return
   * and the call, which for a kernel's CPU is a switch of threads each way, on every quantum a lone
   * busy hart runs (most of a one-program run's rounds).
   *
   * <p>The caller is the driver the current round is running, at its slice's end (its hart at or
   * past the boundary), after doing what it does between slices.
   */
  @Override
  public long continueAlone() {
    int me = running;
    if (me < 0 || powerOffRequested || hostEvents.pending() || awake.cardinality() > ASKED_MAX) {
      return -1;
    }
    for (int i = awake.nextSetBit(me + 1); i >= 0; i = awake.nextSetBit(i + 1)) {
      if (busyOrAwake(i)) {
        return -1; // it runs in this round, after this one
      }
    }
    long next = boundary;
    long nextEvent = events.nextTime();
    if (nextEvent <= next || next >= timeLimitPs || outOfInstructions()) {
      return -1;
    }
    if (checkParked) {
      checkParkedAreIdle();
    }
    for (int i = awake.nextSetBit(0); i >= 0 && i < me; i = awake.nextSetBit(i + 1)) {
      if (busyOrAwake(i)) {
        return -1; // it runs in the next round, before this one
      }
    }
    now = next;
    boundary = boundaryAfter(now, nextEvent);
    return boundary;
  }
}
