package dev.popcornj.kernel.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MsgCluster;
import dev.popcornj.kernel.msg.TestBlob;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.KernelStack;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task on kernel 0 blocks in a remote call to kernel 1 and wakes for each of the three ways it
 * can end: the reply, kernel 1 going down, and a signal (here the scheduler's interruption hook).
 * The kernels are real endpoints over a machine's shared memory; the task is a kernel stack on a
 * CPU of kernel 0's scheduler.
 */
class RemoteCallsTest {
  private static final long MS = 1_000_000_000L;

  private final MsgCluster cluster = new MsgCluster(5, 2);
  private final AtomicBoolean signalPending = new AtomicBoolean();
  private final List<SchedEntity> tasks = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();
  private final Scheduler scheduler;
  private final RemoteCalls calls;

  RemoteCallsTest() {
    scheduler = new Scheduler(cluster.sim, List.of(cluster.machine.hart(1)), 3 * MS, 1_400_000L);
    for (Cpu c : scheduler.cpus()) {
      cluster.sim.attach(c.hart().id(), c);
    }
    scheduler.setHooks(e -> signalPending.get(), (e, ex) -> failures.add(ex));
    cluster.checkInAll();
    calls = new RemoteCalls(cluster.get(0), scheduler);
  }

  /** Runs body as a task of kernel 0 and the machine until nothing is left to do. */
  private SchedEntity runTask(Runnable body) {
    SchedEntity t = new SchedEntity("task", "task 1", scheduler.allCpusMask(), ps -> {});
    t.setStack(new KernelStack(new KernelStack.Group(), "remote-call", body));
    tasks.add(t);
    scheduler.admit(t, cluster.sim.now());
    cluster.sim.run(cluster.sim.now() + 100 * MS, Long.MAX_VALUE);
    return t;
  }

  @AfterEach
  void discard() throws Throwable {
    tasks.forEach(t -> t.stack().discard());
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  @Test
  void theCallReturnsTheReplyOfTheOtherKernel() {
    cluster
        .get(1)
        .handle(
            TestBlob.BLOB,
            in ->
                cluster
                    .get(1)
                    .reply(in, new TestBlob(((TestBlob) in.message()).tag() + 1, new byte[0])));
    KernelMessage[] got = new KernelMessage[1];
    runTask(() -> got[0] = calls.call(1, new TestBlob(41, new byte[] {1, 2, 3})));
    assertEquals(new TestBlob(42, new byte[0]), got[0]);
  }

  @Test
  void aPeerGoingDownEndsTheWaitWithEhostdown() {
    cluster.get(1).handle(TestBlob.BLOB, in -> {}); // never answers
    cluster.at(cluster.sim.now() + 2 * MS, () -> cluster.get(0).markDown(1));
    int[] errno = new int[1];
    long[] wokeAt = new long[1];
    runTask(
        () -> {
          try {
            calls.call(1, new TestBlob(1, new byte[0]));
          } catch (ErrnoException e) {
            errno[0] = e.errno();
            wokeAt[0] = scheduler.now();
          }
        });
    assertEquals(Errno.EHOSTDOWN, errno[0]);
    assertTrue(wokeAt[0] >= 2 * MS, "woke before the peer went down: " + wokeAt[0]);
  }

  @Test
  void aSignalInterruptsTheWaitAndTheLateReplyIsDropped() {
    List<dev.popcornj.kernel.msg.Incoming> held = new ArrayList<>();
    cluster.get(1).handle(TestBlob.BLOB, held::add);
    SchedEntity[] task = new SchedEntity[1];
    cluster.at(
        cluster.sim.now() + 2 * MS,
        () -> {
          signalPending.set(true);
          scheduler.wake(task[0], cluster.sim.now());
        });
    cluster.at(
        cluster.sim.now() + 4 * MS,
        () -> cluster.get(1).reply(held.getFirst(), new TestBlob(9, new byte[0])));
    int[] errno = new int[1];
    task[0] = new SchedEntity("task", "task 1", scheduler.allCpusMask(), ps -> {});
    task[0].setStack(
        new KernelStack(
            new KernelStack.Group(),
            "remote-call",
            () -> {
              try {
                calls.call(1, new TestBlob(1, new byte[0]));
              } catch (ErrnoException e) {
                errno[0] = e.errno();
              }
            }));
    tasks.add(task[0]);
    scheduler.admit(task[0], cluster.sim.now());
    cluster.sim.run(cluster.sim.now() + 100 * MS, Long.MAX_VALUE);
    assertEquals(Errno.ERESTARTSYS, errno[0]);
    assertEquals(1, held.size(), "the request reached kernel 1");
    assertEquals(0, cluster.get(0).pendingRequests(), "the abandoned request is forgotten");
    assertEquals(1, cluster.get(0).strayReplies(), "the late reply is dropped as a stray");
  }
}
