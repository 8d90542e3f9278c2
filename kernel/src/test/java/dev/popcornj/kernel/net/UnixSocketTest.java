package dev.popcornj.kernel.net;

import static dev.popcornj.kernel.abi.SocketConstants.MSG_PEEK;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_TRUNC;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_WAITALL;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_DGRAM;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_SEQPACKET;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.FsFixture;
import dev.popcornj.kernel.fs.OpenFile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The Unix socket state machine: queues, boundaries, shutdown, release, names and backlog. */
class UnixSocketTest {
  private final FsFixture fx = new FsFixture();
  private final UnixDomain unix = new UnixDomain(fx.vfs);
  private final Ucred me = new Ucred(7, 0, 0);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String s(UnixSocket.Received r) {
    return new String(
        r.data(), 0, (int) Math.min(r.result(), r.data().length), StandardCharsets.ISO_8859_1);
  }

  private static byte[] pathAddress(String path) {
    byte[] p = b(path);
    byte[] a = new byte[2 + p.length + 1];
    a[0] = (byte) SocketConstants.AF_UNIX;
    System.arraycopy(p, 0, a, 2, p.length);
    return a;
  }

  @Test
  void aStreamJoinsWritesAndPeeksWithoutConsuming() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    assertEquals(3, p[0].send(b("one"), 0, true, null));
    assertEquals(3, p[0].send(b("two"), 0, true, null));
    assertEquals("onetwo", s(p[1].receive(10, MSG_PEEK, true)));
    assertEquals("onet", s(p[1].receive(4, 0, true)));
    assertEquals("wo", s(p[1].receive(10, 0, true)));
    assertEquals(-Errno.EAGAIN, p[1].receive(1, 0, true).result());
  }

  @Test
  void waitallWithTooLittleDataWaitsAndTheFakeSignalEndsTheWaitWithWhatCame() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    p[0].send(b("ab"), 0, true, null);
    UnixSocket.Received r = p[1].receive(5, MSG_WAITALL, false);
    assertEquals(2, r.result(), "the copied bytes, not -ERESTARTSYS");
    assertEquals(-Errno.ERESTARTSYS, p[1].receive(5, MSG_WAITALL, false).result());
  }

  @Test
  void datagramsKeepTheirBoundariesAndTruncTellsTheRealLength() {
    UnixSocket[] p = unix.newPair(SOCK_DGRAM, me);
    p[0].send(b("abcdef"), 0, true, null);
    p[0].send(b("gh"), 0, true, null);
    UnixSocket.Received r = p[1].receive(3, 0, true);
    assertEquals(3, r.result());
    assertEquals(SocketConstants.MSG_TRUNC, r.msgFlags());
    assertEquals(2, p[1].receive(1, MSG_TRUNC, true).result());
    assertEquals(-Errno.EAGAIN, p[1].receive(1, 0, true).result());
  }

  @Test
  void closingAStreamEndShutsThePeerAndUnreadDataResetsIt() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    p[1].send(b("unread"), 0, true, null);
    p[0].release();
    assertTrue((p[1].poll(null) & Poll.POLLERR) != 0);
    assertEquals(-Errno.ECONNRESET, p[1].receive(10, 0, true).result());
    assertEquals(0, p[1].receive(10, 0, true).result(), "then end of file");
    assertEquals(-Errno.EPIPE, p[1].send(b("x"), 0, true, null));
    assertEquals(
        Poll.POLLIN
            | Poll.POLLRDNORM
            | Poll.POLLRDHUP
            | Poll.POLLHUP
            | Poll.POLLOUT
            | Poll.POLLWRNORM
            | Poll.POLLWRBAND,
        p[1].poll(null));
  }

  @Test
  void shutdownMirrorsOntoThePeer() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    p[0].shutdown(SocketConstants.SHUT_WR);
    assertEquals(0, p[1].receive(10, 0, true).result());
    assertEquals(-Errno.EPIPE, p[0].send(b("x"), 0, true, null));
    assertEquals(1, p[1].send(b("x"), 0, true, null), "the other direction still works");
  }

  @Test
  void aFullSendBufferGivesEagainAndDrainingFreesIt() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    byte[] chunk = new byte[4096];
    long sent = 0;
    long r;
    while ((r = p[0].send(chunk, 0, true, null)) > 0) {
      sent += r;
    }
    assertEquals(-Errno.EAGAIN, r);
    assertTrue(sent >= p[0].sndbuf());
    assertEquals(0, p[0].poll(null) & Poll.POLLOUT);
    assertEquals(sent, p[1].receive((int) sent, 0, true).result());
    assertTrue((p[0].poll(null) & Poll.POLLOUT) != 0);
  }

  @Test
  void listenConnectAcceptAndTheBacklogHoldsOneMoreThanAsked() {
    UnixSocket srv = unix.newSocket(SOCK_STREAM, me);
    assertEquals(-Errno.EINVAL, srv.listen(1), "unbound");
    assertEquals(0, unix.bind(fx.ctx, srv, pathAddress("/srv")));
    assertEquals(FileConstants.S_IFSOCK, fx.vfs.lookup(fx.ctx, "/srv", true).type());
    assertEquals(0, srv.listen(1));
    UnixSocket[] c = new UnixSocket[3];
    for (int i = 0; i < 3; i++) {
      c[i] = unix.newSocket(SOCK_STREAM, new Ucred(100 + i, 0, 0));
    }
    int[] errno = new int[1];
    UnixSocket found = unix.find(fx.ctx, pathAddress("/srv"), SOCK_STREAM, errno);
    assertEquals(srv, found);
    assertEquals(0, c[0].connect(found, true, new Ucred(100, 0, 0)));
    assertEquals(0, c[1].connect(found, true, new Ucred(101, 0, 0)));
    assertEquals(-Errno.EAGAIN, c[2].connect(found, true, new Ucred(102, 0, 0)));
    assertEquals(
        -Errno.EAGAIN, c[0].connect(found, true, me), "the backlog is looked at first, as Linux");
    long[] err = new long[1];
    UnixSocket a = srv.accept(true, err);
    assertNotNull(a);
    assertEquals(-Errno.EISCONN, c[0].connect(found, true, me));
    assertEquals(100, a.peerCred().pid());
    assertEquals(7, c[0].peerCred().pid());
    assertArrayEquals(srv.address(), a.address());
    srv.release();
    assertEquals(-Errno.ECONNRESET, c[1].receive(1, 0, true).result(), "never accepted");
    assertNull(unix.find(fx.ctx, pathAddress("/srv"), SOCK_STREAM, errno));
    assertEquals(Errno.ECONNREFUSED, errno[0]);
  }

  @Test
  void namesAreUniqueAndLookupsSayWhyTheyFail() {
    UnixSocket a = unix.newSocket(SOCK_DGRAM, me);
    UnixSocket b = unix.newSocket(SOCK_DGRAM, me);
    assertEquals(0, unix.bind(fx.ctx, a, pathAddress("/a")));
    assertEquals(-Errno.EADDRINUSE, unix.bind(fx.ctx, b, pathAddress("/a")));
    assertEquals(-Errno.EINVAL, unix.bind(fx.ctx, a, pathAddress("/other")));
    assertNull(fx.vfs.root().lookup("other"), "the name made before the check is gone again");
    int[] errno = new int[1];
    assertNull(unix.find(fx.ctx, pathAddress("/nothing"), SOCK_DGRAM, errno));
    assertEquals(Errno.ENOENT, errno[0]);
    assertNull(unix.find(fx.ctx, pathAddress("/a"), SOCK_STREAM, errno));
    assertEquals(Errno.EPROTOTYPE, errno[0]);
    assertEquals(0, unix.autobind(b));
    assertEquals(8, b.address().length);
    assertEquals(0, b.address()[2]);
    assertEquals(2, b.send(b("hi"), 0, true, a));
    UnixSocket.Received r = a.receive(10, 0, true);
    assertArrayEquals(b.address(), r.from());
    assertThrowsFs(Errno.ENXIO, () -> fx.vfs.open(fx.ctx, "/a", FileConstants.O_RDWR, 0));
  }

  @Test
  void aSeqpacketPeerThatClosesLeavesEndOfFileAndEpipe() {
    UnixSocket[] p = unix.newPair(SOCK_SEQPACKET, me);
    p[0].send(b("last"), SocketConstants.MSG_EOR, true, null);
    p[0].release();
    assertEquals(4, p[1].receive(10, 0, true).result());
    assertEquals(0, p[1].receive(10, 0, true).result());
    assertEquals(-Errno.EPIPE, p[1].send(b("x"), 0, true, null));
  }

  @Test
  void theOpenFileOfASocketReadsWritesAndClosesTheSocket() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    OpenFile f = unix.open(p[0], FileConstants.O_NONBLOCK);
    assertEquals(FileConstants.S_IFSOCK | 0777, f.inode().mode());
    assertTrue(f.nonBlocking());
    assertEquals(-Errno.ESPIPE, f.seek(0, FileConstants.SEEK_SET));
    assertEquals(2, f.write(b("hi"), 0, 2));
    assertEquals("hi", s(p[1].receive(2, 0, true)));
    assertEquals(-Errno.EAGAIN, f.read(new byte[1], 0, 1));
    assertEquals(p[0], UnixDomain.socketOf(f));
    f.release();
    assertTrue(p[0].isDead());
    assertEquals(0, p[1].receive(1, 0, true).result());
  }

  @Test
  void passedFilesTravelWithTheirSegmentAndAClosedQueueLetsThemGo() {
    UnixSocket[] p = unix.newPair(SOCK_STREAM, me);
    OpenFile[] pipe = fx.vfs.pipe(0);
    pipe[1].retain(); // the reference the message takes
    assertEquals(2, p[0].send(b("ab"), 0, true, null, java.util.List.of(pipe[1])));
    assertEquals(2, pipe[1].references());
    p[0].send(b("cd"), 0, true, null);
    UnixSocket.Received r = p[1].receive(10, 0, true);
    assertEquals(2, r.result(), "a read stops after the segment that passed files");
    assertEquals(java.util.List.of(pipe[1]), r.rights());
    r.dropRights();
    assertEquals(1, pipe[1].references());
    pipe[1].retain();
    p[0].send(b("ef"), 0, true, null, java.util.List.of(pipe[1]));
    p[1].release();
    assertEquals(1, pipe[1].references(), "the unread message's reference is dropped");
    pipe[1].retain();
    assertEquals(-Errno.EPIPE, p[0].send(b("x"), 0, true, null, java.util.List.of(pipe[1])));
    assertEquals(1, pipe[1].references(), "a failed send gives its references back");
  }

  private static void assertThrowsFs(int errno, Executable e) {
    FsException x = org.junit.jupiter.api.Assertions.assertThrows(FsException.class, e);
    assertEquals(errno, x.errno());
  }
}
