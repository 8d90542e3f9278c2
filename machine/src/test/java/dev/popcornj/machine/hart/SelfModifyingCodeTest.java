package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stores to code, by this hart, another hart or the kernel, are seen by later execution. */
class SelfModifyingCodeTest {
  private static final long CODE = HartFixture.CODE;

  @Test
  void storePatchesAFunctionThatAlreadyRan() {
    HartFixture fx = new HartFixture();
    long fn = CODE + 0x40;
    fx.set(T0, fn);
    fx.set(T1, addi(A0, A0, 100));
    fx.asm(jal(RA, 0x40), sw(T1, T0, 0), jal(RA, 0x40 - 8), ECALL);
    fx.at(fn).asm(addi(A0, A0, 1), jalr(ZERO, RA, 0));
    fx.runToEcall();
    assertEquals(101, fx.x(A0));
  }

  @Test
  void storePatchesAnInstructionOfTheRunningLoop() {
    HartFixture fx = new HartFixture();
    // the first pass executes addi a0,a0,1 and then rewrites it to addi a0,a0,10
    fx.set(T0, CODE + 4);
    fx.set(T1, addi(A0, A0, 10));
    fx.set(T2, 2);
    fx.asm(
        addi(T2, T2, -1), // +0
        addi(A0, A0, 1), // +4, decoded in the first pass
        sw(T1, T0, 0), // +8 rewrites +4
        bne(T2, ZERO, -12), // +12
        ECALL);
    fx.runToEcall();
    assertEquals(11, fx.x(A0));
  }

  @Test
  void compressedStoreRewritesTheNextHalfword() {
    HartFixture fx = new HartFixture();
    fx.set(S0, CODE + 6);
    // c.sw writes +6 (c.li a0,9 replacing c.li a0,1) and +8 (c.nop again)
    fx.set(S1, (cLi(A0, 9) & 0xffff) | ((long) cNop() << 16));
    fx.c(cLi(A0, 0), cLi(A1, 1), cSw(S1, S0, 0), cLi(A0, 1), cNop()).asm(ECALL);
    fx.runToEcall();
    assertEquals(9, fx.x(A0));
  }

  @Test
  void kernelWritesThroughTheViewAreSeen() {
    HartFixture fx = new HartFixture();
    fx.asm(addi(A0, ZERO, 1), ECALL);
    fx.runToEcall();
    fx.view.write32(CODE, addi(A0, ZERO, 2));
    fx.hart.setPc(CODE);
    fx.runToEcall();
    assertEquals(2, fx.x(A0));
  }

  @Test
  void storeFromAnotherHartWithACachedWriteEntryIsSeen() {
    HartFixture fx = new HartFixture();
    MemoryView view2 = new MemoryView("h2", fx.memory, List.of(new Region(0, HartFixture.GRANTED)));
    Hart other = new Hart(1, Isa.parse("rv64gc"), 1_000_000_000L);
    other.bind(fx::translate, view2);
    long fn = CODE + 0x5000; // a page the other hart stores into before it becomes code
    long otherCode = CODE + 0x8000;
    fx.at(otherCode).asm(sw(T1, T0, 0), ECALL);
    other.setX(T0, fn);
    other.setX(T1, addi(A0, ZERO, 1));
    other.setPc(otherCode);
    assertEquals(Hart.Stop.TRAP, other.run(10)); // caches a write entry for fn's frame
    fx.at(fn + 4).asm(ECALL);
    fx.hart.setPc(fn);
    fx.runToEcall(); // fn's frame becomes code: the other hart must drop its write entry
    assertEquals(1, fx.x(A0));
    other.setX(T1, addi(A0, ZERO, 2));
    other.setPc(otherCode);
    assertEquals(Hart.Stop.TRAP, other.run(10));
    fx.hart.setPc(fn);
    fx.runToEcall();
    assertEquals(2, fx.x(A0));
  }

  @Test
  void fenceIRefetchesAndContinues() {
    HartFixture fx = new HartFixture();
    fx.set(T0, CODE + 12);
    fx.set(T1, addi(A0, ZERO, 3));
    fx.asm(sw(T1, T0, 0), FENCE_I, addi(A0, A0, 1), addi(A0, ZERO, 7), ECALL);
    fx.runToEcall();
    assertEquals(3, fx.x(A0));
  }

  @Test
  void storeStraddlingIntoACodePageIsSeen() {
    HartFixture fx = new HartFixture();
    long page2 = CODE + 0x1000;
    fx.at(page2).asm(addi(A0, ZERO, 1), ECALL);
    fx.hart.setPc(page2);
    fx.runToEcall();
    // an 8-byte store at page2-4 rewrites the first instruction of page2
    fx.set(T0, page2 - 4);
    fx.set(T1, ((long) addi(A0, ZERO, 5) << 32) | (NOP & 0xffffffffL));
    fx.at(CODE).asm(sd(T1, T0, 0), jal(ZERO, 0x1000 - 4));
    fx.hart.setPc(CODE);
    fx.runToEcall();
    assertEquals(5, fx.x(A0));
  }
}
