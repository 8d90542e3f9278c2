package dev.popcornj.kernel.fs;

import static dev.popcornj.kernel.abi.Epoll.EPOLLERR;
import static dev.popcornj.kernel.abi.Epoll.EPOLLET;
import static dev.popcornj.kernel.abi.Epoll.EPOLLEXCLUSIVE;
import static dev.popcornj.kernel.abi.Epoll.EPOLLHUP;
import static dev.popcornj.kernel.abi.Epoll.EPOLLIN;
import static dev.popcornj.kernel.abi.Epoll.EPOLLONESHOT;
import static dev.popcornj.kernel.abi.Epoll.EPOLLOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The epoll item state machine: ready list, level and edge triggering, one-shot, wakes, nesting.
 */
class EpollInstanceTest {
  private final FsFixture fx = new FsFixture();
  private final OpenFile epFile = EpollInstance.open(fx.sleeper);
  private final EpollInstance ep = EpollInstance.of(epFile);

  private record Event(int events, long data) {}

  private List<Event> harvest(int max) {
    List<Event> out = new ArrayList<>();
    int n =
        ep.sendEvents(
            max,
            (i, revents, data) -> {
              assertEquals(out.size(), i);
              out.add(new Event(revents, data));
              return true;
            });
    assertEquals(out.size(), n);
    return out;
  }

  private OpenFile[] pipe() {
    return fx.vfs.pipe(0);
  }

  private static void put(OpenFile w, String s) {
    w.write(FsFixture.bytes(s), 0, s.length());
  }

  private static void drain(OpenFile r) {
    r.read(new byte[100], 0, 100);
  }

  @Test
  void anItemAddsErrAndHupAndIsQueuedWhenAlreadyReady() {
    OpenFile[] p = pipe();
    put(p[1], "x");
    EpollItem item = ep.insert(p[0], 3, EPOLLIN, 9);
    assertEquals(EPOLLIN | EPOLLERR | EPOLLHUP, item.events());
    assertTrue(item.onReadyList());
    assertSame(item, ep.find(p[0], 3));
    assertNull(ep.find(p[0], 4), "the key is (file, descriptor)");
    assertEquals(List.of(new Event(EPOLLIN, 9)), harvest(8));
  }

  @Test
  void levelTriggeredItemsStayQueuedWhileReady() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN, 1);
    assertFalse(ep.eventsAvailable());
    put(p[1], "x");
    assertTrue(ep.eventsAvailable(), "the pipe's wake queued the item");
    assertEquals(1, harvest(8).size());
    assertEquals(1, harvest(8).size(), "still readable: reported again");
    drain(p[0]);
    assertTrue(ep.eventsAvailable(), "queued until looked at");
    assertEquals(0, harvest(8).size());
    assertFalse(ep.eventsAvailable());
  }

  @Test
  void edgeTriggeredItemsAreReportedOncePerWake() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN | EPOLLET, 1);
    put(p[1], "x");
    assertEquals(1, harvest(8).size());
    assertEquals(0, harvest(8).size());
    put(p[1], "y");
    assertEquals(1, harvest(8).size());
  }

  @Test
  void oneShotDisablesUntilModified() {
    OpenFile[] p = pipe();
    EpollItem item = ep.insert(p[0], 3, EPOLLIN | EPOLLONESHOT, 1);
    put(p[1], "x");
    assertEquals(1, harvest(8).size());
    assertTrue(item.disabled());
    put(p[1], "y");
    assertFalse(ep.eventsAvailable(), "a disabled item ignores wakes");
    assertEquals(0, ep.modify(item, EPOLLIN | EPOLLONESHOT, 2));
    assertEquals(List.of(new Event(EPOLLIN, 2)), harvest(8));
  }

  @Test
  void wakesForEventsNotAskedForAreIgnored() {
    OpenFile ev = EventFd.open(fx.sleeper, 0, 0);
    EventFd counter = (EventFd) ev.device();
    ep.insert(ev, 3, EPOLLIN | EPOLLET, 1);
    counter.write(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, 0, 8, true);
    assertEquals(1, harvest(8).size());
    counter.read(new byte[8], 0, 8, true); // wakes with POLLOUT
    counter.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, 0, 8, true); // POLLIN, count 0
    assertTrue(ep.eventsAvailable());
    assertEquals(0, harvest(8).size(), "queued, but the file says not ready");
  }

  @Test
  void aShortHarvestServesTheRestFirstNextTime() {
    for (int i = 0; i < 3; i++) {
      OpenFile[] p = pipe();
      put(p[1], "r");
      ep.insert(p[0], 10 + i, EPOLLIN, 100 + i);
    }
    assertEquals(List.of(100L, 101L), data(harvest(2)));
    assertEquals(List.of(102L, 100L), data(harvest(2)));
    assertEquals(List.of(101L, 102L), data(harvest(2)));
  }

  private static List<Long> data(List<Event> events) {
    return events.stream().map(Event::data).toList();
  }

  @Test
  void aFaultOnTheFirstEventIsEfaultAndKeepsTheItemQueued() {
    OpenFile[] p = pipe();
    put(p[1], "x");
    ep.insert(p[0], 3, EPOLLIN | EPOLLET, 1);
    assertEquals(-Errno.EFAULT, ep.sendEvents(4, (i, e, d) -> false));
    assertTrue(ep.eventsAvailable());
    assertEquals(1, harvest(4).size());
  }

  @Test
  void removeUnsubscribes() {
    OpenFile[] p = pipe();
    EpollItem item = ep.insert(p[0], 3, EPOLLIN, 1);
    ep.remove(item);
    put(p[1], "x");
    assertFalse(ep.eventsAvailable());
    assertNull(ep.find(p[0], 3));
  }

  @Test
  void itemsGoWithTheLastReferenceToTheirFile() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN, 1);
    put(p[1], "x");
    p[0].retain(); // a dup
    p[0].release();
    assertEquals(1, harvest(8).size(), "still open through the dup");
    p[0].release();
    assertEquals(0, harvest(8).size());
    assertTrue(ep.items().isEmpty());
  }

  @Test
  void anInstanceIsReadableWhileAnItemIsReady() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN, 1);
    assertEquals(0, epFile.poll(null));
    put(p[1], "x");
    assertEquals(Poll.POLLIN | Poll.POLLRDNORM, epFile.poll(null));
    drain(p[0]);
    assertEquals(0, epFile.poll(null));
    assertFalse(ep.eventsAvailable(), "poll drops items that are not ready");
  }

  @Test
  void aNestedInstanceWakesItsWatcher() {
    OpenFile outerFile = EpollInstance.open(fx.sleeper);
    EpollInstance outer = EpollInstance.of(outerFile);
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN, 1);
    outer.insert(epFile, 4, EPOLLIN, 2);
    assertFalse(outer.eventsAvailable());
    put(p[1], "x");
    assertTrue(outer.eventsAvailable());
    int[] got = new int[1];
    assertEquals(1, outer.sendEvents(4, (i, e, d) -> (got[0] = e) != 0 && d == 2));
    assertEquals(EPOLLIN, got[0]);
    assertTrue(ep.loopOrTooDeep(outer), "outer watches ep: a loop");
    assertFalse(outer.loopOrTooDeep(EpollInstance.of(EpollInstance.open(fx.sleeper))));
  }

  @Test
  void nestingStopsAfterFourLinks() {
    EpollInstance below = ep;
    OpenFile belowFile = epFile;
    int accepted = 0;
    for (int i = 0; i < 6; i++) {
      OpenFile f = EpollInstance.open(fx.sleeper);
      EpollInstance above = EpollInstance.of(f);
      if (above.loopOrTooDeep(below)) {
        break;
      }
      above.insert(belowFile, 3, EPOLLIN, 0);
      accepted++;
      below = above;
      belowFile = f;
    }
    assertEquals(4, accepted, "five instances in a chain, four links");
  }

  @Test
  void exclusiveItemsCannotBeModifiedAndShareAWake() {
    OpenFile[] p = pipe();
    EpollItem a = ep.insert(p[0], 3, EPOLLIN | EPOLLEXCLUSIVE, 1);
    assertEquals(-Errno.EINVAL, ep.modify(a, EPOLLIN, 1));
    EpollInstance other = EpollInstance.of(EpollInstance.open(fx.sleeper));
    other.insert(p[0], 3, EPOLLIN | EPOLLEXCLUSIVE, 2);
    ep.addWaiter();
    other.addWaiter();
    put(p[1], "x");
    assertTrue(ep.eventsAvailable(), "the first exclusive waiter took the wake");
    assertFalse(other.eventsAvailable(), "so the second was not woken");
  }

  @Test
  void oneWakeRousesOneWaiter() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN | EPOLLET, 1);
    EpollInstance.Waiter first = ep.addWaiter();
    EpollInstance.Waiter second = ep.addWaiter();
    put(p[1], "x");
    assertTrue(first.woken());
    assertFalse(second.woken(), "ep->wq waiters are exclusive");
    put(p[1], "y");
    assertTrue(second.woken());
    EpollInstance.Waiter gaveUp = ep.addWaiter();
    ep.removeWaiter(gaveUp);
    put(p[1], "z");
    assertFalse(gaveUp.woken(), "a waiter that left (timeout, signal) is not woken");
  }

  @Test
  void aHarvestThatLeavesEventsWakesTheNextWaiter() {
    OpenFile[] p = pipe();
    ep.insert(p[0], 3, EPOLLIN, 1);
    put(p[1], "x");
    EpollInstance.Waiter other = ep.addWaiter();
    assertEquals(1, harvest(4).size());
    assertTrue(other.woken(), "the level-triggered item went back on the list");
    OpenFile[] q = pipe();
    EpollInstance edge = EpollInstance.of(EpollInstance.open(fx.sleeper));
    edge.insert(q[0], 3, EPOLLIN | EPOLLET, 1);
    put(q[1], "x");
    EpollInstance.Waiter idle = edge.addWaiter();
    assertEquals(1, edge.sendEvents(4, (i, e, d) -> true));
    assertFalse(idle.woken(), "nothing left for it");
  }

  @Test
  void writeEndsReportErrorOnceTheReaderIsGone() {
    OpenFile[] p = pipe();
    ep.insert(p[1], 4, EPOLLOUT, 7);
    assertEquals(List.of(new Event(EPOLLOUT, 7)), harvest(8));
    p[0].release();
    assertEquals(List.of(new Event(EPOLLOUT | EPOLLERR, 7)), harvest(8));
  }
}
