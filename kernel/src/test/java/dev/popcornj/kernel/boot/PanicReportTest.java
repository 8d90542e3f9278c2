package dev.popcornj.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A panic's report names the task, shows its registers and, for a bug, the Java stack. */
class PanicReportTest {
  private static Task task() {
    Sleeper never =
        new Sleeper() {
          @Override
          public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
            return ready.getAsBoolean();
          }

          @Override
          public void wakeAll(WaitQueue queue) {}
        };
    Process p = new Process(7, null, new WaitQueue(never), 0);
    Registers r = new Registers();
    r.setPc(0x10_5a2L);
    r.setX(1, 0x10_100L);
    r.setX(2, 0x3f_ffff_f000L);
    r.setX(10, 0xdead);
    r.setX(31, 0x1f);
    return new Task(7, p, r, 1);
  }

  @Test
  void theRunningTaskAndItsRegistersAreShownAsLinuxShowsThem() {
    List<String> lines = PanicReport.lines("sysrq triggered crash", task(), 2, null);
    assertEquals("Kernel panic - not syncing: sysrq triggered crash", lines.getFirst());
    assertTrue(lines.get(1).startsWith("CPU: 2 PID: 7 Comm: "), lines.get(1));
    assertEquals(
        "epc : 00000000000105a2 ra : 0000000000010100 sp : 0000003ffffff000", lines.get(2));
    assertTrue(
        lines.contains("a0  : 000000000000dead a1  : 0000000000000000 a2  : 0000000000000000")
            || lines.stream().anyMatch(l -> l.contains("a0 : 000000000000dead")),
        String.join("\n", lines));
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("t6 : 000000000000001f")),
        String.join("\n", lines));
    assertEquals(
        "---[ end Kernel panic - not syncing: sysrq triggered crash ]---", lines.getLast());
    assertTrue(
        lines.stream().noneMatch(l -> l.startsWith("  at ")), "no Java stack for a chosen panic");
  }

  @Test
  void aBugInTheKernelShowsWhereInPopcornJItFailed() {
    IllegalStateException bug = new IllegalStateException("broken", new ArithmeticException("x"));
    List<String> lines = PanicReport.lines("kernel bug in task 7: " + bug, null, -1, bug);
    assertTrue(lines.contains("PopcornJ bug: " + bug));
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("  at dev.popcornj.kernel.boot.PanicReportTest")),
        String.join("\n", lines));
    assertTrue(lines.contains("Caused by: java.lang.ArithmeticException: x"));
    assertTrue(lines.stream().filter(l -> l.startsWith("  at ")).count() <= PanicReport.MAX_FRAMES);
  }
}
