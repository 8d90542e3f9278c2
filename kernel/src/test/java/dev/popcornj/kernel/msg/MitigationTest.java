package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.msg.LayerMessage.TopicEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAPI-style interrupt mitigation: under heavy load the receiver stays in polling mode and senders
 * find its interrupt off, so IPIs are far fewer than messages; under light load every message finds
 * the receiver idle with its interrupt on, so each costs about one IPI. Also: the poll budget
 * bounds a batch, HIGH is served before NORMAL.
 */
class MitigationTest {
  private static List<Long> sink(MsgCluster c, int k) {
    List<Long> got = new ArrayList<>();
    c.get(k).handle(LayerMessage.TOPIC_EVENT, in -> got.add(((TopicEvent) in.message()).value()));
    return got;
  }

  @Test
  void heavyLoadNeedsFarFewerIpisThanMessages() {
    MsgCluster c = new MsgCluster(3, 2);
    c.checkInAll();
    List<Long> got = sink(c, 1);
    long ipisBefore = c.get(0).counters().peer(1).ipisSent();
    long[] traced = new long[3];
    c.get(0)
        .setTracer(
            new MsgTracer() {
              @Override
              public void onSent(int to, Priority p, int type, int bytes, long t) {
                traced[0]++;
              }

              @Override
              public void onIpi(int to, long t) {
                traced[1]++;
              }
            });
    c.get(1)
        .setTracer(
            new MsgTracer() {
              @Override
              public void onPoll(int batch, long t) {
                traced[2] += batch;
              }
            });
    int messages = 2000;
    long start = c.sim.now() + 1_000_000;
    // One message every 10 ns, much faster than the 1-2 us an IPI takes to arrive.
    for (int i = 0; i < messages; i++) {
      long v = i;
      c.at(start + i * 10_000L, () -> c.get(0).post(1, Priority.NORMAL, new TopicEvent(0, v)));
    }
    c.runUntilIdle();
    assertEquals(messages, got.size());
    long ipis = c.get(0).counters().peer(1).ipisSent() - ipisBefore;
    assertTrue(ipis * 20 < messages, "IPI_MITIGATION heavy: " + ipis + " IPIs for " + messages);
    assertTrue(c.get(1).counters().meanBatch() > 5, c.get(1).render());
    assertEquals(messages, traced[0], "TRACED: sends");
    assertEquals(ipis, traced[1], "TRACED: IPIs");
    assertEquals(messages, traced[2], "TRACED: polled slots");
  }

  @Test
  void lightLoadCostsAboutOneIpiPerMessage() {
    MsgCluster c = new MsgCluster(4, 2);
    c.checkInAll();
    List<Long> got = sink(c, 1);
    long ipisBefore = c.get(0).counters().peer(1).ipisSent();
    int messages = 50;
    long start = c.sim.now() + 1_000_000;
    // One message every 100 us: the receiver is long idle, interrupt armed, each time.
    for (int i = 0; i < messages; i++) {
      long v = i;
      c.at(start + i * 100_000_000L, () -> c.get(0).send(1, Priority.NORMAL, new TopicEvent(0, v)));
    }
    c.runUntilIdle();
    assertEquals(messages, got.size());
    long ipis = c.get(0).counters().peer(1).ipisSent() - ipisBefore;
    assertTrue(ipis >= messages * 9 / 10 && ipis <= messages, "IPI_MITIGATION light: " + ipis);
  }

  @Test
  void aPollTakesAtMostItsBudgetAndHighGoesFirst() {
    MsgCluster c = new MsgCluster(5, 2, 64, 4);
    c.checkInAll();
    List<Long> got = sink(c, 1);
    // Interrupts off at kernel 1 so the test drives its polls by hand.
    c.get(1).window().setInterruptEnabled(1, false);
    for (int i = 0; i < 6; i++) {
      c.get(0).send(1, Priority.NORMAL, new TopicEvent(0, i));
    }
    for (int i = 0; i < 3; i++) {
      c.get(0).send(1, Priority.HIGH, new TopicEvent(0, 100 + i));
    }
    assertEquals(4, c.get(1).poll(4));
    assertEquals(List.of(100L, 101L, 102L, 0L), got);
    assertEquals(4, c.get(1).poll(4));
    assertEquals(1, c.get(1).poll(4));
    assertEquals(0, c.get(1).poll(4));
    assertEquals(List.of(100L, 101L, 102L, 0L, 1L, 2L, 3L, 4L, 5L), got);
  }

  @Test
  void anInterruptWithMoreThanABudgetOfWorkContinuesLater() {
    MsgCluster c = new MsgCluster(6, 2, 64, 4);
    c.checkInAll();
    List<Long> got = sink(c, 1);
    c.get(1).window().setInterruptEnabled(1, false);
    for (int i = 0; i < 30; i++) {
      c.get(0).send(1, Priority.NORMAL, new TopicEvent(0, i));
    }
    c.get(1).onInterrupt();
    assertEquals(4, got.size(), "one budget now");
    assertTrue(!c.get(1).window().interruptEnabled(1), "interrupt stays off while work is left");
    c.runUntilIdle();
    assertEquals(30, got.size());
    assertTrue(c.get(1).window().interruptEnabled(1));
  }
}
