package dev.popcornj.kernel.run;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.net.inet.InetSocket;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.TcpSocket;
import dev.popcornj.kernel.services.vnet.VnetDevice;
import dev.popcornj.machine.sim.Simulation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * {@code popcorn boot --forward HOSTPORT:KERNEL:PORT}: host TCP connections to 127.0.0.1:HOSTPORT
 * bridged to PORT on KERNEL's vnet address (10.1.2.(KERNEL+1)), through a TCP connection the
 * primary's stack opens (so the guest sees it come from 10.1.2.1).
 *
 * <p>The host side is the boundary, like the console's keys: the host sockets are non-blocking and
 * are looked at only from a simulation event every {@link #BUSY_PS} of virtual time while a
 * connection is open ({@link #IDLE_PS} otherwise), on the simulation's thread; what arrived from
 * the host enters the guest at that event's virtual time. No host thread runs. A guest that refuses
 * the connection, resets it or whose kernel goes down gets the host socket closed; an end of stream
 * on either side is passed on as a half close. While forwarding, the machine never counts as idle
 * (its tick is pending), and a tick that moved nothing waits {@link #IDLE_WAIT_MS} ms of host time,
 * so a guest waiting for the host does not spin the host's CPU. Not recorded: a run with forwarded
 * connections depends on when the host's bytes came.
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

  /** How long a tick that moved nothing waits for the host, in host milliseconds. */
  public static final long IDLE_WAIT_MS = 1;

  private static final int CHUNK = 16 * 1024;

  private final Simulation sim;
  private final InetStack stack;
  private final Diagnostics diag;
  private final List<Listener> listeners = new ArrayList<>();
  private final List<Bridge> bridges = new ArrayList<>();
  private boolean stopped;

  private record Listener(Rule rule, ServerSocketChannel channel) {}

  /** One forwarded connection: the host's socket and the primary's TCP socket to the guest. */
  private static final class Bridge {
    final SocketChannel host;
    final TcpSocket guest;
    byte[] toGuest = new byte[0]; // read from the host, not yet taken by the guest's socket
    ByteBuffer toHost = ByteBuffer.allocate(0); // from the guest, not yet written to the host
    boolean hostEof;
    boolean guestShut;
    boolean guestEof;
    boolean connected;

    Bridge(SocketChannel host, TcpSocket guest) {
      this.host = host;
      this.guest = guest;
    }
  }

  /**
   * Listens on 127.0.0.1 for every rule.
   *
   * @throws IllegalArgumentException when a host port cannot be listened on (in use)
   */
  public HostForwarder(Simulation sim, InetStack stack, List<Rule> rules, Diagnostics diag) {
    this.sim = sim;
    this.stack = stack;
    this.diag = diag;
    try {
      for (Rule r : rules) {
        ServerSocketChannel c = ServerSocketChannel.open();
        c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
          c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), r.hostPort()));
        } catch (IOException e) {
          c.close();
          throw new IllegalArgumentException(
              "--forward " + r.hostPort() + ": cannot listen on 127.0.0.1: " + e.getMessage());
        }
        c.configureBlocking(false);
        listeners.add(new Listener(r, c));
      }
    } catch (IOException e) {
      close();
      throw new IllegalArgumentException("--forward: " + e.getMessage());
    }
  }

  /** Starts the ticks. */
  public void start() {
    if (!listeners.isEmpty()) {
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
    boolean moved = accept();
    for (Iterator<Bridge> it = bridges.iterator(); it.hasNext(); ) {
      Bridge b = it.next();
      try {
        moved |= pump(b);
        if (finished(b)) {
          closeHost(b);
          it.remove();
        }
      } catch (IOException e) {
        closeHost(b);
        it.remove();
      }
    }
    if (!moved) {
      idleWait();
    }
    schedule();
  }

  /**
   * The host's pace while nothing crosses the boundary: waits up to {@link #IDLE_WAIT_MS} ms of
   * host time for a connection or bytes on any host socket (a selector, so the wait ends as soon as
   * the host has something), rather than letting an idle session spin the host.
   */
  private void idleWait() {
    try (Selector s = Selector.open()) {
      for (Listener l : listeners) {
        l.channel().register(s, SelectionKey.OP_ACCEPT);
      }
      for (Bridge b : bridges) {
        if (b.host.isOpen()) {
          b.host.register(s, SelectionKey.OP_READ);
        }
      }
      s.select(IDLE_WAIT_MS);
    } catch (IOException | RuntimeException e) {
      // Nothing to wait on this time: the next tick looks at the sockets again.
    }
  }

  private boolean accept() {
    boolean any = false;
    for (Listener l : listeners) {
      try {
        SocketChannel c;
        while ((c = l.channel().accept()) != null) {
          c.configureBlocking(false);
          TcpSocket s = stack.newTcp();
          long r = s.connect(VnetDevice.addressOf(l.rule().kernel()), l.rule().port(), true);
          Bridge b = new Bridge(c, s);
          if (r != -Errno.EINPROGRESS && r != 0) {
            closeHost(b); // releases s too
            continue;
          }
          bridges.add(b);
          any = true;
        }
      } catch (IOException e) {
        diag.report("--forward " + l.rule().hostPort() + ": " + e.getMessage());
      }
    }
    return any;
  }

  /** Moves what can move each way; true if anything did. */
  private boolean pump(Bridge b) throws IOException {
    TcpSocket.State st = b.guest.state();
    if (!b.connected) {
      if (st == TcpSocket.State.SYN_SENT) {
        return false;
      }
      b.connected = true;
    }
    boolean moved = false;
    // Host to guest.
    if (!b.hostEof && b.toGuest.length < CHUNK) {
      ByteBuffer in = ByteBuffer.allocate(CHUNK);
      int n = b.host.read(in);
      if (n < 0) {
        b.hostEof = true;
      } else if (n > 0) {
        byte[] more = Arrays.copyOf(in.array(), n);
        byte[] all = Arrays.copyOf(b.toGuest, b.toGuest.length + n);
        System.arraycopy(more, 0, all, b.toGuest.length, n);
        b.toGuest = all;
        moved = true;
      }
    }
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
    // Guest to host.
    if (!b.toHost.hasRemaining() && !b.guestEof) {
      InetSocket.Received r = b.guest.receive(CHUNK, 0, true);
      if (r.result() > 0) {
        b.toHost = ByteBuffer.wrap(r.data());
        moved = true;
      } else if (r.result() == 0) {
        b.guestEof = true;
        b.host.shutdownOutput();
      } else if (r.result() != -Errno.EAGAIN) {
        b.guestEof = true; // reset, refused, or the kernel went down
        b.hostEof = true;
        b.toGuest = new byte[0];
      }
    }
    if (b.toHost.hasRemaining()) {
      moved |= b.host.write(b.toHost) > 0;
      if (!b.toHost.hasRemaining() && b.guestEof) {
        b.host.shutdownOutput();
      }
    }
    return moved;
  }

  private static boolean finished(Bridge b) {
    boolean guestDone = b.guestEof && !b.toHost.hasRemaining();
    boolean hostDone = b.hostEof && b.toGuest.length == 0;
    return guestDone && (hostDone || b.guest.state() == TcpSocket.State.CLOSED);
  }

  private void closeHost(Bridge b) {
    try {
      b.host.close();
    } catch (IOException e) {
      // already gone
    }
    b.guest.release();
  }

  /** Stops listening and closes every host connection (at the end of the run). */
  public void close() {
    stopped = true;
    for (Listener l : listeners) {
      try {
        l.channel().close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
    for (Bridge b : bridges) {
      try {
        b.host.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
    bridges.clear();
  }
}
