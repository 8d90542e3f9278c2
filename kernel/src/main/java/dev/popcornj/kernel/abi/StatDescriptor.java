package dev.popcornj.kernel.abi;

/**
 * Layout of struct stat as fstat and newfstatat fill it on riscv64 (asm-generic/stat.h), 128 bytes.
 *
 * <pre>
 *   0 +-----------------+-----------------+
 *     | st_dev      u64 | st_ino      u64 |
 *  16 +--------+--------+--------+--------+
 *     | mode   | nlink  | uid    | gid    |  u32 each
 *  32 +--------+--------+-----------------+
 *     | st_rdev     u64 | pad         u64 |
 *  48 +-----------------+--------+--------+
 *     | st_size     i64 | blksize| pad    |  i32 each
 *  64 +-----------------+--------+--------+
 *     | st_blocks   i64 | st_atime    i64 |
 *  80 +-----------------+-----------------+
 *     | atime_nsec  u64 | st_mtime    i64 |
 *  96 +-----------------+-----------------+
 *     | mtime_nsec  u64 | st_ctime    i64 |
 * 112 +-----------------+-----------------+
 *     | ctime_nsec  u64 | unused  2 x u32 |
 * 128 +-----------------+-----------------+
 * </pre>
 */
public final class StatDescriptor {
  public static final int DEV = 0;
  public static final int INO = 8;
  public static final int MODE = 16;
  public static final int NLINK = 20;
  public static final int UID = 24;
  public static final int GID = 28;
  public static final int RDEV = 32;
  public static final int SIZE = 48;
  public static final int BLKSIZE = 56;
  public static final int BLOCKS = 64;
  public static final int ATIME = 72;
  public static final int MTIME = 88;
  public static final int CTIME = 104;
  public static final int LENGTH = 128;

  /** File type bits of st_mode. */
  public static final int S_IFCHR = 0020000;

  public static final int S_IFREG = 0100000;

  private StatDescriptor() {}
}
