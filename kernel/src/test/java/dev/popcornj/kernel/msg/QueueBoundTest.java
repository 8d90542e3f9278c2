package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A peer that stops draining its ring (crashed, not yet seen down) cannot make a sender queue
 * without end: past MsgParams.MAX_QUEUED_BYTES a post is refused with RING_FULL, and the queue
 * takes posts again once the peer drains.
 */
class QueueBoundTest {
  @Test
  void postsToAPeerThatDoesNotDrainStopAtTheBound() {
    MsgCluster c = new MsgCluster(3, 2);
    c.checkInAll();
    // Kernel 1 no longer answers its message interrupt: nothing leaves its ring.
    c.machine.interrupts().setListener(2, (h, bits) -> c.machine.interrupts().clear(h, 1));
    byte[] big = new byte[60 * 1024];
    long accepted = 0;
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      SendResult r = c.get(0).post(1, Priority.NORMAL, new TestBlob(i, big));
      if (r == SendResult.SENT) {
        accepted += big.length;
      } else {
        assertEquals(SendResult.RING_FULL, r);
        refused++;
      }
    }
    assertTrue(refused > 0, "every post was taken");
    long ring = (long) MsgParams.DEFAULT_RING_SLOTS * WindowDescriptor.SLOT_PAYLOAD_SIZE;
    assertTrue(
        accepted <= MsgParams.MAX_QUEUED_BYTES + ring + big.length,
        "accepted " + accepted + " bytes for a peer that drains nothing");
  }
}
