package dev.popcornj.kernel.services;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.PendingReply;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.msg.RequestFailedException;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;

/**
 * Blocking requests to other kernels from kernel code running on a task's kernel stack: send, then
 * sleep until the reply comes, the peer goes down, or a signal interrupts the sleep, as Linux's
 * wait_event_interruptible. This is what remote system calls, page requests and migration wait
 * with.
 *
 * <pre>
 *   task (kernel A)                  A's poll                        kernel B
 *   call(B, req) ── request ──────────────────────────────────────▶ handler ── reply ──┐
 *     sleeps on a wait queue ◀── PendingReply done: wake ◀── response ◀─────────────────┘
 *       woken early by a signal: ERESTARTSYS; B marked down: EHOSTDOWN; B answered errno: errno
 * </pre>
 *
 * <p>Owned by one kernel instance.
 */
public final class RemoteCalls {
  private final Endpoint endpoint;
  private final Scheduler scheduler;

  public RemoteCalls(Endpoint endpoint, Scheduler scheduler) {
    this.endpoint = endpoint;
    this.scheduler = scheduler;
  }

  /**
   * Sends request to kernel k and waits for its reply.
   *
   * @throws ErrnoException EHOSTDOWN when k is or goes down before it answers, ERESTARTSYS when a
   *     signal (or the end of the task's group) interrupts the wait (the request is abandoned and a
   *     late reply is dropped), EMSGSIZE when the request cannot be carried, or the errno k
   *     answered with
   */
  public KernelMessage call(int k, KernelMessage request) {
    return call(k, Priority.NORMAL, request);
  }

  public KernelMessage call(int k, Priority priority, KernelMessage request) {
    PendingReply reply = endpoint.request(k, priority, request);
    if (!reply.isDone()) {
      WaitQueue done = new WaitQueue(scheduler);
      reply.whenDone(done::wakeAll);
      Scheduler.WaitResult r = scheduler.waitOn(done, reply::isDone, Scheduler.FOREVER);
      if (r != Scheduler.WaitResult.READY) {
        endpoint.abandon(reply);
        throw new ErrnoException(Errno.ERESTARTSYS);
      }
    }
    try {
      return reply.await(p -> {});
    } catch (RequestFailedException e) {
      throw new ErrnoException(e.errno());
    }
  }
}
