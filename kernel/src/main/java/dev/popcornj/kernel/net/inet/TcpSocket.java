package dev.popcornj.kernel.net.inet;

import static dev.popcornj.kernel.net.inet.TcpSegment.ACK;
import static dev.popcornj.kernel.net.inet.TcpSegment.FIN;
import static dev.popcornj.kernel.net.inet.TcpSegment.PSH;
import static dev.popcornj.kernel.net.inet.TcpSegment.RST;
import static dev.popcornj.kernel.net.inet.TcpSegment.SYN;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP socket and its connection's control block (RFC 793, RFC 9293): the state machine, send and
 * receive sequence variables, a send queue of bytes not yet acknowledged and a receive queue of
 * bytes not yet read, out-of-order segments held until the gap fills, the retransmission timer (RFC
 * 6298 estimate, exponential backoff, Karn's rule) in virtual time, fast retransmit after three
 * duplicate acknowledgments, and a listener's queue of connections for accept.
 *
 * <p>Sequence numbers are ints compared modulo 2^32. No window scaling, SACK or timestamps: windows
 * are at most 65535 bytes. Congestion control is slow start only (the window restarts at one
 * segment after a timeout). An ACK goes out for every segment with data (no delayed ACK).
 *
 * <p>Owned by one kernel's {@link InetStack}; used only on its simulation thread.
 */
public final class TcpSocket implements InetSocket {
  /** TCP states, with the number Linux gives each (include/net/tcp_states.h). */
  public enum State {
    CLOSED(7),
    LISTEN(10),
    SYN_SENT(2),
    SYN_RECEIVED(3),
    ESTABLISHED(1),
    FIN_WAIT_1(4),
    FIN_WAIT_2(5),
    CLOSE_WAIT(8),
    CLOSING(11),
    LAST_ACK(9),
    TIME_WAIT(6);

    public final int linux;

    State(int linux) {
      this.linux = linux;
    }
  }

  static final long MS = 1_000_000_000L;
  static final long RTO_INITIAL_PS = 1000 * MS;
  static final long RTO_MIN_PS = 200 * MS;
  static final long RTO_MAX_PS = 120_000 * MS;

  /** 2 MSL, Linux's TCP_TIMEWAIT_LEN, and tcp_fin_timeout for an orphan in FIN_WAIT_2. */
  static final long TIME_WAIT_PS = 60_000 * MS;

  /** tcp_syn_retries, tcp_synack_retries and tcp_retries2. */
  static final int SYN_RETRIES = 6;

  static final int SYNACK_RETRIES = 5;
  static final int RETRIES = 15;

  static final int MAX_WINDOW = 65535;

  /** RFC 9293's default send MSS when the peer states none. */
  static final int DEFAULT_MSS = 536;

  private final InetStack stack;
  private final PollWaitQueue wait;
  private final SocketOptions options;
  private State state = State.CLOSED;

  // The connection's identity (host order); a port of 0 is unbound.
  int localAddr;
  int localPort;
  int remoteAddr;
  int remotePort;
  private boolean explicitlyBound;
  private boolean boundByConnect;

  // Send sequence space.
  private int iss;
  private int sndUna;
  private int sndNxt;
  private int sndMax;
  private int sndWnd;
  private int sndWl1;
  private int sndWl2;
  private int sendEnd; // the sequence number after the last byte queued; the FIN's when one is
  private boolean finQueued;
  private final ByteQueue sendQueue = new ByteQueue();
  private int mss = DEFAULT_MSS;
  private int cwnd;

  // Receive sequence space.
  private int rcvNxt;
  private final ByteQueue receiveQueue = new ByteQueue();
  private final List<Held> outOfOrder = new ArrayList<>();
  private int heldBytes;
  private int advertised;

  /** A segment past rcvNxt, held until the bytes before it arrive. */
  private record Held(int seq, byte[] data, boolean fin) {}

  // Retransmission.
  private long rtoPs = RTO_INITIAL_PS;
  private long srttPs = -1;
  private long rttvarPs;
  private int retries;
  private int timerGeneration;
  private boolean timerArmed;
  private boolean rttTiming;
  private int rttSeq;
  private long rttStartPs;
  private int dupAcks;

  // The socket.
  private int error;
  private int shutdown;
  private boolean orphan;
  private boolean connecting; // SS_CONNECTING: connect started and not yet reported
  private boolean connected; // SS_CONNECTED

  // A listener, and a connection it made.
  private int backlog;
  private final ArrayDeque<TcpSocket> acceptQueue = new ArrayDeque<>();
  private final List<TcpSocket> embryos = new ArrayList<>();
  private TcpSocket parent;

  TcpSocket(InetStack stack, SocketOptions options) {
    this.stack = stack;
    this.wait = new PollWaitQueue(stack.sleeper());
    this.options = options;
  }

  public State state() {
    return state;
  }

  @Override
  public int type() {
    return SocketConstants.SOCK_STREAM;
  }

  @Override
  public int protocol() {
    return 6;
  }

  @Override
  public SocketOptions options() {
    return options;
  }

  @Override
  public int localAddress() {
    return localAddr;
  }

  @Override
  public int localPort() {
    return localPort;
  }

  @Override
  public int[] peer() {
    if (remotePort == 0 || state == State.CLOSED || state == State.SYN_SENT) {
      return null;
    }
    return new int[] {remoteAddr, remotePort};
  }

  /** Whether connect chose this socket's port (so other connections may share it). */
  boolean boundByConnect() {
    return boundByConnect;
  }

  void markBoundByConnect() {
    boundByConnect = true;
  }

  /** A connection in TIME_WAIT whose 4-tuple a new connection takes over: it ends now. */
  void endTimeWait() {
    if (state == State.TIME_WAIT) {
      done();
    }
  }

  public boolean listening() {
    return state == State.LISTEN;
  }

  /** Bytes queued to send and not yet acknowledged (/proc/net/tcp's tx_queue). */
  public int sendQueued() {
    return sendQueue.size();
  }

  /** Bytes received and not yet read (/proc/net/tcp's rx_queue), or a listener's backlog. */
  public int receiveQueued() {
    return state == State.LISTEN ? acceptQueue.size() : receiveQueue.size();
  }

  @Override
  public int inputQueued() {
    return receiveQueue.size();
  }

  @Override
  public InetStack stack() {
    return stack;
  }

  @Override
  public int takeError() {
    int e = error;
    error = 0;
    return e;
  }

  @Override
  public void wakeWriters() {
    wait.wakeAll();
  }

  // ---------------------------------------------------------------- binding and listening

  @Override
  public long bind(int addr, int port) {
    if (state != State.CLOSED || localPort != 0) {
      return -Errno.EINVAL;
    }
    int r = stack.tcpBind(this, addr, port);
    if (r == 0) {
      explicitlyBound = true;
    }
    return r;
  }

  /** listen(2), backlog already clamped to SOMAXCONN. */
  public long listen(int backlog) {
    if (connected || connecting || (state != State.CLOSED && state != State.LISTEN)) {
      return -Errno.EINVAL;
    }
    if (state == State.CLOSED) {
      int r = localPort == 0 ? stack.tcpAutobind(this) : stack.tcpListenConflict(this);
      if (r != 0) {
        return r;
      }
      state = State.LISTEN;
    }
    this.backlog = Math.max(backlog, 0);
    return 0;
  }

  /** accept(2): the oldest connection made; waits for one unless nonBlocking. */
  public TcpSocket accept(boolean nonBlocking, long[] errno) {
    long deadline = Waits.deadline(stack, options.rcvTimeoutPs);
    while (acceptQueue.isEmpty()) {
      if (state != State.LISTEN) {
        errno[0] = Errno.EINVAL;
        return null;
      }
      if (nonBlocking) {
        errno[0] = Errno.EAGAIN;
        return null;
      }
      int r = Waits.block(wait, () -> !acceptQueue.isEmpty() || state != State.LISTEN, deadline);
      if (r <= 0) {
        errno[0] = Waits.error(r, options.rcvTimeoutPs);
        return null;
      }
    }
    TcpSocket child = acceptQueue.poll();
    child.parent = null;
    child.connected = true;
    return child;
  }

  /** A SYN reached this listener: a connection in SYN_RECEIVED, unless the queue is full. */
  void onListenSegment(TcpSegment s, int src, int dst) {
    if (s.has(RST)) {
      return;
    }
    if (s.has(ACK)) {
      stack.sendReset(dst, src, s);
      return;
    }
    if (!s.has(SYN)) {
      return;
    }
    if (acceptQueue.size() > backlog || embryos.size() > Math.max(backlog, 8)) {
      stack.counters().listenDrops++;
      return; // the client's SYN is retransmitted; by then there may be room
    }
    TcpSocket child = new TcpSocket(stack, options.copy());
    child.parent = this;
    child.localAddr = dst;
    child.localPort = localPort;
    child.explicitlyBound = explicitlyBound;
    child.remoteAddr = src;
    child.remotePort = s.srcPort();
    child.iss = stack.initialSequence(dst, localPort, src, s.srcPort());
    child.sndUna = child.iss;
    child.sndNxt = child.iss + 1;
    child.sndMax = child.sndNxt;
    child.sendEnd = child.iss + 1;
    child.rcvNxt = s.seq() + 1;
    child.sndWnd = s.window();
    child.sndWl1 = s.seq();
    child.sndWl2 = child.iss;
    child.takeMss(s.mss());
    child.state = State.SYN_RECEIVED;
    embryos.add(child);
    stack.tcpAddConnection(child);
    stack.counters().tcpPassiveOpens++;
    child.sendSyn();
  }

  // ---------------------------------------------------------------- connecting

  /** connect(2) to addr:port (after the caller checked the address's form). */
  public long connect(int addr, int port, boolean nonBlocking) {
    long err;
    if (connected) {
      return -Errno.EISCONN;
    }
    if (connecting) {
      err = -Errno.EALREADY;
    } else {
      if (state != State.CLOSED) {
        return -Errno.EISCONN;
      }
      int r = stack.tcpConnectSetup(this, addr, port);
      if (r != 0) {
        return r;
      }
      iss = stack.initialSequence(localAddr, localPort, remoteAddr, remotePort);
      sndUna = iss;
      sndNxt = iss + 1;
      sndMax = sndNxt;
      sendEnd = iss + 1;
      state = State.SYN_SENT;
      error = 0;
      shutdown = 0;
      stack.tcpAddConnection(this);
      stack.counters().tcpActiveOpens++;
      sendSyn();
      connecting = true;
      err = -Errno.EINPROGRESS;
    }
    if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
      if (nonBlocking) {
        return err;
      }
      int r =
          Waits.block(
              wait,
              () -> state != State.SYN_SENT && state != State.SYN_RECEIVED,
              Waits.deadline(stack, options.sndTimeoutPs));
      if (r == 0) {
        return err; // inet_wait_for_connect timed out: still in progress
      }
      if (r < 0) {
        return -Waits.error(r, options.sndTimeoutPs);
      }
    }
    if (state == State.CLOSED) {
      connecting = false;
      shutdown = 0; // tcp_disconnect: the socket may connect again
      int e = takeError();
      return e != 0 ? -e : -Errno.ECONNABORTED;
    }
    connecting = false;
    connected = true;
    return 0;
  }

  private void sendSyn() {
    int flags = state == State.SYN_SENT ? SYN : SYN | ACK;
    transmit(iss, flags, new byte[0], stack.mssFor(remoteAddr));
    armTimer();
  }

  private void takeMss(int offered) {
    int ours = stack.mssFor(remoteAddr);
    mss = Math.min(offered > 0 ? offered : DEFAULT_MSS, ours);
    cwnd = 10 * mss;
  }

  // ---------------------------------------------------------------- closing

  @Override
  public long shutdown(int how) {
    int mode = how + 1;
    long r = 0;
    switch (state) {
      case CLOSED -> {
        shutdown |= mode;
        r = -Errno.ENOTCONN;
      }
      case LISTEN -> {
        if ((mode & RCV_SHUTDOWN) != 0) {
          closeListener();
        }
      }
      case SYN_SENT -> {
        connecting = false;
        done();
        shutdown = 0;
      }
      default -> {
        shutdown |= mode;
        if ((mode & SEND_SHUTDOWN) != 0) {
          closeForSending();
        }
      }
    }
    wait.wakeAll();
    return r;
  }

  /**
   * connect(2) with AF_UNSPEC (tcp_disconnect): a listener stops listening, a connection is reset;
   * the socket may then connect again.
   */
  public long disconnect() {
    if (state == State.LISTEN) {
      closeListener();
    } else if (state != State.CLOSED) {
      abort();
    }
    connecting = false;
    connected = false;
    shutdown = 0;
    error = 0;
    finQueued = false;
    receiveQueue.drop(receiveQueue.size());
    remoteAddr = 0;
    remotePort = 0;
    return 0;
  }

  /** tcp_close_state and tcp_send_fin: the FIN follows the data queued. */
  private void closeForSending() {
    State next =
        switch (state) {
          case ESTABLISHED, SYN_RECEIVED -> State.FIN_WAIT_1;
          case CLOSE_WAIT -> State.LAST_ACK;
          default -> null;
        };
    if (next == null || finQueued) {
      return;
    }
    state = next;
    finQueued = true;
    output();
  }

  @Override
  public void release() {
    orphan = true;
    shutdown = SHUTDOWN_MASK;
    switch (state) {
      case CLOSED -> stack.tcpUnbind(this);
      case LISTEN -> closeListener();
      case SYN_SENT -> done();
      default -> {
        boolean unread = receiveQueue.size() > 0;
        if (unread || (options.lingerOn && options.lingerSeconds == 0)) {
          abort();
        } else {
          closeForSending();
          if (state == State.FIN_WAIT_2) {
            armTimer(TIME_WAIT_PS);
          }
        }
      }
    }
    wait.wakeAll();
  }

  private void closeListener() {
    state = State.CLOSED;
    for (TcpSocket c : new ArrayList<>(acceptQueue)) {
      c.orphan = true;
      c.abort();
    }
    acceptQueue.clear();
    for (TcpSocket c : new ArrayList<>(embryos)) {
      c.orphan = true;
      c.abort();
    }
    embryos.clear();
    if (orphan || !explicitlyBound) {
      stack.tcpUnbind(this);
    }
    wait.wakeAll();
  }

  /** The host at addr went away: a connection to it fails as if reset; true if this one did. */
  boolean remoteGone(int addr) {
    if (remoteAddr != addr || state == State.CLOSED || state == State.LISTEN) {
      return false;
    }
    fail(Errno.ECONNRESET);
    return true;
  }

  /**
   * The stack could not reach the remote host with one of this connection's segments (tcp_v4_err on
   * ICMP host unreachable): a connect still waiting for its SYN's answer fails with EHOSTUNREACH at
   * once; a synchronized connection goes on retransmitting, as Linux's soft error lets it.
   */
  void onHostUnreachable() {
    if (state == State.SYN_SENT) {
      fail(Errno.EHOSTUNREACH);
    }
  }

  /** An abortive close: RST to the peer, and the connection is gone. */
  private void abort() {
    if (state != State.CLOSED && state != State.LISTEN && state != State.SYN_SENT) {
      transmit(sndMax, RST | ACK, new byte[0], 0);
      stack.counters().tcpOutRsts++;
    }
    done();
  }

  /** tcp_done: CLOSED, both directions shut, timers stopped, unhashed. */
  private void done() {
    State was = state;
    state = State.CLOSED;
    shutdown = SHUTDOWN_MASK;
    stopTimer();
    stack.tcpRemoveConnection(this);
    if (orphan || !explicitlyBound) {
      stack.tcpUnbind(this);
      if (!explicitlyBound) {
        localPort = 0; // inet_put_port: the port is free for others, and shown as 0
        boundByConnect = false;
      }
    }
    if (parent != null) {
      parent.embryos.remove(this);
      if (was == State.SYN_RECEIVED) {
        parent.acceptQueue.remove(this);
      }
    }
    sendQueue.drop(sendQueue.size());
    wait.wakeAll();
  }

  /** A reset arrived, or the retries ran out: the error a user sees next, then CLOSED. */
  private void fail(int errno) {
    if (!orphan) {
      error = errno;
    }
    done();
  }

  // ---------------------------------------------------------------- sending

  @Override
  public long send(byte[] data, int flags, boolean nonBlocking, int toAddr, int toPort) {
    if ((flags & SocketConstants.MSG_OOB) != 0) {
      return -Errno.EOPNOTSUPP;
    }
    long deadline = Waits.deadline(stack, options.sndTimeoutPs);
    if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      int r =
          Waits.block(wait, () -> state != State.SYN_SENT && state != State.SYN_RECEIVED, deadline);
      if (r <= 0) {
        return -Waits.error(r, options.sndTimeoutPs);
      }
    }
    int copied = 0;
    while (true) {
      if (error != 0 || (shutdown & SEND_SHUTDOWN) != 0) {
        return copied > 0 ? copied : sendError();
      }
      if (state != State.ESTABLISHED && state != State.CLOSE_WAIT) {
        return copied > 0 ? copied : sendError();
      }
      if (copied == data.length) {
        return copied;
      }
      int room = options.sndbuf - sendQueue.size();
      if (room <= 0) {
        if (nonBlocking) {
          return copied > 0 ? copied : -Errno.EAGAIN;
        }
        int r =
            Waits.block(
                wait,
                () ->
                    options.sndbuf - sendQueue.size() > 0
                        || error != 0
                        || (shutdown & SEND_SHUTDOWN) != 0
                        || (state != State.ESTABLISHED && state != State.CLOSE_WAIT),
                deadline);
        if (r <= 0) {
          return copied > 0 ? copied : -Waits.error(r, options.sndTimeoutPs);
        }
        continue;
      }
      int n = Math.min(room, data.length - copied);
      sendQueue.append(data, copied, n);
      sendEnd += n;
      copied += n;
      output();
    }
  }

  /** sk_stream_error: the pending error if there is one (taking it), else EPIPE. */
  private long sendError() {
    int e = takeError();
    return e != 0 ? -e : -Errno.EPIPE;
  }

  /** Sends what the windows allow: data from sndNxt, then the FIN when it is due. */
  private void output() {
    if (state != State.ESTABLISHED
        && state != State.CLOSE_WAIT
        && state != State.FIN_WAIT_1
        && state != State.CLOSING
        && state != State.LAST_ACK) {
      return;
    }
    while (true) {
      int inFlight = sndNxt - sndUna;
      int available = sendQueue.size() - inFlight;
      if (available > 0) {
        int usable = Math.min(sndWnd, cwnd) - inFlight;
        int n = Math.min(Math.min(available, mss), usable);
        if (n <= 0) {
          if (inFlight == 0) {
            armTimerIfIdle(); // a zero window: probe it when the timer fires
          }
          return;
        }
        byte[] data = sendQueue.copy(inFlight, n);
        startRtt(sndNxt);
        transmit(sndNxt, ACK | (n == available ? PSH : 0), data, 0);
        sndNxt += n;
        if (after(sndNxt, sndMax)) {
          sndMax = sndNxt;
        }
        armTimerIfIdle();
        continue;
      }
      if (finQueued && sndNxt == sendEnd) {
        transmit(sndNxt, FIN | ACK, new byte[0], 0);
        sndNxt++;
        if (after(sndNxt, sndMax)) {
          sndMax = sndNxt;
        }
        armTimerIfIdle();
      }
      return;
    }
  }

  private void startRtt(int seq) {
    if (!rttTiming && seq == sndMax) {
      rttTiming = true;
      rttSeq = seq;
      rttStartPs = stack.now();
    }
  }

  private void transmit(int seq, int flags, byte[] data, int mssOption) {
    int window = receiveWindow();
    advertised = window;
    int ack = (flags & ACK) != 0 ? rcvNxt : 0;
    stack.tcpTransmit(
        localAddr,
        remoteAddr,
        new TcpSegment(localPort, remotePort, seq, ack, flags, window, mssOption, data));
  }

  private void sendAck() {
    transmit(sndNxt, ACK, new byte[0], 0);
  }

  private int receiveWindow() {
    int free = options.rcvbuf - receiveQueue.size() - heldBytes;
    return Math.max(0, Math.min(MAX_WINDOW, free));
  }

  // ---------------------------------------------------------------- timers

  private void armTimer() {
    armTimer(rtoPs);
  }

  private void armTimerIfIdle() {
    if (!timerArmed) {
      armTimer();
    }
  }

  private void armTimer(long delayPs) {
    int generation = ++timerGeneration;
    timerArmed = true;
    stack.callAt(
        stack.now() + delayPs,
        () -> {
          if (generation == timerGeneration) {
            timerArmed = false;
            onTimer();
          }
        });
  }

  private void stopTimer() {
    timerGeneration++;
    timerArmed = false;
  }

  private void backoff() {
    rtoPs = Math.min(rtoPs * 2, RTO_MAX_PS);
  }

  private void onTimer() {
    switch (state) {
      case TIME_WAIT, FIN_WAIT_2 -> done();
      case SYN_SENT, SYN_RECEIVED -> {
        if (++retries > (state == State.SYN_SENT ? SYN_RETRIES : SYNACK_RETRIES)) {
          fail(Errno.ETIMEDOUT);
          return;
        }
        backoff();
        stack.counters().tcpRetransSegs++;
        sendSyn();
      }
      case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> {
        boolean unacked = sndMax != sndUna;
        boolean waiting = sendQueue.size() > 0;
        if (!unacked && !waiting) {
          return;
        }
        if (++retries > RETRIES) {
          fail(Errno.ETIMEDOUT);
          return;
        }
        backoff();
        rttTiming = false;
        dupAcks = 0;
        stack.counters().tcpRetransSegs++;
        if (!unacked && sndWnd == 0) {
          transmit(sndUna, ACK, sendQueue.copy(0, 1), 0); // a zero-window probe
          armTimer();
          return;
        }
        cwnd = mss;
        sndNxt = sndUna;
        output();
        armTimerIfIdle();
      }
      default -> {}
    }
  }

  private void updateRtt(long samplePs) {
    if (srttPs < 0) {
      srttPs = samplePs;
      rttvarPs = samplePs / 2;
    } else {
      rttvarPs = (3 * rttvarPs + Math.abs(srttPs - samplePs)) / 4;
      srttPs = (7 * srttPs + samplePs) / 8;
    }
    rtoPs = Math.max(RTO_MIN_PS, Math.min(RTO_MAX_PS, srttPs + Math.max(MS, 4 * rttvarPs)));
  }

  // ---------------------------------------------------------------- input

  static boolean after(int a, int b) {
    return a - b > 0;
  }

  static boolean before(int a, int b) {
    return a - b < 0;
  }

  /** A segment for this connection arrived (RFC 9293 3.10.7). */
  void onSegment(TcpSegment s) {
    switch (state) {
      case LISTEN, CLOSED -> {}
      case SYN_SENT -> onSynSentSegment(s);
      default -> onSynchronizedSegment(s);
    }
  }

  private void onSynSentSegment(TcpSegment s) {
    boolean ackOk = false;
    if (s.has(ACK)) {
      if (!after(s.ack(), iss) || after(s.ack(), sndMax)) {
        if (!s.has(RST)) {
          stack.sendReset(localAddr, remoteAddr, s);
        }
        return;
      }
      ackOk = true;
    }
    if (s.has(RST)) {
      if (ackOk) {
        stack.counters().tcpAttemptFails++;
        fail(Errno.ECONNREFUSED);
      }
      return;
    }
    if (!s.has(SYN)) {
      return;
    }
    rcvNxt = s.seq() + 1;
    takeMss(s.mss());
    sndWnd = s.window();
    sndWl1 = s.seq();
    sndWl2 = s.ack();
    if (ackOk) {
      sndUna = iss + 1;
      retries = 0;
      stopTimer();
      state = State.ESTABLISHED;
      sendAck();
      wait.wakeAll();
      output();
    } else {
      state = State.SYN_RECEIVED; // a simultaneous open
      sendSyn();
    }
  }

  private boolean acceptable(TcpSegment s) {
    int length = s.length();
    int window = receiveWindow();
    if (length == 0) {
      return window == 0 ? s.seq() == rcvNxt : inWindow(s.seq(), window);
    }
    return window > 0 && (inWindow(s.seq(), window) || inWindow(s.seq() + length - 1, window));
  }

  private boolean inWindow(int seq, int window) {
    return !before(seq, rcvNxt) && before(seq, rcvNxt + window);
  }

  private void onSynchronizedSegment(TcpSegment s) {
    if (!acceptable(s)) {
      if (!s.has(RST)) {
        sendAck();
        if (state == State.TIME_WAIT && s.has(FIN)) {
          armTimer(TIME_WAIT_PS);
        }
      }
      return;
    }
    if (s.has(RST)) {
      if (s.seq() != rcvNxt) {
        sendAck(); // RFC 5961's challenge ACK
        return;
      }
      onReset();
      return;
    }
    if (s.has(SYN)) {
      sendAck();
      return;
    }
    if (!s.has(ACK)) {
      return;
    }
    if (state == State.SYN_RECEIVED) {
      if (!after(s.ack(), sndUna) || after(s.ack(), sndMax)) {
        stack.sendReset(localAddr, remoteAddr, s);
        return;
      }
      sndUna = iss + 1;
      retries = 0;
      stopTimer();
      sndWnd = s.window();
      sndWl1 = s.seq();
      sndWl2 = s.ack();
      state = State.ESTABLISHED;
      established();
      if (state == State.CLOSED) {
        return;
      }
    }
    if (after(s.ack(), sndMax)) {
      sendAck();
      return;
    }
    if (after(s.ack(), sndUna)) {
      onAck(s.ack());
    } else if (s.ack() == sndUna
        && s.length() == 0
        && s.window() == sndWnd
        && sndMax != sndUna
        && ++dupAcks == 3) {
      fastRetransmit();
    }
    if (before(sndWl1, s.seq()) || (sndWl1 == s.seq() && !before(s.ack(), sndWl2))) {
      boolean opened = s.window() > sndWnd;
      sndWnd = s.window();
      sndWl1 = s.seq();
      sndWl2 = s.ack();
      if (opened) {
        wait.wakeAll();
      }
    }
    boolean finAcked = finQueued && sndUna == sendEnd + 1;
    switch (state) {
      case FIN_WAIT_1 -> {
        if (finAcked) {
          state = State.FIN_WAIT_2;
          if (orphan) {
            armTimer(TIME_WAIT_PS);
          }
        }
      }
      case CLOSING -> {
        if (finAcked) {
          enterTimeWait();
        }
      }
      case LAST_ACK -> {
        if (finAcked) {
          done();
          return;
        }
      }
      default -> {}
    }
    boolean needAck = false;
    if (s.data().length > 0) {
      switch (state) {
        case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
          if (state != State.ESTABLISHED
              && (shutdown & RCV_SHUTDOWN) != 0
              && after(s.seq() + s.data().length, rcvNxt)) {
            stack.counters().tcpAbortOnData++;
            abort();
            return;
          }
          receive(s.seq(), s.data(), s.has(FIN));
          needAck = true;
        }
        default -> {}
      }
    } else if (s.has(FIN)) {
      if (s.seq() == rcvNxt) {
        onFin();
      } else if (after(s.seq(), rcvNxt)) {
        hold(s.seq(), new byte[0], true);
      }
      needAck = true;
    }
    if (state == State.CLOSED) {
      return;
    }
    int before = sndNxt;
    output();
    if (needAck && sndNxt == before) {
      sendAck();
    }
  }

  /** A connection made for a listener is established: accept may take it. */
  private void established() {
    TcpSocket listener = parent;
    if (listener == null) {
      wait.wakeAll();
      return;
    }
    listener.embryos.remove(this);
    if (listener.state != State.LISTEN) {
      orphan = true;
      abort();
      return;
    }
    listener.acceptQueue.add(this);
    listener.wait.wakeAll();
  }

  private void onReset() {
    stack.counters().tcpEstabResets++;
    switch (state) {
      case SYN_RECEIVED -> {
        if (parent != null) {
          orphan = true;
          done();
        } else {
          fail(Errno.ECONNREFUSED);
        }
      }
      case CLOSE_WAIT -> fail(Errno.EPIPE);
      case CLOSING, LAST_ACK, TIME_WAIT -> done();
      default -> fail(Errno.ECONNRESET);
    }
  }

  private void onAck(int ack) {
    if (rttTiming && after(ack, rttSeq)) {
      rttTiming = false;
      updateRtt(stack.now() - rttStartPs);
    }
    int acked = ack - sndUna;
    int data = Math.min(acked, sendEnd - sndUna);
    sendQueue.drop(data);
    sndUna += data;
    if (acked > data) {
      sndUna++; // the FIN
    }
    if (before(sndNxt, sndUna)) {
      sndNxt = sndUna;
    }
    cwnd = Math.min(cwnd + data, 1 << 20);
    retries = 0;
    dupAcks = 0;
    if (sndUna == sndMax) {
      stopTimer();
      if (sendQueue.size() > sndNxt - sndUna) {
        armTimer(); // more to send, perhaps into a closed window
      }
    } else {
      armTimer();
    }
    wait.wakeAll();
  }

  private void fastRetransmit() {
    stack.counters().tcpRetransSegs++;
    int n = Math.min(mss, Math.min(sendQueue.size(), sndMax - sndUna));
    if (n > 0) {
      transmit(sndUna, ACK, sendQueue.copy(0, n), 0);
    } else if (finQueued) {
      transmit(sndUna, FIN | ACK, new byte[0], 0);
    }
    rttTiming = false;
  }

  /** Bytes (and perhaps a FIN after them) at seq, acceptable to the window. */
  private void receive(int seq, byte[] data, boolean fin) {
    if (after(seq, rcvNxt)) {
      hold(seq, data, fin);
      return;
    }
    int skip = rcvNxt - seq;
    int n = Math.min(data.length - skip, receiveWindow());
    if (n > 0) {
      receiveQueue.append(data, skip, n);
      rcvNxt += n;
    }
    boolean whole = skip + Math.max(n, 0) == data.length;
    if (fin && whole) {
      onFin();
    }
    drainHeld();
    wait.wakeAll();
  }

  private void hold(int seq, byte[] data, boolean fin) {
    int room = Math.max(0, receiveWindow() - (seq - rcvNxt));
    if (room <= 0 && data.length > 0) {
      return;
    }
    for (Held h : outOfOrder) {
      if (h.seq() == seq && h.data().length >= data.length) {
        return;
      }
    }
    byte[] kept = data.length > room ? java.util.Arrays.copyOf(data, room) : data;
    outOfOrder.add(new Held(seq, kept, fin && kept.length == data.length));
    stack.counters().tcpOfoQueue++;
    heldBytes += kept.length;
  }

  private void drainHeld() {
    boolean progress = true;
    while (progress && !outOfOrder.isEmpty()) {
      progress = false;
      for (int i = 0; i < outOfOrder.size(); i++) {
        Held h = outOfOrder.get(i);
        int end = h.seq() + h.data().length;
        if (after(h.seq(), rcvNxt)) {
          continue;
        }
        outOfOrder.remove(i);
        heldBytes -= h.data().length;
        if (after(end, rcvNxt) || (h.fin() && end == rcvNxt)) {
          if ((state == State.ESTABLISHED || state == State.FIN_WAIT_1 || state == State.FIN_WAIT_2)
              && (h.data().length > 0 || h.fin())) {
            int skip = rcvNxt - h.seq();
            int n = Math.min(h.data().length - skip, receiveWindow());
            if (n > 0) {
              receiveQueue.append(h.data(), skip, n);
              rcvNxt += n;
            }
            if (h.fin() && skip + Math.max(n, 0) == h.data().length) {
              onFin();
            }
          }
        }
        progress = true;
        break;
      }
    }
  }

  /** The peer's FIN, in order (tcp_fin). */
  private void onFin() {
    rcvNxt++;
    shutdown |= RCV_SHUTDOWN;
    switch (state) {
      case SYN_RECEIVED, ESTABLISHED -> state = State.CLOSE_WAIT;
      case FIN_WAIT_1 -> {
        if (finQueued && sndUna == sendEnd + 1) {
          enterTimeWait();
        } else {
          state = State.CLOSING;
        }
      }
      case FIN_WAIT_2 -> enterTimeWait();
      default -> {}
    }
    for (Held h : outOfOrder) {
      heldBytes -= h.data().length;
    }
    outOfOrder.clear();
    wait.wakeAll();
  }

  private void enterTimeWait() {
    state = State.TIME_WAIT;
    armTimer(TIME_WAIT_PS);
  }

  // ---------------------------------------------------------------- receiving

  @Override
  public Received receive(int length, int flags, boolean nonBlocking) {
    if (state == State.LISTEN) {
      return Received.error(Errno.ENOTCONN);
    }
    if ((flags & SocketConstants.MSG_OOB) != 0) {
      return Received.error(Errno.EINVAL);
    }
    boolean peek = (flags & SocketConstants.MSG_PEEK) != 0;
    int target = (flags & SocketConstants.MSG_WAITALL) != 0 && !peek ? Math.max(1, length) : 1;
    byte[] out = new byte[Math.min(length, 65536)];
    int copied = 0;
    long deadline = Waits.deadline(stack, options.rcvTimeoutPs);
    while (copied < length) {
      int ready = receiveQueue.size() - (peek ? copied : 0);
      if (ready > 0) {
        int n = Math.min(ready, length - copied);
        if (copied + n > out.length) {
          out =
              java.util.Arrays.copyOf(out, Math.min(length, Math.max(copied + n, 2 * out.length)));
        }
        receiveQueue.copy(peek ? copied : 0, out, copied, n);
        if (!peek) {
          receiveQueue.drop(n);
        }
        copied += n;
        continue;
      }
      if (copied >= target) {
        break;
      }
      if (copied > 0) {
        if (error != 0 || state == State.CLOSED || (shutdown & RCV_SHUTDOWN) != 0) {
          break;
        }
      } else {
        if (error != 0) {
          return Received.error(takeError());
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
          break;
        }
        if (state == State.CLOSED) {
          return Received.error(Errno.ENOTCONN);
        }
      }
      if (nonBlocking) {
        if (copied > 0) {
          break;
        }
        return Received.error(Errno.EAGAIN);
      }
      int seen = peek ? copied : 0;
      int r =
          Waits.block(
              wait,
              () ->
                  receiveQueue.size() > seen
                      || error != 0
                      || (shutdown & RCV_SHUTDOWN) != 0
                      || state == State.CLOSED,
              deadline);
      if (r <= 0) {
        if (copied > 0) {
          break;
        }
        return Received.error(Waits.error(r, options.rcvTimeoutPs));
      }
    }
    if (copied > 0 && !peek) {
      windowUpdate();
    }
    return new Received(copied, java.util.Arrays.copyOf(out, copied), 0, 0, 0);
  }

  /** After a read: an ACK that reopens a window the peer may be waiting on. */
  private void windowUpdate() {
    if (state != State.ESTABLISHED && state != State.FIN_WAIT_1 && state != State.FIN_WAIT_2) {
      return;
    }
    int window = receiveWindow();
    if (window - advertised >= Math.min(mss, options.rcvbuf / 2)
        || (advertised == 0 && window > 0)) {
      sendAck();
    }
  }

  // ---------------------------------------------------------------- poll

  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    if (state == State.LISTEN) {
      return acceptQueue.isEmpty() ? 0 : Poll.POLLIN | Poll.POLLRDNORM;
    }
    int mask = 0;
    if (shutdown == SHUTDOWN_MASK || state == State.CLOSED) {
      mask |= Poll.POLLHUP;
    }
    if ((shutdown & RCV_SHUTDOWN) != 0) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM | Poll.POLLRDHUP;
    }
    if (state != State.SYN_SENT && state != State.SYN_RECEIVED) {
      if (receiveQueue.size() > 0) {
        mask |= Poll.POLLIN | Poll.POLLRDNORM;
      }
      if ((shutdown & SEND_SHUTDOWN) != 0 || writable()) {
        mask |= Poll.POLLOUT | Poll.POLLWRNORM;
      }
    }
    if (error != 0) {
      mask |= Poll.POLLERR;
    }
    return mask;
  }

  /** sk_stream_is_writeable: the free space is at least half what is queued. */
  private boolean writable() {
    int used = sendQueue.size();
    return options.sndbuf - used >= used / 2 && options.sndbuf > used;
  }
}
