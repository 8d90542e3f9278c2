package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.mm.UserMemory;

/**
 * The sockfs inode of an AF_INET socket: read, write, poll and the last close of its open file go
 * to the {@link InetSocket}, as sock_read_iter, sock_write_iter and sock_poll do.
 */
public final class InetSocketInode extends Inode implements OpenFile.Operations {
  /** DT_SOCK. */
  public static final int DT_SOCK = 12;

  private final InetSocket socket;

  public InetSocketInode(InetSocket socket, long ino, long nowNs) {
    super(null, ino, FileConstants.S_IFSOCK | 0777, nowNs);
    this.socket = socket;
  }

  public InetSocket socket() {
    return socket;
  }

  @Override
  public int direntType() {
    return DT_SOCK;
  }

  @Override
  public long read(OpenFile file, byte[] buf, int off, int length) {
    InetSocket.Received r = socket.receive(length, 0, file.nonBlocking());
    socket.stack().settle();
    if (r.result() > 0) {
      System.arraycopy(r.data(), 0, buf, off, r.data().length);
    }
    return r.result();
  }

  @Override
  public long write(OpenFile file, byte[] buf, int off, int length) {
    byte[] data = java.util.Arrays.copyOfRange(buf, off, off + length);
    long r = socket.send(data, 0, file.nonBlocking(), 0, -1);
    socket.stack().settle();
    return r;
  }

  @Override
  public int poll(OpenFile file, PollTable table) {
    return socket.poll(table);
  }

  @Override
  public long ioctl(OpenFile file, int request, long arg, UserMemory memory) {
    return InterfaceIoctls.ioctl(socket.stack(), socket, request, arg, memory);
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
