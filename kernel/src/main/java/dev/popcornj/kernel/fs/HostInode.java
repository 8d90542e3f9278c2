package dev.popcornj.kernel.fs;

/** An inode of a {@link HostFs}: where its host file is and its attributes as last read. */
sealed interface HostInode permits HostDir, HostFile, HostSymlink {
  HostPlace place();
}
