package dev.popcornj.kernel.mm;

/**
 * What memory management needs of an open file to map it: its page cache, the access it was opened
 * with, and how /proc/PID/maps names it. The VFS implements it; mm knows nothing else of files.
 */
public interface MappableFile {
  /** The file's contents: what a shared mapping maps and a private mapping copies from. */
  PageCache pages();

  /** Opened for reading: every file mapping needs it (EACCES otherwise). */
  boolean readable();

  /** Opened for writing: a shared writable mapping needs it (EACCES otherwise). */
  boolean writable();

  /** The path shown in /proc/PID/maps. */
  String path();

  /**
   * True for a device whose mapping is plain anonymous memory (/dev/zero): a private mapping of it
   * is private anonymous memory, a shared one a new shared anonymous object.
   */
  default boolean anonymous() {
    return false;
  }

  /** Major device number shown in /proc/PID/maps. */
  default int deviceMajor() {
    return 0;
  }

  /** Minor device number shown in /proc/PID/maps. */
  default int deviceMinor() {
    return 0;
  }

  /** Inode number shown in /proc/PID/maps. */
  default long inode() {
    return 0;
  }

  /**
   * A program's file as the program loader maps its segments from it: pages, readable, never
   * writable through the mapping, shown as path (with inode number inode) in /proc/PID/maps.
   */
  static MappableFile program(PageCache pages, String path, long inode) {
    return new MappableFile() {
      @Override
      public PageCache pages() {
        return pages;
      }

      @Override
      public boolean readable() {
        return true;
      }

      @Override
      public boolean writable() {
        return false;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public long inode() {
        return inode;
      }
    };
  }

  /**
   * How the kernel gives mmap the file behind a descriptor: null for a descriptor that is not open
   * (EBADF); throws {@link UnmappableFileException} for a file that cannot be mapped, such as a
   * pipe or a terminal (ENODEV).
   */
  @FunctionalInterface
  interface Resolver {
    MappableFile resolve(int fd);
  }
}
