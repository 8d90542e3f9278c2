package dev.popcornj.kernel.run;

import dev.popcornj.kernel.log.Diagnostics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The port forwarder's host half on real sockets: one non-blocking listener on 127.0.0.1 per rule,
 * and the host connections it accepted, looked at only when the guest's half ticks (no host
 * thread). Bytes for the host are queued here and written as the host takes them; a connection the
 * guest is done with is closed once its queue is written.
 */
final class HostSockets implements HostForwarder.HostSide {
  /** How long a tick that moved nothing waits for the host, in host milliseconds. */
  static final long IDLE_WAIT_MS = 1;

  private final List<HostForwarder.Rule> rules;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Diagnostics diag;
  private final Map<Integer, Connection> connections = new TreeMap<>();
  private int nextConnection;

  private static final class Connection {
    final SocketChannel channel;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    boolean shutOutput; // the guest sent its last byte: half-close once out is written
    boolean outputShut;
    boolean closing; // the guest is done: close once out is written
    boolean failed; // a write failed: reported as a reset at the next poll
    boolean eof;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }
  }

  /**
   * Listens on 127.0.0.1 for every rule.
   *
   * @throws IllegalArgumentException when a host port cannot be listened on (in use)
   */
  HostSockets(List<HostForwarder.Rule> rules, Diagnostics diag) {
    this.rules = List.copyOf(rules);
    this.diag = diag;
    try {
      for (HostForwarder.Rule r : rules) {
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
        listeners.add(c);
      }
    } catch (IOException e) {
      shutdown();
      throw new IllegalArgumentException("--forward: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      shutdown();
      throw e;
    }
  }

  @Override
  public List<HostInputLog.Forward> poll(
      long tick, long nowPs, Map<Integer, Integer> room, Set<Integer> awaitingDrain) {
    List<HostInputLog.Forward> events = new ArrayList<>();
    for (int i = 0; i < listeners.size(); i++) {
      try {
        SocketChannel c;
        while ((c = listeners.get(i).accept()) != null) {
          c.configureBlocking(false);
          int id = nextConnection++;
          connections.put(id, new Connection(c));
          events.add(new HostInputLog.Accepted(tick, nowPs, i, id));
        }
      } catch (IOException e) {
        diag.report("--forward " + rules.get(i).hostPort() + ": " + e.getMessage());
      }
    }
    for (Iterator<Map.Entry<Integer, Connection>> it = connections.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Integer, Connection> entry = it.next();
      int id = entry.getKey();
      Connection c = entry.getValue();
      flush(c);
      if (c.closing) {
        if (c.failed || c.out.isEmpty()) {
          closeQuietly(c);
          it.remove();
        }
        continue;
      }
      if (c.failed) {
        events.add(new HostInputLog.HostReset(tick, nowPs, id));
        closeQuietly(c);
        it.remove();
        continue;
      }
      int want = room.getOrDefault(id, 0);
      if (want > 0 && !c.eof) {
        try {
          ByteBuffer in = ByteBuffer.allocate(want);
          int n = c.channel.read(in);
          if (n < 0) {
            c.eof = true;
            events.add(new HostInputLog.HostEof(tick, nowPs, id));
          } else if (n > 0) {
            events.add(
                new HostInputLog.Received(tick, nowPs, id, java.util.Arrays.copyOf(in.array(), n)));
          }
        } catch (IOException e) {
          events.add(new HostInputLog.HostReset(tick, nowPs, id));
          closeQuietly(c);
          it.remove();
          continue;
        }
      }
      if (awaitingDrain.contains(id) && c.out.isEmpty()) {
        events.add(new HostInputLog.Drained(tick, nowPs, id));
      }
    }
    return events;
  }

  /** Writes what the host takes now of c's queue, then the half close it waits for. */
  private static void flush(Connection c) {
    if (c.failed) {
      return;
    }
    try {
      while (!c.out.isEmpty()) {
        ByteBuffer b = c.out.peek();
        c.channel.write(b);
        if (b.hasRemaining()) {
          return;
        }
        c.out.poll();
      }
      if (c.shutOutput && !c.outputShut) {
        c.outputShut = true;
        c.channel.shutdownOutput();
      }
    } catch (IOException e) {
      c.failed = true;
      c.out.clear();
    }
  }

  @Override
  public void write(int connection, byte[] data) {
    Connection c = connections.get(connection);
    if (c != null && !c.failed) {
      c.out.add(ByteBuffer.wrap(data));
      flush(c);
    }
  }

  @Override
  public void shutdownOutput(int connection) {
    Connection c = connections.get(connection);
    if (c != null) {
      c.shutOutput = true;
      flush(c);
    }
  }

  @Override
  public void close(int connection) {
    Connection c = connections.get(connection);
    if (c == null) {
      return;
    }
    flush(c);
    if (c.failed || c.out.isEmpty()) {
      closeQuietly(c);
      connections.remove(connection);
    } else {
      c.closing = true;
    }
  }

  /**
   * The host's pace while nothing crosses the boundary: waits up to {@link #IDLE_WAIT_MS} ms of
   * host time for a connection or bytes on any host socket (a selector, so the wait ends as soon as
   * the host has something), rather than letting an idle session spin the host.
   */
  @Override
  public void idle() {
    try (Selector s = Selector.open()) {
      for (ServerSocketChannel l : listeners) {
        l.register(s, SelectionKey.OP_ACCEPT);
      }
      for (Connection c : connections.values()) {
        int ops =
            (c.eof || c.closing ? 0 : SelectionKey.OP_READ)
                | (c.out.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (ops != 0 && c.channel.isOpen()) {
          c.channel.register(s, ops);
        }
      }
      s.select(IDLE_WAIT_MS);
    } catch (IOException | RuntimeException e) {
      // Nothing to wait on this time: the next tick looks at the sockets again.
    }
  }

  @Override
  public void shutdown() {
    for (ServerSocketChannel l : listeners) {
      try {
        l.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
    for (Connection c : connections.values()) {
      closeQuietly(c);
    }
    connections.clear();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.channel.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
