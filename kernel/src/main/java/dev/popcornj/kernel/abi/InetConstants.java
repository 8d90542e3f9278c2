package dev.popcornj.kernel.abi;

/**
 * AF_INET numbers of Linux riscv64 (linux/in.h, linux/tcp.h, asm-generic/socket.h): protocols, the
 * size of struct sockaddr_in, and the socket options the IPv4 sockets take.
 */
public final class InetConstants {
  public static final int IPPROTO_IP = 0;
  public static final int IPPROTO_ICMP = 1;
  public static final int IPPROTO_TCP = 6;
  public static final int IPPROTO_UDP = 17;

  /** sizeof(struct sockaddr_in). */
  public static final int SOCKADDR_IN_LENGTH = 16;

  public static final int SO_REUSEADDR = 2;
  public static final int SO_KEEPALIVE = 9;
  public static final int SO_LINGER = 13;

  /** SO_RCVTIMEO_OLD and SO_SNDTIMEO_OLD: a struct timeval of 64-bit fields on riscv64. */
  public static final int SO_RCVTIMEO = 20;

  public static final int SO_SNDTIMEO = 21;

  public static final int SO_BROADCAST = 6;
  public static final int SO_PRIORITY = 12;

  public static final int IP_TOS = 1;
  public static final int IP_TTL = 2;

  public static final int TCP_NODELAY = 1;

  private InetConstants() {}
}
