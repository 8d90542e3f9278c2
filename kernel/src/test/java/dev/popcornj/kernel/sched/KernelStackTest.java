package dev.popcornj.kernel.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class KernelStackTest {
  @Test
  void aStackLeavesItsGroupWhenItsBodyEnds() {
    KernelStack.Group group = new KernelStack.Group();
    KernelStack stack = new KernelStack(group, "short", () -> {});
    assertEquals(1, group.size());
    assertEquals(KernelStack.Yield.EXITED, stack.resume());
    assertEquals(0, group.size(), "an ended stack is not kept");
  }

  @Test
  void discardingTheGroupEndsAParkedStackNobodyElseKnows() throws InterruptedException {
    KernelStack.Group group = new KernelStack.Group();
    CountDownLatch ended = new CountDownLatch(1);
    boolean[] shutDown = new boolean[1];
    KernelStack[] self = new KernelStack[1];
    self[0] =
        new KernelStack(
            group,
            "parked",
            () -> {
              try {
                self[0].yieldToCpu(KernelStack.Yield.BLOCKED);
              } catch (KernelStack.Shutdown e) {
                shutDown[0] = true;
                throw e;
              } finally {
                ended.countDown();
              }
            });
    assertEquals(KernelStack.Yield.BLOCKED, self[0].resume());
    self[0] = null; // as a task that left the process table: only the group holds its stack
    assertEquals(1, group.size());
    group.discardAll();
    ended.await(); // hangs (and the suite's timeout fails it) when the thread is never ended
    assertTrue(shutDown[0], "the parked stack was ended by the kernel's shutdown");
    assertEquals(0, group.size());
  }
}
