package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Epoll;
import dev.popcornj.kernel.abi.EpollDescriptor;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.EpollInstance;
import dev.popcornj.kernel.fs.EpollItem;
import dev.popcornj.kernel.fs.EventFd;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.MemDevice;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Scheduler;

/**
 * eventfd2, epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2, after Linux's fs/eventfd.c and
 * fs/eventpoll.c, with the checks in Linux's order. The state machine is {@link EpollInstance}'s;
 * this class reads arguments, checks them, and runs ep_poll's wait: harvest the ready list, and
 * when it gives nothing sleep as an exclusive waiter of the instance (one wake rouses one waiter)
 * until a wake, a signal (-EINTR, which epoll_wait never restarts) or the virtual-time deadline.
 *
 * <p>Owned by one kernel instance; each call runs on the calling task's kernel stack.
 */
final class EpollCalls {
  private static final long PS_PER_MS = 1_000_000_000L;

  /** /dev/random's minor: the one memory device with a poll operation (random_poll). */
  private static final long RANDOM_MINOR = 8;

  private final Scheduler scheduler;
  private final Signalling signals;

  EpollCalls(Scheduler scheduler, Signalling signals) {
    this.scheduler = scheduler;
    this.signals = signals;
  }

  // --- eventfd2

  /** eventfd2(initval, flags): EINVAL for an unknown flag, EMFILE when no descriptor is free. */
  long eventfd2(Task t, long initval, long flags) {
    int f = (int) flags;
    if ((f & ~(Epoll.EFD_SEMAPHORE | Epoll.EFD_CLOEXEC | Epoll.EFD_NONBLOCK)) != 0) {
      return -Errno.EINVAL;
    }
    OpenFile file = EventFd.open(scheduler, initval & 0xffff_ffffL, f);
    return install(t, file, (f & Epoll.EFD_CLOEXEC) != 0);
  }

  // --- epoll_create1

  /** epoll_create1(flags): EINVAL for any flag but EPOLL_CLOEXEC. */
  long epollCreate1(Task t, long flags) {
    int f = (int) flags;
    if ((f & ~Epoll.EPOLL_CLOEXEC) != 0) {
      return -Errno.EINVAL;
    }
    return install(t, EpollInstance.open(scheduler), f != 0);
  }

  private static long install(Task t, OpenFile file, boolean cloexec) {
    int fd = t.process().files().install(file, 0, cloexec);
    if (fd < 0) {
      file.release();
      return -Errno.EMFILE;
    }
    return fd;
  }

  // --- epoll_ctl

  /**
   * epoll_ctl(epfd, op, fd, event), in do_epoll_ctl's order: EFAULT reading the event (every op but
   * DEL reads it), EBADF for either descriptor, EPERM for a file without a poll operation, EINVAL
   * for a non-epoll epfd, the epoll itself as target, or EPOLLEXCLUSIVE misused, ELOOP for a
   * nesting that loops or goes too deep, then EEXIST, ENOENT or EINVAL for the op.
   */
  long epollCtl(Task t, long epfd, long opArg, long fdArg, long event) {
    int op = (int) opArg;
    int fd = (int) fdArg;
    int events = 0;
    long data = 0;
    if (op != Epoll.EPOLL_CTL_DEL) {
      byte[] raw;
      try {
        raw = t.process().memory().read(event, EpollDescriptor.LENGTH);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
      events = LittleEndian.get32(raw, EpollDescriptor.EVENTS);
      data =
          (LittleEndian.get32(raw, EpollDescriptor.DATA) & 0xffff_ffffL)
              | (long) LittleEndian.get32(raw, EpollDescriptor.DATA + 4) << 32;
    }
    FileTable files = t.process().files();
    OpenFile epFile = fdget(files, (int) epfd);
    if (epFile == null) {
      return -Errno.EBADF;
    }
    OpenFile target = fdget(files, fd);
    if (target == null) {
      return -Errno.EBADF;
    }
    if (!canPoll(target)) {
      return -Errno.EPERM;
    }
    EpollInstance ep = EpollInstance.of(epFile);
    if (epFile == target || ep == null) {
      return -Errno.EINVAL;
    }
    EpollInstance nested = EpollInstance.of(target);
    if (op != Epoll.EPOLL_CTL_DEL && (events & Epoll.EPOLLEXCLUSIVE) != 0) {
      if (op == Epoll.EPOLL_CTL_MOD) {
        return -Errno.EINVAL;
      }
      if (op == Epoll.EPOLL_CTL_ADD
          && (nested != null || (events & ~Epoll.EXCLUSIVE_OK_BITS) != 0)) {
        return -Errno.EINVAL;
      }
    }
    if (op == Epoll.EPOLL_CTL_ADD && nested != null && ep.loopOrTooDeep(nested)) {
      return -Errno.ELOOP;
    }
    EpollItem item = ep.find(target, fd);
    switch (op) {
      case Epoll.EPOLL_CTL_ADD -> {
        if (item != null) {
          return -Errno.EEXIST;
        }
        ep.insert(target, fd, events, data);
        return 0;
      }
      case Epoll.EPOLL_CTL_DEL -> {
        if (item == null) {
          return -Errno.ENOENT;
        }
        ep.remove(item);
        return 0;
      }
      case Epoll.EPOLL_CTL_MOD -> {
        return item == null ? -Errno.ENOENT : ep.modify(item, events, data);
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
  }

  /** fdget: the open file on fd, none for a closed descriptor or an O_PATH file. */
  private static OpenFile fdget(FileTable files, int fd) {
    OpenFile f = files.get(fd);
    return f == null || f.isPath() ? null : f;
  }

  /**
   * file_can_poll: whether the file has a poll operation. Pipes, sockets, terminals, eventfds,
   * epoll files and /dev/random do; regular files, directories, symbolic links, procfs files and
   * the other memory devices (null, zero, full, urandom) do not.
   */
  static boolean canPoll(OpenFile f) {
    if (f.pipe() != null || f.inode() instanceof OpenFile.Operations) {
      return true;
    }
    CharDevice d = f.device();
    if (d == null) {
      return false;
    }
    return !(d instanceof MemDevice) || (d.rdev() & 0xff) == RANDOM_MINOR;
  }

  // --- epoll_pwait, epoll_pwait2

  /**
   * epoll_pwait(epfd, events, maxevents, timeout ms, sigmask, sigsetsize); a negative timeout waits
   * for ever.
   */
  long epollPwait(
      Task t, long epfd, long events, long maxevents, long timeout, long sigmask, long size) {
    int ms = (int) timeout;
    long deadline;
    if (ms < 0) {
      deadline = Scheduler.FOREVER;
    } else {
      deadline = scheduler.now() + ms * PS_PER_MS;
    }
    return doEpollPwait(t, (int) epfd, events, (int) maxevents, ms == 0, deadline, sigmask, size);
  }

  /**
   * epoll_pwait2: the timeout is a timespec (EFAULT, EINVAL), null for ever; nothing is written
   * back.
   */
  long epollPwait2(
      Task t, long epfd, long events, long maxevents, long tsp, long sigmask, long size) {
    boolean zero = false;
    long deadline = Scheduler.FOREVER;
    if (tsp != 0) {
      long ps;
      try {
        ps = TimeCalls.readTimespecPs(t.process().memory(), tsp);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
      if (ps < 0) {
        return -Errno.EINVAL;
      }
      zero = ps == 0;
      long now = scheduler.now();
      deadline = now + ps;
      if (deadline < now || deadline == Scheduler.FOREVER) {
        deadline = Scheduler.FOREVER - 1;
      }
    }
    return doEpollPwait(t, (int) epfd, events, (int) maxevents, zero, deadline, sigmask, size);
  }

  /**
   * do_epoll_pwait: the temporary mask goes in first (EINVAL for a size but sigset_t's, EFAULT),
   * then do_epoll_wait; the old mask comes back at once unless the call was interrupted, when it
   * comes back after the handler ran (restore_saved_sigmask_unless).
   */
  private long doEpollPwait(
      Task t,
      int epfd,
      long events,
      int maxevents,
      boolean zero,
      long deadline,
      long sigmask,
      long size) {
    boolean swapped = false;
    long old = 0;
    if (sigmask != 0) {
      if (size != Signals.SIGSET_SIZE) {
        return -Errno.EINVAL;
      }
      long mask;
      try {
        mask = t.process().memory().read64(sigmask);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
      old = t.blocked();
      t.setBlocked(Signalling.blockable(mask));
      swapped = true;
    }
    long ret = doEpollWait(t, epfd, events, maxevents, zero, deadline);
    if (swapped) {
      if (ret == -Errno.EINTR) {
        t.setSavedMaskForSuspend(old);
      } else {
        t.setBlocked(old);
      }
    }
    return ret;
  }

  /**
   * do_epoll_wait: EINVAL for maxevents out of 1..EP_MAX_EVENTS, EFAULT for a buffer outside user
   * space (access_ok; an unmapped one faults only when an event is written), EBADF, EINVAL for a
   * file that is not an epoll instance; then ep_poll.
   */
  private long doEpollWait(
      Task t, int epfd, long events, int maxevents, boolean zero, long deadline) {
    if (maxevents <= 0 || maxevents > Epoll.MAX_EVENTS) {
      return -Errno.EINVAL;
    }
    if (!MemoryLayout.isUserRange(events, (long) maxevents * EpollDescriptor.LENGTH)) {
      return -Errno.EFAULT;
    }
    OpenFile f = fdget(t.process().files(), epfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    EpollInstance ep = EpollInstance.of(f);
    if (ep == null) {
      return -Errno.EINVAL;
    }
    // fdget's reference: a thread closing epfd meanwhile does not end the instance under the wait.
    f.retain();
    try {
      return epPoll(t, ep, t.process().memory(), events, maxevents, zero, deadline);
    } finally {
      f.release();
    }
  }

  /**
   * ep_poll: harvest what the ready list holds; with nothing to report, 0 if the time is up, -EINTR
   * if a signal is pending, else sleep until a wake puts something on the list, a signal comes or
   * the deadline passes, and look again. A zero timeout never sleeps.
   */
  private long epPoll(
      Task t,
      EpollInstance ep,
      UserMemory m,
      long events,
      int maxevents,
      boolean zero,
      long deadline) {
    Scheduler s = scheduler;
    EpollInstance.EventSink sink =
        (i, revents, data) -> {
          long at = events + (long) i * EpollDescriptor.LENGTH;
          try {
            m.write32(at + EpollDescriptor.EVENTS, revents);
            m.write64(at + EpollDescriptor.DATA, data);
            return true;
          } catch (BadAddressException e) {
            return false;
          }
        };
    boolean timedOut = zero;
    boolean available = ep.eventsAvailable();
    while (true) {
      if (available) {
        int res = ep.sendEvents(maxevents, sink);
        if (res != 0) {
          return res;
        }
      }
      if (timedOut) {
        return 0;
      }
      if (signals.mustInterrupt(t)) {
        return -Errno.EINTR;
      }
      if (!ep.eventsAvailable()) {
        EpollInstance.Waiter w = ep.addWaiter();
        Scheduler.WaitResult r;
        try {
          r = s.waitOn(w.queue(), w::woken, deadline);
        } finally {
          ep.removeWaiter(w);
        }
        if (r == Scheduler.WaitResult.TIMED_OUT) {
          timedOut = true;
          // Woken just as the time ran out: there are events to harvest all the same.
          available = w.woken();
          continue;
        }
      }
      available = true;
    }
  }
}
