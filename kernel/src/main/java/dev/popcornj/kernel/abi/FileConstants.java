package dev.popcornj.kernel.abi;

/** Constants of the file calls: openat, *at flags, fcntl, lseek and the terminal ioctls. */
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

  private FileConstants() {}
}
