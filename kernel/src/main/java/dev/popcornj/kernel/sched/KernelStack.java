package dev.popcornj.kernel.sched;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The kernel stack of one task: a Java virtual thread that runs the task's kernel code (and its
 * user code, through the hart) only while it holds the baton. The CPU that schedules the task hands
 * the baton over with {@link #resume()} and waits until the task hands it back, saying why: its
 * slice ended, it went to sleep, it exited, or kernel code failed. Exactly one of the CPU loop and
 * the task threads runs at any moment, in the order the simulation decides, so blocking kernel code
 * keeps the machine deterministic.
 *
 * <p>Owned by its task; {@link #resume()} is called by the simulation thread only.
 */
public final class KernelStack {
  /** Why a task handed the baton back. */
  public enum Yield {
    /** The hart reached the end of the CPU's slice: the CPU may run something else. */
    SLICE_END,
    /** The task went to sleep; it is on a wait queue or a timer. */
    BLOCKED,
    /** The task is gone; its thread has ended. */
    EXITED,
    /** Kernel code running for the task threw: a kernel bug, which panics the kernel. */
    FAILED
  }

  /** Thrown inside a task thread when the kernel shuts down while the task waits for the baton. */
  public static final class Shutdown extends RuntimeException {
    Shutdown() {
      super("kernel shut down", null, false, false);
    }
  }

  /**
   * The live kernel stacks of one kernel, so that its shutdown ends every one of them, also a
   * task's that is in no process table any more (one on its way to another kernel when the machine
   * stopped). Without it such a parked thread would keep the whole kernel reachable. Changed only
   * by the thread holding the baton (the simulation thread, or a task's thread as its body ends).
   */
  public static final class Group {
    private final Set<KernelStack> live = Collections.newSetFromMap(new IdentityHashMap<>());

    /** How many stacks have not ended yet. */
    public int size() {
      return live.size();
    }

    /** Ends every stack not ended yet: the kernel is done. */
    public void discardAll() {
      for (KernelStack s : new ArrayList<>(live)) {
        s.discard();
      }
      live.clear();
    }
  }

  private final Semaphore toTask = new Semaphore(0);
  private final Semaphore toCpu = new Semaphore(0);
  private final Thread thread;
  private Yield reason;
  private Throwable failure;

  /**
   * Creates the stack, one of group's until it ends; body runs on it the first time the task is
   * resumed.
   */
  public KernelStack(Group group, String name, Runnable body) {
    group.live.add(this);
    this.thread =
        Thread.ofVirtual()
            .name(name)
            .unstarted(
                () -> {
                  try {
                    toTask.acquire();
                    body.run();
                    group.live.remove(this);
                    handBack(Yield.EXITED);
                  } catch (InterruptedException | Shutdown e) {
                    // The kernel is gone; nothing waits for this task any more.
                  } catch (Throwable t) {
                    group.live.remove(this);
                    failure = t;
                    handBack(Yield.FAILED);
                  }
                });
    thread.start();
  }

  /** Runs the task until it hands the baton back; returns why. Simulation thread only. */
  public Yield resume() {
    toTask.release();
    toCpu.acquireUninterruptibly();
    return reason;
  }

  /**
   * Task side: hands the baton back for reason and waits until resumed again.
   *
   * @throws Shutdown when the kernel shut down meanwhile
   */
  public void yieldToCpu(Yield why) {
    handBack(why);
    try {
      toTask.acquire();
    } catch (InterruptedException e) {
      throw new Shutdown();
    }
  }

  private void handBack(Yield why) {
    reason = why;
    toCpu.release();
  }

  /** What kernel code threw, when the last yield was {@link Yield#FAILED}. */
  public Throwable failure() {
    return failure;
  }

  /** Ends the thread of a task that will never run again (kernel shut down or panicked). */
  public void discard() {
    thread.interrupt();
  }
}
