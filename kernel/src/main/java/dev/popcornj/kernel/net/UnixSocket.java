package dev.popcornj.kernel.net;

import static dev.popcornj.kernel.abi.SocketConstants.MSG_OOB;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_PEEK;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_TRUNC;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_WAITALL;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_DGRAM;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_SEQPACKET;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_STREAM;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.sched.Sleeper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Unix-domain socket (Linux's struct unix_sock, after net/unix/af_unix.c): its state
 * (unconnected, listening, connected), its peer, and its receive queue of segments, each a write
 * (stream) or a message (datagram, seqpacket) with the address of its sender; a listener's queue
 * holds the embryo sockets connect made for it, until accept takes them. Bytes queued at a peer
 * count against the sender's send buffer, and a sender waits while it is full. Results are counts
 * or negative errno values; blocking happens on the socket's {@link PollWaitQueue}, which poll and
 * select wait on too.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class UnixSocket {
  public static final int RCV_SHUTDOWN = 1;
  public static final int SEND_SHUTDOWN = 2;
  public static final int SHUTDOWN_MASK = 3;

  /** sk_state: TCP_CLOSE, TCP_LISTEN and TCP_ESTABLISHED as af_unix uses them. */
  public enum State {
    CLOSE,
    LISTEN,
    ESTABLISHED
  }

  /** One skb of the receive queue: data not yet read, or a connection waiting for accept. */
  private static final class Segment {
    final byte[] data;
    int consumed;
    final UnixSocket sender;
    final byte[] from; // the sender's address when it was sent, or null
    final UnixSocket embryo;
    List<OpenFile> rights; // files passed with SCM_RIGHTS, one reference each, or null

    Segment(byte[] data, UnixSocket sender, UnixSocket embryo) {
      this.data = data;
      this.sender = sender;
      this.from = sender == null ? null : sender.address;
      this.embryo = embryo;
    }

    /** Hands the passed files to a receiver (a peek gets references of its own). */
    List<OpenFile> takeRights(boolean peek) {
      List<OpenFile> r = rights;
      if (r == null) {
        return List.of();
      }
      if (peek) {
        r.forEach(OpenFile::retain);
      } else {
        rights = null;
      }
      return r;
    }

    void dropRights() {
      if (rights != null) {
        List<OpenFile> r = rights;
        rights = null;
        r.forEach(OpenFile::release);
      }
    }

    int remaining() {
      return data.length - consumed;
    }
  }

  /**
   * What a receive got: result is the count (or -errno), from the sender's address or null, and the
   * files passed with the data, one reference each, which the receiver installs or releases.
   */
  public record Received(
      long result, byte[] data, byte[] from, int msgFlags, List<OpenFile> rights) {
    Received(long result, byte[] data, byte[] from, int msgFlags) {
      this(result, data, from, msgFlags, List.of());
    }

    static Received error(long errno) {
      return new Received(-errno, new byte[0], null, 0);
    }

    /** Releases the passed files (a receive that cannot take them, such as read(2)). */
    public void dropRights() {
      rights.forEach(OpenFile::release);
    }
  }

  private final int type;
  private final Sleeper sleeper;
  private final PollWaitQueue wait;
  private final Ucred cred;
  private final ArrayDeque<Segment> queue = new ArrayDeque<>();
  private State state = State.CLOSE;
  private UnixSocket peer;
  private int shutdown;
  private int error;
  private boolean dead;
  private byte[] address;
  private int maxBacklog = SocketConstants.MAX_DGRAM_QLEN;
  private int sndbuf = SocketConstants.DEFAULT_BUFFER;
  private int rcvbuf = SocketConstants.DEFAULT_BUFFER;
  private int wmem;
  private Ucred peerCred = Ucred.NONE;
  private boolean passcred;

  /** A new unconnected socket of type (SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET) made by cred. */
  public UnixSocket(int type, Sleeper sleeper, Ucred cred) {
    this.type = type;
    this.sleeper = sleeper;
    this.wait = new PollWaitQueue(sleeper);
    this.cred = cred;
  }

  /** socketpair(2): two sockets connected to each other. */
  public static UnixSocket[] pair(int type, Sleeper sleeper, Ucred cred) {
    UnixSocket a = new UnixSocket(type, sleeper, cred);
    UnixSocket b = new UnixSocket(type, sleeper, cred);
    a.connectTo(b);
    b.connectTo(a);
    return new UnixSocket[] {a, b};
  }

  private void connectTo(UnixSocket other) {
    peer = other;
    peerCred = other.cred;
    if (type != SOCK_DGRAM) {
      state = State.ESTABLISHED;
    }
  }

  public int type() {
    return type;
  }

  public State state() {
    return state;
  }

  public UnixSocket peer() {
    return peer;
  }

  public boolean isDead() {
    return dead;
  }

  /** The bound address (the sockaddr_un bytes, family first), or null when unbound. */
  public byte[] address() {
    return address;
  }

  public void setAddress(byte[] sockaddr) {
    address = sockaddr;
  }

  public Ucred peerCred() {
    return peerCred;
  }

  public int sndbuf() {
    return sndbuf;
  }

  public int rcvbuf() {
    return rcvbuf;
  }

  public void setSndbuf(int bytes) {
    sndbuf = bytes;
    wait.wakeAll();
  }

  public void setRcvbuf(int bytes) {
    rcvbuf = bytes;
  }

  public boolean passcred() {
    return passcred;
  }

  public void setPasscred(boolean on) {
    passcred = on;
  }

  /** SO_ERROR: the pending error, cleared by reading it (sock_error). */
  public int takeError() {
    int e = error;
    error = 0;
    return e;
  }

  /** Segments waiting in the receive queue (connections, for a listener). */
  public int queued() {
    return queue.size();
  }

  // ---------------------------------------------------------------- connections

  /** listen(2) on a bound socket; backlog already clamped to SOMAXCONN. */
  public long listen(int backlog) {
    if (type != SOCK_STREAM && type != SOCK_SEQPACKET) {
      return -Errno.EOPNOTSUPP;
    }
    if (address == null || (state != State.CLOSE && state != State.LISTEN)) {
      return -Errno.EINVAL;
    }
    if (backlog > maxBacklog) {
      wait.wakeAll(); // connectors waiting for room look again
    }
    maxBacklog = backlog;
    state = State.LISTEN;
    return 0;
  }

  private boolean backlogFull() {
    return queue.size() > maxBacklog;
  }

  /**
   * The connection-oriented connect(2) to listener (unix_stream_connect): a new socket joins the
   * listener's queue as this one's peer. Waits while the backlog is full unless nonBlocking.
   */
  public long connect(UnixSocket listener, boolean nonBlocking, Ucred self) {
    while (true) {
      if (listener.type != type) {
        return -Errno.EPROTOTYPE;
      }
      if (listener.dead
          || listener.state != State.LISTEN
          || (listener.shutdown & RCV_SHUTDOWN) != 0) {
        return -Errno.ECONNREFUSED;
      }
      if (!listener.backlogFull()) {
        break;
      }
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!listener.wait.await(
          () -> !listener.backlogFull() || listener.dead || listener.state != State.LISTEN)) {
        return -Errno.ERESTARTSYS;
      }
    }
    if (state == State.ESTABLISHED) {
      return -Errno.EISCONN;
    }
    if (state != State.CLOSE) {
      return -Errno.EINVAL;
    }
    UnixSocket embryo = new UnixSocket(type, sleeper, listener.cred);
    embryo.address = listener.address;
    embryo.sndbuf = listener.sndbuf;
    embryo.rcvbuf = listener.rcvbuf;
    embryo.peer = this;
    embryo.peerCred = self;
    embryo.state = State.ESTABLISHED;
    peer = embryo;
    peerCred = listener.cred;
    state = State.ESTABLISHED;
    listener.queue.add(new Segment(new byte[0], null, embryo));
    listener.wait.wakeAll();
    wait.wakeAll();
    return 0;
  }

  /** accept(2): the oldest waiting connection; waits for one unless nonBlocking. */
  public UnixSocket accept(boolean nonBlocking, long[] errno) {
    if (type != SOCK_STREAM && type != SOCK_SEQPACKET) {
      errno[0] = Errno.EOPNOTSUPP;
      return null;
    }
    if (state != State.LISTEN) {
      errno[0] = Errno.EINVAL;
      return null;
    }
    if (queue.isEmpty()) {
      if (nonBlocking) {
        errno[0] = Errno.EAGAIN;
        return null;
      }
      if (!wait.await(() -> !queue.isEmpty() || state != State.LISTEN)) {
        errno[0] = Errno.ERESTARTSYS;
        return null;
      }
      if (queue.isEmpty()) {
        errno[0] = Errno.EINVAL;
        return null;
      }
    }
    UnixSocket s = queue.poll().embryo;
    wait.wakeAll(); // a connector waiting for backlog room
    return s;
  }

  /** The datagram connect(2): sends without an address go to other; null disconnects. */
  public long connectDatagram(UnixSocket other) {
    if (other == null) {
      peer = null;
      state = State.CLOSE;
      return 0;
    }
    if (other.type != type) {
      return -Errno.EPROTOTYPE;
    }
    if (!other.maySendTo(this)) {
      return -Errno.EPERM;
    }
    peer = other;
    peerCred = other.cred;
    return 0;
  }

  /** unix_may_send: other takes datagrams from this one unless it is connected elsewhere. */
  private boolean maySendTo(UnixSocket sender) {
    return peer == null || peer == sender;
  }

  /** shutdown(2) with SHUT_RD, SHUT_WR or SHUT_RDWR (already checked). */
  public long shutdown(int how) {
    int mode = how + 1; // SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, SHUT_RDWR -> both
    shutdown |= mode;
    wait.wakeAll();
    if (peer != null && type != SOCK_DGRAM) {
      int peerMode =
          ((mode & RCV_SHUTDOWN) != 0 ? SEND_SHUTDOWN : 0)
              | ((mode & SEND_SHUTDOWN) != 0 ? RCV_SHUTDOWN : 0);
      peer.shutdown |= peerMode;
      peer.wait.wakeAll();
    }
    return 0;
  }

  /**
   * The last file on the socket closed (unix_release_sock): a connected peer sees both directions
   * shut down, and a reset if this side left data unread; queued connections are closed too.
   */
  public void release() {
    release(false);
  }

  /** embryo: a connection accept never took, closed with its listener (the peer sees a reset). */
  private void release(boolean embryo) {
    if (dead) {
      return;
    }
    dead = true;
    boolean unread = !queue.isEmpty();
    state = State.CLOSE;
    shutdown = SHUTDOWN_MASK;
    UnixSocket skpair = peer;
    peer = null;
    if (skpair != null) {
      if (type == SOCK_STREAM || type == SOCK_SEQPACKET) {
        skpair.shutdown = SHUTDOWN_MASK;
        if (unread || embryo) {
          skpair.error = Errno.ECONNRESET;
        }
      }
      skpair.wait.wakeAll();
    }
    for (Segment s : queue) {
      if (s.embryo != null) {
        s.embryo.release(true);
      }
      if (s.sender != null) {
        s.sender.uncharge(s.remaining());
      }
      s.dropRights();
    }
    queue.clear();
    wait.wakeAll();
  }

  private void uncharge(int bytes) {
    wmem -= bytes;
    wait.wakeAll();
  }

  // ---------------------------------------------------------------- sending

  /**
   * Sends data: on a connected socket when to is null, else (datagrams) to the socket an address
   * named. Returns the count sent or -errno; -EPIPE on a stream means SIGPIPE is due unless
   * MSG_NOSIGNAL (the caller sends it).
   */
  public long send(byte[] data, int flags, boolean nonBlocking, UnixSocket to) {
    return send(data, flags, nonBlocking, to, null);
  }

  /**
   * Sends data with files passed (SCM_RIGHTS; one reference each, which the socket takes over:
   * queued with the first segment sent, released when nothing was sent).
   */
  public long send(
      byte[] data, int flags, boolean nonBlocking, UnixSocket to, List<OpenFile> rights) {
    pendingRights = rights == null || rights.isEmpty() ? null : new ArrayList<>(rights);
    try {
      return type == SOCK_STREAM
          ? sendStream(data, flags, nonBlocking)
          : sendDatagram(data, flags, nonBlocking, to);
    } finally {
      if (pendingRights != null) {
        pendingRights.forEach(OpenFile::release);
        pendingRights = null;
      }
    }
  }

  /** The files the send in progress passes, until a segment takes them. */
  private List<OpenFile> pendingRights;

  private long sendStream(byte[] data, int flags, boolean nonBlocking) {
    if ((flags & MSG_OOB) != 0) {
      return -Errno.EOPNOTSUPP;
    }
    if (peer == null) {
      return -Errno.ENOTCONN;
    }
    if ((shutdown & SEND_SHUTDOWN) != 0) {
      return -Errno.EPIPE;
    }
    int sent = 0;
    int step = Math.max(1, (sndbuf >> 1) - 64);
    while (sent < data.length) {
      if (wmem >= sndbuf) {
        if (nonBlocking) {
          return sent > 0 ? sent : -Errno.EAGAIN;
        }
        UnixSocket other = peer;
        if (!wait.await(
            () -> wmem < sndbuf || (shutdown & SEND_SHUTDOWN) != 0 || other.dead || error != 0)) {
          return sent > 0 ? sent : -Errno.ERESTARTSYS;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0) {
          return sent > 0 ? sent : -Errno.EPIPE;
        }
        continue;
      }
      UnixSocket other = peer;
      if (other == null || other.dead || (other.shutdown & RCV_SHUTDOWN) != 0) {
        return sent > 0 ? sent : -Errno.EPIPE;
      }
      int n = Math.min(step, data.length - sent);
      other.enqueue(Arrays.copyOfRange(data, sent, sent + n), this);
      sent += n;
    }
    return sent;
  }

  private void enqueue(byte[] data, UnixSocket sender) {
    Segment s = new Segment(data, sender, null);
    s.rights = sender.pendingRights;
    sender.pendingRights = null;
    queue.add(s);
    sender.wmem += data.length;
    wait.wakeAll();
  }

  private long sendDatagram(byte[] data, int flags, boolean nonBlocking, UnixSocket to) {
    if (type == SOCK_SEQPACKET) {
      int e = takeError();
      if (e != 0) {
        return -e;
      }
      if (state != State.ESTABLISHED) {
        return -Errno.ENOTCONN;
      }
      to = null; // the address of a seqpacket send is ignored
    }
    if ((flags & MSG_OOB) != 0) {
      return -Errno.EOPNOTSUPP;
    }
    UnixSocket other = to;
    if (other == null) {
      other = peer;
      if (other == null) {
        return -Errno.ENOTCONN;
      }
    }
    if (data.length > sndbuf - 32) {
      return -Errno.EMSGSIZE;
    }
    while (wmem >= sndbuf) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!wait.await(() -> wmem < sndbuf || error != 0)) {
        return -Errno.ERESTARTSYS;
      }
    }
    while (true) {
      if (to != null && to.type != type) {
        return -Errno.EPROTOTYPE;
      }
      if (!other.maySendTo(this)) {
        return -Errno.EPERM;
      }
      if (other.dead) {
        if (type == SOCK_SEQPACKET) {
          return -Errno.EPIPE;
        }
        if (peer == other) {
          peer = null;
          state = State.CLOSE;
          return -Errno.ECONNREFUSED;
        }
        return -Errno.ECONNREFUSED;
      }
      if ((other.shutdown & RCV_SHUTDOWN) != 0) {
        return -Errno.EPIPE;
      }
      if (other == this || other.peer == this || !other.backlogFull()) {
        break;
      }
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      UnixSocket target = other;
      if (!target.wait.await(() -> !target.backlogFull() || target.dead)) {
        return -Errno.ERESTARTSYS;
      }
    }
    other.enqueue(data, this);
    return data.length;
  }

  // ---------------------------------------------------------------- receiving

  /** Receives up to length bytes with flags (MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_DONTWAIT). */
  public Received receive(int length, int flags, boolean nonBlocking) {
    if ((flags & MSG_OOB) != 0) {
      return Received.error(Errno.EOPNOTSUPP);
    }
    return type == SOCK_STREAM
        ? receiveStream(length, flags, nonBlocking)
        : receiveDatagram(length, flags, nonBlocking);
  }

  private Received receiveStream(int length, int flags, boolean nonBlocking) {
    if (state != State.ESTABLISHED) {
      return Received.error(Errno.EINVAL);
    }
    int target = (flags & MSG_WAITALL) != 0 ? Math.max(1, length) : 1;
    // Grown as bytes arrive: length is the guest's to choose and may be far more than queued.
    byte[] out = new byte[Math.min(length, 4096)];
    int copied = 0;
    byte[] from = null;
    boolean peek = (flags & MSG_PEEK) != 0;
    int peeked = 0; // segments looked at by a peek
    List<OpenFile> rights = List.of();
    while (copied < length) {
      Segment s = peek ? nth(peeked) : queue.peek();
      if (s == null) {
        if (copied >= target) {
          break;
        }
        int e = takeError();
        if (e != 0) {
          return copied > 0
              ? new Received(copied, Arrays.copyOf(out, copied), from, 0)
              : Received.error(e);
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
          break;
        }
        if (nonBlocking) {
          return copied > 0
              ? new Received(copied, Arrays.copyOf(out, copied), from, 0)
              : Received.error(Errno.EAGAIN);
        }
        int seen = peeked;
        boolean woke =
            wait.await(
                () ->
                    (peek ? queue.size() > seen : !queue.isEmpty())
                        || error != 0
                        || (shutdown & RCV_SHUTDOWN) != 0);
        if (!woke) {
          return copied > 0
              ? new Received(copied, Arrays.copyOf(out, copied), from, 0)
              : Received.error(Errno.ERESTARTSYS);
        }
        continue;
      }
      if (copied == 0) {
        from = s.from;
      }
      boolean carriesRights = s.rights != null;
      if (carriesRights) {
        rights = s.takeRights(peek);
      }
      int n = Math.min(s.remaining(), length - copied);
      if (copied + n > out.length) {
        out = Arrays.copyOf(out, (int) Math.min(length, Math.max(copied + n, 2L * out.length)));
      }
      System.arraycopy(s.data, s.consumed, out, copied, n);
      copied += n;
      if (peek) {
        peeked++;
      } else {
        s.consumed += n;
        s.sender.uncharge(n);
        if (s.remaining() > 0) {
          break;
        }
        queue.poll();
      }
      if (carriesRights) {
        break; // unix_stream_read_generic stops after the segment that passed files
      }
    }
    return new Received(
        copied, copied == out.length ? out : Arrays.copyOf(out, copied), from, 0, rights);
  }

  private Segment nth(int i) {
    int k = 0;
    for (Segment s : queue) {
      if (k++ == i) {
        return s;
      }
    }
    return null;
  }

  private Received receiveDatagram(int length, int flags, boolean nonBlocking) {
    if (type == SOCK_SEQPACKET && state != State.ESTABLISHED) {
      return Received.error(Errno.ENOTCONN);
    }
    while (queue.isEmpty()) {
      int e = takeError();
      if (e != 0) {
        return Received.error(e);
      }
      if ((shutdown & RCV_SHUTDOWN) != 0) {
        return new Received(0, new byte[0], null, 0);
      }
      if (nonBlocking) {
        return Received.error(Errno.EAGAIN);
      }
      if (!wait.await(() -> !queue.isEmpty() || error != 0 || (shutdown & RCV_SHUTDOWN) != 0)) {
        return Received.error(Errno.ERESTARTSYS);
      }
    }
    Segment s = queue.peek();
    int size = s.data.length;
    int msgFlags = 0;
    if (length < size) {
      size = length;
      msgFlags |= MSG_TRUNC;
    }
    byte[] out = Arrays.copyOf(s.data, size);
    List<OpenFile> rights = s.takeRights((flags & MSG_PEEK) != 0);
    if ((flags & MSG_PEEK) == 0) {
      queue.poll();
      s.sender.uncharge(s.data.length);
      wait.wakeAll(); // senders waiting for room in this queue
    }
    long result = (flags & MSG_TRUNC) != 0 ? s.data.length : size;
    return new Received(result, out, s.from, msgFlags, rights);
  }

  // ---------------------------------------------------------------- poll

  /** The readiness poll and select see (unix_poll, unix_dgram_poll). */
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    int mask = 0;
    if (error != 0) {
      mask |= Poll.POLLERR;
    }
    if (shutdown == SHUTDOWN_MASK) {
      mask |= Poll.POLLHUP;
    }
    if ((shutdown & RCV_SHUTDOWN) != 0) {
      mask |= Poll.POLLRDHUP | Poll.POLLIN | Poll.POLLRDNORM;
    }
    if (!queue.isEmpty()) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM;
    }
    if (type != SOCK_DGRAM && state == State.CLOSE) {
      mask |= Poll.POLLHUP;
    }
    boolean writable = state != State.LISTEN && ((long) wmem << 2) <= sndbuf;
    if (writable && type != SOCK_STREAM) {
      UnixSocket other = peer;
      if (other != null && other.peer != this && other.backlogFull()) {
        if (table != null) {
          table.pollWait(other.wait);
        }
        writable = false;
      }
    }
    if (writable) {
      mask |= Poll.POLLOUT | Poll.POLLWRNORM | Poll.POLLWRBAND;
    }
    return mask;
  }
}
