package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Precise traps: cause, pc, tval, and no effect from the trapping instruction. */
class HartTrapTest {
  private static final long CODE = HartFixture.CODE;
  private static final long D = HartFixture.DATA;

  private final HartFixture fx = new HartFixture();

  @Test
  void ecallAndEbreakStopAtTheirOwnPc() {
    fx.asm(NOP, ECALL, EBREAK);
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.ECALL_FROM_U, CODE + 4, 0), t);
    assertEquals(1, fx.hart.instret());
    fx.hart.setPc(fx.hart.pc() + 4); // what the kernel does after a system call
    t = fx.run();
    assertEquals(new Trap(TrapCause.BREAKPOINT, CODE + 8, 0), t);
    assertEquals(CODE + 8, fx.hart.pc());
  }

  @Test
  void illegalInstructionCarriesItsBits() {
    int[] bad = {0xffffffff, 0x0000007f, 0x30200073 /* mret */, 0x10500073 /* wfi */, 0x0000400f};
    for (int insn : bad) {
      HartFixture f = new HartFixture();
      f.set(A0, 5);
      f.asm(addi(A0, A0, 1), insn);
      Trap t = f.run();
      assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause(), Integer.toHexString(insn));
      assertEquals(insn & 0xffffffffL, t.tval());
      assertEquals(CODE + 4, t.pc());
      assertEquals(6, f.x(A0));
      assertEquals(1, f.hart.instret());
    }
  }

  @Test
  void allZeroHalfwordIsIllegal() {
    fx.asm(0);
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.ILLEGAL_INSTRUCTION, CODE, 0), t);
  }

  @Test
  void fetchFromUnmappedOrNonExecutablePageIsAnInstructionPageFault() {
    long target = CODE + 0x3000;
    fx.protect(target, HartFixture.R | HartFixture.W);
    fx.asm(jal(RA, 0x3000));
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, target, target), t);
    assertEquals(target, fx.hart.pc());
    assertEquals(CODE + 4, fx.x(RA)); // the jump itself completed
  }

  @Test
  void fetchFromMemoryOutsideTheGrantsIsAnAccessFault() {
    long target = HartFixture.GRANTED + 0x100;
    fx.set(A0, target);
    fx.asm(jalr(ZERO, A0, 0));
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.INSTRUCTION_ACCESS_FAULT, target, target), t);
  }

  @Test
  void instructionStraddlingIntoAnUnmappedPageFaultsAtTheSecondHalf() {
    long last = CODE + 0xffe;
    int insn = addi(A0, A0, 1);
    fx.view.write16(last, (short) insn);
    fx.view.write16(last + 2, (short) (insn >>> 16));
    fx.protect(last + 2, 0);
    fx.hart.setPc(last);
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, last, CODE + 0x1000), t);
    assertEquals(0, fx.x(A0));
  }

  @Test
  void instructionStraddlingTwoPagesExecutes() {
    long last = CODE + 0xffe;
    fx.at(last - 2).c(cLi(A0, 1));
    int insn = addi(A0, A0, 41);
    fx.view.write16(last, (short) insn);
    fx.view.write16(last + 2, (short) (insn >>> 16));
    fx.at(last + 4).asm(ECALL);
    fx.hart.setPc(last - 2);
    fx.runToEcall();
    assertEquals(42, fx.x(A0));
    assertEquals(2, fx.hart.instret());
  }

  @Test
  void rareInstructionThatEndsAPageFallsThroughToTheNext() {
    // csrrs and fence are served outside the main switch; the last of the page must go on at the
    // next page, not at a slot past this page's end
    fx.at(CODE + 0xff8).asm(FENCE, csrrs(A1, 0x003, ZERO));
    fx.asm(addi(A0, ZERO, 7), ECALL);
    fx.hart.setPc(CODE + 0xff8);
    fx.runToEcall();
    assertEquals(7, fx.x(A0));
    assertEquals(CODE + 0x1004, fx.hart.pc());
    assertEquals(3, fx.hart.instret());
  }

  @Test
  void loadAndStorePageFaultsReportTheAddressAndChangeNothing() {
    fx.protect(D, 0);
    fx.set(A0, D + 16);
    fx.set(A1, 123);
    fx.asm(ld(A1, A0, -8));
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.LOAD_PAGE_FAULT, CODE, D + 8), t);
    assertEquals(123, fx.x(A1));

    HartFixture g = new HartFixture();
    g.protect(D, HartFixture.R);
    g.set(A0, D);
    g.set(A1, 5);
    g.asm(lw(A2, A0, 0), sw(A1, A0, 4));
    t = g.run();
    assertEquals(new Trap(TrapCause.STORE_PAGE_FAULT, CODE + 4, D + 4), t);
    assertEquals(0, g.view.read32(D + 4));
  }

  @Test
  void accessOutsideTheGrantsIsAnAccessFault() {
    fx.set(A0, HartFixture.GRANTED);
    fx.asm(lb(A1, A0, 0));
    assertEquals(new Trap(TrapCause.LOAD_ACCESS_FAULT, CODE, HartFixture.GRANTED), fx.run());
    HartFixture g = new HartFixture();
    g.set(A0, HartFixture.GRANTED + 8);
    g.asm(sd(A0, A0, 0));
    assertEquals(new Trap(TrapCause.STORE_ACCESS_FAULT, CODE, HartFixture.GRANTED + 8), g.run());
  }

  @Test
  void misalignedJumpTargetTrapsOnlyWithoutC() {
    HartFixture f = new HartFixture("rv64ima");
    f.set(A0, CODE + 0x102);
    f.asm(jalr(RA, A0, 0));
    Trap t = f.run();
    assertEquals(new Trap(TrapCause.INSTRUCTION_MISALIGNED, CODE, CODE + 0x102), t);
    assertEquals(0, f.x(RA));

    HartFixture g = new HartFixture("rv64ima");
    g.asm(NOP, beq(ZERO, ZERO, 6));
    assertEquals(new Trap(TrapCause.INSTRUCTION_MISALIGNED, CODE + 4, CODE + 10), g.run());
    HartFixture h = new HartFixture("rv64ima");
    h.asm(bne(ZERO, ZERO, 6), ECALL); // not taken: no trap
    h.runToEcall();
    HartFixture j = new HartFixture("rv64ima");
    j.asm(jal(RA, -0x1002));
    assertEquals(new Trap(TrapCause.INSTRUCTION_MISALIGNED, CODE, CODE - 0x1002), j.run());
    assertEquals(0, j.x(RA));
    HartFixture far = new HartFixture("rv64ima");
    far.asm(jal(RA, 0x2000));
    far.at(CODE + 0x2000).asm(ECALL);
    far.runToEcall();
    assertEquals(CODE + 4, far.x(RA));

    HartFixture c = new HartFixture("rv64imac");
    c.set(A0, CODE + 0x102);
    c.asm(jalr(RA, A0, 0));
    c.at(CODE + 0x102).asm(ECALL);
    c.runToEcall();
  }

  @Test
  void withoutCCompressedInstructionsAreIllegal() {
    HartFixture f = new HartFixture("rv64ima");
    f.c(cLi(A0, 1), cNop());
    Trap t = f.run();
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause());
    assertEquals(CODE, t.pc());
  }

  @Test
  void withoutFAndDFloatingPointIsIllegal() {
    int[] fp = {
      flw(1, A0, 0),
      fld(1, A0, 0),
      fsw(1, A0, 0),
      fsd(1, A0, 0),
      fop(0, 0, 1, 2, 3, RNE),
      fop(0, 1, 1, 2, 3, RNE),
      fop(0b11110, 0, 1, A0, 0, 0),
      fma(0x43, 1, 1, 2, 3, 4, RNE)
    };
    for (int insn : fp) {
      HartFixture f = new HartFixture("rv64imac");
      f.set(A0, D);
      f.asm(insn);
      Trap t = f.run();
      assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause(), Integer.toHexString(insn));
      assertEquals(insn & 0xffffffffL, t.tval());
    }
    for (int h : new int[] {cFld(8, 9, 0), cFsd(8, 9, 0), cFldsp(1, 0), cFsdsp(1, 0)}) {
      HartFixture f = new HartFixture("rv64imac");
      f.c(h);
      Trap t = f.run();
      assertEquals(new Trap(TrapCause.ILLEGAL_INSTRUCTION, CODE, h), t);
    }
    // F without D: doubles are illegal, singles work
    HartFixture f = new HartFixture("rv64imafc");
    f.set(A0, D);
    f.asm(flw(1, A0, 0), fld(2, A0, 0));
    Trap t = f.run();
    assertEquals(CODE + 4, t.pc());
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause());
  }

  @Test
  void runWithZeroBudgetOrAStopRequestExecutesNothing() {
    fx.asm(addi(A0, A0, 1), jal(ZERO, -4));
    assertEquals(Hart.Stop.BUDGET, fx.hart.run(0));
    fx.hart.requestStop();
    assertEquals(Hart.Stop.REQUESTED, fx.hart.run(100));
    assertEquals(0, fx.x(A0));
    assertEquals(Hart.Stop.BUDGET, fx.hart.run(7));
    assertNull(fx.hart.trap());
    assertEquals(4, fx.x(A0));
    assertEquals(7, fx.hart.instret());
    assertEquals(CODE + 4, fx.hart.pc());
  }

  /** A program whose second instruction makes the hart call the translator for the access. */
  private static Hart.Stop stopFromTranslator(int access, HartFixture f) {
    boolean[] armed = {true};
    f.hart.bind(
        (va, acc) -> {
          if (acc == access && armed[0] && va >= D) {
            armed[0] = false;
            f.hart.requestStop();
          }
          return f.translate(va, acc);
        },
        f.view);
    f.set(A0, D);
    f.asm(addi(A1, A1, 1), sd(A1, A0, 0), ld(A2, A0, 0), addi(A1, A1, 1), jal(ZERO, -16));
    return f.hart.run(1000);
  }

  @Test
  void requestStopFromInsideARunStopsAtTheNextBoundary() {
    HartFixture f = new HartFixture();
    assertEquals(Hart.Stop.REQUESTED, stopFromTranslator(AddressTranslator.WRITE, f));
    assertEquals(2, f.hart.instret());
    assertEquals(CODE + 8, f.hart.pc());
    assertEquals(1, f.view.read64(D));

    HartFixture g = new HartFixture();
    assertEquals(Hart.Stop.REQUESTED, stopFromTranslator(AddressTranslator.READ, g));
    assertEquals(3, g.hart.instret());
    assertEquals(CODE + 12, g.hart.pc());
    assertEquals(1, g.x(A2));
    // the next run goes on normally
    assertEquals(Hart.Stop.BUDGET, g.hart.run(1));
    assertEquals(2, g.x(A1));
  }

  @Test
  void requestStopWhileFillingTheInstructionTlbStopsBeforeThatPage() {
    HartFixture f = new HartFixture();
    boolean[] armed = {true};
    f.hart.bind(
        (va, acc) -> {
          if (acc == AddressTranslator.EXECUTE && va >= CODE + 0x1000 && armed[0]) {
            armed[0] = false;
            f.hart.requestStop();
          }
          return f.translate(va, acc);
        },
        f.view);
    f.asm(addi(A0, A0, 1), jal(ZERO, 0x1000 - 4));
    f.at(CODE + 0x1000).asm(addi(A0, A0, 1), ECALL);
    assertEquals(Hart.Stop.REQUESTED, f.hart.run(100));
    assertEquals(CODE + 0x1000, f.hart.pc());
    assertEquals(1, f.x(A0));
    f.runToEcall();
    assertEquals(2, f.x(A0));
  }
}
