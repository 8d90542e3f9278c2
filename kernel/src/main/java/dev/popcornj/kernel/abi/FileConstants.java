package dev.popcornj.kernel.abi;

/**
 * Linux riscv64 constants of the file calls (asm-generic/fcntl.h, linux/fcntl.h, linux/stat.h,
 * linux/fs.h): openat and *at flags, fcntl, lseek, access modes, file types, locks, the terminal
 * and file ioctls, and the device number encoding.
 */
public final class FileConstants {
  public static final int AT_FDCWD = -100;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CLOEXEC = 02000000;

  public static final int F_DUPFD = 0;
  public static final int F_GETFD = 1;
  public static final int F_SETFD = 2;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int F_DUPFD_CLOEXEC = 1030;
  public static final int FD_CLOEXEC = 1;

  public static final int SEEK_SET = 0;
  public static final int SEEK_END = 2;

  public static final int TCGETS = 0x5401;

  public static final int PATH_MAX = 4096;
  public static final int NAME_MAX = 255;

  /** Symbolic links followed in one path walk before ELOOP (MAXSYMLINKS). */
  public static final int MAX_SYMLINKS = 40;

  /** Writes of at most this many bytes to a pipe are atomic. */
  public static final int PIPE_BUF = 4096;

  /** A pipe's default capacity (16 pages). */
  public static final int PIPE_SIZE = 65536;

  public static final int O_ACCMODE = 3;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_NOCTTY = 0400;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DSYNC = 010000;
  public static final int FASYNC = 020000;
  public static final int O_DIRECT = 040000;
  public static final int O_LARGEFILE = 0100000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_NOFOLLOW = 0400000;
  public static final int O_NOATIME = 01000000;
  public static final int O_PATH = 010000000;
  public static final int O_TMPFILE = 020000000;

  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_EACCESS = 0x200;
  public static final int AT_SYMLINK_FOLLOW = 0x400;
  public static final int AT_NO_AUTOMOUNT = 0x800;
  public static final int AT_STATX_SYNC_TYPE = 0x6000;

  public static final int RENAME_NOREPLACE = 1;
  public static final int RENAME_EXCHANGE = 2;
  public static final int RENAME_WHITEOUT = 4;

  public static final int SEEK_CUR = 1;
  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  public static final int F_GETLK = 5;
  public static final int F_SETLK = 6;
  public static final int F_SETLKW = 7;
  public static final int F_SETOWN = 8;
  public static final int F_GETOWN = 9;
  public static final int F_OFD_GETLK = 36;
  public static final int F_OFD_SETLK = 37;
  public static final int F_OFD_SETLKW = 38;
  public static final int F_GETPIPE_SZ = 1032;
  public static final int F_SETPIPE_SZ = 1031;

  /** Offset of l_type (a short) in struct flock. */
  public static final int FLOCK_TYPE = 0;

  /** The l_type F_GETLK reports when no lock is in the way. */
  public static final int F_UNLCK = 2;

  public static final int LOCK_SH = 1;
  public static final int LOCK_EX = 2;
  public static final int LOCK_NB = 4;
  public static final int LOCK_UN = 8;

  public static final int CLOSE_RANGE_UNSHARE = 1 << 1;
  public static final int CLOSE_RANGE_CLOEXEC = 1 << 2;

  public static final int F_OK = 0;
  public static final int X_OK = 1;
  public static final int W_OK = 2;
  public static final int R_OK = 4;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  public static final int DT_FIFO = 1;
  public static final int DT_CHR = 2;
  public static final int DT_DIR = 4;
  public static final int DT_REG = 8;
  public static final int DT_LNK = 10;

  public static final long UTIME_NOW = (1L << 30) - 1;
  public static final long UTIME_OMIT = (1L << 30) - 2;

  public static final int FIONREAD = 0x541B;
  public static final int FIONBIO = 0x5421;
  public static final int FIONCLEX = 0x5450;
  public static final int FIOCLEX = 0x5451;

  /** statx mask: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks. */
  public static final int STATX_BASIC_STATS = 0x7ff;

  private FileConstants() {}

  /** The device number as st_rdev and st_dev show it (new_encode_dev). */
  public static long makedev(int major, int minor) {
    return ((long) (minor & 0xff)) | ((long) (major & 0xfff) << 8) | ((long) (minor & ~0xff) << 12);
  }

  public static int major(long dev) {
    return (int) ((dev >>> 8) & 0xfff);
  }

  public static int minor(long dev) {
    return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }
}
