package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.SigactionDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.UtsnameDescriptor;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Process;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The process system calls: exit, identity, signals (recorded; a delivered signal that is not
 * ignored ends the process), resource limits, uname, getrandom, the robust-list and thread-id
 * bookkeeping glibc does at start-up, and futex for a process with a single thread.
 */
final class ProcessCalls {
  /** getppid: the process was started from outside the machine, as if by init. */
  static final int PARENT_PID = 1;

  /** What uname reports; glibc only needs a release newer than its minimum (3.2 for riscv64). */
  static final String SYSNAME = "Linux";

  static final String NODENAME = "popcorn";
  static final String RELEASE = "6.1.0";
  static final String VERSION = "#1 SMP PopcornJ";
  static final String MACHINE = "riscv64";
  static final String DOMAINNAME = "(none)";

  private static final int ROBUST_LIST_HEAD_LENGTH = 24;
  private static final int FUTEX_CMD_MASK = 0x7f;
  private static final int FUTEX_WAIT = 0;
  private static final int FUTEX_WAKE = 1;
  private static final int FUTEX_REQUEUE = 3;
  private static final int FUTEX_CMP_REQUEUE = 4;
  private static final int FUTEX_WAKE_OP = 5;
  private static final int FUTEX_WAIT_BITSET = 9;
  private static final int FUTEX_WAKE_BITSET = 10;
  private static final int GRND_ALL = 1 | 2 | 4;
  private static final int GETRANDOM_MAX = (1 << 25) - 1;
  private static final int PR_SET_NAME = 15;
  private static final int PR_GET_NAME = 16;
  private static final int TASK_COMM_LEN = 16;
  private static final int STACK_T_LENGTH = 24;
  private static final int SS_DISABLE = 2;

  private final Process process;
  private final UserMemory memory;
  private final VirtualClock clock;
  private byte[] comm;

  ProcessCalls(Process process, VirtualClock clock, String name) {
    this.process = process;
    this.memory = process.memory();
    this.clock = clock;
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    this.comm = Arrays.copyOf(n, Math.min(n.length, TASK_COMM_LEN - 1));
  }

  long exit(long code) {
    process.exit(code);
    return 0;
  }

  long setTidAddress(long addr) {
    process.setClearChildTid(addr);
    return process.pid();
  }

  long setRobustList(long head, long length) {
    if (length != ROBUST_LIST_HEAD_LENGTH) {
      return -Errno.EINVAL;
    }
    process.setRobustList(head);
    return 0;
  }

  /**
   * futex with one thread: a wake finds nobody, and a wait either fails because the value changed
   * or, with a timeout, sleeps it out. A wait with no timeout and the expected value could never
   * end, so the process is killed with a diagnostic rather than hanging the run.
   */
  long futex(long uaddr, long op, long val, long timeout, Diagnostics diagnostics) {
    int cmd = (int) (op & FUTEX_CMD_MASK);
    switch (cmd) {
      case FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
        return 0;
      }
      case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
        if ((uaddr & 3) != 0) {
          return -Errno.EINVAL;
        }
        int current = memory.read32(uaddr);
        if (current != (int) val) {
          return -Errno.EAGAIN;
        }
        if (timeout == 0) {
          diagnostics.report("futex wait with no other thread to wake it: the program would hang");
          process.kill(Signals.SIGKILL, "deadlock in futex wait");
          return 0;
        }
        long ps = TimeCalls.readTimespecPs(memory, timeout);
        if (ps < 0) {
          return -Errno.EINVAL;
        }
        if (cmd == FUTEX_WAIT_BITSET) {
          ps = Math.max(0, ps - clock.nowPs());
        }
        clock.idle(ps);
        return -Errno.ETIMEDOUT;
      }
      default -> {
        return -Errno.ENOSYS;
      }
    }
  }

  long getpid() {
    return process.pid();
  }

  long getppid() {
    return PARENT_PID;
  }

  long uid() {
    return Process.UID;
  }

  long gid() {
    return Process.GID;
  }

  long uname(long buf) {
    byte[] u = new byte[UtsnameDescriptor.LENGTH];
    put(u, UtsnameDescriptor.SYSNAME, SYSNAME);
    put(u, UtsnameDescriptor.NODENAME, NODENAME);
    put(u, UtsnameDescriptor.RELEASE, RELEASE);
    put(u, UtsnameDescriptor.VERSION, VERSION);
    put(u, UtsnameDescriptor.MACHINE, MACHINE);
    put(u, UtsnameDescriptor.DOMAINNAME, DOMAINNAME);
    memory.write(buf, u);
    return 0;
  }

  private static void put(byte[] u, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, u, at, Math.min(b.length, UtsnameDescriptor.FIELD_LENGTH - 1));
  }

  long prlimit(long pid, long resource, long newLimit, long oldLimit) {
    if (pid != 0 && pid != process.pid()) {
      return -Errno.ESRCH;
    }
    if (resource < 0 || resource >= RlimitDescriptor.RLIM_NLIMITS) {
      return -Errno.EINVAL;
    }
    long cur = 0;
    long max = 0;
    if (newLimit != 0) {
      cur = memory.read64(newLimit + RlimitDescriptor.CUR);
      max = memory.read64(newLimit + RlimitDescriptor.MAX);
      if (Long.compareUnsigned(cur, max) > 0) {
        return -Errno.EINVAL;
      }
      long[] old = process.limit((int) resource);
      if (Long.compareUnsigned(max, old[1]) > 0) {
        return -Errno.EPERM;
      }
    }
    if (oldLimit != 0) {
      long[] old = process.limit((int) resource);
      memory.write64(oldLimit + RlimitDescriptor.CUR, old[0]);
      memory.write64(oldLimit + RlimitDescriptor.MAX, old[1]);
    }
    if (newLimit != 0) {
      process.setLimit((int) resource, cur, max);
    }
    return 0;
  }

  long umask(long mask) {
    int old = process.umask();
    process.setUmask((int) mask);
    return old;
  }

  long prctl(long option, long arg2) {
    if (option == PR_SET_NAME) {
      byte[] name = new byte[TASK_COMM_LEN];
      int n = 0;
      while (n < TASK_COMM_LEN - 1) {
        byte[] c = memory.read(arg2 + n, 1);
        if (c[0] == 0) {
          break;
        }
        name[n++] = c[0];
      }
      comm = Arrays.copyOf(name, n);
      return 0;
    }
    if (option == PR_GET_NAME) {
      memory.write(arg2, Arrays.copyOf(comm, TASK_COMM_LEN));
      return 0;
    }
    return -Errno.EINVAL;
  }

  long getrandom(long buf, long length, long flags) {
    if ((flags & ~GRND_ALL) != 0) {
      return -Errno.EINVAL;
    }
    int n = (int) Math.min(Math.max(length, 0), GETRANDOM_MAX);
    byte[] b = process.entropy().bytes(n);
    memory.write(buf, b);
    return n;
  }

  long schedGetaffinity(long pid, long length, long mask) {
    if (pid != 0 && pid != process.pid()) {
      return -Errno.ESRCH;
    }
    if (length < 8 || (length & 7) != 0) {
      return -Errno.EINVAL;
    }
    memory.write64(mask, 1);
    return 8;
  }

  // --- signals

  long kill(long pid, long sig) {
    if (pid != process.pid() && pid != 0 && pid != -1 && pid != -process.pid()) {
      return -Errno.ESRCH;
    }
    return send(sig, "sent by kill");
  }

  long tgkill(long tgid, long tid, long sig) {
    if (tgid != process.pid() || tid != process.pid()) {
      return tgid <= 0 || tid <= 0 ? -Errno.EINVAL : -Errno.ESRCH;
    }
    return send(sig, "sent by tgkill");
  }

  long tkill(long tid, long sig) {
    if (tid != process.pid()) {
      return tid <= 0 ? -Errno.EINVAL : -Errno.ESRCH;
    }
    return send(sig, "sent by tkill");
  }

  private long send(long sig, String reason) {
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (sig != 0) {
      process.send((int) sig, reason);
    }
    return 0;
  }

  long rtSigaction(long sig, long act, long oldAct, long sigsetSize) {
    if (sigsetSize != Signals.SIGSET_SIZE || sig < 1 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (act != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
      return -Errno.EINVAL;
    }
    long handler = 0;
    long flags = 0;
    long mask = 0;
    if (act != 0) {
      handler = memory.read64(act + SigactionDescriptor.HANDLER);
      flags = memory.read64(act + SigactionDescriptor.FLAGS);
      mask = memory.read64(act + SigactionDescriptor.MASK);
    }
    if (oldAct != 0) {
      long[] old = process.action((int) sig);
      memory.write64(oldAct + SigactionDescriptor.HANDLER, old[0]);
      memory.write64(oldAct + SigactionDescriptor.FLAGS, old[1]);
      memory.write64(oldAct + SigactionDescriptor.MASK, old[2]);
    }
    if (act != 0) {
      process.setAction((int) sig, handler, flags, mask);
    }
    return 0;
  }

  long rtSigprocmask(long how, long set, long oldSet, long sigsetSize) {
    if (sigsetSize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    long old = process.blocked();
    long updated = old;
    if (set != 0) {
      long s = memory.read64(set);
      switch ((int) how) {
        case Signals.SIG_BLOCK -> updated = old | s;
        case Signals.SIG_UNBLOCK -> updated = old & ~s;
        case Signals.SIG_SETMASK -> updated = s;
        default -> {
          return -Errno.EINVAL;
        }
      }
    }
    if (oldSet != 0) {
      memory.write64(oldSet, old);
    }
    if (set != 0) {
      process.setBlocked(updated);
    }
    return 0;
  }

  long sigaltstack(long oldStack) {
    if (oldStack != 0) {
      byte[] st = new byte[STACK_T_LENGTH];
      st[8] = SS_DISABLE;
      memory.write(oldStack, st);
    }
    return 0;
  }
}
