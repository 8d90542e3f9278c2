package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.PollDescriptor;
import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.TimeDescriptor;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Scheduler;

/**
 * ppoll and pselect6, after Linux's fs/select.c: each pass asks every file for its readiness
 * ({@link OpenFile#poll}); when none is ready the task sleeps on a {@link PollTable} that the
 * files' wait queues wake, until one changes, a signal arrives or the virtual-time deadline passes.
 * Both calls may run with a temporary signal mask, kept through a handler as rt_sigsuspend's is,
 * and return -ERESTARTNOHAND when a signal interrupts them. Both write the time left back into
 * their timespec (glibc's poll, ppoll and pselect hide that behind a copy; its select passes it
 * on).
 *
 * <p>Owned by one kernel instance; each call runs on the calling task's kernel stack.
 */
final class PollCalls {
  private static final long PS_PER_NS = 1_000;
  private static final long PS_PER_S = 1_000_000_000_000L;

  /** A bound on entries read at once, so an absurd rlimit cannot make a host array overflow. */
  private static final long MAX_POLL_FDS = 1 << 20;

  private final Scheduler scheduler;
  private final Signalling signals;

  PollCalls(Scheduler scheduler, Signalling signals) {
    this.scheduler = scheduler;
    this.signals = signals;
  }

  /**
   * A timeout argument: absent (wait for ever), zero (never wait, and nothing is written back), or
   * a virtual-time deadline (poll_select_set_timeout's end_time).
   */
  private record Timeout(boolean given, boolean zero, long deadlinePs) {
    static final Timeout NONE = new Timeout(false, false, Scheduler.FOREVER);
  }

  /** The body of ppoll or pselect6, run with the timeout read and the temporary mask in place. */
  private interface Body {
    long run(Timeout to);
  }

  /** One pass over the descriptors: how many are ready; table, when not null, collects queues. */
  private interface Pass {
    int run(PollTable table);
  }

  /** The temporary signal mask of a call, and what it replaced. */
  private record MaskSwap(boolean swapped, long old) {
    static final MaskSwap NONE = new MaskSwap(false, 0);
  }

  // --- ppoll

  /** ppoll(fds, nfds, tsp, sigmask, sigsetsize). */
  long ppoll(Task t, long fds, long nfds, long tsp, long sigmask, long sigsetSize) {
    UserMemory m = t.process().memory();
    return withTimeoutAndMask(
        t, m, tsp, sigmask, sigsetSize, to -> doPoll(t, m, fds, nfds & 0xffff_ffffL, to));
  }

  /** do_sys_poll: reads the pollfd array, waits, writes every revents back. */
  private long doPoll(Task t, UserMemory m, long fds, long nfds, Timeout to) {
    long limit = t.process().limit(RlimitDescriptor.RLIMIT_NOFILE)[0];
    if (Long.compareUnsigned(nfds, limit) > 0) {
      return -Errno.EINVAL;
    }
    if (nfds > MAX_POLL_FDS) {
      return -Errno.ENOMEM;
    }
    int n = (int) nfds;
    byte[] raw = n == 0 ? new byte[0] : m.read(fds, n * PollDescriptor.LENGTH);
    int[] fd = new int[n];
    int[] events = new int[n];
    short[] revents = new short[n];
    for (int i = 0; i < n; i++) {
      int at = i * PollDescriptor.LENGTH;
      fd[i] = LittleEndian.get32(raw, at + PollDescriptor.FD);
      events[i] = LittleEndian.get16(raw, at + PollDescriptor.EVENTS);
    }
    FileTable files = t.process().files();
    long count =
        waitUntilReady(
            t,
            to,
            table -> {
              int ready = 0;
              PollTable collect = table;
              for (int i = 0; i < n; i++) {
                int mask = pollOne(files, fd[i], events[i], collect);
                revents[i] = (short) mask;
                if (mask != 0) {
                  ready++;
                  // As Linux: once one is ready this call will not sleep, so stop subscribing.
                  collect = null;
                }
              }
              return ready;
            });
    for (int i = 0; i < n; i++) {
      m.write16(fds + (long) i * PollDescriptor.LENGTH + PollDescriptor.REVENTS, revents[i]);
    }
    return count;
  }

  /**
   * do_pollfd: a negative descriptor is skipped (0), one not open gives POLLNVAL, otherwise the
   * file's mask filtered by the events asked for, POLLERR and POLLHUP always included.
   */
  private static int pollOne(FileTable files, int fd, int events, PollTable table) {
    if (fd < 0) {
      return 0;
    }
    OpenFile f = pollable(files, fd);
    if (f == null) {
      return Poll.POLLNVAL;
    }
    int filter = events | Poll.POLLERR | Poll.POLLHUP;
    return f.poll(table) & filter;
  }

  /** The file fdget gives poll and select: none for a closed descriptor or an O_PATH file. */
  private static OpenFile pollable(FileTable files, long fd) {
    OpenFile f = files.get(fd);
    return f == null || f.isPath() ? null : f;
  }

  // --- pselect6

  /** pselect6(n, inp, outp, exp, tsp, sig) where sig points at {sigset_t *ss; size_t ss_len}. */
  long pselect6(Task t, long nArg, long inp, long outp, long exp, long tsp, long sig) {
    UserMemory m = t.process().memory();
    long sigmask = 0;
    long sigsetSize = 0;
    if (sig != 0) {
      sigmask = m.read64(sig + PollDescriptor.ARGPACK_SIGSET);
      sigsetSize = m.read64(sig + PollDescriptor.ARGPACK_SIZE);
    }
    return withTimeoutAndMask(
        t,
        m,
        tsp,
        sigmask,
        sigsetSize,
        to -> doSelect(t, m, (int) nArg, new long[] {inp, outp, exp}, to));
  }

  /**
   * core_sys_select: n is clipped to the size of the descriptor table, every descriptor in a set
   * must be open (EBADF), and the three result sets replace the caller's unless interrupted.
   */
  private long doSelect(Task t, UserMemory m, int nArg, long[] setAddrs, Timeout to) {
    if (nArg < 0) {
      return -Errno.EINVAL;
    }
    FileTable files = t.process().files();
    int n = Math.min(nArg, files.linuxMaxFds());
    int words = (n + PollDescriptor.FD_SET_WORD_BITS - 1) / PollDescriptor.FD_SET_WORD_BITS;
    long[][] sets = new long[3][];
    for (int s = 0; s < 3; s++) {
      sets[s] = readFdSet(m, setAddrs[s], words);
    }
    int max = maxSelectFd(files, n, sets);
    if (max < 0) {
      return max;
    }
    long[][] results = new long[3][words];
    int[] wanted = {Poll.SELECT_IN_SET, Poll.SELECT_OUT_SET, Poll.SELECT_EX_SET};
    long count =
        waitUntilReady(
            t,
            to,
            table -> {
              int ready = 0;
              PollTable collect = table;
              for (int fd = 0; fd < max; fd++) {
                int w = fd / PollDescriptor.FD_SET_WORD_BITS;
                long bit = 1L << (fd % PollDescriptor.FD_SET_WORD_BITS);
                if (((sets[0][w] | sets[1][w] | sets[2][w]) & bit) == 0) {
                  continue;
                }
                OpenFile f = pollable(files, fd);
                int mask = f == null ? Poll.POLLNVAL : f.poll(collect);
                for (int s = 0; s < 3; s++) {
                  if ((sets[s][w] & bit) != 0 && (mask & wanted[s]) != 0) {
                    results[s][w] |= bit;
                    ready++;
                    collect = null;
                  }
                }
              }
              return ready;
            });
    if (count < 0) {
      return count;
    }
    for (int s = 0; s < 3; s++) {
      if (setAddrs[s] != 0) {
        for (int w = 0; w < words; w++) {
          m.write64(setAddrs[s] + (long) w * PollDescriptor.FD_SET_WORD_BYTES, results[s][w]);
        }
      }
    }
    return count;
  }

  private static long[] readFdSet(UserMemory m, long addr, int words) {
    long[] set = new long[words];
    if (addr != 0 && words > 0) {
      byte[] raw = m.read(addr, words * PollDescriptor.FD_SET_WORD_BYTES);
      for (int w = 0; w < words; w++) {
        set[w] = LittleEndian.get64(raw, w * PollDescriptor.FD_SET_WORD_BYTES);
      }
    }
    return set;
  }

  /**
   * max_select_fd: -EBADF when a set names a descriptor that is not open (an O_PATH one counts as
   * open), else one more than the highest descriptor named in any set (0 when none is).
   */
  private static int maxSelectFd(FileTable files, int n, long[][] sets) {
    int max = 0;
    for (int fd = 0; fd < n; fd++) {
      int w = fd / PollDescriptor.FD_SET_WORD_BITS;
      long bit = 1L << (fd % PollDescriptor.FD_SET_WORD_BITS);
      if (((sets[0][w] | sets[1][w] | sets[2][w]) & bit) == 0) {
        continue;
      }
      if (!files.isOpen(fd)) {
        return -Errno.EBADF;
      }
      max = fd + 1;
    }
    return max;
  }

  // --- shared

  /**
   * do_poll and do_select's loop: a pass over the files, subscribing to their queues on the first
   * one; then, with nothing ready, -ERESTARTNOHAND if a signal is pending, 0 if the time is up, or
   * a sleep until a queue wakes, a signal comes or the deadline passes, and another pass. A zero
   * timeout makes one pass and never sleeps.
   */
  private long waitUntilReady(Task t, Timeout to, Pass pass) {
    Scheduler s = scheduler;
    PollTable table = new PollTable(s);
    boolean timedOut = to.zero();
    try {
      while (true) {
        table.clearTriggered();
        int ready = pass.run(timedOut ? null : table);
        table.stopCollecting();
        if (ready > 0) {
          return ready;
        }
        if (signals.mustInterrupt(t)) {
          return -Errno.ERESTARTNOHAND;
        }
        if (timedOut) {
          return 0;
        }
        Scheduler.WaitResult r = s.waitOn(table.queue(), table::triggered, to.deadlinePs());
        if (r == Scheduler.WaitResult.TIMED_OUT) {
          timedOut = true;
        }
      }
    } finally {
      table.release();
    }
  }

  /**
   * What ppoll and pselect6 share around their body, in Linux's order: the timespec is read
   * (EFAULT, EINVAL), the temporary mask installed (EINVAL for a size but sigset_t's, EFAULT), the
   * body run (a bad pointer in it is EFAULT), and poll_select_finish done.
   */
  private long withTimeoutAndMask(
      Task t, UserMemory m, long tsp, long sigmask, long sigsetSize, Body body) {
    Timeout to = readTimeout(m, tsp);
    if (to == null) {
      return -Errno.EINVAL;
    }
    if (sigmask != 0 && sigsetSize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    MaskSwap swap = swapMask(t, m, sigmask);
    long ret;
    try {
      ret = body.run(to);
    } catch (BadAddressException e) {
      ret = -Errno.EFAULT;
    }
    return finish(t, m, swap, tsp, to, ret);
  }

  /** A timeout argument; null when the timespec is not valid (EINVAL). */
  private Timeout readTimeout(UserMemory m, long tsp) {
    if (tsp == 0) {
      return Timeout.NONE;
    }
    long ps = TimeCalls.readTimespecPs(m, tsp);
    if (ps < 0) {
      return null;
    }
    if (ps == 0) {
      return new Timeout(true, true, scheduler.now());
    }
    long now = scheduler.now();
    long deadline = now + ps;
    if (deadline < now || deadline == Scheduler.FOREVER) {
      deadline = Scheduler.FOREVER - 1;
    }
    return new Timeout(true, false, deadline);
  }

  /** Installs the temporary mask, if any; a bad pointer throws before anything changed. */
  private static MaskSwap swapMask(Task t, UserMemory m, long sigmask) {
    if (sigmask == 0) {
      return MaskSwap.NONE;
    }
    long mask = m.read64(sigmask);
    long old = t.blocked();
    t.setBlocked(Signalling.blockable(mask));
    return new MaskSwap(true, old);
  }

  /**
   * poll_select_finish: the old mask comes back now, or, when a signal interrupted the call, after
   * its handler (as rt_sigsuspend's); the time left is written back unless there was no timeout or
   * a zero one. A timespec that cannot be written makes an interrupted call EINTR, not restarted.
   */
  private long finish(Task t, UserMemory m, MaskSwap swap, long tsp, Timeout to, long ret) {
    if (swap.swapped()) {
      if (ret == -Errno.ERESTARTNOHAND) {
        t.setSavedMaskForSuspend(swap.old());
      } else {
        t.setBlocked(swap.old());
      }
    }
    if (!to.given() || to.zero()) {
      return ret;
    }
    long left = Math.max(0, to.deadlinePs() - scheduler.now());
    try {
      m.write64(tsp + TimeDescriptor.SECONDS, left / PS_PER_S);
      m.write64(tsp + TimeDescriptor.FRACTION, (left % PS_PER_S) / PS_PER_NS);
    } catch (BadAddressException e) {
      return ret == -Errno.ERESTARTNOHAND ? -Errno.EINTR : ret;
    }
    return ret;
  }
}
