package dev.popcornj.kernel.msg;

import static dev.popcornj.kernel.msg.WindowDescriptor.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The shared-memory transport of one kernel, after pcn_kmsg: it writes frames as chunks into the
 * receivers' rings in the messaging window, raises their interrupt only when they have it enabled,
 * and on its own side polls its rings NAPI-style and reassembles chunks into frames.
 *
 * <p>All state here belongs to the one kernel that built it; what other kernels see of it is only
 * the bytes it writes into the window and the IPIs it sends.
 */
public final class ShmTransport implements Transport {
  private static final List<Priority> PRIORITIES = List.of(Priority.values());

  /** A frame queued for one peer and priority, with how many of its chunks are written. */
  private static final class Outgoing {
    final Frame frame;
    final int chunks;
    int written;

    Outgoing(Frame frame) {
      this.frame = frame;
      this.chunks = chunksFor(frame.payload().length);
    }
  }

  /** A frame being reassembled from one sender at one priority. */
  private static final class Partial {
    final int type;
    final int kind;
    final int correlation;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Partial(int type, int kind, int correlation) {
      this.type = type;
      this.kind = kind;
      this.correlation = correlation;
    }
  }

  private final int self;
  private final MessageWindow window;
  private final Clock clock;
  private final IpiSender ipiSender;
  private final Deferrer deferrer;
  private final MsgCounters counters;
  private MsgTracer tracer = MsgTracer.none();
  private Receiver receiver = f -> {};
  private LineCost lineCost = LineCost.none();

  // Per sender, the line cost to this kernel, looked up once (-1: not yet).
  private final long[] lineCostFrom;

  // While the rings are serviced: the virtual time spent so far waiting for the lines of the slots
  // read. Everything the service pass sends or traces is stamped that much later than the event
  // that started it; zero outside a pass.
  private long servicePs;
  private boolean servicing;

  // Sending side, indexed [peer][priority].
  private final int[][] nextSequence;
  private final ArrayDeque<Outgoing>[][] queued;
  private final long[][] queuedBytes; // payload bytes in queued, bounded by MAX_QUEUED_BYTES
  private final boolean[][] retryScheduled;

  // Receiving side, indexed [sender][priority].
  private final int[][] expectedSequence;
  private final Partial[][] partial;
  private boolean polling;
  private boolean repollScheduled;
  private final int budget;

  @SuppressWarnings("unchecked")
  public ShmTransport(
      int kernelId,
      MessageWindow window,
      Clock clock,
      IpiSender ipiSender,
      Deferrer deferrer,
      int pollBudget) {
    if (kernelId < 0 || kernelId >= window.maxKernels()) {
      throw new IllegalArgumentException(
          "kernel id " + kernelId + " outside the window's 0.." + (window.maxKernels() - 1));
    }
    if (pollBudget <= 0) {
      throw new IllegalArgumentException("poll budget must be positive");
    }
    this.self = kernelId;
    this.window = window;
    this.clock = clock;
    this.ipiSender = ipiSender;
    this.deferrer = deferrer;
    this.budget = pollBudget;
    int n = window.maxKernels();
    int p = PRIORITIES.size();
    this.counters = new MsgCounters(n);
    this.nextSequence = new int[n][p];
    this.queued = new ArrayDeque[n][p];
    this.queuedBytes = new long[n][p];
    this.retryScheduled = new boolean[n][p];
    this.expectedSequence = new int[n][p];
    this.partial = new Partial[n][p];
    this.lineCostFrom = new long[n];
    Arrays.fill(lineCostFrom, -1);
    for (int k = 0; k < n; k++) {
      for (int q = 0; q < p; q++) {
        queued[k][q] = new ArrayDeque<>();
      }
    }
  }

  static int chunksFor(int bytes) {
    return Math.max(1, (bytes + SLOT_PAYLOAD_SIZE - 1) / SLOT_PAYLOAD_SIZE);
  }

  @Override
  public int kernelId() {
    return self;
  }

  @Override
  public void setReceiver(Receiver receiver) {
    this.receiver = receiver;
  }

  public void setTracer(MsgTracer tracer) {
    this.tracer = tracer;
  }

  /** How long reading a slot another kernel wrote takes (none until set). */
  public void setLineCost(LineCost cost) {
    this.lineCost = cost;
    Arrays.fill(lineCostFrom, -1);
  }

  /** Virtual time of the code running now, with the line waits of the current service pass. */
  private long now() {
    return clock.nowPs() + servicePs;
  }

  @Override
  public MsgCounters counters() {
    return counters;
  }

  public MessageWindow window() {
    return window;
  }

  // ---- sending ---------------------------------------------------------------------------------

  private SendResult reachable(int to, Frame frame) {
    if (to < 0 || to >= window.maxKernels()) {
      return SendResult.NO_SUCH_PEER;
    }
    if (frame.payload().length > MsgParams.MAX_MESSAGE_BYTES) {
      return SendResult.TOO_LARGE;
    }
    return switch (window.state(to)) {
      case DOWN -> SendResult.PEER_DOWN;
      case OFFLINE -> SendResult.NO_SUCH_PEER;
      case BOOTING, ONLINE -> SendResult.SENT;
    };
  }

  @Override
  public SendResult trySend(int to, Frame frame) {
    SendResult r = reachable(to, frame);
    if (r != SendResult.SENT) {
      return r;
    }
    Priority p = frame.priority();
    int chunks = chunksFor(frame.payload().length);
    if (chunks > window.ringSlots(to, p)) {
      return SendResult.TOO_LARGE;
    }
    if (!queued[to][p.ring()].isEmpty()) {
      // Frames queued before this one must go first.
      counters.ringFull(to);
      return SendResult.RING_FULL;
    }
    long first = window.claimTickets(to, p, chunks);
    if (first < 0) {
      counters.ringFull(to);
      return SendResult.RING_FULL;
    }
    writeChunks(to, frame, first, 0, chunks);
    messageWritten(to, frame);
    kick(to);
    return SendResult.SENT;
  }

  @Override
  public SendResult post(int to, Frame frame) {
    SendResult r = reachable(to, frame);
    if (r != SendResult.SENT) {
      return r;
    }
    int ring = frame.priority().ring();
    if (queuedBytes[to][ring] + frame.payload().length > MsgParams.MAX_QUEUED_BYTES) {
      counters.ringFull(to);
      return SendResult.RING_FULL;
    }
    queued[to][ring].add(new Outgoing(frame));
    queuedBytes[to][ring] += frame.payload().length;
    pump(to, frame.priority());
    return SendResult.SENT;
  }

  /** Writes as much of the queue to (to, p) as the ring has room for; retries later if not all. */
  private void pump(int to, Priority p) {
    ArrayDeque<Outgoing> q = queued[to][p.ring()];
    boolean wrote = false;
    while (!q.isEmpty()) {
      Outgoing o = q.peek();
      int n = Math.min(window.room(to, p), o.chunks - o.written);
      long first = n > 0 ? window.claimTickets(to, p, n) : -1;
      if (first < 0) {
        counters.ringFull(to);
        break;
      }
      writeChunks(to, o.frame, first, o.written, n);
      o.written += n;
      wrote = true;
      if (o.written == o.chunks) {
        q.poll();
        queuedBytes[to][p.ring()] -= o.frame.payload().length;
        messageWritten(to, o.frame);
      }
    }
    if (wrote) {
      kick(to);
    }
    if (!q.isEmpty() && !retryScheduled[to][p.ring()]) {
      retryScheduled[to][p.ring()] = true;
      deferrer.callAt(now() + MsgParams.RETRY_DELAY_PS, () -> retry(to, p));
    }
  }

  private void retry(int to, Priority p) {
    retryScheduled[to][p.ring()] = false;
    if (window.state(to) == KernelState.DOWN) {
      queued[to][p.ring()].clear();
      queuedBytes[to][p.ring()] = 0;
      return;
    }
    pump(to, p);
  }

  /** Writes chunks [from, from+n) of frame into the slots of tickets first.. of to's ring. */
  private void writeChunks(int to, Frame frame, long first, int from, int n) {
    Priority p = frame.priority();
    byte[] payload = frame.payload();
    int chunks = chunksFor(payload.length);
    byte[] line = new byte[SLOT_SIZE];
    ByteBuffer b = ByteBuffer.wrap(line).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      int c = from + i;
      int off = c * SLOT_PAYLOAD_SIZE;
      int len = Math.min(SLOT_PAYLOAD_SIZE, payload.length - off);
      int flags = frame.kind() & KIND_MASK;
      flags |= c == 0 ? FLAG_FIRST : 0;
      flags |= c == chunks - 1 ? FLAG_LAST : 0;
      Arrays.fill(line, (byte) 0);
      b.put(SLOT_FLAGS, (byte) flags);
      b.putShort(SLOT_SENDER, (short) self);
      b.putShort(SLOT_TYPE, (short) frame.type());
      b.putShort(SLOT_LENGTH, (short) len);
      b.putInt(SLOT_SEQUENCE, nextSequence[to][p.ring()]++);
      b.putInt(SLOT_CORRELATION, frame.correlation());
      System.arraycopy(payload, off, line, SLOT_PAYLOAD, len);
      long slot = window.slot(to, p, first + i);
      // Everything but the ready byte first; ready last, so the receiver never sees half a slot.
      window.view().writeBytes(slot + 1, line, 1, SLOT_SIZE - 1);
      window.view().write8(slot + SLOT_READY, (byte) 1);
      counters.chunkSent(to);
    }
  }

  private void messageWritten(int to, Frame frame) {
    counters.sent(to, frame.payload().length);
    tracer.onSent(to, frame.priority(), frame.type(), frame.payload().length, now());
  }

  /** Sends the receiver an IPI if it has its interrupt enabled (and takes the enable from it). */
  private void kick(int to) {
    if (window.testAndClearInterruptEnabled(to)) {
      long now = now();
      counters.ipi(to);
      tracer.onIpi(to, now);
      ipiSender.sendIpi(to, now);
    }
  }

  // ---- receiving -------------------------------------------------------------------------------

  /** Arms the message interrupt for the first time and takes whatever arrived before. */
  public void start() {
    window.setInterruptEnabled(self, false);
    serviceRings();
  }

  @Override
  public void onInterrupt() {
    if (polling) {
      return;
    }
    window.setInterruptEnabled(self, false);
    serviceRings();
  }

  /**
   * The NAPI loop: poll up to the budget; if work is left, continue later with the interrupt still
   * off; else re-enable it and look once more, so a message that arrived between the last poll and
   * the re-enable is not left waiting for an IPI nobody will send.
   */
  private void serviceRings() {
    repollScheduled = false;
    servicing = true;
    servicePs = 0;
    try {
      serviceLoop();
    } finally {
      servicing = false;
      servicePs = 0;
    }
  }

  private void serviceLoop() {
    while (true) {
      int n = poll(budget);
      if (n >= budget && hasPending()) {
        if (!repollScheduled) {
          repollScheduled = true;
          deferrer.callAt(now() + MsgParams.REPOLL_DELAY_PS, this::serviceRings);
        }
        return;
      }
      window.setInterruptEnabled(self, true);
      if (!hasPending() || !window.testAndClearInterruptEnabled(self)) {
        // Empty, or a sender took the enable and its IPI will bring us back.
        return;
      }
    }
  }

  /** True when one of this kernel's rings has an unconsumed slot. */
  public boolean hasPending() {
    for (Priority p : PRIORITIES) {
      if (window.ticket(self, p) != window.tail(self, p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Consumes up to budget slots, always from the highest-priority ring that has one, and hands
   * every completed frame to the receiver. A single-slot message is one unit of budget; a chunked
   * one costs a unit per chunk. A call from inside a receiver (re-entry) does nothing: the outer
   * poll will get there.
   */
  @Override
  public int poll(int budget) {
    if (polling) {
      return 0;
    }
    polling = true;
    int n = 0;
    try {
      while (n < budget && takeOne()) {
        n++;
      }
      counters.poll(n);
      tracer.onPoll(n, now());
    } finally {
      polling = false;
      if (!servicing) {
        servicePs = 0;
      }
    }
    return n;
  }

  private boolean takeOne() {
    for (Priority p : PRIORITIES) {
      long tail = window.tail(self, p);
      if (tail == window.ticket(self, p)) {
        continue;
      }
      long slot = window.slot(self, p, tail);
      if (window.view().read8(slot + SLOT_READY) == 0) {
        // Claimed but not yet written; this ring waits, lower ones must not overtake it.
        continue;
      }
      byte[] line = new byte[SLOT_SIZE];
      window.view().readBytes(slot, line, 0, SLOT_SIZE);
      waitForLine((line[SLOT_SENDER] & 0xff) | (line[SLOT_SENDER + 1] & 0xff) << 8);
      window.view().write8(slot + SLOT_READY, (byte) 0);
      window.setTail(self, p, tail + 1);
      accept(p, ByteBuffer.wrap(line).order(ByteOrder.LITTLE_ENDIAN));
      return true;
    }
    return false;
  }

  private void accept(Priority p, ByteBuffer slot) {
    int flags = slot.get(SLOT_FLAGS) & 0xff;
    int from = slot.getShort(SLOT_SENDER) & 0xffff;
    int type = slot.getShort(SLOT_TYPE) & 0xffff;
    int len = slot.getShort(SLOT_LENGTH) & 0xffff;
    int seq = slot.getInt(SLOT_SEQUENCE);
    int correlation = slot.getInt(SLOT_CORRELATION);
    if (from >= window.maxKernels() || len > SLOT_PAYLOAD_SIZE) {
      counters.malformed();
      return;
    }
    int r = p.ring();
    counters.chunkReceived(from);
    if (seq != expectedSequence[from][r]) {
      // A lost or repeated chunk, or a sender that restarted: drop what was half built.
      counters.malformed();
      partial[from][r] = null;
    }
    expectedSequence[from][r] = seq + 1;
    if ((flags & FLAG_FIRST) != 0) {
      if (partial[from][r] != null) {
        counters.malformed();
      }
      partial[from][r] = new Partial(type, flags & KIND_MASK, correlation);
    }
    Partial m = partial[from][r];
    if (m == null) {
      counters.malformed();
      return;
    }
    m.bytes.write(slot.array(), SLOT_PAYLOAD, len);
    if ((flags & FLAG_LAST) != 0) {
      partial[from][r] = null;
      byte[] payload = m.bytes.toByteArray();
      counters.received(from, payload.length);
      receiver.onFrame(new Frame(from, p, m.type, m.kind, m.correlation, payload));
    }
  }

  /** The slot's line came from sender's node: the pass waits for it (one miss per slot). */
  private void waitForLine(int sender) {
    if (sender >= lineCostFrom.length) {
      return; // malformed; accept() counts it
    }
    if (lineCostFrom[sender] < 0) {
      lineCostFrom[sender] = Math.max(0, lineCost.ps(sender, self));
    }
    servicePs += lineCostFrom[sender];
  }

  @Override
  public void dropPeer(int kernel) {
    lineCostFrom[kernel] = -1;
    for (int r = 0; r < PRIORITIES.size(); r++) {
      queued[kernel][r].clear();
      queuedBytes[kernel][r] = 0;
      partial[kernel][r] = null;
      nextSequence[kernel][r] = 0;
      expectedSequence[kernel][r] = 0;
    }
  }
}
