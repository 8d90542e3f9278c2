package dev.popcornj.kernel.abi;

/**
 * Layout of struct statx (include/uapi/linux/stat.h), 256 bytes; the fields PopcornJ fills.
 *
 * <pre>
 *   0 +--------+--------+-----------------+
 *     | mask   | blksize| attributes  u64 |
 *  16 +--------+--------+--------+---+----+
 *     | nlink  | uid    | gid    |mode|pad|  mode u16
 *  32 +-----------------+-----------------+
 *     | ino         u64 | size        u64 |
 *  48 +-----------------+-----------------+
 *     | blocks      u64 | attr_mask   u64 |
 *  64 +-----------------------------------+
 *     | atime, btime, ctime, mtime:       |  each {i64 sec, u32 nsec, i32 pad}
 * 128 +--------+--------+--------+--------+
 *     |rdev_maj|rdev_min|dev_maj |dev_min |  u32 each
 * 144 +-----------------------------------+
 *     | mnt_id, dio alignments, spare     |
 * 256 +-----------------------------------+
 * </pre>
 */
public final class StatxDescriptor {
  public static final int MASK = 0;
  public static final int BLKSIZE = 4;
  public static final int NLINK = 16;
  public static final int UID = 20;
  public static final int GID = 24;
  public static final int MODE = 28;
  public static final int INO = 32;
  public static final int SIZE = 40;
  public static final int BLOCKS = 48;
  public static final int ATIME = 64;
  public static final int BTIME = 80;
  public static final int CTIME = 96;
  public static final int MTIME = 112;
  public static final int RDEV_MAJOR = 128;
  public static final int RDEV_MINOR = 132;
  public static final int DEV_MAJOR = 136;
  public static final int DEV_MINOR = 140;
  public static final int LENGTH = 256;

  /** STATX_BASIC_STATS: the fields from type to blocks that are always filled. */
  public static final int BASIC_STATS = 0x7ff;

  private StatxDescriptor() {}
}
