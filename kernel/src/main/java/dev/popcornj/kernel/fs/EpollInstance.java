package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Epoll;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance (Linux's struct eventpoll, fs/eventpoll.c): the files it watches as {@link
 * EpollItem}s keyed by (open file, descriptor), and a ready list of items that may be ready. A
 * watched file's wake puts its item on the list (ep_poll_callback); epoll_wait takes items off the
 * list in order, asks each file again and reports those that are ready (ep_send_events), putting a
 * level-triggered one back at the tail and disabling a one-shot one. The instance is itself a file:
 * it polls readable while an item on its list is ready, so it can be polled or nested.
 *
 * <p>An item goes away when the last reference to its open file does (eventpoll_release). The open
 * file has no hook for that here, so an item whose file has no reference left is dropped the next
 * time the instance looks at it; no call can tell the difference.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class EpollInstance implements CharDevice {
  /** An item's key: the open file and the descriptor number it was added by. */
  private record Key(OpenFile file, int fd) {}

  /**
   * A task asleep in epoll_wait: an exclusive entry on ep->wq, taken off the queue by the wake that
   * picks it (ep_autoremove_wake_function), so one wake rouses one waiter.
   */
  public static final class Waiter {
    private final WaitQueue queue;
    private boolean woken;

    private Waiter(WaitQueue queue) {
      this.queue = queue;
    }

    /** The queue the task sleeps on; only this waiter's wake reaches it. */
    public WaitQueue queue() {
      return queue;
    }

    public boolean woken() {
      return woken;
    }
  }

  private final Sleeper sleeper;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // ep->wq, oldest first
  private final PollWaitQueue pollers; // ep->poll_wait: polls of this epoll file
  private final Map<Key, EpollItem> items = new LinkedHashMap<>();
  private ArrayDeque<EpollItem> readyList = new ArrayDeque<>();

  /** Items of other instances that watch this one (the file's f_ep list, for the depth check). */
  private final List<EpollItem> watchedBy = new ArrayList<>();

  private OpenFile self;
  private boolean freed;

  public EpollInstance(Sleeper sleeper) {
    this.sleeper = sleeper;
    this.pollers = new PollWaitQueue(sleeper);
  }

  /**
   * A new instance on an open file of its own, as epoll_create1 makes it: anon_inode:[eventpoll].
   */
  public static OpenFile open(Sleeper sleeper) {
    EpollInstance ep = new EpollInstance(sleeper);
    OpenFile f = OpenFile.ofDevice(ep, FileConstants.O_RDWR, "anon_inode:[eventpoll]");
    ep.self = f;
    return f;
  }

  /** The instance behind an epoll file (is_file_epoll), or null. */
  public static EpollInstance of(OpenFile f) {
    return f != null && f.device() instanceof EpollInstance ep ? ep : null;
  }

  // --- epoll_ctl

  /** The item for (file, fd), or null (ep_find). */
  public EpollItem find(OpenFile file, int fd) {
    sweep();
    return items.get(new Key(file, fd));
  }

  /** Items watched, in the order they were added. */
  public List<EpollItem> items() {
    sweep();
    return List.copyOf(items.values());
  }

  /**
   * ep_insert: watches file (open on fd) for events (EPOLLERR and EPOLLHUP added, as epoll_ctl
   * does). The item subscribes to the file's queues as its poll names them, and goes on the ready
   * list at once when the file is ready already. The caller has checked that it is not there yet.
   */
  public EpollItem insert(OpenFile file, int fd, int events, long data) {
    EpollItem item = new EpollItem(this, file, fd, events | Epoll.EPOLLERR | Epoll.EPOLLHUP, data);
    items.put(new Key(file, fd), item);
    EpollInstance nested = item.nested();
    if (nested != null) {
      nested.watchedBy.add(item);
    }
    PollTable table = item.subscribe();
    int revents = item.poll(table);
    table.stopCollecting();
    if (revents != 0 && !item.onReadyList()) {
      queueReady(item);
    }
    return item;
  }

  /**
   * ep_modify: new events (EPOLLERR and EPOLLHUP added) and data; the file is asked again and the
   * item queued if ready. -EINVAL for an EPOLLEXCLUSIVE item, which cannot be modified.
   */
  public int modify(EpollItem item, int events, long data) {
    if (item.exclusive()) {
      return -Errno.EINVAL;
    }
    item.set(events | Epoll.EPOLLERR | Epoll.EPOLLHUP, data);
    if (item.poll(null) != 0 && !item.onReadyList()) {
      queueReady(item);
    }
    return 0;
  }

  /** ep_remove: unsubscribes the item and forgets it. */
  public void remove(EpollItem item) {
    item.unsubscribe();
    items.remove(new Key(item.file(), item.fd()));
    if (item.onReadyList()) {
      readyList.remove(item);
      item.setReady(false);
    }
    EpollInstance nested = item.nested();
    if (nested != null) {
      nested.watchedBy.remove(item);
    }
  }

  /** Puts item at the tail of the ready list and wakes epoll_wait callers and pollers. */
  private void queueReady(EpollItem item) {
    readyList.addLast(item);
    item.setReady(true);
    wakeOneWaiter();
    if (pollers.hasPollers()) {
      pollers.wakeAll(Poll.POLLIN);
    }
  }

  /**
   * ep_loop_check: whether adding target under this instance would close a loop or nest epoll
   * instances deeper than EP_MAX_NESTS, counting how deep target reaches down and how far up
   * instances watch this one.
   */
  public boolean loopOrTooDeep(EpollInstance target) {
    int down = depthBelow(target, 0);
    if (down > Epoll.MAX_NESTS) {
      return true;
    }
    return down + 1 + depthAbove(this) > Epoll.MAX_NESTS;
  }

  /** ep_loop_check_proc: MAX_NESTS + 1 when this instance is reachable from ep (a loop). */
  private int depthBelow(EpollInstance ep, int depth) {
    int result = 0;
    for (EpollItem item : ep.items()) {
      EpollInstance next = item.nested();
      if (next == null) {
        continue;
      }
      if (next == this || depth > Epoll.MAX_NESTS) {
        result = Epoll.MAX_NESTS + 1;
      } else {
        result = Math.max(result, depthBelow(next, depth + 1) + 1);
      }
      if (result > Epoll.MAX_NESTS) {
        break;
      }
    }
    return result;
  }

  /** ep_get_upwards_depth_proc: the longest chain of instances watching ep. */
  private static int depthAbove(EpollInstance ep) {
    int result = 0;
    for (EpollItem item : List.copyOf(ep.watchedBy)) {
      if (item.alive() && !item.removed()) {
        result = Math.max(result, depthAbove(item.owner()) + 1);
      }
    }
    return result;
  }

  // --- wakes

  /**
   * ep_poll_callback: a queue item subscribed to woke with key (0: no events said). A disabled
   * item, or one that asks for none of the key's events, is left alone; otherwise it goes on the
   * ready list and epoll_wait callers and pollers of this instance wake. Returns whether the wake
   * counts for an exclusive waiter: for an EPOLLEXCLUSIVE item only when a task was in epoll_wait
   * and the key's direction is one the item asks for.
   */
  boolean onWake(EpollItem item, int key) {
    if (item.removed() || freed) {
      return false;
    }
    if (self != null && self.references() == 0) {
      free();
      return false;
    }
    boolean exclusive = item.exclusive();
    if (item.disabled() || (key != 0 && (key & item.events()) == 0)) {
      return !exclusive;
    }
    boolean counted = false;
    if (!item.onReadyList()) {
      readyList.addLast(item);
      item.setReady(true);
    }
    if (!waiting.isEmpty()) {
      if (exclusive) {
        counted =
            switch (key & (Epoll.EPOLLIN | Epoll.EPOLLOUT)) {
              case Epoll.EPOLLIN -> (item.events() & Epoll.EPOLLIN) != 0;
              case Epoll.EPOLLOUT -> (item.events() & Epoll.EPOLLOUT) != 0;
              case 0 -> true;
              default -> false;
            };
      }
      wakeOneWaiter();
    }
    if (pollers.hasPollers()) {
      pollers.wakeAll(Poll.POLLIN);
    }
    return !exclusive || counted;
  }

  // --- epoll_wait

  /** Where ep_send_events puts one event; false when the user buffer cannot be written. */
  @FunctionalInterface
  public interface EventSink {
    boolean put(int index, int revents, long data);
  }

  /** ep_events_available: something is on the ready list. */
  public boolean eventsAvailable() {
    return !readyList.isEmpty();
  }

  /**
   * ep_send_events: takes up to max items off the ready list in order, asks each file again and
   * reports those ready through sink. A reported level-triggered item goes back to the tail; a
   * one-shot one is disabled; an edge-triggered one stays off until the next wake. Items not looked
   * at (max reached, or a fault) go back to the head in their order. Returns the count reported, or
   * -EFAULT when the first could not be written.
   */
  public int sendEvents(int max, EventSink sink) {
    ArrayDeque<EpollItem> scan = readyList;
    readyList = new ArrayDeque<>();
    int reported = 0;
    while (!scan.isEmpty() && reported < max) {
      EpollItem item = scan.pollFirst();
      item.setReady(false);
      if (!item.alive()) {
        dropDead(item);
        continue;
      }
      int revents = item.poll(null);
      if (revents == 0) {
        continue;
      }
      if (!sink.put(reported, revents, item.data())) {
        scan.addFirst(item);
        item.setReady(true);
        if (reported == 0) {
          reported = -Errno.EFAULT;
        }
        break;
      }
      reported++;
      if (item.oneShot()) {
        item.disable();
      } else if (!item.edgeTriggered()) {
        readyList.addLast(item);
        item.setReady(true);
      }
    }
    doneScan(scan);
    return reported;
  }

  /**
   * ep_done_scan: items the scan did not take go back ahead of those it put back; if anything is
   * left on the list, another waiter wakes to take it (so a level-triggered event reaches every
   * thread in epoll_wait, an edge-triggered one only the first).
   */
  private void doneScan(ArrayDeque<EpollItem> scan) {
    Iterator<EpollItem> back = scan.descendingIterator();
    while (back.hasNext()) {
      readyList.addFirst(back.next());
    }
    if (!readyList.isEmpty()) {
      wakeOneWaiter();
    }
  }

  /** ep_poll going to sleep: a new waiter at the tail of ep->wq (__add_wait_queue_exclusive). */
  public Waiter addWaiter() {
    Waiter w = new Waiter(new WaitQueue(sleeper));
    waiting.addLast(w);
    return w;
  }

  /** ep_poll awake again: the waiter leaves ep->wq if no wake took it off (timeout, signal). */
  public void removeWaiter(Waiter w) {
    waiting.remove(w);
  }

  /** wake_up(&ep->wq): every waiter is exclusive, so only the oldest wakes. */
  private void wakeOneWaiter() {
    Waiter w = waiting.pollFirst();
    if (w != null) {
      w.woken = true;
      w.queue.wakeAll();
    }
  }

  // --- the epoll file

  /**
   * ep_eventpoll_poll: readable (POLLIN | POLLRDNORM) when an item on the ready list is ready now;
   * items found not ready on the way are taken off the list.
   */
  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(pollers);
    }
    ArrayDeque<EpollItem> scan = readyList;
    readyList = new ArrayDeque<>();
    int mask = 0;
    Iterator<EpollItem> it = scan.iterator();
    while (it.hasNext()) {
      EpollItem item = it.next();
      if (item.alive() && item.poll(null) != 0) {
        mask = Poll.POLLIN | Poll.POLLRDNORM;
        break;
      }
      it.remove();
      item.setReady(false);
      if (!item.alive()) {
        dropDead(item);
      }
    }
    doneScan(scan);
    return mask;
  }

  /** An epoll file has no read: vfs_read refuses a file without one. */
  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    return -Errno.EINVAL;
  }

  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    return -Errno.EINVAL;
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    return -Errno.ENOTTY;
  }

  @Override
  public long rdev() {
    return 0;
  }

  // --- the last close

  /** Drops every item whose open file is gone (what eventpoll_release would have done). */
  private void sweep() {
    if (self != null && self.references() == 0) {
      free();
      return;
    }
    for (EpollItem item : List.copyOf(items.values())) {
      if (!item.alive()) {
        dropDead(item);
      }
    }
  }

  private void dropDead(EpollItem item) {
    remove(item);
    EpollInstance nested = item.nested();
    if (nested != null && !nested.freed && nested.self != null && nested.self.references() == 0) {
      nested.free();
    }
  }

  /** ep_free: the epoll file is gone; every item is removed and no wake reaches it any more. */
  void free() {
    if (freed) {
      return;
    }
    freed = true;
    for (EpollItem item : List.copyOf(items.values())) {
      remove(item);
    }
    readyList.clear();
  }
}
