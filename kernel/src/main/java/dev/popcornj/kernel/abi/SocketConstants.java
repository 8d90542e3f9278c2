package dev.popcornj.kernel.abi;

/**
 * Socket numbers of Linux riscv64 (linux/socket.h, linux/net.h, asm-generic/socket.h): address
 * families, socket types and their flags, message flags, shutdown modes and SOL_SOCKET options.
 */
public final class SocketConstants {
  public static final int AF_UNSPEC = 0;
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;

  /** NPROTO (AF_MAX): families at or above it do not exist. */
  public static final int AF_MAX = 46;

  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_SEQPACKET = 5;

  /** SOCK_MAX: types at or above it are refused with EINVAL. */
  public static final int SOCK_MAX = 11;

  public static final int SOCK_TYPE_MASK = 0xf;
  public static final int SOCK_CLOEXEC = FileConstants.O_CLOEXEC;
  public static final int SOCK_NONBLOCK = FileConstants.O_NONBLOCK;

  public static final int MSG_OOB = 0x1;
  public static final int MSG_PEEK = 0x2;
  public static final int MSG_CTRUNC = 0x8;
  public static final int MSG_TRUNC = 0x20;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_EOR = 0x80;
  public static final int MSG_WAITALL = 0x100;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;

  public static final int SHUT_RD = 0;
  public static final int SHUT_WR = 1;
  public static final int SHUT_RDWR = 2;

  public static final int SOL_SOCKET = 1;
  public static final int SO_TYPE = 3;
  public static final int SO_ERROR = 4;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_PASSCRED = 16;
  public static final int SO_PEERCRED = 17;
  public static final int SO_ACCEPTCONN = 30;
  public static final int SO_PROTOCOL = 38;
  public static final int SO_DOMAIN = 39;

  /** net.core.somaxconn's default: listen's backlog is clamped to it. */
  public static final int SOMAXCONN = 4096;

  /** net.core.wmem_default and rmem_default, and the _max limits setsockopt clamps to. */
  public static final int DEFAULT_BUFFER = 212992;

  /** SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF on 64-bit Linux: the least SO_SNDBUF/SO_RCVBUF give. */
  public static final int MIN_SNDBUF = 4608;

  public static final int MIN_RCVBUF = 2304;

  /** net.unix.max_dgram_qlen's default: datagrams an unconnected receiver queues. */
  public static final int MAX_DGRAM_QLEN = 10;

  private SocketConstants() {}
}
