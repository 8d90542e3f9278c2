package dev.popcornj.machine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
  /** Runs a fixed number of instructions, one per nanosecond, then goes idle. */
  static final class CountingDriver implements HartDriver {
    final List<Long> sliceLimits = new ArrayList<>();
    long local;
    long retired;
    final long work;

    CountingDriver(long work) {
      this.work = work;
    }

    @Override
    public void runSlice(long limitPs) {
      sliceLimits.add(limitPs);
      while (local < limitPs && retired < work) {
        local += VirtualTime.NS;
        retired++;
      }
      local = Math.max(local, limitPs);
    }

    @Override
    public boolean idle() {
      return retired >= work;
    }

    @Override
    public long instructionsRetired() {
      return retired;
    }
  }

  @Test
  void stopsWhenAllHartsIdleAndNoEventPending() {
    Simulation sim = new Simulation(1, 10 * VirtualTime.US, Trace.off());
    CountingDriver d = new CountingDriver(25_000);
    sim.attach(0, d);
    assertEquals(Simulation.StopReason.ALL_IDLE, sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(25_000, d.retired);
    assertEquals(30 * VirtualTime.US, sim.now());
    assertEquals(
        List.of(10 * VirtualTime.US, 20 * VirtualTime.US, 30 * VirtualTime.US), d.sliceLimits);
  }

  @Test
  void slicesEndAtTheNextEvent() {
    Simulation sim = new Simulation(1, 10 * VirtualTime.US, Trace.off());
    CountingDriver d = new CountingDriver(Long.MAX_VALUE);
    sim.attach(0, d);
    List<Long> seen = new ArrayList<>();
    sim.events().schedule(3 * VirtualTime.US, seen::add);
    assertEquals(Simulation.StopReason.TIME_LIMIT, sim.run(12 * VirtualTime.US, Long.MAX_VALUE));
    assertEquals(List.of(3 * VirtualTime.US), seen);
    assertEquals(3 * VirtualTime.US, (long) d.sliceLimits.get(0));
    assertEquals(12 * VirtualTime.US, sim.now());
  }

  @Test
  void idleMachineJumpsToTheNextEvent() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    CountingDriver d = new CountingDriver(0);
    sim.attach(0, d);
    List<Long> seen = new ArrayList<>();
    sim.events().schedule(VirtualTime.SECOND, seen::add);
    assertEquals(Simulation.StopReason.ALL_IDLE, sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(List.of(VirtualTime.SECOND), seen);
    assertTrue(d.sliceLimits.isEmpty(), "an idle hart is never run");
  }

  @Test
  void stopsOnInstructionLimitAndPowerOff() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    sim.attach(0, new CountingDriver(Long.MAX_VALUE));
    assertEquals(Simulation.StopReason.INSTRUCTION_LIMIT, sim.run(Long.MAX_VALUE, 5_000));
    assertTrue(sim.instructionsRetired() >= 5_000);

    sim.events().schedule(sim.now() + 10, t -> sim.powerOff(3));
    assertEquals(Simulation.StopReason.POWER_OFF, sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(3, sim.powerOffStatus());
  }

  /** Has work only when given some; wakes the simulation then, as a kernel's CPU does. */
  static final class WakingDriver implements HartDriver {
    final List<Long> sliceLimits = new ArrayList<>();
    Runnable waker;
    int idleAsked;
    long work;
    long retired;
    boolean forgetsToWake;

    @Override
    public boolean acceptWaker(Runnable wake) {
      waker = wake;
      return true;
    }

    void give(long instructions) {
      work += instructions;
      if (!forgetsToWake) {
        waker.run();
      }
    }

    @Override
    public void runSlice(long limitPs) {
      sliceLimits.add(limitPs);
      retired = work;
    }

    @Override
    public boolean idle() {
      idleAsked++;
      return retired >= work;
    }

    @Override
    public long instructionsRetired() {
      return retired;
    }
  }

  @Test
  void anIdleHartThatWakesItselfIsNotAskedUntilWoken() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    sim.checkParkedHarts(false); // the check asks parked drivers, which this test counts
    CountingDriver busy = new CountingDriver(50_000);
    WakingDriver sleeper = new WakingDriver();
    sim.attach(0, busy);
    sim.attach(1, sleeper);
    sim.events().schedule(20 * VirtualTime.US, t -> sleeper.give(7));
    assertEquals(Simulation.StopReason.ALL_IDLE, sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
    // 50 rounds of the busy hart; the sleeper was asked once before it was parked, once when the
    // event woke it (then it ran) and once after, when it parked again
    assertEquals(List.of(21 * VirtualTime.US), sleeper.sliceLimits);
    assertEquals(3, sleeper.idleAsked);
    assertEquals(50_007, sim.instructionsRetired());
  }

  @Test
  void aMissedWakeIsCaughtByTheCheck() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    sim.checkParkedHarts(true);
    WakingDriver sleeper = new WakingDriver();
    sleeper.forgetsToWake = true;
    sim.attach(0, new CountingDriver(50_000));
    sim.attach(1, sleeper);
    sim.events().schedule(20 * VirtualTime.US, t -> sleeper.give(7));
    assertThrows(AssertionError.class, () -> sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
  }

  /**
   * One instruction a nanosecond; every 7,000 instructions it sends the other hart work, due 3 us
   * later (as an IPI would be), and every 5,000 it gives it work at once; when asked to, it goes on
   * into the next round at a slice's end whenever the simulation lets it.
   */
  static class ContinuingDriver implements HartDriver {
    final List<Long> sliceLimits = new ArrayList<>();
    final List<Long> sent = new ArrayList<>();
    final Simulation sim;
    final boolean continues;
    final long work;
    WakingDriver peer;
    long local;
    long retired;

    ContinuingDriver(Simulation sim, boolean continues, long work) {
      this.sim = sim;
      this.continues = continues;
      this.work = work;
    }

    @Override
    public void runSlice(long limitPs) {
      long limit = limitPs;
      while (true) {
        if (sliceLimits.size() < 1_000) { // a broken run stays readable
          sliceLimits.add(limit);
        }
        while (local < limit && retired < work) {
          local += VirtualTime.NS;
          if (++retired % 7_000 == 0) {
            long due = local + 3 * VirtualTime.US;
            sent.add(due);
            sim.events().schedule(due, t -> peer.give(1));
          } else if (retired % 5_000 == 0) {
            peer.give(1); // at once, as a CPU queueing a task for another of its kernel
          }
        }
        local = Math.max(local, limit);
        if (!continues || retired >= work || local > VirtualTime.SECOND) {
          return;
        }
        limit = sim.continueAlone();
        if (limit < 0) {
          return;
        }
      }
    }

    @Override
    public boolean idle() {
      return retired >= work;
    }

    @Override
    public long instructionsRetired() {
      return retired;
    }
  }

  /** What a run shows: every slice of both harts, the events, how and when it stopped. */
  private static List<Object> scenario(boolean continues, long timeLimit, long instructionLimit) {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    ContinuingDriver busy = new ContinuingDriver(sim, continues, 60_000);
    WakingDriver sleeper = new WakingDriver();
    busy.peer = sleeper;
    sim.attach(0, sleeper); // the lower id: a round that runs it runs it before the busy hart
    sim.attach(1, busy);
    List<Long> fired = new ArrayList<>();
    sim.events().schedule(25_500 * VirtualTime.NS, fired::add);
    sim.events().schedule(41 * VirtualTime.US, t -> sim.powerOff(7));
    Simulation.StopReason why = sim.run(timeLimit, instructionLimit);
    return List.of(
        why,
        sim.now(),
        sim.instructionsRetired(),
        busy.sliceLimits,
        sleeper.sliceLimits,
        busy.sent,
        fired);
  }

  @Test
  void aHartGoingOnAloneRunsAsIfEveryRoundHadRunIt() {
    for (long[] limits :
        new long[][] {
          {Long.MAX_VALUE, Long.MAX_VALUE},
          {33 * VirtualTime.US + 5, Long.MAX_VALUE},
          {Long.MAX_VALUE, 18_500}
        }) {
      List<Object> roundByRound = scenario(false, limits[0], limits[1]);
      List<Object> goingOn = scenario(true, limits[0], limits[1]);
      assertEquals(roundByRound, goingOn);
    }
    // The busy hart went on alone: it was called fewer times than it ran slices.
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    int[] calls = new int[1];
    ContinuingDriver busy =
        new ContinuingDriver(sim, true, 6_000) {
          @Override
          public void runSlice(long limitPs) {
            calls[0]++;
            super.runSlice(limitPs);
          }
        };
    busy.peer = new WakingDriver();
    busy.peer.forgetsToWake = true;
    sim.attach(0, busy);
    assertEquals(Simulation.StopReason.ALL_IDLE, sim.run(Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(6, busy.sliceLimits.size());
    assertEquals(1, calls[0]);
  }
}
