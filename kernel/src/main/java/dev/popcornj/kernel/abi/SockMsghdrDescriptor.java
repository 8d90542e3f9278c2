package dev.popcornj.kernel.abi;

/**
 * Layout of struct msghdr (linux/socket.h, 64-bit user_msghdr) for sendmsg and recvmsg, and of
 * struct ucred (SO_PEERCRED).
 *
 * <pre>
 *   0 +---------------+---------------+-------+---------------+---------------+
 *     | msg_name  ptr | namelen  s32  | pad   | msg_iov   ptr | iovlen   u64  |
 *  32 +---------------+---------------+-------+---------------+---------------+ 56
 *     | control   ptr | controllen u64| msg_flags s32 | pad   |
 *     +---------------+---------------+---------------+-------+
 *
 *   ucred: 0 +---------+---------+---------+ 12
 *            | pid s32 | uid u32 | gid u32 |
 *            +---------+---------+---------+
 * </pre>
 */
public final class SockMsghdrDescriptor {
  public static final int NAME = 0;
  public static final int NAMELEN = 8;
  public static final int IOV = 16;
  public static final int IOVLEN = 24;
  public static final int CONTROL = 32;
  public static final int CONTROLLEN = 40;
  public static final int FLAGS = 48;
  public static final int LENGTH = 56;

  public static final int UCRED_PID = 0;
  public static final int UCRED_UID = 4;
  public static final int UCRED_GID = 8;
  public static final int UCRED_LENGTH = 12;

  private SockMsghdrDescriptor() {}
}
