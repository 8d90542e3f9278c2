package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Isa;
import org.junit.jupiter.api.Test;

class HartClockTest {
  @Test
  void followsTheHartAndAddsSleeps() {
    Hart hart = new Hart(0, Isa.parse("rv64gc"), 2_000_000_000L);
    HartClock clock = new HartClock(hart);
    assertEquals(0, clock.nowPs());
    clock.idle(1_500);
    assertEquals(1_500, clock.nowPs());
    assertEquals(1_500, hart.timePs(), "the time CSR sees the sleep too");
    clock.idle(-7);
    assertEquals(1_500, clock.nowPs(), "negative sleeps do nothing");
  }
}
