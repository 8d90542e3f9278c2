package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;

/** The inode of an anonymous pipe (pipefs): a FIFO with no name, holding the {@link Pipe}. */
public final class PipeInode extends Inode {
  private final Pipe pipe;

  PipeInode(Pipe pipe, long ino, long nowNs) {
    super(null, ino, FileConstants.S_IFIFO | 0600, nowNs);
    this.pipe = pipe;
  }

  public Pipe pipe() {
    return pipe;
  }
}
