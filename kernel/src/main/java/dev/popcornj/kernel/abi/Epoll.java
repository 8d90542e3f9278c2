package dev.popcornj.kernel.abi;

/**
 * The constants of epoll(7) and eventfd(2) (include/uapi/linux/eventpoll.h, linux/eventfd.h): event
 * bits, epoll_ctl operations, creation flags, and the limits fs/eventpoll.c applies. The readiness
 * bits share their values with poll(2)'s ({@link Poll}).
 */
public final class Epoll {
  public static final int EPOLLIN = Poll.POLLIN;
  public static final int EPOLLPRI = Poll.POLLPRI;
  public static final int EPOLLOUT = Poll.POLLOUT;
  public static final int EPOLLERR = Poll.POLLERR;
  public static final int EPOLLHUP = Poll.POLLHUP;
  public static final int EPOLLRDNORM = Poll.POLLRDNORM;
  public static final int EPOLLRDHUP = Poll.POLLRDHUP;

  /** Set only by io_uring's own wakes; a user may pass it and it is kept like any other bit. */
  public static final int EPOLL_URING_WAKE = 1 << 27;

  public static final int EPOLLEXCLUSIVE = 1 << 28;
  public static final int EPOLLWAKEUP = 1 << 29;
  public static final int EPOLLONESHOT = 1 << 30;
  public static final int EPOLLET = 1 << 31;

  /**
   * EP_PRIVATE_BITS: bits that say how to report, not what. An item whose events hold nothing else
   * is disabled (EPOLLONESHOT leaves it so after one report) and a wake of it is ignored.
   */
  public static final int PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;

  /** EPOLLEXCLUSIVE_OK_BITS: the only bits an EPOLLEXCLUSIVE item may ask for. */
  public static final int EXCLUSIVE_OK_BITS =
      EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;

  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLL_CTL_MOD = 3;

  /** epoll_create1's one flag (= O_CLOEXEC). */
  public static final int EPOLL_CLOEXEC = FileConstants.O_CLOEXEC;

  /** EP_MAX_NESTS: how deep epoll instances may watch one another. */
  public static final int MAX_NESTS = 4;

  /** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event), the most maxevents may be. */
  public static final int MAX_EVENTS = Integer.MAX_VALUE / EpollDescriptor.LENGTH;

  /** eventfd2's flags: EFD_SEMAPHORE, EFD_CLOEXEC (= O_CLOEXEC), EFD_NONBLOCK (= O_NONBLOCK). */
  public static final int EFD_SEMAPHORE = 1;

  public static final int EFD_CLOEXEC = FileConstants.O_CLOEXEC;
  public static final int EFD_NONBLOCK = FileConstants.O_NONBLOCK;

  private Epoll() {}
}
