package dev.popcornj.kernel.net.inet;

/**
 * The options setsockopt sets on an AF_INET socket and getsockopt reads back. SO_KEEPALIVE and
 * TCP_NODELAY are kept and reported; this stack sends no keepalive probes (a connection over it is
 * never idle long enough in a run to need one) and never delays a small segment (so TCP_NODELAY
 * changes nothing it does). SO_BROADCAST, SO_PRIORITY, IP_TOS and IP_TTL are kept and reported
 * only: packets go out with TTL 64 and TOS 0 whatever they say.
 */
public final class SocketOptions {
  /** tcp_wmem[1] and tcp_rmem[1], Linux's default TCP buffers. */
  public static final int TCP_SNDBUF = 16384;

  public static final int TCP_RCVBUF = 131072;

  /** net.core.wmem_default and rmem_default, UDP's. */
  public static final int UDP_BUFFER = 212992;

  public boolean reuseAddr;
  public boolean keepAlive;
  public boolean noDelay;
  public boolean lingerOn;
  public int lingerSeconds;
  public boolean broadcast;
  public int priority;
  public int tos;
  public int ttl = 64;

  /** No timeout. */
  public static final long FOREVER = Waits.FOREVER;

  /** SO_RCVTIMEO and SO_SNDTIMEO in picoseconds; {@link #FOREVER} when unset. */
  public long rcvTimeoutPs = Waits.FOREVER;

  public long sndTimeoutPs = Waits.FOREVER;
  public int sndbuf;
  public int rcvbuf;

  SocketOptions(int sndbuf, int rcvbuf) {
    this.sndbuf = sndbuf;
    this.rcvbuf = rcvbuf;
  }

  SocketOptions copy() {
    SocketOptions o = new SocketOptions(sndbuf, rcvbuf);
    o.reuseAddr = reuseAddr;
    o.keepAlive = keepAlive;
    o.noDelay = noDelay;
    o.lingerOn = lingerOn;
    o.lingerSeconds = lingerSeconds;
    o.broadcast = broadcast;
    o.priority = priority;
    o.tos = tos;
    o.ttl = ttl;
    o.rcvTimeoutPs = rcvTimeoutPs;
    o.sndTimeoutPs = sndTimeoutPs;
    return o;
  }
}
