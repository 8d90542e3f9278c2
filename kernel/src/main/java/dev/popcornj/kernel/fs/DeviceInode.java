package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;

/** A character device node: opening it reads and writes the {@link CharDevice}. */
public final class DeviceInode extends Inode {
  private final CharDevice device;

  public DeviceInode(FileSystem fs, long ino, CharDevice device, int perm, long nowNs) {
    super(fs, ino, FileConstants.S_IFCHR | (perm & 07777), nowNs);
    this.device = device;
  }

  public CharDevice device() {
    return device;
  }

  @Override
  public long rdev() {
    return device.rdev();
  }
}
