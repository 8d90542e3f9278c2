package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** End-to-end programs that exercise loops, calls and memory together. */
class HartSmokeTest {
  @Test
  void sumsOneToHundredInALoop() {
    HartFixture fx = new HartFixture();
    fx.asm(
        addi(A0, ZERO, 0),
        addi(T0, ZERO, 100),
        add(A0, A0, T0), // loop:
        addi(T0, T0, -1),
        bne(T0, ZERO, -8),
        ECALL);
    fx.runToEcall();
    assertEquals(5050, fx.x(A0));
    assertEquals(fx.hart.pc(), HartFixture.CODE + 20);
    assertEquals(2 + 300, fx.hart.instret());
  }

  @Test
  void recursiveFibonacciThroughTheStack() {
    HartFixture fx = new HartFixture();
    long fib = HartFixture.CODE + 0x100;
    fx.asm(addi(A0, ZERO, 15), jal(RA, 0x100 - 4), ECALL);
    fx.at(fib)
        .asm(
            addi(T0, ZERO, 2),
            blt(A0, T0, 56), // n < 2: return n
            addi(SP, SP, -24),
            sd(RA, SP, 0),
            sd(A0, SP, 8),
            addi(A0, A0, -1),
            jal(RA, -24), // fib(n-1)
            sd(A0, SP, 16),
            ld(A0, SP, 8),
            addi(A0, A0, -2),
            jal(RA, -40), // fib(n-2)
            ld(T1, SP, 16),
            add(A0, A0, T1),
            ld(RA, SP, 0),
            addi(SP, SP, 24),
            jalr(ZERO, RA, 0));
    fx.runToEcall();
    assertEquals(610, fx.x(A0));
  }

  @Test
  void compressedLoopCountsDown() {
    HartFixture fx = new HartFixture();
    fx.c(cLi(A0, 0), cLi(A1, 20), cAdd(A0, A1), cAddi(A1, -1), cBnez(A1, -4)).asm(ECALL);
    fx.runToEcall();
    assertEquals(210, fx.x(A0));
  }
}
