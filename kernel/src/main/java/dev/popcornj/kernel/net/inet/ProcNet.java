package dev.popcornj.kernel.net.inet;

import java.util.List;
import java.util.Locale;

/**
 * /proc/net/dev, /proc/net/tcp, /proc/net/udp and /proc/net/snmp of one kernel's stack, in Linux's
 * formats (what netstat and ifconfig parse): addresses as the hexadecimal of the network-order word
 * read on a little-endian machine, ports in host order. Socket inode numbers, timers and uids are
 * shown as zero.
 */
public final class ProcNet {
  private ProcNet() {}

  /** TMPSZ less one for tcp, 127 for udp: each line is padded to it. */
  private static final int TCP_WIDTH = 149;

  private static final int UDP_WIDTH = 127;

  /**
   * /proc/net/tcp6 and udp6: their header lines only, since the stack has no IPv6 (netstat reads
   * them beside tcp and udp).
   */
  public static String tcp6() {
    return "  sl  local_address                         remote_address                        st"
        + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  }

  public static String udp6() {
    return "  sl  local_address                         remote_address                        st"
        + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  }

  /**
   * /proc/net/route: the main table's routes (a loopback device's belong to the local table, which
   * this file does not show, so with lo alone it is the header only).
   */
  public static String route(InetStack stack) {
    StringBuilder b = new StringBuilder();
    b.append(
        pad(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            127));
    for (RoutingTable.Route r : stack.routes().routes()) {
      if ((r.device().flags() & NetDevice.IFF_LOOPBACK) != 0) {
        continue;
      }
      b.append(
          pad(
              String.format(
                  Locale.ROOT,
                  "%s\t%s\t%s\t%04X\t0\t0\t0\t%s\t0\t0\t0",
                  r.device().name(),
                  hexAddress(r.prefix() & r.mask()),
                  hexAddress(0),
                  1,
                  hexAddress(r.mask())),
              127));
    }
    return b.toString();
  }

  public static String dev(InetStack stack) {
    StringBuilder b = new StringBuilder();
    b.append("Inter-|   Receive                                                |  Transmit\n");
    b.append(
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs"
            + " drop fifo colls carrier compressed\n");
    for (NetDevice d : stack.devices()) {
      DeviceCounters c = d.counters();
      b.append(
          String.format(
              Locale.ROOT,
              "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
              d.name(),
              c.rxBytes,
              c.rxPackets,
              c.rxErrors,
              c.rxDropped,
              0,
              0,
              0,
              0,
              c.txBytes,
              c.txPackets,
              c.txErrors,
              c.txDropped,
              0,
              0,
              0,
              0));
    }
    return b.toString();
  }

  /**
   * /proc/net/snmp as Linux 6.1 writes it (what {@code netstat -s} reads): per protocol a line of
   * names and a line of values. The counters this stack keeps are shown (malformed packets among
   * them: InHdrErrors, InErrs, InErrors); the rest are 0. IcmpMsg lists the ICMP types seen (echo
   * reply 0, destination unreachable 3, echo 8), received then sent, and is absent while there were
   * none.
   */
  public static String snmp(InetStack stack) {
    InetCounters c = stack.counters();
    long established = 0;
    for (TcpSocket s : stack.tcpSockets()) {
      if (s.state() == TcpSocket.State.ESTABLISHED || s.state() == TcpSocket.State.CLOSE_WAIT) {
        established++;
      }
    }
    StringBuilder b = new StringBuilder();
    mib(
        b,
        "Ip",
        "Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos"
            + " InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds"
            + " ReasmOKs ReasmFails FragOKs FragFails FragCreates",
        2, // not forwarding
        64,
        c.ipInReceives,
        c.ipInHdrErrors,
        c.ipInAddrErrors,
        0,
        c.ipInUnknownProtos,
        0,
        c.ipInDelivers,
        c.ipOutRequests,
        0,
        c.ipOutNoRoutes,
        0,
        0,
        0,
        c.ipReasmFails,
        0,
        0,
        0);
    mib(
        b,
        "Icmp",
        "InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs"
            + " InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks"
            + " InAddrMaskReps OutMsgs OutErrors OutDestUnreachs OutTimeExcds OutParmProbs"
            + " OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps"
            + " OutAddrMasks OutAddrMaskReps",
        c.icmpInMsgs,
        c.icmpInErrors,
        0,
        c.icmpInDestUnreachs,
        0,
        0,
        0,
        0,
        c.icmpInEchos,
        c.icmpInEchoReps,
        0,
        0,
        0,
        0,
        c.icmpOutDestUnreachs + c.icmpOutEchos + c.icmpOutEchoReps + c.icmpOutOther,
        0,
        c.icmpOutDestUnreachs,
        0,
        0,
        0,
        0,
        c.icmpOutEchos,
        c.icmpOutEchoReps,
        0,
        0,
        0,
        0);
    StringBuilder names = new StringBuilder();
    List<Long> values = new java.util.ArrayList<>();
    long[][] byType = {
      {0, c.icmpInEchoReps}, {3, c.icmpInDestUnreachs}, {8, c.icmpInEchos},
      {0, c.icmpOutEchoReps}, {3, c.icmpOutDestUnreachs}, {8, c.icmpOutEchos}
    };
    for (int i = 0; i < byType.length; i++) {
      if (byType[i][1] > 0) {
        names.append(names.isEmpty() ? "" : " ").append(i < 3 ? "InType" : "OutType");
        names.append(byType[i][0]);
        values.add(byType[i][1]);
      }
    }
    if (!values.isEmpty()) {
      mib(b, "IcmpMsg", names.toString(), values.stream().mapToLong(Long::longValue).toArray());
    }
    mib(
        b,
        "Tcp",
        "RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets"
            + " CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors",
        1,
        200,
        120000,
        -1,
        c.tcpActiveOpens,
        c.tcpPassiveOpens,
        c.tcpAttemptFails,
        c.tcpEstabResets,
        established,
        c.tcpInSegs,
        c.tcpOutSegs,
        c.tcpRetransSegs,
        c.tcpInErrs,
        c.tcpOutRsts,
        0);
    String udp =
        "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors"
            + " IgnoredMulti MemErrors";
    mib(
        b,
        "Udp",
        udp,
        c.udpInDatagrams,
        c.udpNoPorts,
        c.udpInErrors,
        c.udpOutDatagrams,
        c.udpRcvbufErrors,
        0,
        0,
        0,
        0);
    mib(b, "UdpLite", udp, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    return b.toString();
  }

  /** The two lines of one protocol: "Proto: names" and "Proto: values". */
  private static void mib(StringBuilder b, String proto, String names, long... values) {
    if (names.split(" ").length != values.length) {
      throw new IllegalArgumentException(proto + ": names and values differ in number");
    }
    b.append(proto).append(": ").append(names).append('\n').append(proto).append(':');
    for (long v : values) {
      b.append(' ').append(v);
    }
    b.append('\n');
  }

  /** An address as /proc/net shows it: the network-order bytes read as a little-endian word. */
  static String hexAddress(int addr) {
    return String.format(Locale.ROOT, "%08X", Integer.reverseBytes(addr));
  }

  private static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < width) {
      b.append(' ');
    }
    return b.append('\n').toString();
  }

  public static String tcp(InetStack stack) {
    StringBuilder b = new StringBuilder();
    b.append(
        pad(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
                + " timeout inode",
            TCP_WIDTH));
    List<TcpSocket> all =
        stack.tcpSockets().stream().filter(t -> t.state() != TcpSocket.State.CLOSED).toList();
    for (int i = 0; i < all.size(); i++) {
      TcpSocket s = all.get(i);
      b.append(
          pad(
              String.format(
                  Locale.ROOT,
                  "%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 00000000 %5d %8d 0 1"
                      + " 0000000000000000 20 4 30 10 -1",
                  i,
                  hexAddress(s.localAddr),
                  s.localPort,
                  hexAddress(s.remoteAddr),
                  s.remotePort,
                  s.state().linux,
                  s.sendQueued(),
                  s.receiveQueued(),
                  0,
                  0),
              TCP_WIDTH));
    }
    return b.toString();
  }

  public static String udp(InetStack stack) {
    StringBuilder b = new StringBuilder();
    b.append(
        pad(
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
                + " timeout inode ref pointer drops",
            UDP_WIDTH));
    List<UdpSocket> all = stack.udpSockets();
    for (int i = 0; i < all.size(); i++) {
      UdpSocket s = all.get(i);
      int[] peer = s.peer();
      b.append(
          pad(
              String.format(
                  Locale.ROOT,
                  "%5d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 00000000 %5d %8d 0 2"
                      + " 0000000000000000 0",
                  i,
                  hexAddress(s.localAddr),
                  s.localPort,
                  hexAddress(peer == null ? 0 : peer[0]),
                  peer == null ? 0 : peer[1],
                  peer == null ? 7 : 1,
                  0,
                  s.receiveQueued(),
                  0,
                  0),
              UDP_WIDTH));
    }
    return b.toString();
  }
}
