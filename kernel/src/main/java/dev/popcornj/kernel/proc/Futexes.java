package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * futex(2): tasks waiting on a 32-bit word of user memory, keyed as Linux keys them — a private
 * futex by (address space, virtual address), a shared one by the physical address of the word, so
 * that processes mapping the same page meet. Waiters are woken in the order they started waiting.
 *
 * <p>Owned by one kernel instance.
 */
public final class Futexes {
  public static final int FUTEX_WAIT = 0;
  public static final int FUTEX_WAKE = 1;
  public static final int FUTEX_REQUEUE = 3;
  public static final int FUTEX_CMP_REQUEUE = 4;
  public static final int FUTEX_WAKE_OP = 5;
  public static final int FUTEX_WAIT_BITSET = 9;
  public static final int FUTEX_WAKE_BITSET = 10;
  public static final int FUTEX_PRIVATE_FLAG = 128;
  public static final int FUTEX_CLOCK_REALTIME = 256;
  private static final int FUTEX_BITSET_MATCH_ANY = -1;

  /** Where a futex lives: its space (null for a shared futex) and address. */
  private record Key(Object space, long address) {}

  private static final class Waiter {
    final Task task;
    final int bitset;
    Key key;
    boolean woken;

    Waiter(Task task, Key key, int bitset) {
      this.task = task;
      this.key = key;
      this.bitset = bitset;
    }
  }

  private final Scheduler scheduler;
  private final Map<Key, List<Waiter>> waiters = new HashMap<>();
  private final WaitQueue queue;

  public Futexes(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.queue = new WaitQueue(scheduler);
  }

  /**
   * Linux keys even a non-private futex by (mm, address) when the word is in private memory; only a
   * word in a shared mapping is keyed by what backs it, its physical page here.
   */
  private Key key(Process p, long uaddr, boolean isPrivate) {
    if (isPrivate || !p.space().isSharedAt(uaddr)) {
      return new Key(p.space(), uaddr);
    }
    return new Key(null, p.space().resolve(uaddr, AddressTranslator.READ));
  }

  /**
   * FUTEX_WAIT(_BITSET): sleeps while the word at uaddr holds val, until woken, interrupted or the
   * absolute deadline (ps of virtual time, or {@link Scheduler#FOREVER}) passes.
   */
  public long wait(Task t, long uaddr, int val, int bitset, boolean isPrivate, long deadlinePs) {
    if ((uaddr & 3) != 0 || bitset == 0) {
      return -Errno.EINVAL;
    }
    Process p = t.process();
    UserMemory mem = p.memory();
    Key k = key(p, uaddr, isPrivate);
    if (mem.read32(uaddr) != val) {
      return -Errno.EAGAIN;
    }
    Waiter w = new Waiter(t, k, bitset);
    waiters.computeIfAbsent(k, x -> new ArrayList<>()).add(w);
    Scheduler.WaitResult r = scheduler.waitOn(queue, () -> w.woken, deadlinePs);
    if (w.woken) {
      return 0;
    }
    remove(w);
    return r == Scheduler.WaitResult.TIMED_OUT
        ? -Errno.ETIMEDOUT
        : deadlinePs == Scheduler.FOREVER ? -Errno.ERESTARTSYS : -Errno.EINTR;
  }

  private void remove(Waiter w) {
    List<Waiter> l = waiters.get(w.key);
    if (l != null) {
      l.remove(w);
      if (l.isEmpty()) {
        waiters.remove(w.key);
      }
    }
  }

  /** Wakes up to n waiters on p's word at uaddr whose bitset meets bitset; returns how many. */
  public int wake(Process p, long uaddr, int n, int bitset) {
    return wake(p, uaddr, n, bitset, true);
  }

  public int wake(Process p, long uaddr, int n, int bitset, boolean isPrivate) {
    if ((uaddr & 3) != 0) {
      return -Errno.EINVAL;
    }
    return wakeKey(key(p, uaddr, isPrivate), n, bitset);
  }

  private int wakeKey(Key k, int n, int bitset) {
    List<Waiter> l = waiters.get(k);
    if (l == null) {
      return 0;
    }
    int woken = 0;
    for (var it = l.iterator(); it.hasNext() && woken < n; ) {
      Waiter w = it.next();
      if ((w.bitset & bitset) != 0) {
        it.remove();
        w.woken = true;
        scheduler.wake(w.task.sched(), scheduler.now());
        woken++;
      }
    }
    if (l.isEmpty()) {
      waiters.remove(k);
    }
    return woken;
  }

  /**
   * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: wakes up to n waiters at uaddr and moves up to n2 of the
   * rest to uaddr2; with cmp, only when the word at uaddr still holds expected.
   */
  public long requeue(
      Process p, long uaddr, int n, int n2, long uaddr2, boolean cmp, int expected, boolean priv) {
    if ((uaddr & 3) != 0 || (uaddr2 & 3) != 0 || n < 0 || n2 < 0) {
      return -Errno.EINVAL;
    }
    Key from = key(p, uaddr, priv);
    Key to = key(p, uaddr2, priv);
    if (cmp && p.memory().read32(uaddr) != expected) {
      return -Errno.EAGAIN;
    }
    int woken = wakeKey(from, n, FUTEX_BITSET_MATCH_ANY);
    int moved = 0;
    List<Waiter> l = waiters.get(from);
    if (l != null && !from.equals(to)) {
      for (var it = l.iterator(); it.hasNext() && moved < n2; ) {
        Waiter w = it.next();
        it.remove();
        w.key = to;
        waiters.computeIfAbsent(to, x -> new ArrayList<>()).add(w);
        moved++;
      }
      if (l.isEmpty()) {
        waiters.remove(from);
      }
    }
    return woken + (cmp ? moved : 0);
  }

  /** FUTEX_WAKE_OP: changes the word at uaddr2, wakes at uaddr, and at uaddr2 if the test holds. */
  public long wakeOp(Process p, long uaddr, int n, int n2, long uaddr2, int encoded, boolean priv) {
    if ((uaddr & 3) != 0 || (uaddr2 & 3) != 0) {
      return -Errno.EINVAL;
    }
    int op = (encoded >>> 28) & 0xf;
    int cmp = (encoded >>> 24) & 0xf;
    int oparg = (encoded << 8) >> 20;
    int cmparg = (encoded << 20) >> 20;
    if ((op & 8) != 0) {
      op &= 7;
      oparg = 1 << (oparg & 31);
    }
    UserMemory mem = p.memory();
    int old = mem.read32(uaddr2);
    int updated =
        switch (op) {
          case 0 -> oparg;
          case 1 -> old + oparg;
          case 2 -> old | oparg;
          case 3 -> old & ~oparg;
          case 4 -> old ^ oparg;
          default -> Integer.MIN_VALUE;
        };
    if (op > 4) {
      return -Errno.ENOSYS;
    }
    mem.write32(uaddr2, updated);
    boolean test =
        switch (cmp) {
          case 0 -> old == cmparg;
          case 1 -> old != cmparg;
          case 2 -> old < cmparg;
          case 3 -> old <= cmparg;
          case 4 -> old > cmparg;
          case 5 -> old >= cmparg;
          default -> false;
        };
    int woken = wakeKey(key(p, uaddr, priv), n, FUTEX_BITSET_MATCH_ANY);
    if (test) {
      woken += wakeKey(key(p, uaddr2, priv), n2, FUTEX_BITSET_MATCH_ANY);
    }
    return woken;
  }

  /** Waiters now, for the invariant checks. */
  public int waiting() {
    int n = 0;
    for (List<Waiter> l : waiters.values()) {
      n += l.size();
    }
    return n;
  }
}
