package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.PageCache;

/** A regular file of a tmpfs: its bytes live in a {@link PageCache} until unlinked and closed. */
public final class TmpFile extends Inode {
  private final PageCache data;

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

  @Override
  protected void free() {
    data.release();
  }
}
