package dev.popcornj.machine.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.sim.VirtualTime;
import dev.popcornj.machine.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterruptControllerTest {
  @Test
  void ipiArrivesAfterTheLatencyOfTheNodesBetween() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    CostModel cost = CostModel.defaults();
    InterruptController irq = new InterruptController(sim, cost, new int[] {0, 0, 1}, List.of());
    List<Integer> told = new ArrayList<>();
    irq.setListener(1, (hart, bits) -> told.add(hart));
    irq.sendIpi(0, 1, 100);
    irq.sendIpi(0, 2, 100);
    sim.events().runDue(100 + cost.ipiSameNodePs() - 1);
    assertEquals(0, irq.pending(1));
    sim.events().runDue(100 + cost.ipiSameNodePs());
    assertEquals(1L << InterruptController.SOFTWARE, irq.pending(1));
    assertEquals(0, irq.pending(2));
    sim.events().runDue(100 + cost.ipiCrossNodePs());
    assertEquals(1L << InterruptController.SOFTWARE, irq.pending(2));
    irq.clear(1, InterruptController.SOFTWARE);
    assertEquals(0, irq.pending(1));
    assertEquals(2, irq.ipisSent(0));
    assertEquals(List.of(1), told);
  }

  @Test
  void timerFiresAtItsLatestDeadlineOnly() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    InterruptController irq =
        new InterruptController(sim, CostModel.defaults(), new int[] {0}, List.of());
    irq.setTimer(0, 500);
    irq.setTimer(0, 900);
    sim.events().runDue(899);
    assertEquals(0, irq.pending(0));
    sim.events().runDue(900);
    assertEquals(1L << InterruptController.TIMER, irq.pending(0));
  }

  @Test
  void deviceLinesReachOnlyTheirRoutedHarts() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    InterruptController irq =
        new InterruptController(
            sim, CostModel.defaults(), new int[] {0, 0, 0, 0}, List.of(new int[] {1, 3}));
    irq.raiseLine(0, 10);
    sim.events().runDue(10);
    assertEquals(0, irq.pending(0));
    assertEquals(1L << InterruptController.EXTERNAL, irq.pending(1));
    assertEquals(0, irq.pending(2));
    assertEquals(1L << InterruptController.EXTERNAL, irq.pending(3));
  }
}
