package dev.popcornj.kernel.fs;

/** One mounted file system instance: a tree of inodes with its own device number. */
public interface FileSystem {
  /** The root directory. */
  DirInode root();

  /** st_dev of every inode in it. */
  long dev();

  /** The name /proc/mounts would show ("tmpfs", "devtmpfs", "proc"). */
  String type();
}
