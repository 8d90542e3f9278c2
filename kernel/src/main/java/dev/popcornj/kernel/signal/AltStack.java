package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;

/**
 * A thread's alternate signal stack (sigaltstack): where handlers installed with SA_ONSTACK run.
 * Kept per thread; fork copies it, exec and a thread-creating clone start without one.
 *
 * <p>Owned by the kernel instance that runs the thread.
 */
public final class AltStack {
  private long sp;
  private long size;
  private int flags = Signals.SS_DISABLE;

  /** A stack as another kernel had it (a migrating thread's), fields as they were stored. */
  public static AltStack restore(long sp, long size, int flags) {
    AltStack a = new AltStack();
    a.sp = sp;
    a.size = size;
    a.flags = flags;
    return a;
  }

  public long sp() {
    return sp;
  }

  public long size() {
    return size;
  }

  /** The flags as stored (SS_DISABLE, or 0 plus possibly SS_AUTODISARM). */
  public int storedFlags() {
    return flags;
  }

  /** The first address above the stack, where a frame pushed on it starts below. */
  public long top() {
    return sp + size;
  }

  /**
   * True when userSp lies on this stack. Never true for an SS_AUTODISARM stack, which by
   * construction a handler only runs on while it is disarmed (Linux's on_sig_stack).
   */
  public boolean onStack(long userSp) {
    if ((flags & Signals.SS_AUTODISARM) != 0) {
      return false;
    }
    return Long.compareUnsigned(userSp, sp) > 0 && Long.compareUnsigned(userSp - sp, size) <= 0;
  }

  /** ss_flags as sigaltstack and a signal frame report them for a thread whose sp is userSp. */
  public int reportedFlags(long userSp) {
    int state = size == 0 ? Signals.SS_DISABLE : onStack(userSp) ? Signals.SS_ONSTACK : 0;
    return state | (flags & Signals.SS_AUTODISARM);
  }

  /**
   * True when a handler with SA_ONSTACK should get its frame at {@link #top()}: a stack is set up
   * and the thread is not on it already.
   */
  public boolean shouldSwitchTo(long userSp) {
    return size != 0 && !onStack(userSp);
  }

  /**
   * Changes the stack as sigaltstack(ss) does for a thread whose sp is userSp: 0, or -EPERM while
   * running on it, -EINVAL for a bad mode, -ENOMEM when smaller than minSize.
   */
  public int set(long newSp, int newFlags, long newSize, long userSp, long minSize) {
    if (onStack(userSp)) {
      return -Errno.EPERM;
    }
    int mode = newFlags & ~Signals.SS_AUTODISARM;
    if (mode != Signals.SS_DISABLE && mode != Signals.SS_ONSTACK && mode != 0) {
      return -Errno.EINVAL;
    }
    if (sp == newSp && size == newSize && flags == newFlags) {
      return 0;
    }
    if (mode == Signals.SS_DISABLE) {
      newSp = 0;
      newSize = 0;
    } else if (Long.compareUnsigned(newSize, minSize) < 0) {
      return -Errno.ENOMEM;
    }
    sp = newSp;
    size = newSize;
    flags = newFlags;
    return 0;
  }

  /** Forgets the stack (exec, a new thread, and SS_AUTODISARM when a handler starts on it). */
  public void reset() {
    sp = 0;
    size = 0;
    flags = Signals.SS_DISABLE;
  }

  public AltStack copy() {
    AltStack c = new AltStack();
    c.sp = sp;
    c.size = size;
    c.flags = flags;
    return c;
  }
}
