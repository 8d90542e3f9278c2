package dev.popcornj.kernel.signal;

/**
 * Layout of the riscv64 signal frame, struct rt_sigframe of arch/riscv/kernel/signal.c: a siginfo_t
 * followed by a struct ucontext (arch/riscv/include/uapi/asm/ucontext.h) whose uc_mcontext is a
 * struct sigcontext (uapi/asm/sigcontext.h). 1088 bytes on a hart without the vector extension,
 * which is the only kind this model has.
 *
 * <pre>
 * frame+0     siginfo_t info                               128
 * frame+128   ucontext:
 *   uc+0        uc_flags u64 (0)
 *   uc+8        uc_link  u64 (0)
 *   uc+16       uc_stack stack_t {ss_sp, ss_flags, ss_size}  24
 *   uc+40       uc_sigmask u64, then 120 bytes reserved so the mask area is 128 bytes
 *   uc+168      8 bytes of alignment padding (sigcontext is 16-aligned)
 *   uc+176      uc_mcontext = sigcontext:
 *     sc+0        sc_regs: pc, ra, sp, gp, tp, t0-t2, s0, s1, a0-a7, s2-s11, t3-t6  32 x u64
 *                 (slot i holds x[i] for i = 1..31; slot 0 holds pc)
 *     sc+256      sc_fpregs, a union sized for the Q variant (528 bytes):
 *                   d.f[32] u64 at +0, d.fcsr u32 at +256
 *                   q.fcsr at +512, q.reserved[3] at +516
 *                 overlaid by sc_extdesc: reserved u32 at +516 (must be 0),
 *                   then the first __riscv_ctx_hdr {magic u32, size u32} at +520; an END header
 *                   (magic 0, size 0) there says no extension state (such as V) follows
 *     sc+784      end of sigcontext
 *   uc+960      end of ucontext
 * frame+1088  end of frame
 * </pre>
 */
public final class SignalFrameDescriptor {
  public static final int INFO = 0;
  public static final int UCONTEXT = 128;

  public static final int UC_FLAGS = 0;
  public static final int UC_LINK = 8;
  public static final int UC_STACK = 16;
  public static final int UC_SIGMASK = 40;
  public static final int UC_SIGMASK_AREA = 128;
  public static final int UC_MCONTEXT = 176;

  public static final int SC_REGS = 0;
  public static final int SC_REGS_COUNT = 32;
  public static final int SC_FPREGS = 256;
  public static final int SC_FP_F = SC_FPREGS;
  public static final int SC_FP_FCSR = SC_FPREGS + 256;
  public static final int SC_FPREGS_LENGTH = 528;
  public static final int SC_EXT_RESERVED = SC_FPREGS + 516;
  public static final int SC_EXT_HDR_MAGIC = SC_FPREGS + 520;
  public static final int SC_EXT_HDR_SIZE = SC_FPREGS + 524;
  public static final int SIGCONTEXT_LENGTH = SC_FPREGS + SC_FPREGS_LENGTH;

  public static final int UCONTEXT_LENGTH = UC_MCONTEXT + SIGCONTEXT_LENGTH;
  public static final int LENGTH = UCONTEXT + UCONTEXT_LENGTH;

  /** Frame-relative offsets the kernel uses most. */
  public static final int SIGMASK = UCONTEXT + UC_SIGMASK;

  public static final int STACK = UCONTEXT + UC_STACK;
  public static final int MCONTEXT = UCONTEXT + UC_MCONTEXT;

  /** The header that ends the extension list (END_MAGIC, END_HDR_SIZE). */
  public static final int END_MAGIC = 0;

  public static final int END_HDR_SIZE = 0;

  /** Stack alignment of the frame (the RISC-V psABI's 16 bytes). */
  public static final int ALIGN = 16;

  private SignalFrameDescriptor() {}
}
