package dev.popcornj.kernel.abi;

/**
 * The Linux error numbers of the networking calls (asm-generic/errno.h) that {@link Errno} does not
 * hold yet: positive values, negated into a0 as Errno's are.
 */
public final class SockErrno {
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

  private SockErrno() {}
}
