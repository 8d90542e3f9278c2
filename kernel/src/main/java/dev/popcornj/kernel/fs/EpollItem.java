package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Epoll;

/**
 * One file watched by an epoll instance (Linux's struct epitem): keyed by the open file and the
 * descriptor it was added by, with the events asked for and the caller's data. Its {@link
 * PollTable} subscribes it to the file's wait queues; a wake puts it on the instance's ready list
 * as possibly ready, and the instance asks the file again before reporting it.
 *
 * <p>Owned by its {@link EpollInstance}; used only on its kernel's simulation thread.
 */
public final class EpollItem {
  private final EpollInstance owner;
  private final OpenFile file;
  private final int fd;
  private int events;
  private long data;
  private PollTable subscription;
  private boolean ready; // on the owner's ready list (ep_is_linked)
  private boolean removed;

  EpollItem(EpollInstance owner, OpenFile file, int fd, int events, long data) {
    this.owner = owner;
    this.file = file;
    this.fd = fd;
    this.events = events;
    this.data = data;
  }

  /** The instance that watches through it. */
  public EpollInstance owner() {
    return owner;
  }

  public OpenFile file() {
    return file;
  }

  public int fd() {
    return fd;
  }

  /** The events asked for, EPOLLERR, EPOLLHUP and the mode bits included. */
  public int events() {
    return events;
  }

  public long data() {
    return data;
  }

  /** On the ready list: a wake or a report since the last look said it may be ready. */
  public boolean onReadyList() {
    return ready;
  }

  /** An item whose events hold no readiness bit (EPOLLONESHOT after its report) is disabled. */
  public boolean disabled() {
    return (events & ~Epoll.PRIVATE_BITS) == 0;
  }

  boolean exclusive() {
    return (events & Epoll.EPOLLEXCLUSIVE) != 0;
  }

  boolean edgeTriggered() {
    return (events & Epoll.EPOLLET) != 0;
  }

  boolean oneShot() {
    return (events & Epoll.EPOLLONESHOT) != 0;
  }

  void set(int newEvents, long newData) {
    events = newEvents;
    data = newData;
  }

  /** EPOLLONESHOT after a report: keeps only the mode bits, so the item is disabled. */
  void disable() {
    events &= Epoll.PRIVATE_BITS;
  }

  void setReady(boolean on) {
    ready = on;
  }

  boolean removed() {
    return removed;
  }

  /** The epoll instance behind the watched file, or null when it is not an epoll file. */
  EpollInstance nested() {
    return EpollInstance.of(file);
  }

  /** The file is still open somewhere: the last close of it would have removed the item. */
  boolean alive() {
    return file.references() > 0;
  }

  /**
   * ep_item_poll: the file's readiness, restricted to the events asked for. table, when not null,
   * subscribes the item to the file's queues (only when it is added).
   */
  int poll(PollTable table) {
    return file.poll(table) & events;
  }

  /** ep_insert's subscription: a table whose wakes reach {@link EpollInstance#onWake}. */
  PollTable subscribe() {
    subscription = new PollTable(key -> owner.onWake(this, key), exclusive());
    return subscription;
  }

  /** ep_remove: no wake reaches the item any more. */
  void unsubscribe() {
    removed = true;
    if (subscription != null) {
      subscription.release();
      subscription = null;
    }
  }
}
