package dev.popcornj.machine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
