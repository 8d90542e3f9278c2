package dev.popcornj.kernel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Isa;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SignalFrameTest {
  private static final long STACK = 0x2000_0000L;
  private static final long STACK_SIZE = 4 * MemoryLayout.PAGE_SIZE;
  private static final long ALT = 0x3000_0000L;
  private static final long HANDLER = 0x10_1234L;
  private static final long TRAMPOLINE = 0x7fff_f000L;

  private final TestSpace t = new TestSpace();
  private final Hart hart = new Hart(0, Isa.parse("rv64gc"), 2_000_000_000L);

  @Test
  void layoutMatchesLinux() {
    assertEquals(
        176, SignalFrameDescriptor.UC_MCONTEXT, "glibc's offsetof(ucontext_t, uc_mcontext)");
    assertEquals(784, SignalFrameDescriptor.SIGCONTEXT_LENGTH, "sizeof(struct sigcontext)");
    assertEquals(960, SignalFrameDescriptor.UCONTEXT_LENGTH);
    assertEquals(1088, SignalFrameDescriptor.LENGTH, "sizeof(struct rt_sigframe) without V");
    assertEquals(776, SignalFrameDescriptor.SC_EXT_HDR_MAGIC, "sc_extdesc.hdr");
    assertEquals(512, SignalFrameDescriptor.SC_FP_FCSR, "d.fcsr after 32 doubles");
    assertEquals(0, SignalFrameDescriptor.LENGTH % 16);
  }

  @Test
  void trampolineIsLiA7RtSigreturnThenEcall() {
    byte[] c = SignalFrame.trampolineCode();
    int first = (c[0] & 0xff) | (c[1] & 0xff) << 8 | (c[2] & 0xff) << 16 | (c[3] & 0xff) << 24;
    assertEquals(0x13, first & 0x7f, "OP-IMM");
    assertEquals(17, (first >>> 7) & 31, "rd = a7");
    assertEquals(0, (first >>> 15) & 31, "rs1 = zero");
    assertEquals(139, first >> 20, "rt_sigreturn");
    assertEquals(0x73, c[4]);
  }

  private long[] fillRegisters(long sp) {
    SplittableRandom r = new SplittableRandom(42);
    long[] saved = new long[66];
    for (int i = 1; i < 32; i++) {
      hart.setX(i, r.nextLong());
    }
    hart.setX(2, sp);
    for (int i = 0; i < 32; i++) {
      hart.setF(i, r.nextLong());
    }
    hart.setFcsr(0xe5);
    hart.setPc(0x10_0400L);
    for (int i = 0; i < 32; i++) {
      saved[i] = hart.x(i);
      saved[32 + i] = hart.f(i);
    }
    saved[64] = hart.pc();
    saved[65] = hart.fcsr();
    return saved;
  }

  private void assertRegisters(long[] saved) {
    for (int i = 0; i < 32; i++) {
      assertEquals(saved[i], hart.x(i), "x" + i);
      assertEquals(saved[32 + i], hart.f(i), "f" + i);
    }
    assertEquals(saved[64], hart.pc());
    assertEquals(saved[65], hart.fcsr());
  }

  @Test
  void pushThenRestoreGivesEverythingBack() {
    t.space.map(STACK, STACK_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    long sp = STACK + STACK_SIZE - 24;
    long[] saved = fillRegisters(sp);
    SigAction action = new SigAction(HANDLER, Signals.SA_SIGINFO, 0);
    AltStack alt = new AltStack();
    SigInfo info = SigInfo.kill(Signals.SIGUSR1, 33, 1000);
    long mask = Signals.bit(Signals.SIGINT) | Signals.bit(40);

    assertTrue(
        SignalFrame.push(hart, t.user, Signals.SIGUSR1, info, action, mask, alt, TRAMPOLINE));
    long frame = hart.x(2);
    assertEquals(0, frame & 15);
    assertTrue(frame + SignalFrameDescriptor.LENGTH <= sp);
    assertTrue(sp - frame < SignalFrameDescriptor.LENGTH + 16);
    assertEquals(HANDLER, hart.pc());
    assertEquals(TRAMPOLINE, hart.x(1));
    assertEquals(Signals.SIGUSR1, hart.x(10));
    assertEquals(frame, hart.x(11));
    assertEquals(frame + 128, hart.x(12));
    assertEquals(Signals.SIGUSR1, t.user.read32(frame));
    assertEquals(33, t.user.read32(frame + SigInfoDescriptor.PID));
    assertEquals(mask, t.user.read64(frame + SignalFrameDescriptor.SIGMASK));
    long mc = frame + SignalFrameDescriptor.MCONTEXT;
    assertEquals(saved[64], t.user.read64(mc), "sc_regs.pc");
    assertEquals(sp, t.user.read64(mc + 16), "sc_regs.sp");
    assertEquals(saved[32 + 31], t.user.read64(mc + 256 + 31 * 8), "f31");
    assertEquals(0xe5, t.user.read32(mc + 512), "fcsr");
    assertEquals(Signals.SS_DISABLE, t.user.read32(frame + SignalFrameDescriptor.STACK + 8));

    for (int i = 3; i < 32; i++) {
      hart.setX(i, 0);
      hart.setF(i, 0);
    }
    hart.setFcsr(0);
    Optional<SignalFrame.Restored> r = SignalFrame.restore(hart, t.user, alt);
    assertTrue(r.isPresent());
    assertEquals(mask, r.get().mask());
    assertRegisters(saved);
  }

  @Test
  void onstackHandlersRunOnTheAlternateStack() {
    t.space.map(STACK, STACK_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    t.space.map(ALT, 2 * MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    long sp = STACK + STACK_SIZE;
    fillRegisters(sp);
    AltStack alt = new AltStack();
    assertEquals(
        0,
        alt.set(ALT, Signals.SS_AUTODISARM, 2 * MemoryLayout.PAGE_SIZE, sp, Signals.MINSIGSTKSZ));
    SigAction action = new SigAction(HANDLER, Signals.SA_ONSTACK, 0);
    assertTrue(SignalFrame.push(hart, t.user, 10, SigInfo.kernel(10), action, 0, alt, TRAMPOLINE));
    long frame = hart.x(2);
    assertTrue(frame >= ALT && frame < ALT + 2 * MemoryLayout.PAGE_SIZE);
    assertEquals(0, alt.size(), "SS_AUTODISARM disarms while the handler runs");
    long stack = frame + SignalFrameDescriptor.STACK;
    assertEquals(ALT, t.user.read64(stack));
    assertEquals(Signals.SS_AUTODISARM, t.user.read32(stack + 8));

    SignalFrame.restore(hart, t.user, alt).orElseThrow();
    assertEquals(ALT, alt.sp(), "rt_sigreturn re-arms it");
    assertEquals(sp, hart.x(2));
  }

  @Test
  void aFrameThatCannotBeWrittenLeavesTheHartAlone() {
    long[] saved = fillRegisters(STACK + 64);
    SigAction action = new SigAction(HANDLER, 0, 0);
    assertFalse(
        SignalFrame.push(
            hart, t.user, 11, SigInfo.fault(11, 1, 0), action, 0, new AltStack(), TRAMPOLINE));
    assertRegisters(saved);
  }

  @Test
  void restoreRefusesACorruptFrame() {
    t.space.map(STACK, STACK_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    fillRegisters(STACK + STACK_SIZE);
    SigAction action = new SigAction(HANDLER, 0, 0);
    AltStack alt = new AltStack();
    SignalFrame.push(hart, t.user, 2, SigInfo.kernel(2), action, 0, alt, TRAMPOLINE);
    long frame = hart.x(2);
    t.user.write32(
        frame + SignalFrameDescriptor.MCONTEXT + SignalFrameDescriptor.SC_EXT_HDR_MAGIC, 5);
    assertTrue(SignalFrame.restore(hart, t.user, alt).isEmpty());
    hart.setX(2, 0x10);
    assertTrue(SignalFrame.restore(hart, t.user, alt).isEmpty(), "unreadable");
  }
}
