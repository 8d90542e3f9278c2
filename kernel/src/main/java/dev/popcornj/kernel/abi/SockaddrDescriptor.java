package dev.popcornj.kernel.abi;

/**
 * Layout of struct sockaddr_un (linux/un.h), the address of a Unix-domain socket. A path name is
 * NUL-terminated unless it fills sun_path; an abstract name starts with a NUL byte and is exactly
 * as long as the address length says. An address of only the family (length 2) is unnamed.
 *
 * <pre>
 *   0 +------------------+--------------------------------------------+ 110
 *     | sun_family u16   | sun_path[108]                              |
 *     +------------------+--------------------------------------------+
 * </pre>
 */
public final class SockaddrDescriptor {
  public static final int FAMILY = 0;
  public static final int PATH = 2;

  /** sizeof(struct sockaddr_un). */
  public static final int LENGTH = 110;

  /** sizeof(struct sockaddr_storage): the most any sockaddr a system call copies in may hold. */
  public static final int STORAGE_LENGTH = 128;

  private SockaddrDescriptor() {}
}
