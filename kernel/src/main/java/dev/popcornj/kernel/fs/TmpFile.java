package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.PageCache;

/** A regular file of a tmpfs: its bytes live in a {@link PageCache} until unlinked and closed. */
public final class TmpFile extends Inode {
  private final PageCache data;
  private int writers; // open files that may write it: while any is left, execve refuses it

  TmpFile(FileSystem fs, long ino, int perm, PageCache data, long nowNs) {
    super(fs, ino, FileConstants.S_IFREG | (perm & 07777), nowNs);
    this.data = data;
  }

  public PageCache data() {
    return data;
  }

  @Override
  public long size() {
    return data.size();
  }

  @Override
  public long blocks() {
    return data.residentPages() * 8;
  }

  /** An open file that may write this one was made (+1) or closed (-1). */
  void writerOpened(int change) {
    writers += change;
  }

  /** True while an open file may write it: execve then refuses to run it (ETXTBSY). */
  public boolean openForWriting() {
    return writers > 0;
  }

  @Override
  protected void free() {
    data.release();
  }
}
