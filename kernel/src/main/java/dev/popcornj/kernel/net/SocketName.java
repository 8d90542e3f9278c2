package dev.popcornj.kernel.net;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.fs.FileSystem;
import dev.popcornj.kernel.fs.Inode;

/**
 * The file a bind to a path leaves in the file system (S_IFSOCK): connect and sendto find the
 * socket through it. It outlives the socket; once that is closed, connecting to it is refused.
 */
public final class SocketName extends Inode {
  private final UnixSocket socket;

  SocketName(FileSystem fs, long ino, int perm, long nowNs, UnixSocket socket) {
    super(fs, ino, FileConstants.S_IFSOCK | perm, nowNs);
    this.socket = socket;
  }

  /** The socket bound to this name. */
  public UnixSocket socket() {
    return socket;
  }

  @Override
  public int direntType() {
    return UnixDomain.DT_SOCK;
  }
}
