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
  public static final int ELIBBAD = 80;
  public static final int EMSGSIZE = 90;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENOTSUP = 95;
  public static final int EOPNOTSUPP = 95;
  public static final int ETIMEDOUT = 110;
  public static final int EHOSTDOWN = 112;
  public static final int EHOSTUNREACH = 113;
  public static final int EDQUOT = 122;
  public static final int ENOTSOCK = 88;
  public static final int EDESTADDRREQ = 89;
  public static final int EPROTOTYPE = 91;
  public static final int ENOPROTOOPT = 92;
  public static final int EPROTONOSUPPORT = 93;
  public static final int ESOCKTNOSUPPORT = 94;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRINUSE = 98;
  public static final int ECONNRESET = 104;
  public static final int EISCONN = 106;
  public static final int ENOTCONN = 107;
  public static final int ECONNREFUSED = 111;
  public static final int ENETUNREACH = 101;
  public static final int ECONNABORTED = 103;
  public static final int ENOBUFS = 105;
  public static final int EALREADY = 114;
  public static final int EINPROGRESS = 115;

  /** Number and name of every constant above, ENOTSUP aside (it is EOPNOTSUPP). */
  private static final String NAMES =
      "1 EPERM 2 ENOENT 3 ESRCH 4 EINTR 5 EIO 6 ENXIO 7 E2BIG 8 ENOEXEC 9 EBADF 10 ECHILD 11 EAGAIN 12 ENOMEM 13 EACCES 14 EFAULT 16 EBUSY 17 EEXIST 18 EXDEV 19 ENODEV 20 ENOTDIR 21 EISDIR 22 EINVAL 23 ENFILE 24 EMFILE 25 ENOTTY 26 ETXTBSY 27 EFBIG 28 ENOSPC 29 ESPIPE 30 EROFS 31 EMLINK 32 EPIPE 33 EDOM 34 ERANGE 36 ENAMETOOLONG 38 ENOSYS 39 ENOTEMPTY 40 ELOOP 71 EPROTO 75 EOVERFLOW 80 ELIBBAD 88 ENOTSOCK 89 EDESTADDRREQ 90 EMSGSIZE 91 EPROTOTYPE 92 ENOPROTOOPT 93 EPROTONOSUPPORT 94 ESOCKTNOSUPPORT 95 EOPNOTSUPP 97 EAFNOSUPPORT 98 EADDRINUSE 99 EADDRNOTAVAIL 101 ENETUNREACH 103 ECONNABORTED 104 ECONNRESET 105 ENOBUFS 106 EISCONN 107 ENOTCONN 110 ETIMEDOUT 111 ECONNREFUSED 112 EHOSTDOWN 113 EHOSTUNREACH 114 EALREADY 115 EINPROGRESS 122 EDQUOT";

  private Errno() {}

  /** The symbolic name of errno e ("ENOENT"), or "errno N" for one PopcornJ does not name. */
  public static String name(int e) {
    String key = " " + e + " ";
    String padded = " " + NAMES + " ";
    int at = padded.indexOf(key);
    if (at < 0) {
      return "errno " + e;
    }
    int from = at + key.length();
    return padded.substring(from, padded.indexOf(' ', from));
  }

  /**
   * Kernel-internal (never seen by a program): a wait was interrupted by a signal; the call is
   * restarted when the handler has SA_RESTART, and fails with EINTR otherwise.
   */
  public static final int ERESTARTSYS = 512;

  /** Kernel-internal: like ERESTARTSYS, but restarted only when no handler ran (ppoll, pause). */
  public static final int ERESTARTNOHAND = 514;

  /**
   * Kernel-internal: a relative sleep was cut short; without a handler it goes on through
   * restart_syscall until the deadline it had (so a stop, a continue or a migration does not
   * lengthen it); with a handler the call fails with EINTR.
   */
  public static final int ERESTART_RESTARTBLOCK = 516;
}
