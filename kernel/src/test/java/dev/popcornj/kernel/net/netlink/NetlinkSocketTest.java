package dev.popcornj.kernel.net.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * NETLINK_ROUTE sockets against a stack with lo: port ids as netlink_autobind gives them, dumps
 * addressed to the asking port with its sequence number and ending in NLMSG_DONE, NLMSG_ERROR with
 * the request quoted for what is not modelled, and datagram receive semantics.
 */
class NetlinkSocketTest {
  private static final Sleeper NO_SLEEP =
      new Sleeper() {
        @Override
        public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
          throw new AssertionError("a test call blocked");
        }

        @Override
        public void wakeAll(WaitQueue queue) {}
      };

  private final InetStack stack = InetStack.withLoopback(() -> 0L, (t, a) -> {}, NO_SLEEP);
  private final Set<Integer> ports = new HashSet<>();

  private NetlinkSocket socket() {
    return new NetlinkSocket(stack, ports, SocketConstants.SOCK_RAW, NO_SLEEP);
  }

  private static byte[] request(int type, int flags, int seq, int family) {
    return RouteMessages.message(type, flags, seq, 0, new byte[] {(byte) family});
  }

  /** The messages of a datagram: {type, flags, seq, pid, length}. */
  private static List<int[]> messages(byte[] d) {
    List<int[]> all = new ArrayList<>();
    int at = 0;
    while (d.length - at >= RouteMessages.HEADER) {
      int len = RouteMessages.u32(d, at);
      all.add(
          new int[] {
            RouteMessages.u16(d, at + 4),
            RouteMessages.u16(d, at + 6),
            RouteMessages.u32(d, at + 8),
            RouteMessages.u32(d, at + 12),
            len
          });
      at += RouteMessages.align(len);
    }
    assertEquals(d.length, at, "messages fill the datagram");
    return all;
  }

  @Test
  void portIdsAreTheProcesssIdThenNegativeAndFreedOnClose() {
    NetlinkSocket a = socket();
    assertEquals(0, a.portId());
    assertEquals(0, a.bind(0, 0, 42));
    assertEquals(42, a.portId());
    NetlinkSocket b = socket();
    assertEquals(-Errno.EADDRINUSE, b.bind(42, 0, 42));
    assertEquals(0, b.bind(0, 0, 42));
    assertEquals(-4096, b.portId());
    assertEquals(-Errno.EINVAL, a.bind(43, 0, 42), "bound already, to another id");
    a.release();
    NetlinkSocket c = socket();
    assertEquals(0, c.bind(42, 0, 7));
  }

  @Test
  void aLinkDumpComesToTheAskingPortAndEndsWithDone() {
    NetlinkSocket s = socket();
    byte[] req = request(RouteMessages.RTM_GETLINK, 0x301, 5, 0); // REQUEST | DUMP
    assertEquals(req.length, s.send(req, 0, 42));
    NetlinkSocket.Received r = s.receive(1 << 16, 0, true);
    List<int[]> m = messages(r.data());
    assertEquals(2, m.size(), "lo, then NLMSG_DONE");
    assertEquals(RouteMessages.RTM_NEWLINK, m.get(0)[0]);
    assertEquals(RouteMessages.NLM_F_MULTI, m.get(0)[1]);
    assertEquals(RouteMessages.NLMSG_DONE, m.get(1)[0]);
    for (int[] h : m) {
      assertEquals(5, h[2], "the request's sequence number");
      assertEquals(42, h[3], "the socket's port id (autobound to the process)");
    }
    assertEquals(-Errno.EAGAIN, s.receive(100, 0, true).result());
  }

  @Test
  void whatIsNotModelledIsAnErrorQuotingTheRequest() {
    NetlinkSocket s = socket();
    byte[] add = request(RouteMessages.RTM_NEWADDR, 0x5, 9, 2); // REQUEST | ACK
    s.send(add, -1, 1);
    byte[] d = s.receive(1 << 16, 0, true).data();
    List<int[]> m = messages(d);
    assertEquals(1, m.size());
    assertEquals(RouteMessages.NLMSG_ERROR, m.get(0)[0]);
    assertEquals(-Errno.EOPNOTSUPP, RouteMessages.u32(d, RouteMessages.HEADER));
    assertArrayEquals(
        java.util.Arrays.copyOf(add, 17),
        java.util.Arrays.copyOfRange(d, RouteMessages.HEADER + 4, RouteMessages.HEADER + 21));
    s.send(request(RouteMessages.RTM_GETLINK, 0x300, 1, 0), -1, 1); // not a request: ignored
    s.send(new byte[] {1, 2, 3}, -1, 1); // shorter than a header: ignored
    assertEquals(-Errno.EAGAIN, s.receive(100, 0, true).result());
    assertEquals(-Errno.ECONNREFUSED, s.send(add, 7, 1), "only the kernel answers");
  }

  @Test
  void aShortReadTruncatesUnlessPeeked() {
    NetlinkSocket s = socket();
    s.send(request(RouteMessages.RTM_GETADDR, 0x301, 1, 2), 0, 1);
    int full = s.inputQueued();
    NetlinkSocket.Received peek =
        s.receive(8, SocketConstants.MSG_PEEK | SocketConstants.MSG_TRUNC, true);
    assertEquals(full, peek.result(), "MSG_TRUNC: the datagram's real length");
    assertEquals(SocketConstants.MSG_TRUNC, peek.msgFlags());
    NetlinkSocket.Received cut = s.receive(8, 0, true);
    assertEquals(8, cut.result());
    assertEquals(SocketConstants.MSG_TRUNC, cut.msgFlags());
    assertEquals(0, s.inputQueued(), "the rest of a cut datagram is gone");
    assertTrue(full > 8);
  }
}
