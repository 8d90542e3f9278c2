package dev.popcornj.kernel.abi;

/**
 * Linux error numbers (asm-generic/errno-base.h and errno.h), as the positive values a system call
 * negates into a0.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOTTY = 25;
  public static final int ESPIPE = 29;
  public static final int EPIPE = 32;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ETIMEDOUT = 110;

  private Errno() {}

  /**
   * Kernel-internal (never seen by a program): a wait was interrupted by a signal; the call is
   * restarted when the handler has SA_RESTART, and fails with EINTR otherwise.
   */
  public static final int ERESTARTSYS = 512;
}
