package dev.popcornj.kernel.services.vnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.msg.Deferrer;
import dev.popcornj.kernel.net.inet.InetSocket;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.TcpSocket;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two kernels' stacks joined by their vnet0 devices over a link that stands for the messaging layer
 * (a packet arrives 5 us after it is sent): addresses by kernel id, a stream intact with and
 * without seeded drops, drops to a kernel that is down, malformed packets, and the reset of
 * connections to a kernel that went away.
 */
class VnetDeviceTest {
  private static final int KERNELS = 4;

  /** Events in virtual time, ordered by (time, insertion). */
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

    boolean step() {
      Event e = queue.poll();
      if (e == null) {
        return false;
      }
      now = e.timePs;
      e.action.run();
      return true;
    }

    boolean runUntil(BooleanSupplier done) {
      long limit = now + 600_000_000_000_000L; // ten minutes
      while (!done.getAsBoolean()) {
        if (now > limit || !step()) {
          return false;
        }
      }
      return true;
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

  /** Kernels 0 and 2 with stacks and devices, joined through events. */
  private static final class Net {
    final Events ev = new Events();
    final VnetDevice[] devices = new VnetDevice[KERNELS];
    final InetStack[] stacks = new InetStack[KERNELS];
    final boolean[] up = {true, false, true, false};

    Net(int dropPermille, long seed) {
      for (int k : new int[] {0, 2}) {
        int self = k;
        devices[k] =
            new VnetDevice(
                k,
                KERNELS,
                new VnetDevice.Link() {
                  @Override
                  public boolean up(int to) {
                    return up[to];
                  }

                  @Override
                  public boolean send(int to, byte[] packet) {
                    ev.callAt(ev.now + 5_000_000, () -> devices[to].deliver(self, packet));
                    return true;
                  }
                },
                dropPermille,
                seed);
        stacks[k] = InetStack.withLoopback(() -> ev.now, ev, NO_SLEEP);
        stacks[k].addDevice(devices[k]);
      }
    }

    /** A connection from kernel 0 to kernel 2's port 5000: {client, server}. */
    TcpSocket[] connect() {
      TcpSocket listener = stacks[2].newTcp();
      assertEquals(0, listener.bind(0, 5000));
      assertEquals(0, listener.listen(4));
      TcpSocket client = stacks[0].newTcp();
      assertEquals(-Errno.EINPROGRESS, client.connect(VnetDevice.addressOf(2), 5000, true));
      long[] errno = new long[1];
      TcpSocket[] server = new TcpSocket[1];
      assertTrue(ev.runUntil(() -> (server[0] = listener.accept(true, errno)) != null));
      return new TcpSocket[] {client, server[0]};
    }
  }

  @Test
  void addressesFollowKernelIds() {
    assertEquals(0x0a010203, VnetDevice.addressOf(2));
    assertEquals(2, VnetDevice.kernelOf(0x0a010203));
    assertEquals(-1, VnetDevice.kernelOf(0x0a010200));
    assertEquals(-1, VnetDevice.kernelOf(0x0a010303));
    assertEquals(
        "127.0.0.1\tlocalhost\n10.1.2.1\tkernel0\n10.1.2.2\tkernel1\n", VnetService.hosts(2));
  }

  private static byte[] stream(int dropPermille, long seed) {
    Net net = new Net(dropPermille, seed);
    TcpSocket[] c = net.connect();
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >> 9));
    }
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int sent = 0;
    boolean closed = false;
    while (true) {
      if (sent < data.length) {
        long n =
            c[0].send(
                Arrays.copyOfRange(data, sent, Math.min(data.length, sent + 30_000)),
                0,
                true,
                0,
                -1);
        if (n > 0) {
          sent += (int) n;
        }
      } else if (!closed) {
        assertEquals(0, c[0].shutdown(SocketConstants.SHUT_WR));
        closed = true;
      }
      InetSocket.Received r = c[1].receive(100_000, 0, true);
      if (r.result() > 0) {
        got.write(r.data(), 0, r.data().length);
      } else if (r.result() == 0) {
        break;
      } else {
        assertEquals(-Errno.EAGAIN, r.result());
        assertTrue(net.ev.step(), "stalled at " + got.size());
      }
    }
    assertArrayEquals(data, got.toByteArray(), "drop " + dropPermille);
    net.ev.runUntil(() -> false); // what is still in flight lands
    long dropped = net.devices[0].droppedFault() + net.devices[2].droppedFault();
    assertEquals(
        dropped,
        net.devices[0].counters().txDropped + net.devices[2].counters().txDropped,
        "fault drops are tx drops");
    assertEquals(
        net.devices[0].counters().txPackets, net.devices[2].counters().rxPackets, "all sent came");
    return new byte[] {(byte) Math.min(dropped, 127)};
  }

  @Test
  void aStreamArrivesIntactWithAndWithoutDrops() {
    assertEquals(0, stream(0, 1)[0]);
    assertTrue(stream(150, 1)[0] > 0, "a seeded fraction was dropped");
    assertEquals(stream(150, 9)[0], stream(150, 9)[0], "the same seed drops the same packets");
  }

  @Test
  void packetsToAKernelThatIsDownAreDroppedAndCounted() {
    Net net = new Net(0, 1);
    TcpSocket client = net.stacks[0].newTcp();
    assertEquals(-Errno.EINPROGRESS, client.connect(VnetDevice.addressOf(1), 22, true));
    assertEquals(1, net.devices[0].droppedDown());
    assertEquals(1, net.devices[0].counters().txDropped);
    assertEquals(0, net.devices[0].counters().txPackets);
  }

  @Test
  void aConnectToAKernelThatIsDownFailsAtOnceWithEhostunreach() {
    Net net = new Net(0, 1);
    for (int k : new int[] {1, 3, 200}) { // down, down, beyond the system's kernels
      TcpSocket client = net.stacks[0].newTcp();
      assertEquals(-Errno.EINPROGRESS, client.connect(VnetDevice.addressOf(k), 22, true));
      assertTrue(net.ev.step(), "the report is handled later, not inside transmit");
      assertEquals(TcpSocket.State.CLOSED, client.state(), "kernel " + k);
      assertEquals(Errno.EHOSTUNREACH, client.takeError(), "kernel " + k);
    }
    assertEquals(0L, net.ev.now, "at once, not after SYN retransmissions");
    assertEquals(3, net.devices[0].droppedDown());
    assertEquals(3, net.stacks[0].counters().icmpOutDestUnreachs);
    dev.popcornj.kernel.net.inet.UdpSocket u = net.stacks[0].newUdp();
    assertEquals(0, u.connect(VnetDevice.addressOf(1), 53));
    assertEquals(1, u.send(new byte[1], 0, true, 0, -1));
    net.ev.runUntil(() -> false);
    assertEquals(-Errno.EHOSTUNREACH, u.receive(10, 0, true).result(), "a connected UDP socket");
    assertEquals(-Errno.EAGAIN, u.receive(10, 0, true).result());
  }

  @Test
  void malformedPacketsAreCountedAndDropped() {
    Net net = new Net(0, 1);
    VnetDevice d = net.devices[2];
    d.deliver(0, new byte[] {0x45, 0, 0});
    byte[] p = new byte[20];
    p[0] = 0x45;
    p[3] = 20;
    putInt(p, 12, VnetDevice.addressOf(0));
    putInt(p, 16, VnetDevice.addressOf(2));
    d.deliver(1, p.clone()); // claims kernel 0's address but came from kernel 1
    byte[] wrongLength = p.clone();
    wrongLength[3] = 40;
    d.deliver(0, wrongLength);
    assertEquals(3, d.malformed());
    assertEquals(3, d.counters().rxErrors);
    assertEquals(0, d.counters().rxPackets);
    d.deliver(0, p); // well formed here; the stack drops its bad checksum itself
    assertEquals(1, d.counters().rxPackets);
    assertEquals(3, d.malformed());
  }

  @Test
  void connectionsToAKernelThatWentAwayAreResetAtOnce() {
    Net net = new Net(0, 1);
    TcpSocket[] c = net.connect();
    assertNotNull(c[1]);
    net.up[2] = false;
    assertEquals(1, net.stacks[0].resetConnectionsTo(VnetDevice.addressOf(2)));
    assertEquals(TcpSocket.State.CLOSED, c[0].state());
    assertEquals(Errno.ECONNRESET, c[0].takeError());
    assertEquals(0, net.stacks[0].resetConnectionsTo(VnetDevice.addressOf(2)));
  }

  private static void putInt(byte[] p, int at, int v) {
    p[at] = (byte) (v >>> 24);
    p[at + 1] = (byte) (v >>> 16);
    p[at + 2] = (byte) (v >>> 8);
    p[at + 3] = (byte) v;
  }
}
