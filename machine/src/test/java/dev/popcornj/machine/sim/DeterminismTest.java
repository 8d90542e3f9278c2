package dev.popcornj.machine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.trace.ChromeTrace;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Invariant: the same scenario and seed give the same trace, byte for byte; a different seed
 * changes the trace where the scenario draws random numbers.
 */
class DeterminismTest {
  /**
   * A hart double that does seeded random amounts of work and sends IPIs to random peers; every IPI
   * it receives gives it more work.
   */
  static final class ChattyHart implements HartDriver {
    final int id;
    final SplittableRandom random;
    final InterruptController irq;
    final int harts;
    long local;
    long retired;
    long budget;

    ChattyHart(int id, int harts, SimRandom r, InterruptController irq) {
      this.id = id;
      this.harts = harts;
      this.random = r.stream("hart" + id);
      this.irq = irq;
      this.budget = 2_000 + random.nextInt(2_000);
      irq.setListener(
          id,
          (h, bits) -> {
            irq.clear(h, InterruptController.SOFTWARE);
            budget += 100 + random.nextInt(400);
          });
    }

    @Override
    public void runSlice(long limitPs) {
      local = Math.max(local, limitPs - 10 * VirtualTime.US);
      while (local < limitPs && budget > 0) {
        local += 500;
        retired++;
        budget--;
        if (random.nextInt(500) == 0) {
          int to = random.nextInt(harts);
          if (to != id) {
            irq.sendIpi(id, to, local);
          }
        }
      }
      local = Math.max(local, limitPs);
    }

    @Override
    public boolean idle() {
      return budget <= 0;
    }

    @Override
    public long instructionsRetired() {
      return retired;
    }
  }

  static String runScenario(long seed) throws Exception {
    StringWriter out = new StringWriter();
    try (ChromeTrace trace = new ChromeTrace(out)) {
      Simulation sim = new Simulation(seed, 10 * VirtualTime.US, trace);
      int harts = 8;
      int[] nodes = {0, 0, 0, 0, 1, 1, 1, 1};
      InterruptController irq =
          new InterruptController(sim, CostModel.defaults(), nodes, List.of(new int[] {0}));
      List<ChattyHart> drivers = new ArrayList<>();
      for (int h = 0; h < harts; h++) {
        ChattyHart d = new ChattyHart(h, harts, sim.random(), irq);
        drivers.add(d);
        sim.attach(h, d);
      }
      sim.run(50 * VirtualTime.MS, Long.MAX_VALUE);
      assertTrue(trace.events() > 10, "the scenario must produce a trace");
    }
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(out.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  @Test
  void sameSeedSameTrace() throws Exception {
    long seed = 0x5eed;
    assertEquals(runScenario(seed), runScenario(seed), "seed " + seed);
  }

  @Test
  void differentSeedDifferentTrace() throws Exception {
    assertNotEquals(runScenario(1), runScenario(2));
  }
}
