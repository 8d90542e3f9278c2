package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded whole-layer runs over a real machine: random senders, receivers, priorities, sizes and
 * send times, with small rings so senders meet back-pressure. Named invariants, checked at the end
 * of each run:
 *
 * <ul>
 *   <li>EXACTLY_ONCE_IN_ORDER: every stream (sender, receiver, priority) delivers each message
 *       once, in the order sent;
 *   <li>INTACT: every (possibly chunked) message arrives with the bytes it was sent with;
 *   <li>COUNTED: sender and receiver counters agree with what the test sent; no malformed slot;
 *   <li>QUIESCENT: at the end every ring is empty and every receiver has its interrupt armed.
 * </ul>
 *
 * The failing seed is in the message.
 */
class DeliveryTest {
  private record Sent(int from, int to, Priority priority, int seq, int length) {}

  @Test
  void queuedSendsUnderRandomInterleavings() {
    long ringFull = 0;
    for (long seed = 1; seed <= 25; seed++) {
      ringFull += runSeed(seed, false);
    }
    assertTrue(ringFull > 0, "the runs must meet back-pressure to test it");
  }

  @Test
  void rawSendsRetriedByTheCallerUnderRingFullBackPressure() {
    long ringFull = 0;
    for (long seed = 101; seed <= 125; seed++) {
      ringFull += runSeed(seed, true);
    }
    assertTrue(ringFull > 0, "the runs must meet back-pressure to test it");
  }

  @Test
  void theSameSeedGivesTheSameRun() {
    for (long seed : new long[] {3, 104}) {
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      runRecorded(seed, seed > 100, first);
      runRecorded(seed, seed > 100, second);
      assertEquals(first, second, "DETERMINISM: seed " + seed);
    }
  }

  private void runRecorded(long seed, boolean raw, List<String> tables) {
    lastRun = null;
    run(seed, raw);
    for (Endpoint e : lastRun.endpoints) {
      tables.add(e.render() + " at " + lastRun.sim.now());
    }
  }

  private MsgCluster lastRun;

  /** Runs one seed and returns how often a sender found a ring full. */
  private long runSeed(long seed, boolean raw) {
    try {
      return run(seed, raw);
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError("seed " + seed + " (raw=" + raw + "): " + e.getMessage(), e);
    }
  }

  static byte[] content(int from, int to, Priority p, int seq, int length) {
    SplittableRandom r =
        new SplittableRandom(
            ((long) from << 40) ^ ((long) to << 32) ^ ((long) p.ordinal() << 28) ^ seq);
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  private long run(long seed, boolean raw) {
    SplittableRandom r = new SplittableRandom(seed);
    int kernels = 2 + r.nextInt(3);
    int ringSlots = 4 + r.nextInt(13);
    int budget = 1 + r.nextInt(8);
    MsgCluster c = new MsgCluster(seed, kernels, ringSlots, budget);
    lastRun = c;
    c.checkInAll();

    Map<String, List<Integer>> received = new HashMap<>();
    for (int k = 0; k < kernels; k++) {
      int me = k;
      c.get(k)
          .handle(
              TestBlob.BLOB,
              in -> {
                TestBlob b = (TestBlob) in.message();
                String stream = in.from() + ">" + me + ":" + in.priority();
                int seq = b.tag();
                byte[] want = content(in.from(), me, in.priority(), seq, b.data().length);
                if (!Arrays.equals(want, b.data())) {
                  throw new AssertionError(
                      "INTACT: message " + seq + " of " + stream + " corrupted");
                }
                received.computeIfAbsent(stream, s -> new ArrayList<>()).add(seq);
              });
    }

    int messages = 150 + r.nextInt(250);
    int maxPayload = raw ? ringSlots * WindowDescriptor.SLOT_PAYLOAD_SIZE - 8 : 1500;
    Map<String, Integer> sentCount = new HashMap<>();
    Map<String, ArrayDeque<Sent>> backlog = new HashMap<>();
    long[][] bytesSent = new long[kernels][kernels];
    for (int i = 0; i < messages; i++) {
      int from = r.nextInt(kernels);
      int to = r.nextInt(kernels);
      Priority p = r.nextBoolean() ? Priority.HIGH : Priority.NORMAL;
      int length = r.nextInt(8) == 0 ? r.nextInt(maxPayload + 1) : r.nextInt(41);
      String stream = from + ">" + to + ":" + p;
      int seq = sentCount.merge(stream, 1, Integer::sum) - 1;
      long at = r.nextLong(20_000_000L);
      bytesSent[from][to] += 8 + length;
      Sent s = new Sent(from, to, p, seq, length);
      // Sequence numbers are drawn in order but times are random: sort by scheduling in order of
      // seq per stream through the backlog, which the test drains in FIFO order.
      backlog.computeIfAbsent(stream, x -> new ArrayDeque<>()).add(s);
      c.at(at, () -> drain(c, backlog.get(stream), raw, r));
    }
    c.runUntilIdle();

    for (Map.Entry<String, Integer> e : sentCount.entrySet()) {
      List<Integer> got = received.getOrDefault(e.getKey(), List.of());
      List<Integer> want = new ArrayList<>();
      for (int i = 0; i < e.getValue(); i++) {
        want.add(i);
      }
      assertEquals(want, got, "EXACTLY_ONCE_IN_ORDER: stream " + e.getKey());
    }
    assertEquals(sentCount.keySet(), received.keySet(), "EXACTLY_ONCE_IN_ORDER: streams");
    for (int from = 0; from < kernels; from++) {
      MsgCounters out = c.get(from).counters();
      for (int to = 0; to < kernels; to++) {
        MsgCounters in = c.get(to).counters();
        long n = countStreams(sentCount, from, to);
        // Check-in traffic rides along: CheckIn and CheckInAck.
        long extra = c.get(from).counters().peer(to).messagesSent() - n;
        assertTrue(extra >= 0 && extra <= 1, "COUNTED: messages " + from + ">" + to);
        assertEquals(out.peer(to).messagesSent(), in.peer(from).messagesReceived(), "COUNTED");
        assertEquals(out.peer(to).bytesSent(), in.peer(from).bytesReceived(), "COUNTED bytes");
        assertEquals(bytesSent[from][to] + extra * 24, out.peer(to).bytesSent(), "COUNTED bytes");
      }
      assertEquals(0, out.malformedSlots(), "COUNTED: malformed slots at " + from);
      assertEquals(0, c.get(from).malformedMessages(), "COUNTED: malformed messages");
    }
    for (int k = 0; k < kernels; k++) {
      MessageWindow w = c.get(k).window();
      for (Priority p : Priority.values()) {
        assertEquals(w.ticket(k, p), w.tail(k, p), "QUIESCENT: ring " + p + " of " + k);
      }
      assertTrue(w.interruptEnabled(k), "QUIESCENT: interrupt of " + k + " armed");
    }
    long ringFull = 0;
    for (int k = 0; k < kernels; k++) {
      for (int to = 0; to < kernels; to++) {
        ringFull += c.get(k).counters().peer(to).ringFull();
      }
    }
    return ringFull;
  }

  private static long countStreams(Map<String, Integer> sent, int from, int to) {
    long n = 0;
    for (Priority p : Priority.values()) {
      n += sent.getOrDefault(from + ">" + to + ":" + p, 0);
    }
    return n;
  }

  /** Sends the head of a stream's backlog; in raw mode a full ring makes the test retry later. */
  private static void drain(MsgCluster c, ArrayDeque<Sent> q, boolean raw, SplittableRandom r) {
    Sent s = q.peek();
    if (s == null) {
      return;
    }
    TestBlob m = new TestBlob(s.seq, content(s.from, s.to, s.priority, s.seq, s.length));
    Endpoint e = c.get(s.from);
    SendResult res = raw ? e.send(s.to, s.priority, m) : e.post(s.to, s.priority, m);
    if (res == SendResult.RING_FULL) {
      long later = c.sim.now() + 100_000 + r.nextLong(2_000_000);
      c.at(later, () -> drain(c, q, raw, r));
      return;
    }
    assertEquals(SendResult.SENT, res, "send " + s);
    q.poll();
  }
}
