package dev.popcornj.kernel.run;

import dev.popcornj.kernel.syscall.VirtualClock;
import dev.popcornj.machine.hart.Hart;

/**
 * Virtual time of a process alone on one hart: the hart's own clock (one clock period per retired
 * instruction, the same time its {@code time} CSR shows), moved forward when the process sleeps.
 */
final class HartClock implements VirtualClock {
  private final Hart hart;

  HartClock(Hart hart) {
    this.hart = hart;
  }

  @Override
  public long nowPs() {
    return hart.timePs();
  }

  @Override
  public void idle(long ps) {
    if (ps > 0) {
      hart.setTimePs(Math.addExact(hart.timePs(), ps));
    }
  }
}
