package dev.popcornj.kernel.run;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.net.inet.InetSocket;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.TcpSocket;
import dev.popcornj.kernel.services.vnet.VnetDevice;
import dev.popcornj.machine.sim.Simulation;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code popcorn boot --forward HOSTPORT:KERNEL:PORT}: host TCP connections to 127.0.0.1:HOSTPORT
 * bridged to PORT on KERNEL's vnet address (10.1.2.(KERNEL+1)), through a TCP connection the
 * primary's stack opens (so the guest sees it come from 10.1.2.1).
 *
 * <p>This class is the guest's half, and all of it runs in the simulation: a simulation event every
 * {@link #BUSY_PS} of virtual time while a connection is open ({@link #IDLE_PS} otherwise) asks the
 * {@link HostSide} what came from the host since the last tick, as {@link HostInputLog.Forward}
 * events, and those enter the guest at that tick's virtual time. What the guest may take next (each
 * connection's room for host bytes, and whether it waits for the host to take what it sent) is
 * decided here from simulated state alone, so the same events at the same ticks give the same run:
 * {@code --record} logs them, {@code --replay} feeds them back without host sockets. A guest that
 * refuses the connection, resets it or whose kernel goes down gets the host socket closed; an end
 * of stream on either side is passed on as a half close. While forwarding, the machine never counts
 * as idle (its tick is pending); a tick that moved nothing lets the host side set the pace ({@link
 * HostSide#idle}).
 */
public final class HostForwarder {
  /** One --forward rule. */
  public record Rule(int hostPort, int kernel, int port) {
    public Rule {
      if (hostPort < 1 || hostPort > 65535 || port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of 1..65535");
      }
      if (kernel < 0 || kernel >= VnetDevice.MAX_KERNELS) {
        throw new IllegalArgumentException("kernel " + kernel);
      }
    }

    /** HOSTPORT:KERNEL:PORT. */
    public static Rule parse(String s) {
      String[] p = s.split(":", -1);
      if (p.length != 3) {
        throw new IllegalArgumentException("expected HOSTPORT:KERNEL:PORT");
      }
      try {
        return new Rule(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected numbers in HOSTPORT:KERNEL:PORT");
      }
    }
  }

  /** The tick while a connection is open: 1 ms of virtual time. */
  public static final long BUSY_PS = 1_000_000_000L;

  /** The tick while none is: 10 ms of virtual time. */
  public static final long IDLE_PS = 10_000_000_000L;

  /** Host bytes a connection holds for the guest before it stops taking more from the host. */
  static final int CHUNK = 16 * 1024;

  /**
   * Guest bytes sent to the host that the host has not yet taken ({@link HostInputLog.Drained})
   * before the guest's socket is no longer read: the host's receive window, in simulated state.
   */
  static final int HOST_WINDOW = 64 * 1024;

  /**
   * The host's half of the forwarder: its listening and connected sockets, or a recording of what
   * they gave. The guest's half calls it only from its tick, on the simulation's thread.
   */
  public interface HostSide {
    /**
     * What came from the host since the last tick, as events of tick number tick at nowPs: new
     * connections (numbered 0, 1, ... in the order they came), bytes (on a connection of room, at
     * most its room), half closes, failures, and which connections of awaitingDrain the host has
     * taken every byte of.
     */
    List<HostInputLog.Forward> poll(
        long tick, long nowPs, Map<Integer, Integer> room, Set<Integer> awaitingDrain);

    /** Bytes of the guest for the host on connection. */
    void write(int connection, byte[] data);

    /** The guest sends no more on connection: half-close it once its bytes are written. */
    void shutdownOutput(int connection);

    /** The guest's side is done with connection: close it once its bytes are written. */
    void close(int connection);

    /** A tick moved nothing: the host's pace (a live host waits a little for its sockets). */
    default void idle() {}

    /** The run ended: close everything. */
    void shutdown();
  }

  private final Simulation sim;
  private final InetStack stack;
  private final List<Rule> rules;
  private final HostSide host;
  private final Map<Integer, Bridge> bridges = new TreeMap<>(); // by connection number
  private long ticks;
  private boolean stopped;

  /** One forwarded connection: the primary's TCP socket to the guest, and what is in flight. */
  private static final class Bridge {
    final int connection;
    final TcpSocket guest;
    byte[] toGuest = new byte[0]; // from the host, not yet taken by the guest's socket
    long unacked; // sent to the host since it last took everything
    boolean hostEof;
    boolean guestShut;
    boolean guestEof;
    boolean connected;

    Bridge(int connection, TcpSocket guest) {
      this.connection = connection;
      this.guest = guest;
    }
  }

  /** Forwards rules (in order: a connection's listener is its rule's index) through host. */
  public HostForwarder(Simulation sim, InetStack stack, List<Rule> rules, HostSide host) {
    this.sim = sim;
    this.stack = stack;
    this.rules = List.copyOf(rules);
    this.host = host;
  }

  /** Starts the ticks. */
  public void start() {
    if (!rules.isEmpty()) {
      schedule();
    }
  }

  private void schedule() {
    long period = bridges.isEmpty() ? IDLE_PS : BUSY_PS;
    sim.events().schedule(sim.now() + period, now -> tick());
  }

  private void tick() {
    if (stopped) {
      return;
    }
    ticks++;
    Map<Integer, Integer> room = new TreeMap<>();
    Set<Integer> awaitingDrain = new TreeSet<>();
    for (Bridge b : bridges.values()) {
      if (b.connected && !b.hostEof && b.toGuest.length < CHUNK) {
        room.put(b.connection, CHUNK - b.toGuest.length);
      }
      if (b.unacked >= HOST_WINDOW) {
        awaitingDrain.add(b.connection);
      }
    }
    List<HostInputLog.Forward> in = host.poll(ticks, sim.now(), room, awaitingDrain);
    boolean moved = !in.isEmpty();
    for (HostInputLog.Forward e : in) {
      apply(e);
    }
    for (Iterator<Bridge> it = bridges.values().iterator(); it.hasNext(); ) {
      Bridge b = it.next();
      moved |= pump(b);
      if (finished(b)) {
        host.close(b.connection);
        b.guest.release();
        it.remove();
      }
    }
    if (!moved) {
      host.idle();
    }
    schedule();
  }

  private void apply(HostInputLog.Forward e) {
    switch (e) {
      case HostInputLog.Accepted a -> {
        Rule rule = rules.get(a.listener());
        TcpSocket s = stack.newTcp();
        long r = s.connect(VnetDevice.addressOf(rule.kernel()), rule.port(), true);
        if (r != -Errno.EINPROGRESS && r != 0) {
          s.release();
          host.close(a.connection());
        } else {
          bridges.put(a.connection(), new Bridge(a.connection(), s));
        }
      }
      case HostInputLog.Received r -> {
        Bridge b = bridges.get(r.connection());
        if (b != null) {
          byte[] all = Arrays.copyOf(b.toGuest, b.toGuest.length + r.data().length);
          System.arraycopy(r.data(), 0, all, b.toGuest.length, r.data().length);
          b.toGuest = all;
        }
      }
      case HostInputLog.HostEof h -> {
        Bridge b = bridges.get(h.connection());
        if (b != null) {
          b.hostEof = true;
        }
      }
      case HostInputLog.HostReset h -> {
        Bridge b = bridges.remove(h.connection());
        if (b != null) {
          b.guest.release();
        }
      }
      case HostInputLog.Drained d -> {
        Bridge b = bridges.get(d.connection());
        if (b != null) {
          b.unacked = 0;
        }
      }
    }
  }

  /** Moves what can move between the bridge and the guest's socket; true if anything did. */
  private boolean pump(Bridge b) {
    TcpSocket.State st = b.guest.state();
    if (!b.connected) {
      if (st == TcpSocket.State.SYN_SENT) {
        return false;
      }
      b.connected = true;
    }
    boolean moved = false;
    if (b.toGuest.length > 0 && st != TcpSocket.State.CLOSED) {
      long n = b.guest.send(b.toGuest, SocketConstants.MSG_NOSIGNAL, true, 0, -1);
      if (n > 0) {
        b.toGuest = Arrays.copyOfRange(b.toGuest, (int) n, b.toGuest.length);
        moved = true;
      }
    }
    if (b.hostEof && b.toGuest.length == 0 && !b.guestShut) {
      b.guest.shutdown(SocketConstants.SHUT_WR);
      b.guestShut = true;
    }
    if (!b.guestEof && b.unacked < HOST_WINDOW) {
      int want = (int) Math.min(CHUNK, HOST_WINDOW - b.unacked);
      InetSocket.Received r = b.guest.receive(want, 0, true);
      if (r.result() > 0) {
        host.write(b.connection, r.data());
        b.unacked += r.data().length;
        moved = true;
      } else if (r.result() == 0) {
        b.guestEof = true;
        host.shutdownOutput(b.connection);
      } else if (r.result() != -Errno.EAGAIN) {
        b.guestEof = true; // reset, refused, or the kernel went down
        b.hostEof = true;
        b.toGuest = new byte[0];
      }
    }
    return moved;
  }

  private static boolean finished(Bridge b) {
    boolean hostDone = b.hostEof && b.toGuest.length == 0;
    return b.guestEof && (hostDone || b.guest.state() == TcpSocket.State.CLOSED);
  }

  /** Stops the ticks and closes every host connection (at the end of the run). */
  public void close() {
    stopped = true;
    host.shutdown();
    bridges.clear();
  }
}
