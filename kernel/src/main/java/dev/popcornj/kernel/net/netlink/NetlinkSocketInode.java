package dev.popcornj.kernel.net.netlink;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.net.inet.InterfaceIoctls;

/**
 * The sockfs inode of an AF_NETLINK socket: read, write, poll and the last close of its open file
 * go to the {@link NetlinkSocket}; the interface ioctls work on it as on any socket.
 */
public final class NetlinkSocketInode extends Inode implements OpenFile.Operations {
  /** DT_SOCK. */
  private static final int DT_SOCK = 12;

  private final NetlinkSocket socket;
  private final int tgid;

  /** A socket file for the process tgid (whose id a write binds the socket to, when free). */
  public NetlinkSocketInode(NetlinkSocket socket, long ino, long nowNs, int tgid) {
    super(null, ino, FileConstants.S_IFSOCK | 0777, nowNs);
    this.socket = socket;
    this.tgid = tgid;
  }

  public NetlinkSocket socket() {
    return socket;
  }

  @Override
  public int direntType() {
    return DT_SOCK;
  }

  @Override
  public long read(OpenFile file, byte[] buf, int off, int length) {
    NetlinkSocket.Received r = socket.receive(length, 0, file.nonBlocking());
    if (r.result() > 0) {
      System.arraycopy(r.data(), 0, buf, off, r.data().length);
    }
    return r.result();
  }

  @Override
  public long write(OpenFile file, byte[] buf, int off, int length) {
    return socket.send(java.util.Arrays.copyOfRange(buf, off, off + length), -1, tgid);
  }

  @Override
  public int poll(OpenFile file, PollTable table) {
    return socket.poll(table);
  }

  @Override
  public long ioctl(OpenFile file, int request, long arg, UserMemory memory) {
    return InterfaceIoctls.device(socket.stack(), request, arg, memory);
  }

  @Override
  public boolean sigpipeOnEpipe() {
    return false;
  }

  @Override
  public void release(OpenFile file) {
    socket.release();
  }
}
