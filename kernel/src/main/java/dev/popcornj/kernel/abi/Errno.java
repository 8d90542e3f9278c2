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
  public static final int ENXIO = 6;
  public static final int E2BIG = 7;
  public static final int ENOEXEC = 8;
  public static final int EBADF = 9;
  public static final int ECHILD = 10;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int ENOTTY = 25;
  public static final int ETXTBSY = 26;
  public static final int EFBIG = 27;
  public static final int ENOSPC = 28;
  public static final int ESPIPE = 29;
  public static final int EROFS = 30;
  public static final int EMLINK = 31;
  public static final int EPIPE = 32;
  public static final int EDOM = 33;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int EPROTO = 71;
  public static final int EOVERFLOW = 75;
  public static final int EMSGSIZE = 90;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENOTSUP = 95;
  public static final int EOPNOTSUPP = 95;
  public static final int ETIMEDOUT = 110;
  public static final int EHOSTDOWN = 112;
  public static final int EHOSTUNREACH = 113;

  /** Names by number, from the constants above; an alias (ENOTSUP) gives way to Linux's name. */
  private static final java.util.Map<Integer, String> NAMES = names();

  private Errno() {}

  private static java.util.Map<Integer, String> names() {
    java.util.Map<Integer, String> names = new java.util.TreeMap<>();
    for (java.lang.reflect.Field f : Errno.class.getFields()) {
      String n = f.getName();
      if (f.getType() == int.class && n.startsWith("E") && !n.startsWith("ERESTART")) {
        try {
          int value = f.getInt(null);
          if (!n.equals("ENOTSUP")) {
            names.put(value, n);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return java.util.Map.copyOf(names);
  }

  /** The symbolic name of errno e ("ENOENT"), or "errno N" for one PopcornJ does not name. */
  public static String name(int e) {
    String n = NAMES.get(e);
    return n != null ? n : "errno " + e;
  }

  /**
   * Kernel-internal (never seen by a program): a wait was interrupted by a signal; the call is
   * restarted when the handler has SA_RESTART, and fails with EINTR otherwise.
   */
  public static final int ERESTARTSYS = 512;

  /** Kernel-internal: like ERESTARTSYS, but restarted only when no handler ran (ppoll, pause). */
  public static final int ERESTARTNOHAND = 514;
}
