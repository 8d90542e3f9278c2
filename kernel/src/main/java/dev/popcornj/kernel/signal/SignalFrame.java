package dev.popcornj.kernel.signal;

import static dev.popcornj.kernel.signal.SignalFrameDescriptor.*;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.hart.Hart;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Builds the riscv64 signal frame on a thread's stack to enter a handler, and takes it apart again
 * in rt_sigreturn, byte for byte as Linux's arch/riscv/kernel/signal.c does (layout in {@link
 * SignalFrameDescriptor}), so that glibc's unwinder and programs that read their ucontext work.
 */
public final class SignalFrame {
  /**
   * The code a handler returns into: {@code li a7, 139} (rt_sigreturn) then {@code ecall}, the same
   * two instructions as Linux's vDSO __vdso_rt_sigreturn. The kernel maps it in a read+exec page of
   * every process and passes its address to {@link #push}.
   */
  /** addi a7, zero, 139 (rt_sigreturn); ecall: two instructions, little-endian. */
  private static final long TRAMPOLINE_WORDS = 0x0000_0073_08b0_0893L;

  /** The return trampoline's code, 8 bytes: li a7, 139 (rt_sigreturn), then ecall. */
  public static byte[] trampolineCode() {
    byte[] code = new byte[8];
    for (int i = 0; i < 8; i++) {
      code[i] = (byte) (TRAMPOLINE_WORDS >>> (8 * i));
    }
    return code;
  }

  private static final int SP = 2;
  private static final int RA = 1;
  private static final int A0 = 10;

  /** What rt_sigreturn read back besides the registers: the mask to install and uc_stack. */
  public record Restored(long mask, long stackSp, int stackFlags, long stackSize) {}

  private SignalFrame() {}

  /**
   * Enters the handler of action for sig: writes the frame below the thread's sp (or at the top of
   * the alternate stack, for SA_ONSTACK when not already on it), 16-aligned, saving every register,
   * the FP state and blockedMaskToSave; then sets pc = handler, sp = frame, ra = trampolineAddress,
   * a0 = sig, a1 = &info, a2 = &ucontext. Returns false, with the hart untouched, when the frame
   * cannot be written or would overflow the alternate stack: the caller then kills the thread group
   * with SIGSEGV as Linux's force_sigsegv. The caller updates the blocked mask ({@link
   * SigAction#blockedDuringHandler}) and applies SA_RESETHAND.
   */
  public static boolean push(
      Hart hart,
      UserMemory mem,
      int sig,
      SigInfo info,
      SigAction action,
      long blockedMaskToSave,
      AltStack alt,
      long trampolineAddress) {
    long userSp = hart.x(SP);
    if (alt.onStack(userSp) && !alt.onStack(userSp - LENGTH)) {
      return false;
    }
    long sp = userSp;
    if (action.has(Signals.SA_ONSTACK) && alt.shouldSwitchTo(userSp)) {
      sp = alt.top();
    }
    long frame = (sp - LENGTH) & -ALIGN;

    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.put(INFO, info.encode());
    b.putLong(STACK + StackDescriptor.SP, alt.sp());
    b.putInt(STACK + StackDescriptor.FLAGS, alt.reportedFlags(userSp));
    b.putLong(STACK + StackDescriptor.SIZE, alt.size());
    b.putLong(SIGMASK, blockedMaskToSave);
    b.putLong(MCONTEXT + SC_REGS, hart.pc());
    for (int i = 1; i < SC_REGS_COUNT; i++) {
      b.putLong(MCONTEXT + SC_REGS + 8 * i, hart.x(i));
    }
    if (hart.isa().f()) {
      for (int i = 0; i < 32; i++) {
        b.putLong(MCONTEXT + SC_FP_F + 8 * i, hart.f(i));
      }
      b.putInt(MCONTEXT + SC_FP_FCSR, hart.fcsr());
    }
    // sc_extdesc.reserved and the END header stay zero: no vector state follows.
    try {
      mem.check(frame, LENGTH, AddressTranslator.WRITE);
      mem.write(frame, b.array());
    } catch (BadAddressException e) {
      return false;
    }
    if ((alt.storedFlags() & Signals.SS_AUTODISARM) != 0) {
      alt.reset();
    }
    hart.setPc(action.handler());
    hart.setX(SP, frame);
    hart.setX(RA, trampolineAddress);
    hart.setX(A0, sig);
    hart.setX(A0 + 1, frame + INFO);
    hart.setX(A0 + 2, frame + UCONTEXT);
    return true;
  }

  /**
   * rt_sigreturn: reads the frame at the thread's sp and puts back pc, x1..x31, the FP registers
   * and fcsr, and the alternate stack (whose errors are ignored, as Linux's restore_altstack does).
   * Returns the mask to install, SIGKILL and SIGSTOP already removed; empty for a bad frame
   * (unreadable, or a nonzero reserved word or unknown extension header), for which the caller
   * sends SIGSEGV. The system call's return value is then the restored a0, hart.x(10), and the call
   * must not be restarted.
   */
  public static Optional<Restored> restore(Hart hart, UserMemory mem, AltStack alt) {
    long frame = hart.x(SP);
    ByteBuffer b;
    try {
      b = ByteBuffer.wrap(mem.read(frame, LENGTH)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (BadAddressException e) {
      return Optional.empty();
    }
    if (b.getInt(MCONTEXT + SC_EXT_RESERVED) != 0
        || b.getInt(MCONTEXT + SC_EXT_HDR_MAGIC) != END_MAGIC
        || b.getInt(MCONTEXT + SC_EXT_HDR_SIZE) != END_HDR_SIZE) {
      return Optional.empty();
    }
    hart.setPc(b.getLong(MCONTEXT + SC_REGS));
    for (int i = 1; i < SC_REGS_COUNT; i++) {
      hart.setX(i, b.getLong(MCONTEXT + SC_REGS + 8 * i));
    }
    if (hart.isa().f()) {
      for (int i = 0; i < 32; i++) {
        hart.setF(i, b.getLong(MCONTEXT + SC_FP_F + 8 * i));
      }
      hart.setFcsr(b.getInt(MCONTEXT + SC_FP_FCSR));
    }
    Restored r =
        new Restored(
            b.getLong(SIGMASK) & ~Signals.UNBLOCKABLE,
            b.getLong(STACK + StackDescriptor.SP),
            b.getInt(STACK + StackDescriptor.FLAGS),
            b.getLong(STACK + StackDescriptor.SIZE));
    alt.set(r.stackSp(), r.stackFlags(), r.stackSize(), hart.x(SP), Signals.MINSIGSTKSZ);
    return Optional.of(r);
  }
}
