package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Signals;
import java.util.ArrayDeque;

/**
 * Signals sent but not yet delivered, for one thread or one whole thread group (Linux's struct
 * sigpending; a task has both, and delivery looks at its own first). A standard signal (1..31) is
 * pending at most once: a second one sent meanwhile is dropped. A real-time signal (32..64) queues
 * every instance with its own {@link SigInfo}, delivered in the order sent.
 *
 * <p>Every task and thread group has one, and most never see a signal: the arrays that hold signal
 * information are made on first use. Owned by the kernel instance that runs the thread (group).
 */
public final class PendingSignals {
  /** Queued real-time signals beyond this are refused (the role of RLIMIT_SIGPENDING). */
  public static final int MAX_QUEUED = 1024;

  /** The signals that report a fault of the instruction just run; delivered before any other. */
  public static final long SYNCHRONOUS =
      Signals.bit(Signals.SIGSEGV)
          | Signals.bit(Signals.SIGBUS)
          | Signals.bit(Signals.SIGILL)
          | Signals.bit(Signals.SIGTRAP)
          | Signals.bit(Signals.SIGFPE)
          | Signals.bit(Signals.SIGSYS);

  private long mask;
  private SigInfo[] standard; // by signal number below SIGRTMIN; null until one is sent
  private ArrayDeque<SigInfo>[] realTime; // by signal number from SIGRTMIN; null until one is sent

  private int queued;

  /**
   * Makes info's signal pending. Returns false when it was not added: a standard signal already
   * pending (coalesced), or the real-time queue full.
   */
  public boolean enqueue(SigInfo info) {
    int sig = info.signo();
    if (sig < Signals.SIGRTMIN) {
      if ((mask & Signals.bit(sig)) != 0) {
        return false;
      }
      if (standard == null) {
        standard = new SigInfo[Signals.SIGRTMIN];
      }
      standard[sig] = info;
    } else {
      if (queued >= MAX_QUEUED) {
        return false;
      }
      int i = sig - Signals.SIGRTMIN;
      if (realTime == null) {
        @SuppressWarnings("unchecked")
        ArrayDeque<SigInfo>[] queues = new ArrayDeque[Signals.NSIG - Signals.SIGRTMIN + 1];
        realTime = queues;
      }
      if (realTime[i] == null) {
        realTime[i] = new ArrayDeque<>();
      }
      realTime[i].addLast(info);
      queued++;
    }
    mask |= Signals.bit(sig);
    return true;
  }

  /** The set of pending signals, as a sigset_t. */
  public long mask() {
    return mask;
  }

  public boolean isPending(int sig) {
    return (mask & Signals.bit(sig)) != 0;
  }

  /** True when a signal not in blocked is pending. */
  public boolean hasDeliverable(long blocked) {
    return (mask & ~blocked) != 0;
  }

  /**
   * Removes and returns the next signal to deliver among those not blocked, or null: a synchronous
   * fault signal first (the lowest of them), then the lowest-numbered one, as Linux's next_signal.
   */
  public SigInfo dequeue(long blocked) {
    long ready = mask & ~blocked;
    if (ready == 0) {
      return null;
    }
    long sync = ready & SYNCHRONOUS;
    long pick = sync != 0 ? sync : ready;
    int sig = Long.numberOfTrailingZeros(pick) + 1;
    if (sig < Signals.SIGRTMIN) {
      SigInfo info = standard[sig];
      standard[sig] = null;
      mask &= ~Signals.bit(sig);
      return info;
    }
    ArrayDeque<SigInfo> q = realTime[sig - Signals.SIGRTMIN];
    SigInfo info = q.removeFirst();
    queued--;
    if (q.isEmpty()) {
      mask &= ~Signals.bit(sig);
    }
    return info;
  }

  /** Takes the oldest pending instance of sig; a kernel-sent one when none is pending. */
  public SigInfo take(int sig) {
    SigInfo i = dequeue(~Signals.bit(sig));
    return i != null ? i : SigInfo.kernel(sig);
  }

  /**
   * Withdraws info, this very object (not an equal one), if it is pending: a timer's signal when
   * the timer is re-armed or deleted. Returns whether it was.
   */
  public boolean remove(SigInfo info) {
    int sig = info.signo();
    if (!isPending(sig)) {
      return false;
    }
    if (sig < Signals.SIGRTMIN) {
      if (standard[sig] != info) {
        return false;
      }
      standard[sig] = null;
      mask &= ~Signals.bit(sig);
      return true;
    }
    ArrayDeque<SigInfo> q = realTime[sig - Signals.SIGRTMIN];
    for (var it = q.iterator(); it.hasNext(); ) {
      if (it.next() == info) {
        it.remove();
        queued--;
        if (q.isEmpty()) {
          mask &= ~Signals.bit(sig);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Drops every pending instance of the signals in set: a signal that became ignored, stop signals
   * when SIGCONT arrives, SIGCONT when a stop signal arrives.
   */
  public void discard(long set) {
    long hit = mask & set;
    while (hit != 0) {
      int sig = Long.numberOfTrailingZeros(hit) + 1;
      hit &= hit - 1;
      if (sig < Signals.SIGRTMIN) {
        standard[sig] = null;
      } else {
        ArrayDeque<SigInfo> q = realTime[sig - Signals.SIGRTMIN];
        queued -= q.size();
        q.clear();
      }
    }
    mask &= ~set;
  }

  public void clear() {
    discard(-1L);
  }
}
