package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.Deferrer;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The IPv4 stack of one kernel instance (Linux's init_net, reduced): its interfaces, its routing
 * table, the TCP and UDP port and connection tables, and the input and output paths between sockets
 * and devices. Packets are real bytes with real headers and checksums; a packet that fails a check
 * is counted in {@link #counters()} and dropped, never an exception. Received packets come from the
 * devices' deferred callbacks, so a packet sent never re-enters the stack synchronously.
 *
 * <pre>
 *   TcpSocket / UdpSocket
 *        |  tcpTransmit, udpTransmit           ^  onSegment, onDatagram
 *        v                                     |
 *   InetStack: output -- routes --> NetDevice.transmit ... (virtual time) ... receive -- demux
 * </pre>
 *
 * <p>Owned by one kernel instance (built by its composition root); used only on its simulation
 * thread.
 */
public final class InetStack {
  /** net.ipv4.ip_local_port_range's default. */
  public static final int EPHEMERAL_LOW = 32768;

  public static final int EPHEMERAL_HIGH = 60999;

  /** A TCP connection's key: the local and remote address and port, host order. */
  record Flow(int localAddr, int localPort, int remoteAddr, int remotePort) {}

  private final LongSupplier clockPs;
  private final Deferrer deferrer;
  private final Sleeper sleeper;
  private final RoutingTable routes = new RoutingTable();
  private final List<NetDevice> devices = new ArrayList<>();
  private final InetCounters counters = new InetCounters();
  private final Map<Flow, TcpSocket> connections = new LinkedHashMap<>();
  private final Map<Integer, List<TcpSocket>> tcpPorts = new LinkedHashMap<>();
  private final Map<Integer, List<UdpSocket>> udpPorts = new LinkedHashMap<>();
  private final List<RawSocket> rawSockets = new ArrayList<>(); // in the order they were made
  private int portLow = EPHEMERAL_LOW;
  private int portHigh = EPHEMERAL_HIGH;
  private int nextEphemeral = EPHEMERAL_LOW;
  private int nextId = 1;
  private int isnCounter;
  private Loopback loopback;
  private final WaitQueue loopbackIdle;

  /**
   * A stack with no interfaces yet. clockPs reads virtual time; deferrer runs the stack's timers
   * and is what its devices deliver through; sleeper is what its sockets' wait queues sleep on.
   */
  public InetStack(LongSupplier clockPs, Deferrer deferrer, Sleeper sleeper) {
    this.clockPs = clockPs;
    this.deferrer = deferrer;
    this.sleeper = sleeper;
    this.loopbackIdle = new WaitQueue(sleeper);
  }

  /**
   * Called by a system call that sent or received on a socket before it returns: the calling task
   * waits until the loopback has delivered every packet in flight, and every packet those caused.
   * Linux runs the loopback's receive softirq on the sending CPU before the call returns to user
   * space, so a program sees the other end's state changed when its send, connect or shutdown
   * returns; here the delivery stays asynchronous in virtual time, and the call's time includes it.
   * A signal ends the wait early (the call's result stands).
   */
  public void settle() {
    if (loopback != null && loopback.inFlight() > 0) {
      loopbackIdle.await(() -> loopback.inFlight() == 0);
    }
  }

  /** A stack with the loopback interface lo, 127.0.0.1/8, as every kernel has. */
  public static InetStack withLoopback(LongSupplier clockPs, Deferrer deferrer, Sleeper sleeper) {
    InetStack s = new InetStack(clockPs, deferrer, sleeper);
    s.addDevice(new Loopback(clockPs, deferrer));
    return s;
  }

  /** Brings device up: its packets come here, and a route to its subnet goes out of it. */
  public void addDevice(NetDevice device) {
    devices.add(device);
    if (device instanceof Loopback lo) {
      loopback = lo;
      lo.setIdleListener(loopbackIdle::wakeAll);
    }
    device.attach(this::receive);
    device.attachUnreachable(p -> callAt(now(), () -> hostUnreachable(p)));
    int prefix = Integer.bitCount(device.netmask());
    routes.add(device.address() & device.netmask(), prefix, device);
  }

  public List<NetDevice> devices() {
    return List.copyOf(devices);
  }

  public RoutingTable routes() {
    return routes;
  }

  public InetCounters counters() {
    return counters;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  long now() {
    return clockPs.getAsLong();
  }

  void callAt(long timePs, Runnable action) {
    deferrer.callAt(timePs, action);
  }

  public TcpSocket newTcp() {
    return new TcpSocket(
        this, new SocketOptions(SocketOptions.TCP_SNDBUF, SocketOptions.TCP_RCVBUF));
  }

  /** A raw ICMP socket (what ping opens), which sees every ICMP packet this kernel receives. */
  public RawSocket newRaw() {
    RawSocket r =
        new RawSocket(this, new SocketOptions(SocketOptions.UDP_BUFFER, SocketOptions.UDP_BUFFER));
    rawSockets.add(r);
    return r;
  }

  void rawUnbind(RawSocket r) {
    rawSockets.remove(r);
  }

  public UdpSocket newUdp() {
    return new UdpSocket(
        this, new SocketOptions(SocketOptions.UDP_BUFFER, SocketOptions.UDP_BUFFER));
  }

  /** Every TCP socket that has a port (listeners and connections, each once), in table order. */
  public List<TcpSocket> tcpSockets() {
    List<TcpSocket> all = new ArrayList<>();
    for (List<TcpSocket> l : tcpPorts.values()) {
      all.addAll(l);
    }
    return all;
  }

  /**
   * The host at addr is gone (its kernel went down): every connection to it fails now with
   * ECONNRESET instead of waiting out its retransmissions. Returns how many did.
   */
  public int resetConnectionsTo(int addr) {
    int n = 0;
    for (TcpSocket s : tcpSockets()) {
      if (s.remoteGone(addr)) {
        n++;
      }
    }
    return n;
  }

  public List<UdpSocket> udpSockets() {
    List<UdpSocket> all = new ArrayList<>();
    for (List<UdpSocket> l : udpPorts.values()) {
      all.addAll(l);
    }
    return all;
  }

  // ---------------------------------------------------------------- addresses and routes

  /** Whether addr is one of this kernel's (any 127/8 address is, through lo). */
  public boolean isLocal(int addr) {
    if (addr >>> 24 == 127) {
      return true;
    }
    for (NetDevice d : devices) {
      if (d.address() == addr) {
        return true;
      }
    }
    return false;
  }

  /** The device a packet to dst goes out of: lo for a local address, else the best route's. */
  private NetDevice deviceFor(int dst) {
    if (isLocal(dst)) {
      for (NetDevice d : devices) {
        if ((d.flags() & NetDevice.IFF_LOOPBACK) != 0) {
          return d;
        }
      }
    }
    RoutingTable.Route r = routes.lookup(dst);
    return r == null ? null : r.device();
  }

  /** The source address for a packet to dst (the address of its device), or 0 if unreachable. */
  int sourceFor(int dst) {
    if (isLocal(dst)) {
      return dst >>> 24 == 127 ? 0x7f000001 : dst;
    }
    NetDevice d = deviceFor(dst);
    return d == null ? 0 : d.address();
  }

  /** The MSS this kernel offers for a connection to dst: its device's MTU less the headers. */
  int mssFor(int dst) {
    NetDevice d = deviceFor(dst);
    int mtu = d == null ? 576 : Math.min(d.mtu(), 65535);
    return mtu - Ipv4.HEADER - TcpSegment.HEADER;
  }

  /**
   * A deterministic initial sequence number: a mix of the connection's addresses and ports, a
   * counter, and a clock ticking every 4 us in virtual time (after RFC 6528's shape; there is no
   * secret, since runs must repeat).
   */
  int initialSequence(int localAddr, int localPort, int remoteAddr, int remotePort) {
    long h = 0x9e3779b97f4a7c15L;
    for (long v : new long[] {localAddr, localPort, remoteAddr, remotePort, ++isnCounter}) {
      h = (h ^ v) * 0xbf58476d1ce4e5b9L;
      h ^= h >>> 31;
    }
    return (int) h + (int) (now() / 4_000_000L);
  }

  // ---------------------------------------------------------------- output

  private void output(int dst, byte[] packet) {
    NetDevice d = deviceFor(dst);
    if (d == null) {
      counters.ipOutNoRoutes++;
      return;
    }
    counters.ipOutRequests++;
    d.transmit(packet);
  }

  void tcpTransmit(int src, int dst, TcpSegment s) {
    counters.tcpOutSegs++;
    output(dst, s.toPacket(src, dst, nextId++ & 0xffff));
  }

  /** An ICMP message from a raw socket, with the IPv4 header put on it. */
  void rawTransmit(int src, int dst, byte[] icmp) {
    countIcmpOut(icmp.length > 0 ? icmp[0] & 0xff : -1);
    byte[] p = Ipv4.packet(src, dst, Ipv4.PROTO_ICMP, nextId++ & 0xffff, icmp.length);
    System.arraycopy(icmp, 0, p, Ipv4.HEADER, icmp.length);
    output(dst, p);
  }

  private void countIcmpOut(int type) {
    switch (type) {
      case Icmp.ECHO_REPLY -> counters.icmpOutEchoReps++;
      case Icmp.DEST_UNREACHABLE -> counters.icmpOutDestUnreachs++;
      case Icmp.ECHO_REQUEST -> counters.icmpOutEchos++;
      default -> counters.icmpOutOther++;
    }
  }

  void udpTransmit(int src, int dst, UdpDatagram d) {
    counters.udpOutDatagrams++;
    output(dst, d.toPacket(src, dst, nextId++ & 0xffff));
  }

  /** A RST answering s, which arrived from remote for local (RFC 9293's reset generation). */
  void sendReset(int local, int remote, TcpSegment s) {
    TcpSegment rst =
        s.has(TcpSegment.ACK)
            ? new TcpSegment(
                s.dstPort(), s.srcPort(), s.ack(), 0, TcpSegment.RST, 0, 0, new byte[0])
            : new TcpSegment(
                s.dstPort(),
                s.srcPort(),
                0,
                s.seq() + s.length(),
                TcpSegment.RST | TcpSegment.ACK,
                0,
                0,
                new byte[0]);
    counters.tcpOutRsts++;
    tcpTransmit(local, remote, rst);
  }

  // ---------------------------------------------------------------- input

  /** A device received packet: checked, then handed to TCP or UDP, else counted and dropped. */
  public void receive(byte[] p) {
    counters.ipInReceives++;
    if (p.length < Ipv4.HEADER || (p[0] & 0xf0) != 0x40) {
      counters.ipInHdrErrors++;
      return;
    }
    int header = Ipv4.headerLength(p);
    int total = Ipv4.get16(p, Ipv4.TOTAL_LENGTH);
    if (header < Ipv4.HEADER
        || header > p.length
        || total < header
        || total > p.length
        || Checksum.finish(Checksum.add(0, p, 0, header)) != 0) {
      counters.ipInHdrErrors++;
      return;
    }
    if ((Ipv4.get16(p, Ipv4.FRAGMENT) & Ipv4.FRAGMENT_BITS) != 0) {
      counters.ipReasmFails++; // this stack never fragments, and does not reassemble
      return;
    }
    int src = Ipv4.get32(p, Ipv4.SOURCE);
    int dst = Ipv4.get32(p, Ipv4.DESTINATION);
    if (!isLocal(dst)) {
      counters.ipInAddrErrors++;
      return;
    }
    int protocol = p[Ipv4.PROTOCOL] & 0xff;
    switch (protocol) {
      case Ipv4.PROTO_TCP -> {
        counters.ipInDelivers++;
        TcpSegment s = TcpSegment.parse(p, header, total - header, src, dst);
        if (s == null) {
          counters.tcpInErrs++;
          return;
        }
        counters.tcpInSegs++;
        tcpInput(s, src, dst);
      }
      case Ipv4.PROTO_UDP -> {
        counters.ipInDelivers++;
        UdpDatagram d = UdpDatagram.parse(p, header, total - header, src, dst);
        if (d == null) {
          counters.udpInErrors++;
          return;
        }
        if (!udpInput(d, src, dst) && dst >>> 28 != 0xe && dst != -1) {
          counters.icmpOutDestUnreachs++;
          output(src, Icmp.portUnreachable(dst, src, nextId++ & 0xffff, p));
        }
      }
      case Ipv4.PROTO_ICMP -> {
        counters.ipInDelivers++;
        icmpInput(p, header, total, src, dst);
      }
      default -> counters.ipInUnknownProtos++;
    }
  }

  /**
   * A packet this stack sent could not reach its host (ipv4_link_failure's ICMP host unreachable,
   * taken at once): a connection still waiting for its SYN's answer fails with EHOSTUNREACH, and so
   * does the next call on a connected UDP socket, as tcp_v4_err and __udp4_lib_err do; an
   * established connection keeps retransmitting (a soft error on Linux).
   */
  void hostUnreachable(byte[] p) {
    if (p.length < Ipv4.HEADER || Ipv4.headerLength(p) + 4 > p.length) {
      return;
    }
    counters.icmpOutDestUnreachs++; // sent to this stack itself, which takes it at once
    counters.icmpInMsgs++;
    counters.icmpInDestUnreachs++;
    int header = Ipv4.headerLength(p);
    int src = Ipv4.get32(p, Ipv4.SOURCE);
    int dst = Ipv4.get32(p, Ipv4.DESTINATION);
    int srcPort = Ipv4.get16(p, header);
    int dstPort = Ipv4.get16(p, header + 2);
    switch (p[Ipv4.PROTOCOL]) {
      case Ipv4.PROTO_TCP -> {
        TcpSocket c = connections.get(new Flow(src, srcPort, dst, dstPort));
        if (c != null) {
          c.onHostUnreachable();
        }
      }
      case Ipv4.PROTO_UDP -> {
        for (UdpSocket u : udpPorts.getOrDefault(srcPort, List.of())) {
          if (u.onUnreachable(src, dst, dstPort, Errno.EHOSTUNREACH)) {
            break;
          }
        }
      }
      default -> {}
    }
  }

  /**
   * An ICMP message (icmp_rcv): every raw ICMP socket gets the packet first, checksum or not
   * (raw_local_deliver); a message that is short or fails its checksum is counted and dropped; an
   * echo request is answered (icmp_echo; not one sent to a broadcast address); a port unreachable
   * goes to the UDP socket that sent the datagram it quotes.
   */
  private void icmpInput(byte[] p, int header, int total, int src, int dst) {
    byte[] whole = p.length == total ? p : java.util.Arrays.copyOf(p, total);
    for (RawSocket r : List.copyOf(rawSockets)) {
      r.onPacket(src, dst, whole);
    }
    counters.icmpInMsgs++;
    int length = total - header;
    if (length < Icmp.HEADER || Checksum.finish(Checksum.add(0, p, header, length)) != 0) {
      counters.icmpInErrors++;
      return;
    }
    switch (p[header] & 0xff) {
      case Icmp.ECHO_REQUEST -> {
        counters.icmpInEchos++;
        if (!isBroadcast(dst)) {
          counters.icmpOutEchoReps++;
          output(src, Icmp.echoReply(dst, src, nextId++ & 0xffff, p, header, length));
        }
      }
      case Icmp.ECHO_REPLY -> counters.icmpInEchoReps++;
      case Icmp.DEST_UNREACHABLE -> {
        counters.icmpInDestUnreachs++;
        Icmp.Quoted q = Icmp.parsePortUnreachable(p, header, length);
        if (q != null) {
          for (UdpSocket u : udpPorts.getOrDefault(q.srcPort(), List.of())) {
            if (u.onUnreachable(q.src(), q.dst(), q.dstPort(), Errno.ECONNREFUSED)) {
              break;
            }
          }
        }
      }
      default -> counters.icmpInOther++;
    }
  }

  /** Whether addr is the broadcast address of one of this kernel's subnets, or all ones. */
  private boolean isBroadcast(int addr) {
    if (addr == -1) {
      return true;
    }
    for (NetDevice d : devices) {
      if ((d.flags() & NetDevice.IFF_BROADCAST) != 0 && addr == (d.address() | ~d.netmask())) {
        return true;
      }
    }
    return false;
  }

  private void tcpInput(TcpSegment s, int src, int dst) {
    TcpSocket c = connections.get(new Flow(dst, s.dstPort(), src, s.srcPort()));
    if (c != null) {
      c.onSegment(s);
      return;
    }
    TcpSocket listener = tcpListener(dst, s.dstPort());
    if (listener != null) {
      listener.onListenSegment(s, src, dst);
      return;
    }
    if (!s.has(TcpSegment.RST)) {
      sendReset(dst, src, s);
    }
  }

  private TcpSocket tcpListener(int addr, int port) {
    TcpSocket any = null;
    for (TcpSocket t : tcpPorts.getOrDefault(port, List.of())) {
      if (t.listening()) {
        if (t.localAddr == addr) {
          return t;
        }
        if (t.localAddr == 0 && any == null) {
          any = t;
        }
      }
    }
    return any;
  }

  /** Delivers d to the socket that best matches it; false when none does (port unreachable). */
  private boolean udpInput(UdpDatagram d, int src, int dst) {
    UdpSocket best = null;
    int bestScore = -1;
    for (UdpSocket u : udpPorts.getOrDefault(d.dstPort(), List.of())) {
      int score = u.matchScore(dst, src, d.srcPort());
      if (score > bestScore) {
        best = u;
        bestScore = score;
      }
    }
    if (best == null) {
      counters.udpNoPorts++;
      return false;
    }
    counters.udpInDatagrams++;
    best.onDatagram(src, d.srcPort(), d.data());
    return true;
  }

  // ---------------------------------------------------------------- TCP tables

  private static boolean overlap(int a, int b) {
    return a == 0 || b == 0 || a == b;
  }

  /** inet_csk_bind_conflict, reduced: addresses overlap and SO_REUSEADDR does not excuse it. */
  private boolean tcpConflict(TcpSocket s, int addr, int port, boolean listening) {
    for (TcpSocket o : tcpPorts.getOrDefault(port, List.of())) {
      if (o == s || !overlap(o.localAddr, addr)) {
        continue;
      }
      boolean reuse = s.options().reuseAddr && o.options().reuseAddr;
      if (listening ? o.listening() : !(reuse && !o.listening())) {
        return true;
      }
    }
    return false;
  }

  int checkLocalAddress(int addr) {
    return addr == 0 || isLocal(addr) ? 0 : -Errno.EADDRNOTAVAIL;
  }

  int tcpBind(TcpSocket s, int addr, int port) {
    int bad = checkLocalAddress(addr);
    if (bad != 0) {
      return bad;
    }
    if (port == 0) {
      s.localAddr = addr;
      return tcpAutobind(s);
    }
    if (tcpConflict(s, addr, port, false)) {
      return -Errno.EADDRINUSE;
    }
    s.localAddr = addr;
    s.localPort = port;
    tcpPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
    return 0;
  }

  /** A free ephemeral port for s (no other TCP socket holds it), or EADDRINUSE. */
  int tcpAutobind(TcpSocket s) {
    for (int i = 0; i <= portHigh - portLow; i++) {
      int port = nextPort();
      if (tcpPorts.getOrDefault(port, List.of()).isEmpty()) {
        s.localPort = port;
        tcpPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
        return 0;
      }
    }
    return -Errno.EADDRINUSE;
  }

  /** net.ipv4.ip_local_port_range: where ephemeral ports come from (low..high, inclusive). */
  public void setLocalPortRange(int low, int high) {
    if (low < 1 || high > 65535 || low > high) {
      throw new IllegalArgumentException("port range " + low + ".." + high);
    }
    portLow = low;
    portHigh = high;
    nextEphemeral = low;
  }

  private int nextPort() {
    int port = nextEphemeral < portLow || nextEphemeral > portHigh ? portLow : nextEphemeral;
    nextEphemeral = port == portHigh ? portLow : port + 1;
    return port;
  }

  /**
   * An ephemeral port for a connect to addr:dport when every one is taken (__inet_hash_connect):
   * one that only other connections made by connect hold, whose 4-tuple with addr:dport is free, or
   * held by a connection in TIME_WAIT, which is ended to make room (what net.ipv4.tcp_tw_reuse
   * allows on loopback, its default). EADDRNOTAVAIL when there is none.
   */
  private int tcpSharePort(TcpSocket s, int addr, int dport) {
    for (int i = 0; i <= portHigh - portLow; i++) {
      int port = nextPort();
      List<TcpSocket> holders = tcpPorts.getOrDefault(port, List.of());
      if (holders.stream().anyMatch(h -> h.listening() || !h.boundByConnect())) {
        continue;
      }
      TcpSocket old = connections.get(new Flow(s.localAddr, port, addr, dport));
      if (old != null && old.state() != TcpSocket.State.TIME_WAIT) {
        continue;
      }
      if (old != null) {
        old.endTimeWait();
      }
      s.localPort = port;
      tcpPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
      return 0;
    }
    return -Errno.EADDRNOTAVAIL;
  }

  /** listen on a bound port: EADDRINUSE when another socket listens on it already. */
  int tcpListenConflict(TcpSocket s) {
    return tcpConflict(s, s.localAddr, s.localPort, true) ? -Errno.EADDRINUSE : 0;
  }

  void tcpUnbind(TcpSocket s) {
    List<TcpSocket> l = tcpPorts.get(s.localPort);
    if (l != null && l.remove(s) && l.isEmpty()) {
      tcpPorts.remove(s.localPort);
    }
  }

  /** The connect side's setup: route, source address, ephemeral port, a 4-tuple of its own. */
  int tcpConnectSetup(TcpSocket s, int addr, int port) {
    if (addr == 0) {
      addr = s.localAddr != 0 ? s.localAddr : 0x7f000001; // INADDR_ANY means this host
    }
    if (deviceFor(addr) == null) {
      return -Errno.ENETUNREACH;
    }
    if (s.localAddr == 0) {
      s.localAddr = sourceFor(addr);
    }
    if (s.localPort == 0) {
      if (tcpAutobind(s) != 0 && tcpSharePort(s, addr, port) != 0) {
        return -Errno.EADDRNOTAVAIL;
      }
      s.markBoundByConnect();
    } else {
      List<TcpSocket> l = tcpPorts.computeIfAbsent(s.localPort, k -> new ArrayList<>());
      if (!l.contains(s)) {
        l.add(s);
      }
    }
    if (connections.containsKey(new Flow(s.localAddr, s.localPort, addr, port))) {
      return -Errno.EADDRNOTAVAIL;
    }
    s.remoteAddr = addr;
    s.remotePort = port;
    return 0;
  }

  void tcpAddConnection(TcpSocket s) {
    connections.put(new Flow(s.localAddr, s.localPort, s.remoteAddr, s.remotePort), s);
    if (s.localPort != 0) {
      List<TcpSocket> l = tcpPorts.computeIfAbsent(s.localPort, k -> new ArrayList<>());
      if (!l.contains(s)) {
        l.add(s);
      }
    }
  }

  void tcpRemoveConnection(TcpSocket s) {
    Flow f = new Flow(s.localAddr, s.localPort, s.remoteAddr, s.remotePort);
    if (connections.get(f) == s) {
      connections.remove(f);
    }
  }

  // ---------------------------------------------------------------- UDP tables

  int udpBind(UdpSocket s, int addr, int port) {
    int bad = checkLocalAddress(addr);
    if (bad != 0) {
      return bad;
    }
    if (port == 0) {
      s.localAddr = addr;
      return udpAutobind(s);
    }
    for (UdpSocket o : udpPorts.getOrDefault(port, List.of())) {
      if (overlap(o.localAddr, addr) && !(s.options().reuseAddr && o.options().reuseAddr)) {
        return -Errno.EADDRINUSE;
      }
    }
    s.localAddr = addr;
    s.localPort = port;
    udpPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
    return 0;
  }

  int udpAutobind(UdpSocket s) {
    for (int i = 0; i <= portHigh - portLow; i++) {
      int port = nextPort();
      if (udpPorts.getOrDefault(port, List.of()).isEmpty()) {
        s.localPort = port;
        udpPorts.computeIfAbsent(port, k -> new ArrayList<>()).add(s);
        return 0;
      }
    }
    return -Errno.EAGAIN;
  }

  void udpUnbind(UdpSocket s) {
    List<UdpSocket> l = udpPorts.get(s.localPort);
    if (l != null && l.remove(s) && l.isEmpty()) {
      udpPorts.remove(s.localPort);
    }
  }

  /** Whether dst can be reached (a route exists, or it is local). */
  boolean reachable(int dst) {
    return deviceFor(dst) != null;
  }
}
