package dev.popcornj.kernel.net.inet;

/**
 * The protocol counters of one kernel's IPv4 stack (a subset of /proc/net/snmp's). Malformed
 * packets land here: counted and dropped. Owned by the stack's kernel; used only on its simulation
 * thread.
 */
public final class InetCounters {
  public long ipInReceives;
  public long ipInHdrErrors;
  public long ipInAddrErrors;
  public long ipInUnknownProtos;
  public long ipInDelivers;
  public long ipOutRequests;
  public long ipOutNoRoutes;
  public long ipReasmFails;
  public long tcpActiveOpens;
  public long tcpPassiveOpens;
  public long tcpAttemptFails;
  public long tcpEstabResets;
  public long tcpInSegs;
  public long tcpOutSegs;
  public long tcpRetransSegs;
  public long tcpInErrs;
  public long tcpOutRsts;
  public long tcpAbortOnData;
  public long tcpOfoQueue;
  public long listenDrops;
  public long udpInDatagrams;
  public long udpNoPorts;
  public long udpInErrors;
  public long udpOutDatagrams;
  public long udpRcvbufErrors;
  public long icmpInMsgs;
  public long icmpInErrors;
  public long icmpInDestUnreachs;
  public long icmpInEchos;
  public long icmpInEchoReps;
  public long icmpInOther; // other types: in InMsgs only
  public long icmpOutDestUnreachs;
  public long icmpOutEchos;
  public long icmpOutEchoReps;
  public long icmpOutOther; // other types raw sockets sent: in OutMsgs only
}
