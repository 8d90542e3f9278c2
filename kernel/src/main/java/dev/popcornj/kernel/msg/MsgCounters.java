package dev.popcornj.kernel.msg;

import java.util.Locale;

/**
 * One kernel's messaging counters: per peer (messages and bytes each way, IPIs sent, chunks,
 * ring-full refusals) and for its own polls. Owned and updated by that kernel's transport.
 */
public final class MsgCounters {
  /** A snapshot of the counters for one peer. */
  public record PeerCounters(
      int peer,
      long messagesSent,
      long bytesSent,
      long messagesReceived,
      long bytesReceived,
      long ipisSent,
      long chunksSent,
      long chunksReceived,
      long ringFull) {}

  private final long[] messagesSent;
  private final long[] bytesSent;
  private final long[] messagesReceived;
  private final long[] bytesReceived;
  private final long[] ipisSent;
  private final long[] chunksSent;
  private final long[] chunksReceived;
  private final long[] ringFull;
  private long polls;
  private long polledSlots;
  private long malformedSlots;

  public MsgCounters(int maxKernels) {
    messagesSent = new long[maxKernels];
    bytesSent = new long[maxKernels];
    messagesReceived = new long[maxKernels];
    bytesReceived = new long[maxKernels];
    ipisSent = new long[maxKernels];
    chunksSent = new long[maxKernels];
    chunksReceived = new long[maxKernels];
    ringFull = new long[maxKernels];
  }

  void sent(int to, int bytes) {
    messagesSent[to]++;
    bytesSent[to] += bytes;
  }

  void received(int from, int bytes) {
    messagesReceived[from]++;
    bytesReceived[from] += bytes;
  }

  void chunkSent(int to) {
    chunksSent[to]++;
  }

  void chunkReceived(int from) {
    chunksReceived[from]++;
  }

  void ipi(int to) {
    ipisSent[to]++;
  }

  void ringFull(int to) {
    ringFull[to]++;
  }

  void poll(int batch) {
    polls++;
    polledSlots += batch;
  }

  void malformed() {
    malformedSlots++;
  }

  public int maxKernels() {
    return messagesSent.length;
  }

  public PeerCounters peer(int k) {
    return new PeerCounters(
        k,
        messagesSent[k],
        bytesSent[k],
        messagesReceived[k],
        bytesReceived[k],
        ipisSent[k],
        chunksSent[k],
        chunksReceived[k],
        ringFull[k]);
  }

  public long polls() {
    return polls;
  }

  public long polledSlots() {
    return polledSlots;
  }

  /** Slots consumed per poll, over all polls (0 before the first). */
  public double meanBatch() {
    return polls == 0 ? 0 : (double) polledSlots / polls;
  }

  /** Slots that broke the protocol (bad sender, chunk out of order) and were dropped. */
  public long malformedSlots() {
    return malformedSlots;
  }

  public long totalIpisSent() {
    long s = 0;
    for (long v : ipisSent) {
      s += v;
    }
    return s;
  }

  public long totalMessagesSent() {
    long s = 0;
    for (long v : messagesSent) {
      s += v;
    }
    return s;
  }

  /** The counters as a /proc/popcorn/msg table: one row per peer with traffic, then the polls. */
  public String render(int self) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-5s %10s %12s %10s %12s %8s %9s%n",
            "peer",
            "msgs_out",
            "bytes_out",
            "msgs_in",
            "bytes_in",
            "ipis_out",
            "ring_full"));
    for (int k = 0; k < maxKernels(); k++) {
      if (messagesSent[k] == 0 && messagesReceived[k] == 0 && ringFull[k] == 0) {
        continue;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%-5s %10d %12d %10d %12d %8d %9d%n",
              k == self ? k + "*" : Integer.toString(k),
              messagesSent[k],
              bytesSent[k],
              messagesReceived[k],
              bytesReceived[k],
              ipisSent[k],
              ringFull[k]));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "polls %d  slots %d  mean_batch %.2f  malformed %d%n",
            polls,
            polledSlots,
            meanBatch(),
            malformedSlots));
    return b.toString();
  }
}
