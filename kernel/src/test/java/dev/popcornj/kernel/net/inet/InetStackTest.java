package dev.popcornj.kernel.net.inet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.msg.Deferrer;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The IPv4 stack alone, driven by a small event queue in virtual time and non-blocking calls: a
 * stream through a link that drops a seeded fraction of packets arrives whole and in order, the
 * state machine's closes end where RFC 9293 says, resets are sent and seen, and malformed packets
 * are counted and dropped.
 */
class InetStackTest {
  /** Events in virtual time, ordered by (time, insertion): the tie-break is insertion order. */
  private static final class Events implements Deferrer {
    private record Event(long timePs, long seq, Runnable action) {}

    private final PriorityQueue<Event> queue =
        new PriorityQueue<>(
            (a, b) ->
                a.timePs != b.timePs
                    ? Long.compare(a.timePs, b.timePs)
                    : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public void callAt(long timePs, Runnable action) {
      queue.add(new Event(Math.max(timePs, now), seq++, action));
    }

    long now() {
      return now;
    }

    boolean step() {
      Event e = queue.poll();
      if (e == null) {
        return false;
      }
      now = e.timePs;
      e.action.run();
      return true;
    }

    /** Runs events until done holds; false when the queue ran dry or a minute passed first. */
    boolean runUntil(BooleanSupplier done) {
      long limit = now + 600_000 * TcpSocket.MS;
      while (!done.getAsBoolean()) {
        if (now > limit || !step()) {
          return false;
        }
      }
      return true;
    }

    void drainFor(long ps) {
      long until = now + ps;
      while (!queue.isEmpty() && queue.peek().timePs <= until) {
        step();
      }
      now = Math.max(now, until);
    }
  }

  private static final Sleeper NO_SLEEP =
      new Sleeper() {
        @Override
        public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
          throw new AssertionError("a test call blocked");
        }

        @Override
        public void wakeAll(WaitQueue queue) {}
      };

  /**
   * One end of a point-to-point link that loses a seeded fraction of what it carries, and may delay
   * each packet by a seeded jitter (so packets overtake each other) and duplicate some.
   */
  private static final class LossyLink implements NetDevice {
    private final Events events;
    private final int address;
    private final SplittableRandom random;
    private final double loss;
    private final DeviceCounters counters = new DeviceCounters();
    private LossyLink other;
    private long jitterPs;
    private double duplicate;
    private Consumer<byte[]> receive;

    LossyLink(Events events, int address, long seed, double loss) {
      this.events = events;
      this.address = address;
      this.random = new SplittableRandom(seed);
      this.loss = loss;
    }

    @Override
    public String name() {
      return "eth0";
    }

    @Override
    public int ifindex() {
      return 2;
    }

    @Override
    public int flags() {
      return IFF_UP | IFF_RUNNING;
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public int address() {
      return address;
    }

    @Override
    public int netmask() {
      return 0xffffff00;
    }

    @Override
    public int hardwareType() {
      return 1;
    }

    @Override
    public byte[] hardwareAddress() {
      return new byte[6];
    }

    @Override
    public void transmit(byte[] packet) {
      if (random.nextDouble() < loss) {
        counters.txDropped++;
        return;
      }
      counters.txPackets++;
      long delay = 10_000_000L + (jitterPs > 0 ? random.nextLong(jitterPs) : 0);
      events.callAt(events.now() + delay, () -> other.receive.accept(packet.clone()));
      if (random.nextDouble() < duplicate) {
        events.callAt(events.now() + delay + 5_000_000L, () -> other.receive.accept(packet));
      }
    }

    @Override
    public void attach(Consumer<byte[]> receive) {
      this.receive = receive;
    }

    @Override
    public DeviceCounters counters() {
      return counters;
    }
  }

  private static final int A = 0x0a010201; // 10.1.2.1
  private static final int B = 0x0a010202; // 10.1.2.2
  private static final int LOCALHOST = 0x7f000001;

  private final Events events = new Events();

  private InetStack loopbackStack() {
    return InetStack.withLoopback(events::now, events, NO_SLEEP);
  }

  private static byte[] pattern(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private TcpSocket[] connectedPair(InetStack client, InetStack server, int addr, int port) {
    TcpSocket listener = server.newTcp();
    assertEquals(0, listener.bind(addr, port));
    assertEquals(0, listener.listen(8));
    TcpSocket c = client.newTcp();
    assertEquals(-Errno.EINPROGRESS, c.connect(addr, port, true));
    assertEquals(-Errno.EALREADY, c.connect(addr, port, true));
    long[] errno = new long[1];
    TcpSocket[] accepted = new TcpSocket[1];
    assertTrue(
        events.runUntil(() -> (accepted[0] = listener.accept(true, errno)) != null),
        "no connection to accept");
    assertTrue(events.runUntil(() -> c.state() == TcpSocket.State.ESTABLISHED));
    assertEquals(0, c.connect(addr, port, true));
    assertEquals(-Errno.EISCONN, c.connect(addr, port, true));
    return new TcpSocket[] {c, accepted[0], listener};
  }

  @Test
  void aMebibyteThroughALinkThatDropsPacketsArrivesIntactAndInOrder() {
    long seed = 20261207L;
    for (double loss : new double[] {0.0, 0.1, 0.25}) {
      long[] run = transfer(seed, loss);
      if (loss > 0) {
        assertTrue(run[2] > 0, "seed " + seed + ": nothing dropped at loss " + loss);
        assertTrue(run[1] > 0, "seed " + seed + ": no retransmissions at loss " + loss);
      } else {
        assertEquals(0, run[1], "no retransmission without loss");
      }
    }
  }

  @Test
  void aStreamSurvivesReorderingAndDuplicatesAsWellAsLoss() {
    for (long seed = 1; seed <= 3; seed++) {
      long[] run = transfer(seed, 0.05, 200_000_000L, 0.05); // jitter up to 200 us
      assertTrue(run[1] > 0, "seed " + seed + ": no retransmissions");
      assertTrue(run[3] > 0, "seed " + seed + ": nothing arrived out of order");
    }
  }

  @Test
  void theSameSeedGivesTheSameRunToThePicosecond() {
    long[] first = transfer(7, 0.1);
    long[] second = transfer(7, 0.1);
    assertArrayEquals(first, second);
    long[] other = transfer(8, 0.1);
    assertTrue(other[0] != first[0] || other[1] != first[1], "another seed, another run");
  }

  /**
   * Sends 1 MiB from 10.1.2.1 to 10.1.2.2 over links that each lose a seeded fraction of packets,
   * checks it arrived whole and in order and both ends' states after the FIN; returns the virtual
   * time it ended at, the retransmissions, and the packets dropped.
   */
  private static long[] transfer(long seed, double loss) {
    return transfer(seed, loss, 0, 0);
  }

  private static long[] transfer(long seed, double loss, long jitterPs, double duplicate) {
    Events ev = new Events();
    LossyLink la = new LossyLink(ev, A, seed, loss);
    LossyLink lb = new LossyLink(ev, B, seed + 1, loss);
    la.jitterPs = jitterPs;
    lb.jitterPs = jitterPs;
    la.duplicate = duplicate;
    lb.duplicate = duplicate;
    la.other = lb;
    lb.other = la;
    InetStack a = new InetStack(ev::now, ev, NO_SLEEP);
    InetStack b = new InetStack(ev::now, ev, NO_SLEEP);
    a.addDevice(la);
    b.addDevice(lb);
    TcpSocket listener = b.newTcp();
    assertEquals(0, listener.bind(0, 5000));
    assertEquals(0, listener.listen(4));
    TcpSocket client = a.newTcp();
    assertEquals(-Errno.EINPROGRESS, client.connect(B, 5000, true));
    long[] errno = new long[1];
    TcpSocket[] server = new TcpSocket[1];
    assertTrue(
        ev.runUntil(() -> (server[0] = listener.accept(true, errno)) != null),
        "seed " + seed + " loss " + loss + ": no connection");
    byte[] data = pattern(1 << 20, seed);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int sent = 0;
    boolean closed = false;
    long limit = 3_600_000 * TcpSocket.MS;
    while (ev.now() < limit) {
      if (sent < data.length) {
        long n =
            client.send(
                java.util.Arrays.copyOfRange(data, sent, Math.min(data.length, sent + 40_000)),
                0,
                true,
                0,
                -1);
        if (n > 0) {
          sent += (int) n;
        } else {
          assertEquals(-Errno.EAGAIN, n);
        }
      } else if (!closed) {
        assertEquals(0, client.shutdown(SocketConstants.SHUT_WR));
        closed = true;
      }
      InetSocket.Received r = server[0].receive(100_000, 0, true);
      if (r.result() > 0) {
        got.write(r.data(), 0, r.data().length);
      } else if (r.result() == 0) {
        break; // the FIN: end of stream
      } else {
        assertEquals(-Errno.EAGAIN, r.result());
        assertTrue(ev.step(), "seed " + seed + ": nothing left to happen at " + got.size());
      }
    }
    assertArrayEquals(data, got.toByteArray(), "seed " + seed + " loss " + loss);
    assertEquals(TcpSocket.State.CLOSE_WAIT, server[0].state());
    assertTrue(ev.runUntil(() -> client.state() == TcpSocket.State.FIN_WAIT_2));
    return new long[] {
      ev.now(),
      a.counters().tcpRetransSegs,
      la.counters.txDropped + lb.counters.txDropped,
      b.counters().tcpOfoQueue
    };
  }

  @Test
  void theLoopbackDeliversAfterItsCost() {
    InetStack s = loopbackStack();
    UdpSocket server = s.newUdp();
    assertEquals(0, server.bind(LOCALHOST, 7020));
    UdpSocket client = s.newUdp();
    assertEquals(100, client.send(new byte[100], 0, true, LOCALHOST, 7020));
    long due = Loopback.deliveryPs(0, Ipv4.HEADER + UdpDatagram.HEADER + 100);
    events.drainFor(due - 1);
    assertEquals(0, server.receiveQueued(), "not before its cost");
    events.drainFor(1);
    assertEquals(100, server.receiveQueued());
    assertEquals(1, s.devices().get(0).counters().txPackets);
    assertEquals(1, s.devices().get(0).counters().rxPackets);
  }

  @Test
  void aConnectedUdpSocketLearnsOfAClosedPortFromIcmp() {
    InetStack s = loopbackStack();
    UdpSocket u = s.newUdp();
    assertEquals(0, u.connect(LOCALHOST, 7021));
    assertEquals(1, u.send(new byte[1], 0, true, 0, -1));
    events.drainFor(TcpSocket.MS);
    assertEquals(1, s.counters().icmpOutDestUnreachs);
    assertEquals(-Errno.ECONNREFUSED, u.receive(10, 0, true).result());
    assertEquals(-Errno.EAGAIN, u.receive(10, 0, true).result());
  }

  @Test
  void anOrderlyCloseGoesThroughEveryClosingState() {
    InetStack s = loopbackStack();
    TcpSocket[] p = connectedPair(s, s, LOCALHOST, 7000);
    TcpSocket c = p[0];
    TcpSocket d = p[1];
    assertEquals(5, c.send("hello".getBytes(), 0, true, 0, -1));
    c.release(); // the active closer
    assertEquals(TcpSocket.State.FIN_WAIT_1, c.state());
    assertTrue(events.runUntil(() -> d.state() == TcpSocket.State.CLOSE_WAIT));
    assertTrue(events.runUntil(() -> c.state() == TcpSocket.State.FIN_WAIT_2));
    assertArrayEquals("hello".getBytes(), d.receive(100, 0, true).data());
    assertEquals(0, d.receive(100, 0, true).result(), "end of stream after the FIN");
    d.release();
    assertEquals(TcpSocket.State.LAST_ACK, d.state());
    assertTrue(events.runUntil(() -> c.state() == TcpSocket.State.TIME_WAIT));
    assertTrue(events.runUntil(() -> d.state() == TcpSocket.State.CLOSED));
    events.drainFor(TcpSocket.TIME_WAIT_PS + TcpSocket.MS);
    assertEquals(TcpSocket.State.CLOSED, c.state());
  }

  @Test
  void aSimultaneousCloseGoesThroughClosing() {
    InetStack s = loopbackStack();
    TcpSocket[] p = connectedPair(s, s, LOCALHOST, 7001);
    assertEquals(0, p[0].shutdown(SocketConstants.SHUT_WR));
    assertEquals(0, p[1].shutdown(SocketConstants.SHUT_WR));
    assertEquals(TcpSocket.State.FIN_WAIT_1, p[0].state());
    assertEquals(TcpSocket.State.FIN_WAIT_1, p[1].state());
    boolean[] closing = new boolean[1];
    assertTrue(
        events.runUntil(
            () -> {
              closing[0] |= p[0].state() == TcpSocket.State.CLOSING;
              return p[0].state() == TcpSocket.State.TIME_WAIT
                  && p[1].state() == TcpSocket.State.TIME_WAIT;
            }));
    assertTrue(closing[0], "both FINs crossed, so each end passed through CLOSING");
  }

  @Test
  void aClosedPortAnswersWithRstAndConnectIsRefused() {
    InetStack s = loopbackStack();
    TcpSocket c = s.newTcp();
    assertEquals(-Errno.EINPROGRESS, c.connect(LOCALHOST, 7002, true));
    assertTrue(events.runUntil(() -> c.state() == TcpSocket.State.CLOSED));
    assertEquals(Errno.ECONNREFUSED, c.takeError());
    assertEquals(1, s.counters().tcpOutRsts);
    assertEquals(1, s.counters().tcpAttemptFails);
  }

  @Test
  void closingWithUnreadDataResetsThePeer() {
    InetStack s = loopbackStack();
    TcpSocket[] p = connectedPair(s, s, LOCALHOST, 7003);
    assertEquals(3, p[0].send("abc".getBytes(), 0, true, 0, -1));
    assertTrue(events.runUntil(() -> p[1].receiveQueued() == 3));
    p[1].release();
    assertEquals(TcpSocket.State.CLOSED, p[1].state());
    assertTrue(events.runUntil(() -> p[0].state() == TcpSocket.State.CLOSED));
    assertEquals(-Errno.ECONNRESET, p[0].receive(10, 0, true).result());
    assertEquals(0, p[0].receive(10, 0, true).result());
    assertEquals(-Errno.EPIPE, p[0].send("x".getBytes(), 0, true, 0, -1));
  }

  @Test
  void lingerZeroAbortsAndWritingToAClosedPeerResets() {
    InetStack s = loopbackStack();
    TcpSocket[] p = connectedPair(s, s, LOCALHOST, 7004);
    p[0].options().lingerOn = true;
    p[0].options().lingerSeconds = 0;
    p[0].release();
    assertTrue(events.runUntil(() -> p[1].state() == TcpSocket.State.CLOSED));
    assertEquals(Errno.ECONNRESET, p[1].takeError());

    TcpSocket[] q = connectedPair(s, s, LOCALHOST, 7005);
    q[1].release(); // orderly: q[0] gets the FIN
    assertTrue(events.runUntil(() -> q[0].state() == TcpSocket.State.CLOSE_WAIT));
    assertEquals(1, q[0].send("x".getBytes(), 0, true, 0, -1)); // the orphan answers with RST
    assertTrue(events.runUntil(() -> q[0].state() == TcpSocket.State.CLOSED));
    assertEquals(-Errno.EPIPE, q[0].send("y".getBytes(), 0, true, 0, -1));
    assertEquals(-Errno.EPIPE, q[0].send("z".getBytes(), 0, true, 0, -1));
  }

  @Test
  void aFullBacklogDropsSynsUntilAcceptMakesRoom() {
    InetStack s = loopbackStack();
    TcpSocket listener = s.newTcp();
    assertEquals(0, listener.bind(LOCALHOST, 7006));
    assertEquals(0, listener.listen(0));
    TcpSocket c1 = s.newTcp();
    TcpSocket c2 = s.newTcp();
    c1.connect(LOCALHOST, 7006, true);
    assertTrue(events.runUntil(() -> c1.state() == TcpSocket.State.ESTABLISHED));
    events.drainFor(TcpSocket.MS);
    c2.connect(LOCALHOST, 7006, true);
    events.drainFor(100 * TcpSocket.MS);
    assertEquals(TcpSocket.State.SYN_SENT, c2.state(), "the second SYN waits for room");
    assertTrue(s.counters().listenDrops > 0);
    assertNotNull(listener.accept(true, new long[1]));
    assertTrue(events.runUntil(() -> c2.state() == TcpSocket.State.ESTABLISHED));
  }

  @Test
  void bindingRulesAndEphemeralPorts() {
    InetStack s = loopbackStack();
    TcpSocket a = s.newTcp();
    TcpSocket b = s.newTcp();
    assertEquals(0, a.bind(0, 7007));
    assertEquals(-Errno.EADDRINUSE, b.bind(LOCALHOST, 7007));
    assertEquals(-Errno.EADDRNOTAVAIL, b.bind(0x0a000001, 7008));
    assertEquals(-Errno.EINVAL, a.bind(0, 7009));
    TcpSocket c = s.newTcp();
    c.connect(LOCALHOST, 1, true);
    assertTrue(c.localPort() >= InetStack.EPHEMERAL_LOW && c.localPort() <= 60999);
  }

  @Test
  void malformedPacketsAreCountedAndDropped() {
    InetStack s = loopbackStack();
    TcpSocket listener = s.newTcp();
    assertEquals(0, listener.bind(0, 7010));
    assertEquals(0, listener.listen(1));
    byte[] good =
        new TcpSegment(40000, 7010, 1, 0, TcpSegment.SYN, 1000, 0, new byte[0])
            .toPacket(LOCALHOST, LOCALHOST, 1);
    byte[] badTcpSum = good.clone();
    badTcpSum[Ipv4.HEADER + 16] ^= 1;
    byte[] badIpSum = good.clone();
    badIpSum[Ipv4.CHECKSUM] ^= 1;
    byte[] truncated = java.util.Arrays.copyOf(good, 30);
    byte[] badOffset = good.clone();
    badOffset[Ipv4.HEADER + 12] = (byte) 0xf0;
    s.receive(badTcpSum);
    s.receive(badIpSum);
    s.receive(truncated);
    s.receive(badOffset);
    s.receive(new byte[3]);
    s.receive(new UdpDatagram(1, 2, new byte[5]).toPacket(LOCALHOST, LOCALHOST, 2));
    assertEquals(2, s.counters().tcpInErrs); // bad checksum, data offset past the end
    assertEquals(3, s.counters().ipInHdrErrors); // IP checksum, total length, too short
    assertEquals(1, s.counters().udpNoPorts);
    String snmp = ProcNet.snmp(s);
    assertEquals("3", snmpValue(snmp, "Ip", "InHdrErrors"), snmp);
    assertEquals("2", snmpValue(snmp, "Tcp", "InErrs"), snmp);
    assertEquals("1", snmpValue(snmp, "Udp", "NoPorts"), snmp);
    events.drainFor(TcpSocket.MS);
    assertEquals(0, s.counters().tcpPassiveOpens);
    s.receive(good);
    assertEquals(1, s.counters().tcpPassiveOpens, "the intact SYN still works");
  }

  @Test
  void udpDatagramsKeepTheirBoundaries() {
    InetStack s = loopbackStack();
    UdpSocket server = s.newUdp();
    assertEquals(0, server.bind(LOCALHOST, 7011));
    UdpSocket client = s.newUdp();
    assertEquals(3, client.send("one".getBytes(), 0, true, LOCALHOST, 7011));
    assertEquals(5, client.send("three".getBytes(), 0, true, LOCALHOST, 7011));
    assertEquals(-Errno.EDESTADDRREQ, client.send("x".getBytes(), 0, true, 0, -1));
    assertTrue(events.runUntil(() -> server.receiveQueued() == 8));
    InetSocket.Received r = server.receive(2, 0, true);
    assertEquals(2, r.result());
    assertEquals(SocketConstants.MSG_TRUNC, r.msgFlags());
    assertEquals(client.localPort(), r.fromPort());
    assertArrayEquals("three".getBytes(), server.receive(100, 0, true).data());
    assertEquals(-Errno.EAGAIN, server.receive(100, 0, true).result());
  }

  @Test
  void routesGoByTheLongestMatchingPrefix() {
    LossyLink wide = new LossyLink(events, 0x0a000001, 1, 0);
    LossyLink narrow = new LossyLink(events, A, 2, 0);
    RoutingTable t = new RoutingTable();
    t.add(0x0a000000, 8, wide);
    t.add(0x0a010200, 24, narrow);
    t.add(0, 0, wide);
    assertEquals(narrow, t.lookup(B).device());
    assertEquals(wide, t.lookup(0x0a020304).device());
    assertEquals(0, t.lookup(0x08080808).prefixLength());
    assertEquals(null, new RoutingTable().lookup(B));
  }

  /** The value of name in proto's pair of lines of /proc/net/snmp text. */
  private static String snmpValue(String snmp, String proto, String name) {
    List<String> lines = snmp.lines().filter(l -> l.startsWith(proto + ": ")).toList();
    assertEquals(2, lines.size(), proto + " has a line of names and one of values");
    List<String> names = List.of(lines.get(0).split(" "));
    return lines.get(1).split(" ")[names.indexOf(name)];
  }

  @Test
  void anEchoRequestIsAnsweredAndRawSocketsSeeEveryIcmpPacket() {
    InetStack s = loopbackStack();
    RawSocket ping = s.newRaw();
    byte[] echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'h', 'i'};
    Ipv4.put16(echo, 2, Checksum.finish(Checksum.add(0, echo, 0, echo.length)));
    assertEquals(-Errno.EDESTADDRREQ, ping.send(echo, 0, true, 0, -1));
    assertEquals(echo.length, ping.send(echo, 0, true, LOCALHOST, 0));
    events.drainFor(TcpSocket.MS);
    InetSocket.Received request = ping.receive(100, 0, true);
    assertEquals(Ipv4.HEADER + echo.length, request.result(), "the request, seen on lo");
    assertEquals(LOCALHOST, request.fromAddr());
    InetSocket.Received reply = ping.receive(100, 0, true);
    byte[] r = reply.data();
    assertEquals(0, r[Ipv4.HEADER], "an echo reply");
    assertArrayEquals(
        java.util.Arrays.copyOfRange(echo, 4, echo.length),
        java.util.Arrays.copyOfRange(r, Ipv4.HEADER + 4, r.length),
        "its identifier, sequence number and data");
    assertEquals(0, Checksum.finish(Checksum.add(0, r, Ipv4.HEADER, echo.length)));
    assertEquals(-Errno.EAGAIN, ping.receive(100, 0, true).result());
    assertEquals(1, s.counters().icmpInEchos);
    assertEquals(1, s.counters().icmpOutEchoReps);
    String snmp = ProcNet.snmp(s);
    assertTrue(snmp.contains("\nIcmpMsg: InType0 InType8 OutType0 OutType8\nIcmpMsg: 1 1 1 1\n"));
    byte[] bad = echo.clone();
    bad[9] ^= 1; // the checksum no longer holds: counted, dropped, not answered
    ping.send(bad, 0, true, LOCALHOST, 0);
    events.drainFor(TcpSocket.MS);
    assertEquals(1, s.counters().icmpInErrors);
    assertArrayEquals(
        bad,
        java.util.Arrays.copyOfRange(ping.receive(100, 0, true).data(), Ipv4.HEADER, 30),
        "raw sockets see it all the same");
    assertEquals(-Errno.EAGAIN, ping.receive(100, 0, true).result());
    ping.release();
  }

  @Test
  void procNetSnmpHasLinuxsProtocolsAndFields() {
    InetStack s = loopbackStack();
    String snmp = ProcNet.snmp(s);
    assertTrue(
        snmp.startsWith(
            "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams"
                + " InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes"
                + " ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates\n"
                + "Ip: 2 64 0 "),
        snmp);
    assertEquals(
        List.of("Ip", "Ip", "Icmp", "Icmp", "Tcp", "Tcp", "Udp", "Udp", "UdpLite", "UdpLite"),
        snmp.lines().map(l -> l.substring(0, l.indexOf(':'))).toList(),
        "IcmpMsg only once an ICMP message came or went");
    assertEquals("-1", snmpValue(snmp, "Tcp", "MaxConn"));
    UdpSocket u = s.newUdp();
    assertEquals(0, u.connect(LOCALHOST, 7022));
    assertEquals(1, u.send(new byte[1], 0, true, 0, -1));
    events.drainFor(TcpSocket.MS);
    snmp = ProcNet.snmp(s);
    assertTrue(snmp.contains("\nIcmpMsg: InType3 OutType3\nIcmpMsg: 1 1\n"), snmp);
    assertEquals("1", snmpValue(snmp, "Icmp", "OutDestUnreachs"));
    assertEquals("1", snmpValue(snmp, "Icmp", "InMsgs"));
  }

  @Test
  void procNetShowsRoutesAndSocketsInLinuxFormat() {
    InetStack s = loopbackStack();
    s.addDevice(new LossyLink(events, A, 3, 0));
    TcpSocket l = s.newTcp();
    assertEquals(0, l.bind(LOCALHOST, 0x1f90));
    assertEquals(0, l.listen(1));
    String route = ProcNet.route(s);
    assertTrue(
        route.contains("\neth0\t0002010A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"), route);
    assertTrue(!route.contains("lo\t"), "lo's routes are in the local table");
    String tcp = ProcNet.tcp(s);
    assertTrue(tcp.contains("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "), tcp);
    assertTrue(tcp.lines().allMatch(line -> line.length() == 149), "lines padded as Linux pads");
    assertTrue(ProcNet.dev(s).contains("\n    lo:       0       0    0"), ProcNet.dev(s));
  }

  @Test
  void connectsShareEphemeralPortsWhenAllAreTakenAndReuseTimeWait() {
    InetStack s = loopbackStack();
    s.setLocalPortRange(40000, 40001);
    for (int port : new int[] {7100, 7101}) {
      TcpSocket l = s.newTcp();
      assertEquals(0, l.bind(0, port));
      assertEquals(0, l.listen(8));
    }
    TcpSocket c1 = s.newTcp();
    TcpSocket c2 = s.newTcp();
    TcpSocket c3 = s.newTcp();
    TcpSocket c4 = s.newTcp();
    assertEquals(-Errno.EINPROGRESS, c1.connect(LOCALHOST, 7100, true));
    assertEquals(-Errno.EINPROGRESS, c2.connect(LOCALHOST, 7100, true));
    assertEquals(-Errno.EINPROGRESS, c3.connect(LOCALHOST, 7101, true));
    assertEquals(40000, c1.localPort());
    assertEquals(40001, c2.localPort());
    assertTrue(c3.localPort() == 40000 || c3.localPort() == 40001, "shared with another peer");
    assertEquals(-Errno.EADDRNOTAVAIL, c4.connect(LOCALHOST, 7100, true));
    assertTrue(events.runUntil(() -> c1.state() == TcpSocket.State.ESTABLISHED));
    c1.release();
    assertTrue(events.runUntil(() -> c1.state() == TcpSocket.State.FIN_WAIT_2));
    TcpSocket server1 = null;
    for (TcpSocket t : s.tcpSockets()) {
      if (t.remotePort == 40000 && t.localPort == 7100) {
        server1 = t;
      }
    }
    assertNotNull(server1);
    server1.release();
    assertTrue(events.runUntil(() -> c1.state() == TcpSocket.State.TIME_WAIT));
    TcpSocket c5 = s.newTcp();
    assertEquals(-Errno.EINPROGRESS, c5.connect(LOCALHOST, 7100, true));
    assertEquals(40000, c5.localPort());
    assertEquals(TcpSocket.State.CLOSED, c1.state(), "the TIME_WAIT gave its 4-tuple up");
  }
}
