package dev.popcornj.kernel.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.sim.Simulation;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler with kernel stacks that run plain Java bodies instead of user code: sleeping and
 * waking on wait queues, timers in virtual time, interruption, placement over CPUs, and the baton
 * (only one body runs at a time, in the order the simulation decides).
 */
class SchedulerTest {
  private final List<SchedEntity> tasks = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();
  private Machine machine;
  private Scheduler scheduler;

  private void start(int cpus) throws Exception {
    machine =
        new Machine(
            MachineFiles.load("default"),
            Machine.Options.defaults(OutputStream.nullOutputStream()));
    scheduler =
        new Scheduler(
            machine.simulation(), machine.harts().subList(0, cpus), 3_000_000_000L, 1_400_000L);
    for (Cpu c : scheduler.cpus()) {
      machine.simulation().attach(c.hart().id(), c);
    }
    // An assertion that fails inside a body fails the kernel stack; report it as the test's.
    scheduler.setHooks(t -> false, (t, e) -> failures.add(e));
  }

  private SchedEntity task(int tid, Consumer<SchedEntity> body) {
    SchedEntity t = new SchedEntity(tid, "test " + tid, scheduler.allCpusMask(), ps -> {});
    t.setStack(new KernelStack(new KernelStack.Group(), "test-" + tid, () -> body.accept(t)));
    tasks.add(t);
    scheduler.admit(t, 0);
    return t;
  }

  private Simulation.StopReason run() {
    return machine.simulation().run(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  @AfterEach
  void discard() throws Throwable {
    tasks.forEach(t -> t.stack().discard());
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  @Test
  void aSleeperRunsAgainOnlyAfterItsConditionIsMadeTrueAndWoken() throws Exception {
    start(1);
    WaitQueue q = new WaitQueue(scheduler);
    AtomicBoolean ready = new AtomicBoolean();
    List<String> order = new ArrayList<>();
    task(
        1,
        t -> {
          order.add("a sleeps");
          assertTrue(q.await(ready::get));
          order.add("a wakes");
        });
    task(
        2,
        t -> {
          order.add("b sets");
          ready.set(true);
          q.wakeAll();
          order.add("b done");
        });
    assertEquals(Simulation.StopReason.ALL_IDLE, run());
    assertEquals(List.of("a sleeps", "b sets", "b done", "a wakes"), order);
  }

  @Test
  void aTimedWaitEndsAtItsDeadlineInVirtualTime() throws Exception {
    start(1);
    long[] seen = new long[2];
    task(
        1,
        t -> {
          long deadline = scheduler.now() + 5_000_000_000L;
          seen[0] = deadline;
          assertEquals(
              Scheduler.WaitResult.TIMED_OUT, scheduler.waitOn(null, () -> false, deadline));
          seen[1] = scheduler.now();
        });
    run();
    assertTrue(seen[1] >= seen[0], "woke at " + seen[1] + " before its deadline " + seen[0]);
    assertTrue(seen[1] < seen[0] + Machine.Options.DEFAULT_QUANTUM_PS, "woke far too late");
  }

  @Test
  void aPendingInterruptionEndsTheWait() throws Exception {
    start(1);
    AtomicBoolean signal = new AtomicBoolean();
    scheduler.setHooks(t -> signal.get(), (t, e) -> failures.add(e));
    Scheduler.WaitResult[] result = new Scheduler.WaitResult[1];
    SchedEntity sleeper =
        task(1, t -> result[0] = scheduler.waitOn(null, () -> false, Scheduler.FOREVER));
    task(
        2,
        t -> {
          signal.set(true);
          scheduler.wake(sleeper, scheduler.now());
        });
    run();
    assertEquals(Scheduler.WaitResult.INTERRUPTED, result[0]);
  }

  @Test
  void newTasksGoToIdleCpusFirst() throws Exception {
    start(2);
    SchedEntity a = task(1, t -> {});
    SchedEntity b = task(2, t -> {});
    assertEquals(0, a.cpu());
    assertEquals(1, b.cpu());
    scheduler.checkInvariants();
    run();
  }

  @Test
  void onlyOneBodyRunsAtATime() throws Exception {
    start(2);
    int[] inside = new int[1];
    int[] worst = new int[1];
    WaitQueue q = new WaitQueue(scheduler);
    for (int i = 1; i <= 6; i++) {
      task(
          i,
          t -> {
            for (int round = 0; round < 20; round++) {
              inside[0]++;
              worst[0] = Math.max(worst[0], inside[0]);
              inside[0]--;
              q.wakeAll();
              scheduler.waitOn(q, () -> false, scheduler.now() + 1_000_000);
            }
          });
    }
    run();
    assertEquals(1, worst[0], "two kernel stacks ran at once");
  }
}
