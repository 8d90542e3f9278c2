package dev.popcornj.machine.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTest {
  @Test
  void ordersByTimeThenBySchedulingOrder() {
    EventQueue q = new EventQueue();
    List<String> ran = new ArrayList<>();
    q.schedule(20, t -> ran.add("b@20"));
    q.schedule(10, t -> ran.add("a@10"));
    q.schedule(20, t -> ran.add("c@20"));
    q.schedule(10, t -> ran.add("d@10"));
    assertEquals(4, q.runDue(100));
    assertEquals(List.of("a@10", "d@10", "b@20", "c@20"), ran);
  }

  @Test
  void runsOnlyDueEventsAndThoseTheyScheduleWithinTheBound() {
    EventQueue q = new EventQueue();
    List<Long> ran = new ArrayList<>();
    q.schedule(
        5,
        t -> {
          ran.add(t);
          q.schedule(t + 3, ran::add);
          q.schedule(t + 100, ran::add);
        });
    q.runDue(10);
    assertEquals(List.of(5L, 8L), ran);
    assertEquals(105, q.nextTime());
  }

  @Test
  void cancelledEventsNeverRun() {
    EventQueue q = new EventQueue();
    List<Long> ran = new ArrayList<>();
    EventQueue.Handle h = q.schedule(1, ran::add);
    h.cancel();
    assertTrue(q.isEmpty());
    assertEquals(0, q.runDue(10));
    assertTrue(ran.isEmpty());
  }
}
