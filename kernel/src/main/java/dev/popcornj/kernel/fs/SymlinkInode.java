package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A symbolic link; its target is fixed (tmpfs) or computed at each read (procfs's self, exe). A
 * /proc/PID/fd/N link is a "magic" one, as in Linux: readlink shows the open file's path, and a
 * path walk through it lands on the open file itself rather than on that path.
 */
public class SymlinkInode extends Inode {
  private final Supplier<String> target;
  private final Supplier<OpenFile> jump;

  public SymlinkInode(FileSystem fs, long ino, Supplier<String> target, long nowNs) {
    this(fs, ino, target, null, 0777, nowNs);
  }

  /** A link with the given permission bits; jump, when not null, makes it a magic link. */
  public SymlinkInode(
      FileSystem fs,
      long ino,
      Supplier<String> target,
      Supplier<OpenFile> jump,
      int perm,
      long nowNs) {
    super(fs, ino, FileConstants.S_IFLNK | perm, nowNs);
    this.target = target;
    this.jump = jump;
  }

  /** True for a magic link: following it goes to {@link #jumpTarget()}. */
  public boolean isMagic() {
    return jump != null;
  }

  /** The open file a magic link stands for, or null when it was closed. */
  public OpenFile jumpTarget() {
    return jump == null ? null : jump.get();
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
