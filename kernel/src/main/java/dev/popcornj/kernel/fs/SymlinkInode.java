package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** A symbolic link; its target is fixed (tmpfs) or computed at each read (procfs's self, exe). */
public final class SymlinkInode extends Inode {
  private final Supplier<String> target;

  public SymlinkInode(FileSystem fs, long ino, Supplier<String> target, long nowNs) {
    super(fs, ino, FileConstants.S_IFLNK | 0777, nowNs);
    this.target = target;
  }

  /** The target, or null when it no longer exists (a /proc link of a process that is gone). */
  public String target() {
    return target.get();
  }

  @Override
  public long size() {
    String t = target();
    return t == null ? 0 : t.getBytes(StandardCharsets.ISO_8859_1).length;
  }
}
