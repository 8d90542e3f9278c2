package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.LayerMessage.Ping;
import dev.popcornj.kernel.msg.LayerMessage.Pong;
import dev.popcornj.kernel.msg.LayerMessage.TopicEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The service layer over a real machine: check-in, request/response by correlation id,
 * notifications to subscribers only, multicast groups, markDown failing pending requests, and the
 * /proc/popcorn/msg rendering.
 */
class ServicesTest {
  @Test
  void checkInMakesEveryPairOfKernelsKnowEachOther() {
    MsgCluster c = new MsgCluster(7, 4);
    assertEquals(KernelState.BOOTING, c.get(2).window().state(2));
    c.checkInAll();
    for (int k = 0; k < 4; k++) {
      List<Peer> peers = c.get(k).peers();
      assertEquals(4, peers.size(), "kernel " + k + " knows " + peers);
      for (Peer p : peers) {
        assertEquals(KernelState.ONLINE, p.state(), "kernel " + k + " sees " + p);
        assertEquals(2 * p.kernelId(), p.identity().firstHart());
        assertEquals(
            MsgCluster.PARTITION_BASE + p.kernelId() * MsgCluster.PARTITION_SIZE,
            p.identity().partitionBase());
      }
      assertEquals(KernelState.ONLINE, c.get(0).window().state(k));
      assertEquals(1, c.get(0).window().heartbeat(k));
    }
    c.get(1).heartbeat();
    assertEquals(2, c.get(3).window().heartbeat(1));
  }

  @Test
  void requestGetsItsReplyByCorrelationId() throws Exception {
    MsgCluster c = new MsgCluster(11, 3);
    c.checkInAll();
    c.get(1)
        .handle(
            TestBlob.BLOB,
            in -> {
              byte[] d = ((TestBlob) in.message()).data();
              byte[] rev = new byte[d.length];
              for (int i = 0; i < d.length; i++) {
                rev[i] = d[d.length - 1 - i];
              }
              c.get(1).reply(in, new TestBlob(((TestBlob) in.message()).tag() + 1, rev));
            });
    byte[] big = DeliveryTest.content(0, 1, Priority.NORMAL, 3, 1000);
    PendingReply a = c.get(0).request(1, new TestBlob(41, big));
    PendingReply b = c.get(0).request(1, new Ping(99));
    PendingReply d = c.get(2).request(1, new TestBlob(7, new byte[] {1, 2, 3}));
    assertFalse(a.isDone());
    assertEquals(2, c.get(0).pendingRequests());

    TestBlob ra = (TestBlob) a.await(c.waiter());
    assertEquals(42, ra.tag());
    for (int i = 0; i < big.length; i++) {
      assertEquals(big[big.length - 1 - i], ra.data()[i]);
    }
    assertEquals(new Pong(99), b.await(c.waiter()));
    assertEquals(new TestBlob(8, new byte[] {3, 2, 1}), d.await(c.waiter()));
    assertEquals(0, c.get(0).pendingRequests());
    assertEquals(0, c.get(0).strayReplies());
  }

  @Test
  void requestOfAnUnregisteredTypeFailsWithTheRemoteErrno() {
    MsgCluster c = new MsgCluster(12, 2);
    c.checkInAll();
    PendingReply p = c.get(0).request(1, new TopicEvent(1, 2));
    RequestFailedException e =
        assertThrows(RequestFailedException.class, () -> p.await(c.waiter()));
    assertEquals(RequestFailedException.Reason.REMOTE_ERROR, e.reason());
    assertEquals(Errno.ENOSYS, e.errno());
    assertEquals(1, c.get(1).unhandledMessages());
  }

  @Test
  void whenDoneWakesTheWaiterOnce() {
    MsgCluster c = new MsgCluster(13, 2);
    c.checkInAll();
    PendingReply p = c.get(0).request(1, new Ping(5));
    int[] woken = new int[1];
    p.whenDone(() -> woken[0]++);
    c.runUntilIdle();
    assertTrue(p.isDone());
    assertEquals(1, woken[0]);
    assertEquals(new Pong(5), p.reply().orElseThrow());
  }

  @Test
  void markDownFailsPendingRequestsInsteadOfHanging() throws Exception {
    MsgCluster c = new MsgCluster(17, 3);
    c.checkInAll();
    List<Incoming> heldByOne = new ArrayList<>();
    // Kernel 1 takes requests and never answers: it has hung.
    c.get(1).handle(TestBlob.BLOB, heldByOne::add);
    PendingReply p1 = c.get(0).request(1, new TestBlob(1, new byte[10]));
    PendingReply p2 = c.get(0).request(1, new TestBlob(2, new byte[200]));
    PendingReply other = c.get(0).request(2, new Ping(3));
    c.runUntilIdle();
    assertEquals(2, heldByOne.size());
    assertFalse(p1.isDone());
    assertTrue(other.isDone());

    c.get(0).markDown(1);
    for (PendingReply p : List.of(p1, p2)) {
      RequestFailedException e =
          assertThrows(RequestFailedException.class, () -> p.await(c.waiter()));
      assertEquals(RequestFailedException.Reason.PEER_DOWN, e.reason());
      assertEquals(dev.popcornj.kernel.abi.Errno.EHOSTDOWN, e.errno());
    }
    assertEquals(0, c.get(0).pendingRequests());
    assertEquals(KernelState.DOWN, c.get(2).window().state(1), "the info table tells everyone");
    PendingReply late = c.get(0).request(1, new Ping(4));
    assertTrue(late.isDone(), "a request to a down kernel fails at once");
    assertEquals(SendResult.PEER_DOWN, c.get(2).send(1, Priority.NORMAL, new Ping(1)));

    // The hung kernel answers after all: the replies are stray, not delivered twice.
    c.get(1).reply(heldByOne.get(0), new Pong(0));
    c.runUntilIdle();
    assertEquals(RequestFailedException.Reason.PEER_DOWN, p1.failure().orElseThrow().reason());
  }

  @Test
  void aHaltedKernelFailsPendingRequestsAndStaysOffline() throws Exception {
    MsgCluster c = new MsgCluster(18, 3);
    c.checkInAll();
    List<Incoming> held = new ArrayList<>();
    c.get(1).handle(TestBlob.BLOB, held::add);
    PendingReply p = c.get(0).request(1, new TestBlob(1, new byte[10]));
    c.runUntilIdle();
    assertEquals(1, held.size());
    // Kernel 1 halts in order: it says OFFLINE in the info table, and kernel 0 notices.
    c.get(1).window().setState(1, KernelState.OFFLINE);
    c.get(0).markHalted(1);
    RequestFailedException e =
        assertThrows(RequestFailedException.class, () -> p.await(c.waiter()));
    assertEquals(RequestFailedException.Reason.PEER_DOWN, e.reason());
    assertEquals("kernel 1 halted", e.getMessage());
    assertEquals(KernelState.OFFLINE, c.get(2).window().state(1), "the table keeps OFFLINE");
    assertEquals(KernelState.OFFLINE, c.get(0).peer(1).orElseThrow().state());
    assertEquals(SendResult.PEER_DOWN, c.get(0).send(1, Priority.NORMAL, new Ping(1)));
  }

  @Test
  void aKernelWhoseHeartbeatStopsIsSilent() {
    MsgCluster c = new MsgCluster(18, 3);
    c.checkInAll();
    long start = c.sim.now();
    c.at(start + 5_000_000, () -> c.get(0).heartbeat());
    c.at(start + 5_000_000, () -> c.get(2).heartbeat());
    c.at(start + 6_000_000, () -> {});
    c.runUntilIdle();
    assertEquals(List.of(1), c.get(0).silentPeers(2_000_000));
    assertEquals(List.of(1), c.get(2).silentPeers(2_000_000));
    assertEquals(List.of(), c.get(0).silentPeers(1_000_000_000_000L));
  }

  @Test
  void aDownKernelThatChecksInAgainIsBackUp() throws Exception {
    MsgCluster c = new MsgCluster(19, 2);
    c.checkInAll();
    c.get(0).markDown(1);
    assertEquals(KernelState.DOWN, c.get(0).peer(1).orElseThrow().state());
    c.get(1).checkIn();
    c.runUntilIdle();
    assertEquals(KernelState.ONLINE, c.get(0).peer(1).orElseThrow().state());
    assertEquals(new Pong(8), c.get(0).request(1, new Ping(8)).await(c.waiter()));
  }

  @Test
  void onlySubscribersReceiveNotifications() {
    MsgCluster c = new MsgCluster(23, 4);
    c.checkInAll();
    List<List<Long>> got = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      List<Long> mine = new ArrayList<>();
      got.add(mine);
      c.get(k)
          .handle(
              LayerMessage.TOPIC_EVENT,
              in -> {
                assertTrue(in.notification());
                mine.add(((TopicEvent) in.message()).value());
              });
    }
    c.get(1).subscribe(0, 7);
    c.get(2).subscribe(0, 7);
    c.get(3).subscribe(0, 8);
    c.runUntilIdle();
    assertEquals(Set.of(1, 2), c.get(0).subscribers(7));
    assertEquals(2, c.get(0).publish(7, new TopicEvent(7, 100)));
    assertEquals(1, c.get(0).publish(8, new TopicEvent(8, 200)));
    assertEquals(0, c.get(0).publish(9, new TopicEvent(9, 300)));
    c.runUntilIdle();
    assertEquals(List.of(), got.get(0));
    assertEquals(List.of(100L), got.get(1));
    assertEquals(List.of(100L), got.get(2));
    assertEquals(List.of(200L), got.get(3));

    c.get(2).unsubscribe(0, 7);
    c.runUntilIdle();
    c.get(0).publish(7, new TopicEvent(7, 101));
    c.runUntilIdle();
    assertEquals(List.of(100L, 101L), got.get(1));
    assertEquals(List.of(100L), got.get(2));

    c.get(0).markDown(1);
    assertEquals(Set.of(), c.get(0).subscribers(7), "a down kernel's subscriptions end");
  }

  @Test
  void aGroupSendReachesEachMemberOnce() {
    MsgCluster c = new MsgCluster(29, 4);
    c.checkInAll();
    int[] count = new int[4];
    for (int k = 0; k < 4; k++) {
      int me = k;
      c.get(k).handle(LayerMessage.TOPIC_EVENT, in -> count[me]++);
    }
    c.get(0).defineGroup(5, List.of(0, 2, 3));
    Map<Integer, SendResult> r = c.get(0).sendToGroup(5, Priority.HIGH, new TopicEvent(0, 1));
    assertEquals(Map.of(2, SendResult.SENT, 3, SendResult.SENT), r);
    c.runUntilIdle();
    assertEquals(List.of(0, 0, 1, 1), List.of(count[0], count[1], count[2], count[3]));
  }

  @Test
  void countersAgreeAndRenderAsATable() {
    MsgCluster c = new MsgCluster(31, 2);
    c.checkInAll();
    c.get(1).handle(TestBlob.BLOB, in -> {});
    for (int i = 0; i < 10; i++) {
      assertEquals(
          SendResult.SENT, c.get(0).post(1, Priority.NORMAL, new TestBlob(i, new byte[100])));
    }
    c.runUntilIdle();
    MsgCounters.PeerCounters out = c.get(0).counters().peer(1);
    MsgCounters.PeerCounters in = c.get(1).counters().peer(0);
    // 10 blobs plus the CheckIn (kernel 1 checked in second, so kernel 0 sent the CheckInAck).
    assertEquals(11, out.messagesSent());
    assertEquals(10 * 108 + 24, out.bytesSent());
    assertEquals(out.messagesSent(), in.messagesReceived());
    assertEquals(out.bytesSent(), in.bytesReceived());
    assertEquals(10 * 3 + 1, out.chunksSent());
    assertTrue(out.ipisSent() >= 1);
    assertTrue(c.get(1).counters().polls() >= 1);
    assertTrue(c.get(1).counters().meanBatch() > 0);
    String table = c.get(0).render();
    assertTrue(table.contains("msgs_out"), table);
    assertTrue(table.contains("mean_batch"), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("1 ") && l.contains(" 11 ")), table);
  }
}
