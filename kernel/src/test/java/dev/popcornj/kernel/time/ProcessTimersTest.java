package dev.popcornj.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.signal.SigInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProcessTimersTest {
  private static final long MS = 1_000_000_000L;

  /** A host with its own event list: time moves only when the test runs events. */
  private static final class FakeHost implements ProcessTimers.Host {
    long now;
    long seq;
    boolean accept = true;
    final TreeMap<long[], Runnable> events =
        new TreeMap<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    final List<SigInfo> queued = new ArrayList<>();
    final List<SigInfo> withdrawn = new ArrayList<>();

    @Override
    public long nowPs() {
      return now;
    }

    @Override
    public void at(long ps, Runnable action) {
      events.put(new long[] {ps, seq++}, action);
    }

    @Override
    public boolean queue(int tid, SigInfo info) {
      if (accept) {
        queued.add(info);
      }
      return accept;
    }

    @Override
    public void unqueue(SigInfo info) {
      withdrawn.add(info);
      queued.remove(info);
    }

    /** Runs every event up to time t, then stands at t. */
    void runTo(long t) {
      while (!events.isEmpty() && events.firstKey()[0] <= t) {
        var e = events.pollFirstEntry();
        now = e.getKey()[0];
        e.getValue().run();
      }
      now = t;
    }
  }

  @Test
  void aOneShotTimerFiresOnceAtItsDeadline() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    int id = timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGUSR1, 7, false, 0);
    timers.set(id, 10 * MS, 0);
    h.runTo(9 * MS);
    assertTrue(h.queued.isEmpty());
    assertEquals(MS, timers.get(id).remainingPs());
    h.runTo(50 * MS);
    assertEquals(1, h.queued.size());
    SigInfo got = timers.onDequeued(h.queued.getFirst());
    assertEquals(SigInfo.timer(Signals.SIGUSR1, id, 0, 7), got);
    assertEquals(ProcessTimers.Value.DISARMED, timers.get(id));
  }

  @Test
  void expirationsWhileTheSignalWaitsBecomeOverruns() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    int id = timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGRTMIN, 0, false, 0);
    timers.set(id, 10 * MS, 10 * MS);
    h.runTo(95 * MS); // fired at 10; 20..90 missed while queued
    assertEquals(1, h.queued.size(), "one signal waits, however many periods pass");
    SigInfo got = timers.onDequeued(h.queued.getFirst());
    assertEquals(8, ((SigInfo.Timer) got.fields()).overrun());
    assertEquals(8, timers.overrun(id));
    assertEquals(5 * MS, timers.get(id).remainingPs(), "next expiry stays on the period's grid");
    h.runTo(100 * MS);
    assertEquals(2, h.queued.size());
  }

  @Test
  void reArmingWithdrawsTheWaitingSignal() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    int id = timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGRTMIN, 0, false, 0);
    timers.set(id, 10 * MS, 0);
    h.runTo(20 * MS);
    SigInfo waiting = h.queued.getFirst();
    timers.set(id, 40 * MS, 0);
    assertSame(waiting, h.withdrawn.getFirst());
    assertSame(waiting, timers.onDequeued(waiting), "a stale signal is no timer's any more");
    timers.delete(id);
    h.runTo(100 * MS);
    assertTrue(h.queued.isEmpty(), "a deleted timer never fires");
  }

  @Test
  void anIgnoredPeriodicTimerIsLookedAtOncePerTick() {
    FakeHost h = new FakeHost();
    h.accept = false;
    ProcessTimers timers = new ProcessTimers(h);
    int id = timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGRTMIN, 0, false, 0);
    timers.set(id, MS / 1000, MS / 1000); // every microsecond
    h.runTo(40 * MS);
    assertTrue(h.events.size() <= 1);
    h.accept = true;
    h.runTo(50 * MS);
    assertEquals(1, h.queued.size());
  }

  @Test
  void withoutASigeventTheValueIsTheId() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGALRM, 0, true, 0);
    int second = timers.create(1, ProcessTimers.SIGEV_SIGNAL, Signals.SIGALRM, 0, true, 0);
    timers.set(second, MS, 0);
    h.runTo(2 * MS);
    SigInfo got = timers.onDequeued(h.queued.getFirst());
    assertEquals(SigInfo.timer(Signals.SIGALRM, 1, 0, 1), got);
  }

  @Test
  void cpuTimersCountCpuTimeAndReload() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    timers.setInterval(ProcessTimers.ITIMER_VIRTUAL, 10 * MS, 4 * MS);
    timers.onCpuTime(9 * MS);
    assertTrue(h.queued.isEmpty());
    timers.onCpuTime(3 * MS); // 2 ms past: the next expiry is 2 ms into the new period
    assertEquals(Signals.SIGVTALRM, h.queued.getFirst().signo());
    assertEquals(2 * MS, timers.getInterval(ProcessTimers.ITIMER_VIRTUAL).remainingPs());
  }

  @Test
  void nothingFiresOnceTheGroupIsGone() {
    FakeHost h = new FakeHost();
    ProcessTimers timers = new ProcessTimers(h);
    timers.setInterval(ProcessTimers.ITIMER_REAL, 10 * MS, 10 * MS);
    timers.stopAll();
    h.runTo(100 * MS);
    assertTrue(h.queued.isEmpty());
  }
}
