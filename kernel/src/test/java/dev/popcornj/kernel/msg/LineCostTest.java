package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.kernel.msg.LayerMessage.Ping;
import dev.popcornj.kernel.msg.LayerMessage.Pong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a slot costs the line transfer from the sender's node: a request/response round trip
 * grows by exactly one line cost each way, and a batch read in one poll is stamped one line later
 * per slot.
 */
class LineCostTest {
  private static final long LINE_PS = 500_000; // 500 ns, easy to see next to 1 us IPIs

  /** Virtual time from sending a Ping on kernel 0 to the poll on kernel 0 that takes the Pong. */
  private static long roundTrip(LineCost cost) {
    MsgCluster c = new MsgCluster(1, 2);
    c.checkInAll();
    c.get(0).setLineCost(cost);
    c.get(1).setLineCost(cost);
    List<Long> polls = new ArrayList<>();
    c.get(0)
        .setTracer(
            new MsgTracer() {
              @Override
              public void onPoll(int batch, long timePs) {
                if (batch > 0) {
                  polls.add(timePs);
                }
              }
            });
    long start = c.sim.now();
    PendingReply reply = c.get(0).request(1, new Ping(7));
    c.runUntilIdle();
    assertEquals(new Pong(7), reply.reply().orElseThrow());
    assertEquals(1, polls.size(), "one poll took the reply");
    return polls.getFirst() - start;
  }

  @Test
  void aRoundTripWaitsForOneLineEachWay() {
    long free = roundTrip(LineCost.none());
    long charged = roundTrip((from, to) -> LINE_PS);
    assertEquals(2 * LINE_PS, charged - free);
  }

  @Test
  void aBatchIsStampedOneLinePerSlot() {
    MsgCluster c = new MsgCluster(1, 2);
    c.checkInAll();
    c.get(1).setLineCost((from, to) -> from == 0 && to == 1 ? LINE_PS : 0);
    List<long[]> polls = new ArrayList<>();
    c.get(1)
        .setTracer(
            new MsgTracer() {
              @Override
              public void onPoll(int batch, long timePs) {
                if (batch > 0) {
                  polls.add(new long[] {batch, timePs});
                }
              }
            });
    long start = c.sim.now();
    for (int i = 0; i < 5; i++) {
      c.get(0).post(1, Priority.NORMAL, new TestBlob(i, new byte[8]));
    }
    c.runUntilIdle();
    assertEquals(1, polls.size());
    assertEquals(5, polls.getFirst()[0]);
    long ipi = c.machine.options().cost().ipiLatencyPs(0, 0);
    assertEquals(start + ipi + 5 * LINE_PS, polls.getFirst()[1]);
  }
}
