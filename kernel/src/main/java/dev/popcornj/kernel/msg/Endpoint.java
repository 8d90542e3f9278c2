package dev.popcornj.kernel.msg;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.LayerMessage.CheckIn;
import dev.popcornj.kernel.msg.LayerMessage.CheckInAck;
import dev.popcornj.kernel.msg.LayerMessage.ErrorReply;
import dev.popcornj.kernel.msg.LayerMessage.Ping;
import dev.popcornj.kernel.msg.LayerMessage.Pong;
import dev.popcornj.kernel.msg.LayerMessage.Subscribe;
import dev.popcornj.kernel.msg.LayerMessage.Unsubscribe;
import dev.popcornj.machine.mem.MemoryView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One kernel instance's messaging endpoint: check-in with the other kernels, typed messages with
 * handlers by type, request/response by correlation id, multicast groups and topic subscriptions,
 * over a {@link Transport}. All its state belongs to its kernel; it reaches other kernels only
 * through the transport and the messaging window's info table.
 *
 * <p>Wiring: the kernel calls {@link #onInterrupt()} from its handler for the software interrupt on
 * its messaging hart, and implements {@link Clock}, {@link IpiSender}, {@link Deferrer} and, for
 * requests, {@link Waiter}.
 */
public final class Endpoint {
  private final KernelIdentity self;
  private final MessageWindow window;
  private final Transport transport;
  private final Clock clock;

  // Owned by this kernel; changed only from its own code and its poll.
  private final MessageRegistry registry = new MessageRegistry();
  private final Map<Integer, MessageHandler> handlers = new HashMap<>();
  private final Map<Integer, PendingReply> pending = new TreeMap<>();
  private final Map<Integer, SortedSet<Integer>> groups = new TreeMap<>();
  private final Map<Integer, SortedSet<Integer>> subscribers = new TreeMap<>();
  private final Map<Integer, Peer> peers = new TreeMap<>();
  private final List<PeerListener> peerListeners = new ArrayList<>();
  private int nextCorrelation = 1;
  private long strayReplies;
  private long unhandled;
  private long malformed;

  /**
   * Attaches kernel self to the formatted window at windowBase (visible through view), marks it
   * BOOTING there, and builds its shared-memory transport.
   */
  public Endpoint(
      KernelIdentity self,
      MemoryView view,
      long windowBase,
      long windowSize,
      Clock clock,
      IpiSender ipiSender,
      Deferrer deferrer) {
    this(
        self,
        new MessageWindow(view, windowBase, windowSize),
        clock,
        ipiSender,
        deferrer,
        MsgParams.POLL_BUDGET);
  }

  public Endpoint(
      KernelIdentity self,
      MessageWindow window,
      Clock clock,
      IpiSender ipiSender,
      Deferrer deferrer,
      int pollBudget) {
    this(
        self,
        window,
        new ShmTransport(self.kernelId(), window, clock, ipiSender, deferrer, pollBudget),
        clock);
  }

  /** Over any transport; window supplies the info table that check-in uses. */
  public Endpoint(KernelIdentity self, MessageWindow window, Transport transport, Clock clock) {
    this.self = self;
    this.window = window;
    this.transport = transport;
    this.clock = clock;
    window.publishIdentity(self);
    window.setState(self.kernelId(), KernelState.BOOTING);
    transport.setReceiver(this::onFrame);
    peers.put(self.kernelId(), new Peer(self, KernelState.BOOTING));
  }

  public int kernelId() {
    return self.kernelId();
  }

  public Transport transport() {
    return transport;
  }

  public MessageWindow window() {
    return window;
  }

  public void setTracer(MsgTracer tracer) {
    if (transport instanceof ShmTransport shm) {
      shm.setTracer(tracer);
    }
  }

  /** Charges reads of slots written by other kernels with cost (a shared-memory transport only). */
  public void setLineCost(LineCost cost) {
    if (transport instanceof ShmTransport shm) {
      shm.setLineCost(cost);
    }
  }

  // ---- receiving ---------------------------------------------------------------------------

  /** The kernel's message-interrupt handler calls this (after clearing the pending bit). */
  public void onInterrupt() {
    transport.onInterrupt();
  }

  /** Receives and dispatches up to budget slots now, for a kernel that polls on its own. */
  public int poll(int budget) {
    return transport.poll(budget);
  }

  // ---- check-in and peers ------------------------------------------------------------------

  /**
   * Marks this kernel ONLINE in the info table, arms its message interrupt, and sends a CheckIn to
   * every other kernel that is online; each answers with a CheckInAck, so both sides know.
   */
  public void checkIn() {
    int me = self.kernelId();
    window.publishIdentity(self);
    window.beat(me, clock.nowPs());
    window.setState(me, KernelState.ONLINE);
    peers.put(me, new Peer(self, KernelState.ONLINE));
    if (transport instanceof ShmTransport shm) {
      shm.start();
    }
    for (int k = 0; k < window.maxKernels(); k++) {
      if (k != me && window.state(k) == KernelState.ONLINE) {
        transport.post(k, frame(Priority.HIGH, new CheckIn(self), 0, 0));
      }
    }
  }

  /** Bumps this kernel's heartbeat in the info table (the kernel's timer calls it). */
  public void heartbeat() {
    window.beat(self.kernelId(), clock.nowPs());
  }

  /**
   * Kernels whose info table entry says ONLINE but whose last heartbeat is older than maxAgePs: the
   * candidates for {@link #markDown}. The kernel's watchdog decides.
   */
  public List<Integer> silentPeers(long maxAgePs) {
    List<Integer> silent = new ArrayList<>();
    long now = clock.nowPs();
    for (int k = 0; k < window.maxKernels(); k++) {
      if (k != self.kernelId()
          && window.state(k) == KernelState.ONLINE
          && now - window.checkInTimePs(k) > maxAgePs) {
        silent.add(k);
      }
    }
    return silent;
  }

  /** The kernels this one knows of (itself included), by id. */
  public List<Peer> peers() {
    return List.copyOf(peers.values());
  }

  public Optional<Peer> peer(int kernel) {
    return Optional.ofNullable(peers.get(kernel));
  }

  /**
   * Records that kernel k is down (its heartbeat stopped, or it panicked): the info table says so
   * for everyone, queued output to it is dropped, its subscriptions end, and every request waiting
   * on it fails with PEER_DOWN instead of hanging.
   */
  public void markDown(int k) {
    if (k < 0 || k >= window.maxKernels() || k == self.kernelId()) {
      return;
    }
    window.setState(k, KernelState.DOWN);
    forget(k, KernelState.DOWN, "kernel " + k + " is down");
  }

  /**
   * Records that kernel k halted in order (reboot(2) on a secondary; the info table already says
   * OFFLINE): as {@link #markDown}, but the table keeps OFFLINE.
   */
  public void markHalted(int k) {
    if (k < 0 || k >= window.maxKernels() || k == self.kernelId()) {
      return;
    }
    forget(k, KernelState.OFFLINE, "kernel " + k + " halted");
  }

  /** Adds a listener for peers coming up and going away. */
  public void addPeerListener(PeerListener l) {
    peerListeners.add(l);
  }

  private void online(int from, KernelIdentity who) {
    Peer old = peers.put(from, new Peer(sameId(who, from), KernelState.ONLINE));
    if (old == null || old.state() != KernelState.ONLINE) {
      for (PeerListener l : List.copyOf(peerListeners)) {
        l.onPeerUp(from);
      }
    }
  }

  private void forget(int k, KernelState state, String why) {
    Peer old = peers.get(k);
    boolean wasUp = old != null && old.state() == KernelState.ONLINE;
    KernelIdentity id = old != null ? old.identity() : window.identity(k);
    peers.put(k, new Peer(id, state));
    transport.dropPeer(k);
    for (SortedSet<Integer> s : subscribers.values()) {
      s.remove(k);
    }
    List<PendingReply> failed = new ArrayList<>();
    pending
        .values()
        .removeIf(
            p -> {
              if (p.peer() == k) {
                failed.add(p);
                return true;
              }
              return false;
            });
    for (PendingReply p : failed) {
      p.fail(RequestFailedException.Reason.PEER_DOWN, Errno.EHOSTDOWN, why);
    }
    if (wasUp) {
      for (PeerListener l : List.copyOf(peerListeners)) {
        l.onPeerGone(k, state);
      }
    }
  }

  // ---- sending -----------------------------------------------------------------------------

  private Frame frame(Priority p, KernelMessage m, int kind, int correlation) {
    return new Frame(self.kernelId(), p, m.type(), kind, correlation, m.encode());
  }

  private SendResult checkPeer(int to) {
    Peer p = peers.get(to);
    return p != null && (p.state() == KernelState.DOWN || p.state() == KernelState.OFFLINE)
        ? SendResult.PEER_DOWN
        : SendResult.SENT;
  }

  /** Sends m now or not at all (RING_FULL: retry later). */
  public SendResult send(int to, Priority priority, KernelMessage m) {
    SendResult r = checkPeer(to);
    return r != SendResult.SENT ? r : transport.trySend(to, frame(priority, m, 0, 0));
  }

  /** Sends m, queueing whatever does not fit now; it will be delivered unless to goes down. */
  public SendResult post(int to, Priority priority, KernelMessage m) {
    SendResult r = checkPeer(to);
    return r != SendResult.SENT ? r : transport.post(to, frame(priority, m, 0, 0));
  }

  /** Sends a request and returns its pending reply (already failed if it could not be sent). */
  public PendingReply request(int to, KernelMessage m) {
    return request(to, Priority.NORMAL, m);
  }

  public PendingReply request(int to, Priority priority, KernelMessage m) {
    int correlation = nextCorrelation++;
    if (nextCorrelation == 0) {
      nextCorrelation = 1;
    }
    PendingReply reply = new PendingReply(to, correlation);
    SendResult r = checkPeer(to);
    if (r == SendResult.SENT) {
      r = transport.post(to, frame(priority, m, WindowDescriptor.FLAG_REQUEST, correlation));
    }
    switch (r) {
      case SENT, RING_FULL -> pending.put(correlation, reply);
      case PEER_DOWN ->
          reply.fail(
              RequestFailedException.Reason.PEER_DOWN,
              Errno.EHOSTDOWN,
              "kernel " + to + " is down");
      case NO_SUCH_PEER ->
          reply.fail(
              RequestFailedException.Reason.NO_SUCH_PEER,
              Errno.EHOSTUNREACH,
              "no kernel " + to + " is up");
      case TOO_LARGE ->
          reply.fail(RequestFailedException.Reason.TOO_LARGE, Errno.EMSGSIZE, "request too large");
    }
    return reply;
  }

  /**
   * Gives up waiting for reply (its caller was interrupted): it fails with WAIT_ABANDONED, and the
   * peer's answer, if it comes, is dropped as a stray reply.
   */
  public void abandon(PendingReply reply) {
    if (pending.remove(reply.correlation(), reply)) {
      reply.fail(
          RequestFailedException.Reason.WAIT_ABANDONED,
          Errno.EINTR,
          "wait for kernel " + reply.peer() + " abandoned");
    }
  }

  /** Answers a request received by a handler. */
  public SendResult reply(Incoming request, KernelMessage response) {
    if (!request.request()) {
      throw new IllegalArgumentException("not a request: " + request);
    }
    SendResult r = checkPeer(request.from());
    if (r != SendResult.SENT) {
      return r;
    }
    return transport.post(
        request.from(),
        frame(request.priority(), response, WindowDescriptor.FLAG_RESPONSE, request.correlation()));
  }

  /** Requests this kernel is still waiting on. */
  public int pendingRequests() {
    return pending.size();
  }

  // ---- groups ------------------------------------------------------------------------------

  /** Defines (or redefines) multicast group id with the given member kernels. */
  public void defineGroup(int group, Collection<Integer> members) {
    groups.put(group, new TreeSet<>(members));
  }

  public SortedSet<Integer> group(int group) {
    return new TreeSet<>(groups.getOrDefault(group, new TreeSet<>()));
  }

  /** Posts m to every member of the group but this kernel; the result for each member by id. */
  public Map<Integer, SendResult> sendToGroup(int group, Priority priority, KernelMessage m) {
    Map<Integer, SendResult> results = new TreeMap<>();
    for (int k : groups.getOrDefault(group, new TreeSet<>())) {
      if (k != self.kernelId()) {
        results.put(k, post(k, priority, m));
      }
    }
    return results;
  }

  // ---- services ----------------------------------------------------------------------------

  /**
   * Registers a service's message type for owner (the service's name) and installs its handler;
   * handler may be null for a type that only travels as replies to this kernel's requests.
   *
   * @throws IllegalArgumentException when the number is the layer's or already registered
   */
  public <M extends KernelMessage> void register(
      String owner, MessageType<M> type, MessageHandler handler) {
    registry.register(owner, type);
    if (handler != null) {
      handlers.put(type.number(), handler);
    }
  }

  /**
   * Installs (or replaces) the handler of a type registered before, or of a layer message a service
   * may answer itself (ping, pong, topic events); check-in and subscriptions stay the layer's.
   */
  public void handle(int type, MessageHandler handler) {
    switch (type) {
      case LayerMessage.PING, LayerMessage.TOPIC_EVENT, LayerMessage.PONG ->
          handlers.put(type, handler);
      default -> {
        if (!registry.isRegistered(type)) {
          throw new IllegalArgumentException("message type " + type + " is not registered");
        }
        handlers.put(type, handler);
      }
    }
  }

  /** The types this endpoint decodes. */
  public MessageRegistry registry() {
    return registry;
  }

  /** Asks publisher to send this kernel the notifications of topic. */
  public SendResult subscribe(int publisher, int topic) {
    return post(publisher, Priority.NORMAL, new Subscribe(topic));
  }

  public SendResult unsubscribe(int publisher, int topic) {
    return post(publisher, Priority.NORMAL, new Unsubscribe(topic));
  }

  /** Kernels subscribed to topic here. */
  public SortedSet<Integer> subscribers(int topic) {
    return new TreeSet<>(subscribers.getOrDefault(topic, new TreeSet<>()));
  }

  /** Sends m as a notification to the subscribers of topic only; returns how many it went to. */
  public int publish(int topic, KernelMessage m) {
    int n = 0;
    for (int k : subscribers.getOrDefault(topic, new TreeSet<>())) {
      if (checkPeer(k) == SendResult.SENT
          && transport.post(k, frame(Priority.NORMAL, m, WindowDescriptor.FLAG_NOTIFY, 0))
              == SendResult.SENT) {
        n++;
      }
    }
    return n;
  }

  private void onFrame(Frame f) {
    Peer from = peers.get(f.from());
    if (from != null && from.state() == KernelState.DOWN) {
      // A kernel marked down stays down until it checks in again.
      if (f.type() != LayerMessage.CHECK_IN) {
        return;
      }
    }
    Optional<KernelMessage> decoded = registry.decode(f.type(), f.payload());
    if (f.isResponse()) {
      onResponse(f, decoded);
      return;
    }
    if (decoded.isEmpty()) {
      malformed++;
      if (f.isRequest()) {
        answer(f, new ErrorReply(Errno.EPROTO));
      }
      return;
    }
    KernelMessage m = decoded.get();
    switch (m) {
      case CheckIn(KernelIdentity who) -> {
        online(f.from(), who);
        transport.post(f.from(), frame(Priority.HIGH, new CheckInAck(self), 0, 0));
      }
      case CheckInAck(KernelIdentity who) -> online(f.from(), who);
      case Subscribe(int topic) ->
          subscribers.computeIfAbsent(topic, t -> new TreeSet<>()).add(f.from());
      case Unsubscribe(int topic) -> {
        SortedSet<Integer> s = subscribers.get(topic);
        if (s != null) {
          s.remove(f.from());
        }
      }
      default -> {
        MessageHandler h = handlers.get(f.type());
        Incoming in =
            new Incoming(
                f.from(), f.priority(), f.correlation(), f.isRequest(), f.isNotification(), m);
        if (h != null) {
          h.onMessage(in);
        } else if (m instanceof Ping(long v) && f.isRequest()) {
          answer(f, new Pong(v));
        } else {
          unhandled++;
          if (f.isRequest()) {
            answer(f, new ErrorReply(Errno.ENOSYS));
          }
        }
      }
    }
  }

  /** The identity a check-in claims, with the kernel id the slot header proved. */
  private static KernelIdentity sameId(KernelIdentity who, int from) {
    return new KernelIdentity(from, who.firstHart(), who.partitionBase(), who.partitionSize());
  }

  private void answer(Frame request, KernelMessage response) {
    transport.post(
        request.from(),
        frame(request.priority(), response, WindowDescriptor.FLAG_RESPONSE, request.correlation()));
  }

  private void onResponse(Frame f, Optional<KernelMessage> decoded) {
    PendingReply p = pending.get(f.correlation());
    if (p == null || p.peer() != f.from()) {
      strayReplies++;
      return;
    }
    pending.remove(f.correlation());
    if (decoded.isEmpty()) {
      p.fail(
          RequestFailedException.Reason.MALFORMED_REPLY,
          Errno.EPROTO,
          "malformed reply of type " + f.type() + " from kernel " + f.from());
    } else if (decoded.get() instanceof ErrorReply(int errno)) {
      p.fail(
          RequestFailedException.Reason.REMOTE_ERROR,
          errno,
          "kernel " + f.from() + " answered errno " + errno);
    } else {
      p.complete(decoded.get());
    }
  }

  // ---- counters ----------------------------------------------------------------------------

  public MsgCounters counters() {
    return transport.counters();
  }

  /** Replies that matched no pending request (late, after markDown, or from the wrong kernel). */
  public long strayReplies() {
    return strayReplies;
  }

  /** Messages of a type nobody registered. */
  public long unhandledMessages() {
    return unhandled;
  }

  /** Messages whose bytes did not match their type's layout. */
  public long malformedMessages() {
    return malformed;
  }

  /** The text of /proc/popcorn/msg for this kernel. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append("kernel ").append(self.kernelId()).append('\n');
    b.append("peers");
    for (Peer p : peers.values()) {
      b.append(' ')
          .append(p.kernelId())
          .append(':')
          .append(p.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    b.append('\n');
    b.append(counters().render(self.kernelId()));
    b.append("pending ")
        .append(pending.size())
        .append("  stray ")
        .append(strayReplies)
        .append("  unhandled ")
        .append(unhandled)
        .append("  malformed ")
        .append(malformed)
        .append('\n');
    return b.toString();
  }
}
