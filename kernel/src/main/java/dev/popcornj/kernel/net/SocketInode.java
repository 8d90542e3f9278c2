package dev.popcornj.kernel.net;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.PollTable;

/**
 * The inode of a socket in sockfs (Linux's struct socket_alloc): what socket(2), socketpair(2) and
 * accept(2) open. read, write, poll and the last close of its open file go to the {@link
 * UnixSocket}, as sock_read_iter, sock_write_iter and sock_poll do.
 */
public final class SocketInode extends Inode implements OpenFile.Operations {
  private final UnixSocket socket;
  private final DeviceIoctls deviceIoctls;

  SocketInode(UnixSocket socket, long ino, long nowNs, DeviceIoctls deviceIoctls) {
    super(null, ino, FileConstants.S_IFSOCK | 0777, nowNs);
    this.socket = socket;
    this.deviceIoctls = deviceIoctls;
  }

  @Override
  public long ioctl(OpenFile file, int request, long arg, dev.popcornj.kernel.mm.UserMemory m) {
    return deviceIoctls.ioctl(request, arg, m);
  }

  public UnixSocket socket() {
    return socket;
  }

  @Override
  public int direntType() {
    return UnixDomain.DT_SOCK;
  }

  @Override
  public long read(OpenFile file, byte[] buf, int off, int length) {
    UnixSocket.Received r = socket.receive(length, 0, file.nonBlocking());
    r.dropRights(); // read(2) has no room for control data
    if (r.result() > 0) {
      System.arraycopy(r.data(), 0, buf, off, (int) Math.min(r.result(), r.data().length));
    }
    return r.result();
  }

  @Override
  public long write(OpenFile file, byte[] buf, int off, int length) {
    byte[] data = java.util.Arrays.copyOfRange(buf, off, off + length);
    int flags = socket.type() == SocketConstants.SOCK_SEQPACKET ? SocketConstants.MSG_EOR : 0;
    return socket.send(data, flags, file.nonBlocking(), null);
  }

  @Override
  public int poll(OpenFile file, PollTable table) {
    return socket.poll(table);
  }

  @Override
  public boolean sigpipeOnEpipe() {
    return socket.type() == SocketConstants.SOCK_STREAM;
  }

  @Override
  public void release(OpenFile file) {
    socket.release();
  }
}
