package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SigactionDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import java.util.function.LongConsumer;

/**
 * The argument handling of the signal system calls (rt_sigaction, rt_sigprocmask, rt_sigpending,
 * sigaltstack) over the signal state objects, in the order Linux checks things so that the errno
 * for a call with several faults is Linux's. Results are 0 or -errno.
 */
public final class SignalCalls {
  private SignalCalls() {}

  /**
   * rt_sigaction(sig, act, oact, sigsetsize). After a successful call that installed an action the
   * caller discards pending instances of sig in every thread of the group when {@link
   * SigActions#ignores} now holds for it, as POSIX requires.
   */
  public static long rtSigaction(
      SigActions actions, long sig, long act, long oact, long sigsetsize, UserMemory mem) {
    if (sigsetsize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    SigAction wanted = null;
    try {
      if (act != 0) {
        wanted =
            new SigAction(
                mem.read64(act + SigactionDescriptor.HANDLER),
                mem.read64(act + SigactionDescriptor.FLAGS),
                mem.read64(act + SigactionDescriptor.MASK));
      }
    } catch (BadAddressException e) {
      return -Errno.EFAULT;
    }
    int s = (int) sig;
    if (s != sig || s < 1 || s > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (wanted != null && (s == Signals.SIGKILL || s == Signals.SIGSTOP)) {
      return -Errno.EINVAL;
    }
    SigAction old = actions.get(s);
    if (wanted != null) {
      actions.set(s, wanted);
    }
    if (oact != 0) {
      try {
        mem.write64(oact + SigactionDescriptor.HANDLER, old.handler());
        mem.write64(oact + SigactionDescriptor.FLAGS, old.flags() & Signals.SA_KNOWN_FLAGS);
        mem.write64(oact + SigactionDescriptor.MASK, old.mask());
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }

  /**
   * rt_sigprocmask(how, set, oldset, sigsetsize) for a thread whose mask is blocked; install
   * receives the new mask (without SIGKILL and SIGSTOP). As in Linux the new mask is installed
   * before oldset is written, so a bad oldset gives -EFAULT with the mask changed.
   */
  public static long rtSigprocmask(
      long blocked,
      long how,
      long set,
      long oldset,
      long sigsetsize,
      UserMemory mem,
      LongConsumer install) {
    if (sigsetsize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    if (set != 0) {
      long s;
      try {
        s = mem.read64(set) & ~Signals.UNBLOCKABLE;
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
      long updated;
      if (how == Signals.SIG_BLOCK) {
        updated = blocked | s;
      } else if (how == Signals.SIG_UNBLOCK) {
        updated = blocked & ~s;
      } else if (how == Signals.SIG_SETMASK) {
        updated = s;
      } else {
        return -Errno.EINVAL;
      }
      install.accept(updated);
    }
    if (oldset != 0) {
      try {
        mem.write64(oldset, blocked);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }

  /**
   * rt_sigpending(set, sigsetsize): the signals pending for the thread or its group that are
   * blocked. Linux accepts any sigsetsize up to 8 here and writes that many bytes.
   */
  public static long rtSigpending(
      long pendingMask, long blocked, long setPtr, long sigsetsize, UserMemory mem) {
    if (Long.compareUnsigned(sigsetsize, Signals.SIGSET_SIZE) > 0) {
      return -Errno.EINVAL;
    }
    long set = pendingMask & blocked;
    byte[] b = new byte[(int) sigsetsize];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (set >>> (8 * i));
    }
    try {
      mem.write(setPtr, b);
    } catch (BadAddressException e) {
      return -Errno.EFAULT;
    }
    return 0;
  }

  /**
   * sigaltstack(ss, oss) for a thread whose sp is userSp. The old settings are taken before the
   * change and written after it, as Linux does.
   */
  public static long sigaltstack(AltStack alt, long ss, long oss, long userSp, UserMemory mem) {
    long oldSp = alt.sp();
    long oldSize = alt.size();
    int oldFlags = alt.reportedFlags(userSp);
    if (ss != 0) {
      long sp;
      int flags;
      long size;
      try {
        sp = mem.read64(ss + StackDescriptor.SP);
        flags = mem.read32(ss + StackDescriptor.FLAGS);
        size = mem.read64(ss + StackDescriptor.SIZE);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
      int r = alt.set(sp, flags, size, userSp, Signals.MINSIGSTKSZ);
      if (r != 0) {
        return r;
      }
    }
    if (oss != 0) {
      try {
        mem.write64(oss + StackDescriptor.SP, oldSp);
        mem.write64(oss + StackDescriptor.FLAGS, oldFlags & 0xffff_ffffL);
        mem.write64(oss + StackDescriptor.SIZE, oldSize);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }
}
