package dev.popcornj.machine.hart;

import dev.popcornj.machine.hart.fp.Fp;
import dev.popcornj.machine.hart.fp.FpEnv;
import dev.popcornj.machine.mem.MemoryFault;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;

/**
 * One RV64GC hart at user level: architectural state, a software TLB, a per-page cache of decoded
 * instructions, and an execute loop that runs until a trap or the end of its budget.
 *
 * <p>Owned by the kernel instance whose partition contains it; the kernel binds its address space
 * and memory view and handles every trap the hart hands back. Only the simulation thread touches
 * it.
 *
 * <p>How the fast path works: data accesses look up a direct-mapped TLB per access kind (tag =
 * virtual page number, value = the host array backing the physical frame) and touch the array
 * through little-endian VarHandles; a miss, or an access that crosses a page, takes a slow path
 * that asks the {@link AddressTranslator} and the {@link MemoryView}. Instructions are decoded
 * lazily into a {@link DecodedPage} per physical code frame; the loop keeps the current page's
 * decoded array in a local and only looks a page up again on a taken jump to another page or when
 * running off the end of one.
 *
 * <p>Hot code runs compiled: a slot that the loop reaches often by a jump, a branch or the end of a
 * block gets a {@link CompiledBlock} (see {@link BlockCompiler}), and {@code chain} runs such
 * blocks one after another while the budget holds a whole one. Blocks use the same TLB, slow paths
 * and traps as the loop, so instruction counts, trap points and stop points are the same whether
 * code runs compiled or interpreted.
 *
 * <p>Self-modifying code: a frame becomes code when this hart first fetches from it; from then on
 * no hart keeps a cached write translation to it (see {@link
 * PhysicalMemory.CodeWriteListener#onFrameBecameCode}), so the first store goes through {@link
 * MemoryView#frameForWrite}, which tells every hart to drop its decoded copy; the storing hart then
 * re-fetches its current page before the next instruction.
 */
public final class Hart {
  /** Why {@link #run(long)} returned. */
  public enum Stop {
    /** The instruction budget is used up; the hart can simply run again. */
    BUDGET,
    /**
     * A trap was raised; {@link #trap()} describes it and pc points at the trapping instruction.
     */
    TRAP,
    /** {@link #requestStop()} was called (for instance from a device or an IPI) */
    REQUESTED
  }

  static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int DTLB_SIZE = 512;
  static final int DTLB_MASK = DTLB_SIZE - 1;
  private static final int XTLB_SIZE = 64;
  private static final int XTLB_MASK = XTLB_SIZE - 1;
  private static final long NO_PAGE = -1;

  /** Decoded pages kept before the cache is emptied, bounding the host memory one hart holds. */
  private static final int MAX_DECODED_PAGES = 1024;

  private static final long PS_PER_SECOND = 1_000_000_000_000L;

  /** CSR numbers this hart implements. */
  static final int CSR_FFLAGS = 0x001;

  static final int CSR_FRM = 0x002;
  static final int CSR_FCSR = 0x003;
  static final int CSR_CYCLE = 0xc00;
  static final int CSR_TIME = 0xc01;
  static final int CSR_INSTRET = 0xc02;

  /** execRare results. */
  static final int RARE_OK = 0;

  static final int RARE_TRAP = 1;
  static final int RARE_REFETCH = 2;

  private final int id;
  private final Isa isa;
  private final long clockHz;

  /**
   * Picoseconds per cycle when the clock divides a second into whole picoseconds (2 GHz: 500), else
   * 0: the virtual time of n cycles is then n times it, without the 128-bit product that mulDiv
   * needs once n * 10^12 leaves the long range (after a few milliseconds of virtual time).
   */
  private final long psPerCycle;

  /** The most cycles whose time in picoseconds psPerCycle gives without overflow. */
  private final long maxExactCycles;

  /** x[0] is always 0; x[32] is where instructions that discard their result write. */
  final long[] x = new long[33];

  /** Raw 64-bit contents of f0..f31; singles are NaN-boxed. */
  final long[] f = new long[32];

  long pc;
  long instret;
  Trap trap;

  /** Rounding mode field of fcsr; the accrued exception flags live in fpEnv.flags. */
  int frm;

  final FpEnv fpEnv = new FpEnv();

  /** Virtual time: timeBasePs plus the time of the cycles run since it was set. */
  private long timeBasePs;

  private long cyclesSinceTimeBase;
  private long timebaseHz = 10_000_000;

  /** LR/SC reservation: address, width and the value LR saw. */
  private boolean reservationValid;

  private long reservationAddress;
  private int reservationSize;
  private long reservationValue;

  boolean stopRequested;

  /** Instruction budget of the current run() and the page it executes from, kept out of locals. */
  private long runBudget;

  private DecodedPage currentPage;

  /**
   * Times the loop reaches a slot by a jump, a branch or the end of a block before it compiles a
   * block there. A block costs a hidden class and then the JIT's work on it (its bytecode
   * interpreted, then compiled twice), which code that runs a few hundred times never pays back:
   * 1000 rather than 100 took a fifth off the host CPU time of booting 64 kernels (boot code runs
   * once per kernel) and a tenth off guest/bench/churn, and left long loops as fast.
   */
  private static final int HOT = 1000;

  private final BlockCompiler compiler = new BlockCompiler(this);

  /** The block compiler, for tests. */
  BlockCompiler compiler() {
    return compiler;
  }

  /**
   * Hits that make a slot hot; tests lower it to compile everything or raise it to compile none.
   */
  private int hotThreshold = HOT;

  /** Where the last block that left early left: its pc, instructions done, and if it trapped. */
  private final BlockExit blockExit = new BlockExit();

  private long blockExitPc;
  private int blockExitDone;
  private boolean blockExitTrap;

  /**
   * Always 1. The loop counts its budget down by this field's value rather than by a constant so
   * that C2 does not take the budget for the induction variable of a counted loop: that turns the
   * interpreter loop into a loop nest with profiled predicates that deoptimise and run slowly.
   */
  private long oneInstruction = 1;

  /** Set when a decoded page of this hart was dropped while it may be executing from it. */
  private boolean codeDirty;

  private AddressTranslator translator;
  private MemoryView view;
  private PhysicalMemory listenedMemory;

  final long[] rTag = new long[DTLB_SIZE];
  final byte[][] rFrame = new byte[DTLB_SIZE][];
  final long[] wTag = new long[DTLB_SIZE];
  final byte[][] wFrame = new byte[DTLB_SIZE][];
  private final long[] wFrameNumber = new long[DTLB_SIZE];
  // the lowest and highest frame numbers wFrameNumber has held since the last full flush: a frame
  // outside them is in no write entry, which spares the scan when another kernel's frame (on a
  // disjoint partition of the same memory) becomes code
  private long wLowFrame = Long.MAX_VALUE;
  private long wHighFrame = Long.MIN_VALUE;
  private final long[] xTag = new long[XTLB_SIZE];
  private final DecodedPage[] xPage = new DecodedPage[XTLB_SIZE];

  /** Decoded code by physical frame number. */
  private final HashMap<Long, DecodedPage> decoded = new HashMap<>();

  /** Holds one instruction that straddles two pages while it runs; every other slot is PAGE_END. */
  private final long[] straddleCode = DecodedPage.sentinelPage();

  private final PhysicalMemory.CodeWriteListener codeListener =
      new PhysicalMemory.CodeWriteListener() {
        @Override
        public void onCodeFrameWritten(long frameNumber) {
          dropDecoded(frameNumber);
        }

        @Override
        public void onFrameBecameCode(long frameNumber) {
          dropWriteEntries(frameNumber);
        }
      };

  public Hart(int id, Isa isa, long clockHz) {
    if (clockHz <= 0) {
      throw new IllegalArgumentException("hart " + id + ": clock must be positive, got " + clockHz);
    }
    this.id = id;
    this.isa = isa;
    this.clockHz = clockHz;
    this.psPerCycle = PS_PER_SECOND % clockHz == 0 ? PS_PER_SECOND / clockHz : 0;
    this.maxExactCycles = psPerCycle == 0 ? -1 : Long.MAX_VALUE / psPerCycle;
    flushTlb();
  }

  public int id() {
    return id;
  }

  public Isa isa() {
    return isa;
  }

  public long clockHz() {
    return clockHz;
  }

  /** Installs the owning kernel's translation and memory view and empties the TLB. */
  public void bind(AddressTranslator translator, MemoryView view) {
    if (view != this.view) {
      // decoded pages were checked against the old view's grants only
      dropAllDecoded();
    }
    this.translator = translator;
    this.view = view;
    if (listenedMemory != view.memory()) {
      view.memory().addCodeWriteListener(codeListener);
      listenedMemory = view.memory();
    }
    flushTlb();
  }

  /** Forgets every cached translation. */
  public void flushTlb() {
    Arrays.fill(rTag, NO_PAGE);
    Arrays.fill(rFrame, null);
    Arrays.fill(wTag, NO_PAGE);
    Arrays.fill(wFrame, null);
    wLowFrame = Long.MAX_VALUE;
    wHighFrame = Long.MIN_VALUE;
    Arrays.fill(xTag, NO_PAGE);
    Arrays.fill(xPage, null);
    codeDirty = true;
  }

  /** Forgets cached translations of the page holding vaddr. */
  public void flushTlbPage(long vaddr) {
    long vpn = vaddr >>> PhysicalMemory.FRAME_SHIFT;
    int e = (int) vpn & DTLB_MASK;
    if (rTag[e] == vpn) {
      rTag[e] = NO_PAGE;
      rFrame[e] = null;
    }
    if (wTag[e] == vpn) {
      wTag[e] = NO_PAGE;
      wFrame[e] = null;
    }
    int xe = (int) vpn & XTLB_MASK;
    if (xTag[xe] == vpn) {
      xTag[xe] = NO_PAGE;
      xPage[xe] = null;
      codeDirty = true;
    }
  }

  /**
   * Makes the current or next {@link #run(long)} return {@link Stop#REQUESTED}. Called before a
   * run, that run executes nothing; called during one (necessarily from a callback the hart made:
   * address translation or a memory listener), it ends the run right after the instruction that
   * made the callback.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Records where a compiled block leaves early and returns the exception that takes it out: at pc
   * after done instructions of the block, trapping there or continuing there.
   */
  BlockExit leaveBlock(long pc, int done, boolean trapped) {
    blockExitPc = pc;
    blockExitDone = done;
    blockExitTrap = trapped;
    return blockExit;
  }

  /**
   * Sets how often a slot must be reached before a block is compiled there: 1 compiles at once,
   * {@link Integer#MAX_VALUE} never. For tests that compare compiled and interpreted execution.
   */
  void setBlockThreshold(int hits) {
    hotThreshold = hits;
  }

  /** The first error the block compiler met, or null (it then leaves the code interpreted). */
  Throwable blockCompilerFailure() {
    return compiler.failure();
  }

  public Trap trap() {
    return trap;
  }

  public long pc() {
    return pc;
  }

  public void setPc(long pc) {
    this.pc = pc;
  }

  public long x(int i) {
    return x[i];
  }

  public void setX(int i, long v) {
    if (i != 0) {
      x[i] = v;
    }
  }

  public long f(int i) {
    return f[i];
  }

  public void setF(int i, long raw) {
    f[i] = raw;
  }

  /** Instructions retired since reset. */
  public long instret() {
    return instret;
  }

  /** The fcsr register: frm in bits 7..5, accrued exception flags in bits 4..0. */
  public int fcsr() {
    return (frm << 5) | (fpEnv.flags & 0x1f);
  }

  public void setFcsr(int v) {
    frm = (v >>> 5) & 7;
    fpEnv.flags = v & 0x1f;
  }

  /** This hart's virtual time in picoseconds: one clock period per retired instruction. */
  public long timePs() {
    return timePsAfter(0);
  }

  public void setTimePs(long ps) {
    timeBasePs = ps;
    cyclesSinceTimeBase = 0;
  }

  /**
   * Moves this hart's clock forward by ps (time spent outside instructions, such as a system call),
   * keeping the fraction of a picosecond that the cycles run so far carry.
   */
  public void advanceTimePs(long ps) {
    timeBasePs = Math.addExact(timeBasePs, ps);
  }

  public long timebaseHz() {
    return timebaseHz;
  }

  /** Sets the frequency of the {@code time} CSR (10 MHz unless changed). */
  public void setTimebaseHz(long hz) {
    if (hz <= 0 || hz > PS_PER_SECOND) {
      throw new IllegalArgumentException("hart " + id + ": bad timebase " + hz + " Hz");
    }
    timebaseHz = hz;
  }

  /** Cancels a pending LR reservation; the kernel does this on a context switch. */
  public void clearReservation() {
    reservationValid = false;
  }

  private long timePsAfter(long extraCycles) {
    long cycles = cyclesSinceTimeBase + extraCycles;
    if (cycles >= 0 && cycles <= maxExactCycles) {
      return timeBasePs + cycles * psPerCycle;
    }
    return timeBasePs + mulDiv(cycles, PS_PER_SECOND, clockHz);
  }

  /** a * b / c for non-negative operands, exact even when a * b overflows a long. */
  static long mulDiv(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c;
    }
    return BigInteger.valueOf(a)
        .multiply(BigInteger.valueOf(b))
        .divide(BigInteger.valueOf(c))
        .longValue();
  }

  private void retire(long n) {
    instret += n;
    cyclesSinceTimeBase += n;
  }

  // ---------------------------------------------------------------------------------------------
  // Execute loop

  /**
   * Executes at most maxInstructions instructions. Returns {@link Stop#TRAP} with {@link #trap()}
   * set and pc at the trapping instruction when one traps (ecall included: the kernel advances pc
   * past it after handling).
   */
  public Stop run(long maxInstructions) {
    if (view == null) {
      throw new IllegalStateException("hart " + id + " runs before bind()");
    }
    trap = null;
    if (stopRequested) {
      stopRequested = false;
      return Stop.REQUESTED;
    }
    if (maxInstructions <= 0) {
      return Stop.BUDGET;
    }
    if ((pc & (isa.c() ? 1 : 3)) != 0) {
      trap = new Trap(TrapCause.INSTRUCTION_MISALIGNED, pc, pc);
      return Stop.TRAP;
    }
    final long[] x = this.x;
    final long[] rTag = this.rTag;
    final byte[][] rFrame = this.rFrame;
    final long[] wTag = this.wTag;
    final byte[][] wFrame = this.wFrame;
    // runBudget - left = instructions retired; a stop request shrinks runBudget to end the run
    // early. Few locals: the loop is large enough that C2's register allocator is the limit.
    runBudget = maxInstructions;
    long left = maxInstructions;
    final long step = oneInstruction;
    // the pc is base + 2 * slot; a jump elsewhere sets base to the target and slot to 0, and the
    // outer loop puts them back in that form
    long base = this.pc;
    int slot = 0;
    // null when an instruction trapped, so it is not counted as retired
    Stop stop = null;
    outer:
    for (; ; ) {
      long pc = base + (slot << 1);
      base = pc & ~0xfffL;
      slot = (int) (pc & 0xfff) >>> 1;
      switch (bit(stopRequested)) {
        case 1 -> {
          stop = Stop.REQUESTED;
          break outer;
        }
        default -> {}
      }
      switch (equal(left, 0)) {
        case 1 -> {
          // as within a page: a run that has used its budget does not fetch the next instruction,
          // so its fetch fault belongs to the run that would execute it however the budget is
          // split
          stop = Stop.BUDGET;
          break outer;
        }
        default -> {}
      }
      long vpn = pc >>> 12;
      int xe = (int) vpn & XTLB_MASK;
      DecodedPage page;
      switch (equal(this.xTag[xe], vpn)) {
        case 1 -> page = xPage[xe];
        default -> {
          page = fillExecute(pc, pc);
          switch (afterFill(page)) {
            case 1 -> {
              stop = Stop.TRAP;
              break outer;
            }
            case 2 -> {
              // requested from inside the translator while filling the TLB
              stop = Stop.REQUESTED;
              break outer;
            }
            default -> {}
          }
        }
      }
      currentPage = page;
      long[] code = page.code;
      // entered at every slot reached by a jump, a taken branch or a rare op: runs compiled blocks
      // from there while the budget allows a whole one, then interprets. Blocks start only on the
      // page: not in the straddle scratch page, nor at the sentinel slots past the page's end that
      // an instruction ending on the page's last byte leads to.
      heads:
      for (; ; ) {
        switch (blockable(slot, code)) {
          case 1 -> {
            CompiledBlock b = page.block(slot);
            switch (absent(b)) {
              case 1 -> {
                switch (page.heat(slot, hotThreshold)) {
                  case 1 -> {
                    b = compiler.compile(page, slot);
                    page.setBlock(slot, b);
                  }
                  default -> {}
                }
              }
              default -> {}
            }
            switch (fits(b, left)) {
              case 1 -> {
                int r = chain(page, base, slot, left);
                left = chainLeft;
                switch (r) {
                  case CHAIN_HERE -> {
                    slot = chainSlot;
                    continue heads;
                  }
                  case CHAIN_TRAP -> {
                    base = chainPc;
                    slot = 0;
                    break outer;
                  }
                  default -> {
                    base = chainPc;
                    slot = 0;
                    continue outer;
                  }
                }
              }
              default -> {}
            }
          }
          default -> {}
        }
        for (; ; ) {
          switch (equal(left, 0)) {
            case 1 -> {
              stop = budgetStop();
              break outer;
            }
            default -> {}
          }
          left -= step;
          long d = code[slot];
          int w = (int) d;
          switch (w & 0xff) {
            case Op.UNDECODED -> {
              left++;
              code[slot] = decodeSlot(currentPage, slot);
            }
            case Op.PAGE_END -> {
              left++;
              continue outer;
            }
            case Op.STRADDLE -> {
              left++;
              long whole = fetchStraddling(currentPage, base + (slot << 1));
              if (whole == 0) {
                stop = Stop.TRAP;
                break outer;
              }
              straddleCode[slot] = whole;
              code = straddleCode;
            }
            case Op.ILLEGAL -> {
              trap =
                  new Trap(
                      TrapCause.ILLEGAL_INSTRUCTION, base + (slot << 1), (d >> 32) & 0xffffffffL);
              break outer;
            }
            case Op.NOP -> slot += w >>> 30;
            case Op.ADDI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] + (d >> 32);
              slot += w >>> 30;
            }
            case Op.AUIPC -> {
              x[(w >>> 8) & 63] = base + (slot << 1) + (d >> 32);
              slot += w >>> 30;
            }
            case Op.JAL -> {
              int target = slot + (int) (d >> 33);
              switch (target >>> 11) {
                case 0 -> {
                  x[(w >>> 8) & 63] = base + ((slot + (w >>> 30)) << 1);
                  slot = target;
                  continue heads;
                }
                default -> {
                  long here = base + (slot << 1);
                  switch (bit(Decoder.misalignedOffset((int) (d >> 32)))) {
                    case 1 -> {
                      misalignedTarget(here, here + Decoder.realOffset((int) (d >> 32)));
                      break outer;
                    }
                    default -> {
                      x[(w >>> 8) & 63] = here + (w >>> 29);
                      base = here + (d >> 32);
                      slot = 0;
                      continue outer;
                    }
                  }
                }
              }
            }
            case Op.JALR -> {
              long t = (x[(w >>> 14) & 31] + (d >> 32)) & ~1L;
              x[(w >>> 8) & 63] = base + ((slot + (w >>> 30)) << 1);
              switch (equal(t >>> 12, base >>> 12)) {
                case 1 -> {
                  slot = ((int) t & 0xfff) >>> 1;
                  continue heads;
                }
                default -> {
                  base = t;
                  slot = 0;
                  continue outer;
                }
              }
            }
            case Op.JALR_NO_C -> {
              long t = (x[(w >>> 14) & 31] + (d >> 32)) & ~1L;
              switch ((int) t & 2) {
                case 0 -> {}
                default -> {
                  misalignedTarget(base + (slot << 1), t);
                  break outer;
                }
              }
              x[(w >>> 8) & 63] = base + ((slot + (w >>> 30)) << 1);
              base = t;
              slot = 0;
              continue outer;
            }
            case Op.BEQ, Op.BNE, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU -> {
              switch (branchTaken(w & 0xff, x[(w >>> 14) & 31], x[(w >>> 19) & 31])) {
                case 1 -> {
                  int target = slot + (int) (d >> 33);
                  switch (target >>> 11) {
                    case 0 -> {
                      slot = target;
                      continue heads;
                    }
                    default -> {
                      long here = base + (slot << 1);
                      switch (bit(Decoder.misalignedOffset((int) (d >> 32)))) {
                        case 1 -> {
                          misalignedTarget(here, here + Decoder.realOffset((int) (d >> 32)));
                          break outer;
                        }
                        default -> {
                          base = here + (d >> 32);
                          slot = 0;
                          continue outer;
                        }
                      }
                    }
                  }
                }
                default -> slot += w >>> 30;
              }
            }
            case Op.LB -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              long avpn = a >>> 12;
              int e = (int) avpn & DTLB_MASK;
              long v;
              switch (equal(rTag[e], avpn)) {
                case 1 -> v = rFrame[e][(int) a & 0xfff];
                default -> {
                  v = (byte) load(a, 1, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LBU -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              long avpn = a >>> 12;
              int e = (int) avpn & DTLB_MASK;
              long v;
              switch (equal(rTag[e], avpn)) {
                case 1 -> v = rFrame[e][(int) a & 0xfff] & 0xffL;
                default -> {
                  v = load(a, 1, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LH -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 1) >>> 12)) {
                case 1 -> v = (short) SHORT.get(rFrame[e], off);
                default -> {
                  v = (short) load(a, 2, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LHU -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 1) >>> 12)) {
                case 1 -> v = (short) SHORT.get(rFrame[e], off) & 0xffffL;
                default -> {
                  v = load(a, 2, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LW -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 3) >>> 12)) {
                case 1 -> v = (int) INT.get(rFrame[e], off);
                default -> {
                  v = (int) load(a, 4, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LWU -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 3) >>> 12)) {
                case 1 -> v = (int) INT.get(rFrame[e], off) & 0xffffffffL;
                default -> {
                  v = load(a, 4, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.LD -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 7) >>> 12)) {
                case 1 -> v = (long) LONG.get(rFrame[e], off);
                default -> {
                  v = load(a, 8, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              x[(w >>> 8) & 63] = v;
              slot += w >>> 30;
            }
            case Op.FLW -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 3) >>> 12)) {
                case 1 -> v = (int) INT.get(rFrame[e], off) | 0xffffffff00000000L;
                default -> {
                  v = load(a, 4, base + (slot << 1)) | 0xffffffff00000000L;
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              this.f[(w >>> 8) & 31] = v;
              slot += w >>> 30;
            }
            case Op.FLD -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              long v;
              switch (equal(rTag[e], (a + 7) >>> 12)) {
                case 1 -> v = (long) LONG.get(rFrame[e], off);
                default -> {
                  v = load(a, 8, base + (slot << 1));
                  switch (afterLoad()) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      runBudget -= left;
                      left = 0;
                    }
                    default -> {}
                  }
                }
              }
              this.f[(w >>> 8) & 31] = v;
              slot += w >>> 30;
            }
            case Op.SB -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              long avpn = a >>> 12;
              int e = (int) avpn & DTLB_MASK;
              switch (equal(wTag[e], avpn)) {
                case 1 -> wFrame[e][(int) a & 0xfff] = (byte) x[(w >>> 19) & 31];
                default -> {
                  switch (afterStore(store(a, x[(w >>> 19) & 31], 1, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.SH -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              switch (equal(wTag[e], (a + 1) >>> 12)) {
                case 1 -> SHORT.set(wFrame[e], off, (short) x[(w >>> 19) & 31]);
                default -> {
                  switch (afterStore(store(a, x[(w >>> 19) & 31], 2, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.SW -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              switch (equal(wTag[e], (a + 3) >>> 12)) {
                case 1 -> INT.set(wFrame[e], off, (int) x[(w >>> 19) & 31]);
                default -> {
                  switch (afterStore(store(a, x[(w >>> 19) & 31], 4, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.SD -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              switch (equal(wTag[e], (a + 7) >>> 12)) {
                case 1 -> LONG.set(wFrame[e], off, x[(w >>> 19) & 31]);
                default -> {
                  switch (afterStore(store(a, x[(w >>> 19) & 31], 8, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.FSW -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              switch (equal(wTag[e], (a + 3) >>> 12)) {
                case 1 -> INT.set(wFrame[e], off, (int) this.f[(w >>> 19) & 31]);
                default -> {
                  switch (afterStore(store(a, this.f[(w >>> 19) & 31], 4, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.FSD -> {
              long a = x[(w >>> 14) & 31] + (d >> 32);
              int e = (int) (a >>> 12) & DTLB_MASK;
              int off = (int) a & 0xfff;
              switch (equal(wTag[e], (a + 7) >>> 12)) {
                case 1 -> LONG.set(wFrame[e], off, this.f[(w >>> 19) & 31]);
                default -> {
                  switch (afterStore(store(a, this.f[(w >>> 19) & 31], 8, base + (slot << 1)))) {
                    case 1 -> {
                      break outer;
                    }
                    case 2 -> {
                      slot += w >>> 30;
                      continue outer;
                    }
                    default -> {}
                  }
                }
              }
              slot += w >>> 30;
            }
            case Op.SLTI -> {
              x[(w >>> 8) & 63] = lessThan(x[(w >>> 14) & 31], d >> 32);
              slot += w >>> 30;
            }
            case Op.SLTIU -> {
              x[(w >>> 8) & 63] = lessThanUnsigned(x[(w >>> 14) & 31], d >> 32);
              slot += w >>> 30;
            }
            case Op.XORI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] ^ (d >> 32);
              slot += w >>> 30;
            }
            case Op.ORI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] | (d >> 32);
              slot += w >>> 30;
            }
            case Op.ANDI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] & (d >> 32);
              slot += w >>> 30;
            }
            case Op.SLLI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] << (d >> 32);
              slot += w >>> 30;
            }
            case Op.SRLI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] >>> (d >> 32);
              slot += w >>> 30;
            }
            case Op.SRAI -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] >> (d >> 32);
              slot += w >>> 30;
            }
            case Op.ADDIW -> {
              x[(w >>> 8) & 63] = (int) (x[(w >>> 14) & 31] + (d >> 32));
              slot += w >>> 30;
            }
            case Op.SLLIW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] << (d >> 32);
              slot += w >>> 30;
            }
            case Op.SRLIW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] >>> (d >> 32);
              slot += w >>> 30;
            }
            case Op.SRAIW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] >> (d >> 32);
              slot += w >>> 30;
            }
            case Op.ADD -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] + x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SUB -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] - x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SLL -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] << x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SLT -> {
              x[(w >>> 8) & 63] = lessThan(x[(w >>> 14) & 31], x[(w >>> 19) & 31]);
              slot += w >>> 30;
            }
            case Op.SLTU -> {
              x[(w >>> 8) & 63] = lessThanUnsigned(x[(w >>> 14) & 31], x[(w >>> 19) & 31]);
              slot += w >>> 30;
            }
            case Op.XOR -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] ^ x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SRL -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] >>> x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SRA -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] >> x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.OR -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] | x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.AND -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] & x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.ADDW -> {
              x[(w >>> 8) & 63] = (int) (x[(w >>> 14) & 31] + x[(w >>> 19) & 31]);
              slot += w >>> 30;
            }
            case Op.SUBW -> {
              x[(w >>> 8) & 63] = (int) (x[(w >>> 14) & 31] - x[(w >>> 19) & 31]);
              slot += w >>> 30;
            }
            case Op.SLLW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] << x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SRLW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] >>> x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.SRAW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] >> x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.MUL -> {
              x[(w >>> 8) & 63] = x[(w >>> 14) & 31] * x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            case Op.MULW -> {
              x[(w >>> 8) & 63] = (int) x[(w >>> 14) & 31] * (int) x[(w >>> 19) & 31];
              slot += w >>> 30;
            }
            default -> {
              int op = w & 0xff;
              int r =
                  switch ((Op.FADD_S - 1 - op) >>> 31) {
                    case 1 -> execFp(op, d, base + (slot << 1));
                    default -> execRare(d, base + (slot << 1), runBudget - left - 1);
                  };
              switch (r) {
                case RARE_OK -> {
                  slot += w >>> 30;
                  continue heads;
                }
                case RARE_TRAP -> {
                  break outer;
                }
                default -> {
                  slot += w >>> 30;
                  continue outer;
                }
              }
            }
          }
        }
      }
    }
    if (stop == null) {
      left++;
      stop = Stop.TRAP;
    } else if (stop == Stop.REQUESTED) {
      stopRequested = false;
    }
    this.pc = base + (slot << 1);
    retire(runBudget - left);
    return stop;
  }

  /** chain() results: where the loop goes on. */
  private static final int CHAIN_HERE = 0;

  private static final int CHAIN_OUTER = 1;
  private static final int CHAIN_TRAP = 2;

  /** What chain() leaves for the loop: instructions left, and the pc or slot to go on at. */
  private long chainLeft;

  private long chainPc;
  private int chainSlot;

  /** Instructions the last compiled block ran; set by the block before it returns. */
  int blockRan;

  /**
   * Most instructions one call of a block may run. A block that branches back within itself loops
   * until its budget is spent, and a slice's budget can be millions of instructions. The JVM's
   * interpreter runs a block's first calls and, after a deoptimisation, the rest of the call that
   * hit it; and with on-stack replacement off (see the launcher) it asks for a compilation only
   * every 128 calls. With budgets of a whole slice, mix's hottest loop ran in the interpreter for
   * half a second after one deoptimisation, a single call of it; a call of at most 1,024
   * instructions bounds that and costs one more return to {@link #chain} per 1,024.
   */
  static final long MAX_BLOCK_BUDGET = 1024;

  /**
   * 1 when b is a block that one call may run with left instructions left, else 0: its budget is
   * capped at MAX_BLOCK_BUDGET, which no length of a real block reaches and the {@link
   * CompiledBlock.None} sentinel's always exceeds, however large left is.
   */
  static int fits(CompiledBlock b, long left) {
    return b == null ? 0 : (int) ((Math.min(left, MAX_BLOCK_BUDGET) - b.length) >>> 63) ^ 1;
  }

  /**
   * Runs compiled blocks one after another from slot of page, following jumps into other pages
   * whose decoded code the instruction TLB holds, while each next block fits the budget left.
   * Returns CHAIN_HERE with chainSlot when it stops on the page it started on, at a slot without a
   * runnable block; CHAIN_OUTER with chainPc when the loop must look the page up again; CHAIN_TRAP
   * with chainPc at the trapping instruction. chainLeft counts a trapping instruction as the loop
   * does before it finds that it traps.
   *
   * <p>Apart from run() so that this loop, where nearly all time goes once code is hot, is small
   * and compiled early and on its own.
   */
  private int chain(DecodedPage page, long base, int slot, long left) {
    final long[] x = this.x;
    CompiledBlock[] blocks = page.blocks;
    int moved = 0;
    for (; ; ) {
      CompiledBlock b = DecodedPage.blockIn(blocks, slot);
      switch (fits(b, left) | moved) {
        case 0 -> {
          chainLeft = left;
          chainSlot = slot;
          return CHAIN_HERE;
        }
        case 2 -> {
          chainLeft = left;
          chainPc = base + (slot << 1);
          return CHAIN_OUTER;
        }
        default -> {}
      }
      long next;
      try {
        next = b.run(this, x, base + (slot << 1), (int) Math.min(left, MAX_BLOCK_BUDGET));
      } catch (BlockExit e) {
        chainPc = blockExitPc;
        if (blockExitTrap) {
          chainLeft = left - blockExitDone - 1;
          return CHAIN_TRAP;
        }
        chainLeft = left - blockExitDone;
        return CHAIN_OUTER;
      }
      left -= blockRan;
      switch (equal(next >>> 12, base >>> 12)) {
        case 1 -> {
          slot = ((int) next & 0xfff) >>> 1;
          continue;
        }
        default -> {}
      }
      // another page: as the loop's page entry, but only through a TLB hit
      long vpn = next >>> 12;
      int xe = (int) vpn & XTLB_MASK;
      switch (bit(stopRequested) | (equal(xTag[xe], vpn) ^ 1)) {
        case 0 -> {}
        default -> {
          chainLeft = left;
          chainPc = next;
          return CHAIN_OUTER;
        }
      }
      page = xPage[xe];
      blocks = page.blocks;
      base = next & ~0xfffL;
      slot = ((int) next & 0xfff) >>> 1;
      moved = 2;
    }
  }

  // The execute loop tests its rare paths (a TLB miss, a trap, a stop request, a branch to
  // another page, a budget used up) and the guest's branch conditions through switches on the
  // helpers below, not through ifs. C2 compiles an if whose profile never saw one side as an
  // uncommon trap; when that side comes (a TLB miss at a load that had not missed yet, a guest
  // branch going the other way), the whole loop is thrown away, runs in C1's code again and is
  // compiled anew: in guest/bench/churn two or three times a run, 0.15-0.4 s of C2 each, and in a
  // 64-kernel boot the loop's first C2 code lived a few milliseconds. The launcher turns off
  // switch profiling (-XX:-UseSwitchProfiling), so a switch always keeps all its cases. The
  // helpers' own few branches are shared by every place that calls them, whose profiles soon see
  // both sides.

  /** 1 when a == b, else 0; without a branch. */
  static int equal(long a, long b) {
    long z = a ^ b;
    return (int) (((z | -z) >>> 63) ^ 1);
  }

  /**
   * 1 when the conditional branch op (BEQ to BGEU, which the decoder numbers in that order) is
   * taken for operands a and b, else 0; without a branch. Bit 0 of op - BEQ inverts, the bits above
   * it choose equality, signed or unsigned less-than.
   */
  static int branchTaken(int op, long a, long b) {
    int k = op - Op.BEQ;
    int sel = k >>> 1;
    int isEq = (sel - 1) >> 31;
    int isLtu = -(sel >>> 1);
    int isLt = ~(isEq | isLtu);
    int c =
        (equal(a, b) & isEq)
            | ((int) lessThan(a, b) & isLt)
            | ((int) lessThanUnsigned(a, b) & isLtu);
    return c ^ (k & 1);
  }

  /** 1 when o is null, else 0. */
  static int absent(Object o) {
    return o == null ? 1 : 0;
  }

  /** 1 when b, else 0. */
  static int bit(boolean b) {
    return b ? 1 : 0;
  }

  /** After filling the instruction TLB: 1 when the fetch faulted, 2 on a stop request, else 0. */
  private int afterFill(DecodedPage page) {
    return page == null ? 1 : stopRequested ? 2 : 0;
  }

  /** After a load's slow path: 1 when it trapped, 2 when it asked the hart to stop, else 0. */
  private int afterLoad() {
    return trap != null ? 1 : stopRequested ? 2 : 0;
  }

  /**
   * After a store's slow path, given whether it said the loop must leave: 1 when it trapped, 2 when
   * the loop must fetch again after it, else 0.
   */
  private int afterStore(boolean leave) {
    return !leave ? 0 : trap != null ? 1 : 2;
  }

  /**
   * 1 when a block may start at slot of code: a slot on the page (not one of the sentinels past its
   * end) of a page's own code (not the scratch page of an instruction that straddles two).
   */
  private int blockable(int slot, long[] code) {
    return ((slot - DecodedPage.SLOTS) >>> 31) & (code == straddleCode ? 0 : 1);
  }

  /** Why a run whose budget is used up stops. */
  private Stop budgetStop() {
    return stopRequested ? Stop.REQUESTED : Stop.BUDGET;
  }

  /**
   * 1 when a < b, else 0, computed without a compare: a compare whose operand C2 folds from the
   * register array next to the store of its result makes C2's local scheduler fail and recompile
   * the whole loop without folding any loads.
   */
  static long lessThan(long a, long b) {
    long diff = a - b;
    return (diff ^ ((a ^ b) & (a ^ diff))) >>> 63;
  }

  /** 1 when a < b unsigned, else 0: the borrow out of a - b (see {@link #lessThan}). */
  static long lessThanUnsigned(long a, long b) {
    return ((~a & b) | (~(a ^ b) & (a - b))) >>> 63;
  }

  /** Raises instruction-address-misaligned for a jump at pc to target. */
  private void misalignedTarget(long pc, long target) {
    trap = new Trap(TrapCause.INSTRUCTION_MISALIGNED, pc, target);
  }

  /** Decodes one slot of a page from the frame's current bytes. */
  long decodeSlot(DecodedPage page, int slot) {
    byte[] fr = page.frame;
    int off = slot << 1;
    if (!isa.c()) {
      int insn = (int) INT.get(fr, off);
      return (insn & 3) == 3 ? Decoder.decode32(insn, isa) : Decoder.illegal(insn, 4);
    }
    int lo = (short) SHORT.get(fr, off) & 0xffff;
    if ((lo & 3) != 3) {
      return Decoder.decode16(lo, isa);
    }
    if (slot == DecodedPage.SLOTS - 1) {
      return Decoder.pack(Op.STRADDLE, 0, 0, 0, 0, 4, 0);
    }
    return Decoder.decode32((int) INT.get(fr, off), isa);
  }

  /**
   * Fetches and decodes the 4-byte instruction at the last halfword of page; 0 with the trap set
   * when the next page cannot be fetched.
   */
  private long fetchStraddling(DecodedPage page, long pc) {
    long next = pc + 2;
    long vpn = next >>> 12;
    int xe = (int) vpn & XTLB_MASK;
    DecodedPage nextPage = xTag[xe] == vpn ? xPage[xe] : fillExecute(pc, next);
    if (nextPage == null) {
      return 0;
    }
    int lo = (short) SHORT.get(page.frame, DecodedPage.SLOTS * 2 - 2) & 0xffff;
    int hi = (short) SHORT.get(nextPage.frame, 0);
    return Decoder.decode32(lo | (hi << 16), isa);
  }

  /**
   * Fills the instruction TLB for the page holding vaddr; null with the trap set (at pc) when it
   * cannot be fetched.
   */
  private DecodedPage fillExecute(long pc, long vaddr) {
    long pa = translator.translate(vaddr, AddressTranslator.EXECUTE);
    if (pa == AddressTranslator.NO_MAPPING) {
      trap = new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, pc, vaddr);
      return null;
    }
    byte[] frame;
    try {
      frame = view.frameForExecute(pa);
    } catch (MemoryFault e) {
      trap = new Trap(TrapCause.INSTRUCTION_ACCESS_FAULT, pc, vaddr);
      return null;
    }
    long frameNumber = pa >>> PhysicalMemory.FRAME_SHIFT;
    DecodedPage page = decoded.get(frameNumber);
    if (page == null || page.frame != frame) {
      if (decoded.size() >= MAX_DECODED_PAGES) {
        dropAllDecoded();
      }
      page = new DecodedPage(frameNumber, frame);
      decoded.put(frameNumber, page);
    }
    long vpn = vaddr >>> 12;
    int xe = (int) vpn & XTLB_MASK;
    xTag[xe] = vpn;
    xPage[xe] = page;
    return page;
  }

  /** The frame for reading vaddr through the TLB; null with the trap set on a fault. */
  private byte[] readFrame(long vaddr, long pc) {
    long vpn = vaddr >>> 12;
    int e = (int) vpn & DTLB_MASK;
    if (rTag[e] == vpn) {
      return rFrame[e];
    }
    long pa = translator.translate(vaddr, AddressTranslator.READ);
    if (pa == AddressTranslator.NO_MAPPING) {
      trap = new Trap(TrapCause.LOAD_PAGE_FAULT, pc, vaddr);
      return null;
    }
    byte[] frame;
    try {
      frame = view.frameForRead(pa);
    } catch (MemoryFault ex) {
      trap = new Trap(TrapCause.LOAD_ACCESS_FAULT, pc, vaddr);
      return null;
    }
    rTag[e] = vpn;
    rFrame[e] = frame;
    return frame;
  }

  /** The frame for writing vaddr through the TLB; null with the trap set on a fault. */
  private byte[] writeFrame(long vaddr, long pc) {
    long vpn = vaddr >>> 12;
    int e = (int) vpn & DTLB_MASK;
    if (wTag[e] == vpn) {
      return wFrame[e];
    }
    long pa = translator.translate(vaddr, AddressTranslator.WRITE);
    if (pa == AddressTranslator.NO_MAPPING) {
      trap = new Trap(TrapCause.STORE_PAGE_FAULT, pc, vaddr);
      return null;
    }
    byte[] frame;
    try {
      // drops decoded copies of the frame if it held code, so caching it for stores is safe
      frame = view.frameForWrite(pa);
    } catch (MemoryFault ex) {
      trap = new Trap(TrapCause.STORE_ACCESS_FAULT, pc, vaddr);
      return null;
    }
    long frameNumber = pa >>> PhysicalMemory.FRAME_SHIFT;
    wTag[e] = vpn;
    wFrame[e] = frame;
    wFrameNumber[e] = frameNumber;
    wLowFrame = Math.min(wLowFrame, frameNumber);
    wHighFrame = Math.max(wHighFrame, frameNumber);
    return frame;
  }

  /**
   * Slow-path load of size bytes (zero-extended); on a fault sets the trap and returns 0. An access
   * that crosses a page translates both pages before reading.
   */
  long load(long a, int size, long pc) {
    int off = (int) a & 0xfff;
    byte[] first = readFrame(a, pc);
    if (first == null) {
      return 0;
    }
    if (off + size <= PhysicalMemory.FRAME_SIZE) {
      return switch (size) {
        case 1 -> first[off] & 0xffL;
        case 2 -> (short) SHORT.get(first, off) & 0xffffL;
        case 4 -> (int) INT.get(first, off) & 0xffffffffL;
        default -> (long) LONG.get(first, off);
      };
    }
    byte[] second = readFrame((a | 0xfff) + 1, pc);
    if (second == null) {
      return 0;
    }
    long v = 0;
    for (int i = 0; i < size; i++) {
      int o = off + i;
      byte b = o < PhysicalMemory.FRAME_SIZE ? first[o] : second[o - PhysicalMemory.FRAME_SIZE];
      v |= (b & 0xffL) << (8 * i);
    }
    return v;
  }

  /**
   * Slow-path store of the low size bytes of v. Returns true when the loop must leave its fast
   * path: the store trapped (trap set, nothing written), it dropped decoded code, or a stop was
   * requested.
   */
  boolean store(long a, long v, int size, long pc) {
    int off = (int) a & 0xfff;
    byte[] first = writeFrame(a, pc);
    if (first == null) {
      return true;
    }
    if (off + size <= PhysicalMemory.FRAME_SIZE) {
      switch (size) {
        case 1 -> first[off] = (byte) v;
        case 2 -> SHORT.set(first, off, (short) v);
        case 4 -> INT.set(first, off, (int) v);
        default -> LONG.set(first, off, v);
      }
    } else {
      byte[] second = writeFrame((a | 0xfff) + 1, pc);
      if (second == null) {
        return true;
      }
      for (int i = 0; i < size; i++) {
        int o = off + i;
        byte b = (byte) (v >>> (8 * i));
        if (o < PhysicalMemory.FRAME_SIZE) {
          first[o] = b;
        } else {
          second[o - PhysicalMemory.FRAME_SIZE] = b;
        }
      }
    }
    return refetchNeeded();
  }

  /** True once after decoded code was dropped or a stop was requested: the loop must re-fetch. */
  private boolean refetchNeeded() {
    boolean r = codeDirty || stopRequested;
    codeDirty = false;
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Rare instructions: kept out of run() so that the hot loop stays small enough for the JIT. The
  // M extension's high multiplies and divisions are here too although compilers use them often
  // (division by a constant becomes mulhu): x86 gives them fixed registers, and having them in
  // the loop worsens C2's register allocation of the whole loop by more than the call costs.

  /**
   * Executes an instruction that run() does not handle inline. Returns RARE_OK, RARE_TRAP (trap
   * set, nothing changed) or RARE_REFETCH (done; the loop must look its code page up again).
   *
   * @param done instructions retired earlier in this run, for the counter CSRs
   */
  private int execRare(long d, long pc, long done) {
    int op = Decoder.op(d);
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    long[] x = this.x;
    switch (op) {
      case Op.MULH -> x[rd] = Math.multiplyHigh(x[rs1], x[rs2]);
      case Op.MULHU -> x[rd] = Math.unsignedMultiplyHigh(x[rs1], x[rs2]);
      case Op.MULHSU -> {
        long a = x[rs1];
        long b = x[rs2];
        x[rd] = Math.multiplyHigh(a, b) + ((b >> 63) & a);
      }
      case Op.DIV -> {
        long b = x[rs2];
        x[rd] = b == 0 ? -1 : x[rs1] / b;
      }
      case Op.DIVU -> {
        long b = x[rs2];
        x[rd] = b == 0 ? -1 : Long.divideUnsigned(x[rs1], b);
      }
      case Op.REM -> {
        long b = x[rs2];
        x[rd] = b == 0 ? x[rs1] : x[rs1] % b;
      }
      case Op.REMU -> {
        long b = x[rs2];
        x[rd] = b == 0 ? x[rs1] : Long.remainderUnsigned(x[rs1], b);
      }
      case Op.DIVW -> {
        int b = (int) x[rs2];
        x[rd] = b == 0 ? -1 : (int) x[rs1] / b;
      }
      case Op.DIVUW -> {
        int b = (int) x[rs2];
        x[rd] = b == 0 ? -1 : Integer.divideUnsigned((int) x[rs1], b);
      }
      case Op.REMW -> {
        int b = (int) x[rs2];
        x[rd] = b == 0 ? (int) x[rs1] : (int) x[rs1] % b;
      }
      case Op.REMUW -> {
        int b = (int) x[rs2];
        x[rd] = b == 0 ? (int) x[rs1] : Integer.remainderUnsigned((int) x[rs1], b);
      }
      case Op.FENCE_I -> {
        dropAllDecoded();
        return RARE_REFETCH;
      }
      case Op.ECALL -> {
        trap = new Trap(TrapCause.ECALL_FROM_U, pc, 0);
        return RARE_TRAP;
      }
      case Op.EBREAK -> {
        trap = new Trap(TrapCause.BREAKPOINT, pc, 0);
        return RARE_TRAP;
      }
      case Op.CSRRW, Op.CSRRS, Op.CSRRC, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI -> {
        return execCsr(op, rd, rs1, Decoder.imm(d) & 0xfff, pc, done);
      }
      default -> {
        if (op >= Op.LR_W && op <= Op.AMOMAXU_D) {
          return execAtomic(op, rd, rs1, rs2, pc);
        }
        if (op >= Op.FADD_S && op <= Op.FCVT_D_S) {
          return execFp(op, d, pc);
        }
        throw new IllegalStateException("hart " + id + ": no handler for " + Op.name(op));
      }
    }
    return RARE_OK;
  }

  /**
   * Executes, for a compiled block, an atomic or an instruction on an FP CSR: those never read the
   * instruction counters, so the instructions the run retired before it do not matter.
   */
  int execInBlock(long d, long pc) {
    return execRare(d, pc, 0);
  }

  private int illegal(long pc) {
    trap = new Trap(TrapCause.ILLEGAL_INSTRUCTION, pc, instructionBits(pc));
    return RARE_TRAP;
  }

  /** The bits of the instruction at pc, re-read for the trap value of a late illegal check. */
  private long instructionBits(long pc) {
    try {
      long pa = translator.translate(pc, AddressTranslator.EXECUTE);
      int lo = view.read16(pa) & 0xffff;
      if ((lo & 3) != 3) {
        return lo;
      }
      long pa2 = translator.translate(pc + 2, AddressTranslator.EXECUTE);
      return ((view.read16(pa2) & 0xffffL) << 16) | lo;
    } catch (MemoryFault e) {
      return 0;
    }
  }

  private int execCsr(int op, int rd, int rs1, int csr, long pc, long done) {
    boolean immediate = op >= Op.CSRRWI;
    boolean writes = op == Op.CSRRW || op == Op.CSRRWI || rs1 != 0;
    long src = immediate ? rs1 : x[rs1];
    long old;
    switch (csr) {
      case CSR_FFLAGS, CSR_FRM, CSR_FCSR -> {
        if (!isa.f()) {
          return illegal(pc);
        }
        old = csr == CSR_FFLAGS ? fpEnv.flags & 0x1f : csr == CSR_FRM ? frm : fcsr();
      }
      case CSR_CYCLE, CSR_INSTRET -> {
        if (writes) {
          return illegal(pc);
        }
        old = instret + done;
      }
      case CSR_TIME -> {
        if (writes) {
          return illegal(pc);
        }
        old = mulDiv(timePsAfter(done), timebaseHz, PS_PER_SECOND);
      }
      default -> {
        return illegal(pc);
      }
    }
    if (writes) {
      long v =
          switch (op) {
            case Op.CSRRW, Op.CSRRWI -> src;
            case Op.CSRRS, Op.CSRRSI -> old | src;
            default -> old & ~src;
          };
      switch (csr) {
        case CSR_FFLAGS -> fpEnv.flags = (int) v & 0x1f;
        case CSR_FRM -> frm = (int) v & 7;
        default -> setFcsr((int) v & 0xff);
      }
    }
    x[rd] = old;
    return RARE_OK;
  }

  private int execAtomic(int op, int rd, int rs1, int rs2, long pc) {
    long a = x[rs1];
    boolean dw = op >= Op.LR_D;
    int base = dw ? op - (Op.LR_D - Op.LR_W) : op;
    int size = dw ? 8 : 4;
    if ((a & (size - 1)) != 0) {
      TrapCause cause = base == Op.LR_W ? TrapCause.LOAD_MISALIGNED : TrapCause.STORE_MISALIGNED;
      trap = new Trap(cause, pc, a);
      return RARE_TRAP;
    }
    int off = (int) a & 0xfff;
    if (base == Op.LR_W) {
      byte[] fr = readFrame(a, pc);
      if (fr == null) {
        return RARE_TRAP;
      }
      long v = dw ? (long) LONG.get(fr, off) : (int) INT.get(fr, off);
      reservationValid = true;
      reservationAddress = a;
      reservationSize = size;
      reservationValue = v;
      x[rd] = v;
      return stopRequested ? RARE_REFETCH : RARE_OK;
    }
    if (base == Op.SC_W) {
      if (!reservationValid || reservationAddress != a || reservationSize != size) {
        reservationValid = false;
        x[rd] = 1;
        return RARE_OK;
      }
      byte[] fr = writeFrame(a, pc);
      if (fr == null) {
        return RARE_TRAP;
      }
      reservationValid = false;
      long cur = dw ? (long) LONG.get(fr, off) : (int) INT.get(fr, off);
      if (cur != reservationValue) {
        x[rd] = 1;
      } else {
        if (dw) {
          LONG.set(fr, off, x[rs2]);
        } else {
          INT.set(fr, off, (int) x[rs2]);
        }
        x[rd] = 0;
      }
      return refetchNeeded() ? RARE_REFETCH : RARE_OK;
    }
    byte[] fr = writeFrame(a, pc);
    if (fr == null) {
      return RARE_TRAP;
    }
    long src = x[rs2];
    long old;
    if (dw) {
      old = (long) LONG.get(fr, off);
      LONG.set(fr, off, amo(base, old, src, false));
    } else {
      old = (int) INT.get(fr, off);
      INT.set(fr, off, (int) amo(base, old, (int) src, true));
    }
    x[rd] = old;
    return refetchNeeded() ? RARE_REFETCH : RARE_OK;
  }

  /** The new memory value of an AMO; word operands arrive sign-extended. */
  private static long amo(int base, long old, long src, boolean word) {
    return switch (base) {
      case Op.AMOSWAP_W -> src;
      case Op.AMOADD_W -> old + src;
      case Op.AMOXOR_W -> old ^ src;
      case Op.AMOAND_W -> old & src;
      case Op.AMOOR_W -> old | src;
      case Op.AMOMIN_W -> Math.min(old, src);
      case Op.AMOMAX_W -> Math.max(old, src);
      case Op.AMOMINU_W -> {
        long o = word ? old & 0xffffffffL : old;
        long s = word ? src & 0xffffffffL : src;
        yield Long.compareUnsigned(o, s) <= 0 ? old : src;
      }
      default -> {
        long o = word ? old & 0xffffffffL : old;
        long s = word ? src & 0xffffffffL : src;
        yield Long.compareUnsigned(o, s) >= 0 ? old : src;
      }
    };
  }

  /** Executes an F or D instruction other than loads and stores. */
  int execFp(int op, long d, long pc) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    long[] x = this.x;
    long[] f = this.f;
    FpEnv env = fpEnv;
    int rm = Decoder.imm(d) & 7;
    if (rm == 7) {
      rm = frm;
      // only ops with a rounding mode carry rm in their immediate; the others hold 0
      if (rm > 4) {
        return illegal(pc);
      }
    }
    switch (op) {
      case Op.FADD_S -> f[rd] = Fp.boxS(Fp.addS(s(rs1), s(rs2), rm, env));
      case Op.FSUB_S -> f[rd] = Fp.boxS(Fp.subS(s(rs1), s(rs2), rm, env));
      case Op.FMUL_S -> f[rd] = Fp.boxS(Fp.mulS(s(rs1), s(rs2), rm, env));
      case Op.FDIV_S -> f[rd] = Fp.boxS(Fp.divS(s(rs1), s(rs2), rm, env));
      case Op.FSQRT_S -> f[rd] = Fp.boxS(Fp.sqrtS(s(rs1), rm, env));
      case Op.FSGNJ_S -> f[rd] = Fp.boxS((s(rs1) & 0x7fffffff) | (s(rs2) & 0x80000000));
      case Op.FSGNJN_S -> f[rd] = Fp.boxS((s(rs1) & 0x7fffffff) | (~s(rs2) & 0x80000000));
      case Op.FSGNJX_S -> f[rd] = Fp.boxS(s(rs1) ^ (s(rs2) & 0x80000000));
      case Op.FMIN_S -> f[rd] = Fp.boxS(Fp.minS(s(rs1), s(rs2), env));
      case Op.FMAX_S -> f[rd] = Fp.boxS(Fp.maxS(s(rs1), s(rs2), env));
      case Op.FEQ_S -> x[rd] = Fp.eqS(s(rs1), s(rs2), env) ? 1 : 0;
      case Op.FLT_S -> x[rd] = Fp.ltS(s(rs1), s(rs2), env) ? 1 : 0;
      case Op.FLE_S -> x[rd] = Fp.leS(s(rs1), s(rs2), env) ? 1 : 0;
      case Op.FCLASS_S -> x[rd] = Fp.classifyS(s(rs1));
      case Op.FMV_X_W -> x[rd] = (int) f[rs1];
      case Op.FMV_W_X -> f[rd] = Fp.boxS((int) x[rs1]);
      case Op.FCVT_W_S -> x[rd] = Fp.cvtWS(s(rs1), rm, env);
      case Op.FCVT_WU_S -> x[rd] = Fp.cvtWuS(s(rs1), rm, env);
      case Op.FCVT_L_S -> x[rd] = Fp.cvtLS(s(rs1), rm, env);
      case Op.FCVT_LU_S -> x[rd] = Fp.cvtLuS(s(rs1), rm, env);
      case Op.FCVT_S_W -> f[rd] = Fp.boxS(Fp.cvtSW(x[rs1], rm, env));
      case Op.FCVT_S_WU -> f[rd] = Fp.boxS(Fp.cvtSWu(x[rs1], rm, env));
      case Op.FCVT_S_L -> f[rd] = Fp.boxS(Fp.cvtSL(x[rs1], rm, env));
      case Op.FCVT_S_LU -> f[rd] = Fp.boxS(Fp.cvtSLu(x[rs1], rm, env));
      case Op.FMADD_S -> f[rd] = Fp.boxS(Fp.fmaddS(s(rs1), s(rs2), s(Decoder.rs3(d)), rm, env));
      case Op.FMSUB_S -> f[rd] = Fp.boxS(Fp.fmsubS(s(rs1), s(rs2), s(Decoder.rs3(d)), rm, env));
      case Op.FNMSUB_S -> f[rd] = Fp.boxS(Fp.fnmsubS(s(rs1), s(rs2), s(Decoder.rs3(d)), rm, env));
      case Op.FNMADD_S -> f[rd] = Fp.boxS(Fp.fnmaddS(s(rs1), s(rs2), s(Decoder.rs3(d)), rm, env));
      case Op.FADD_D -> f[rd] = Fp.addD(f[rs1], f[rs2], rm, env);
      case Op.FSUB_D -> f[rd] = Fp.subD(f[rs1], f[rs2], rm, env);
      case Op.FMUL_D -> f[rd] = Fp.mulD(f[rs1], f[rs2], rm, env);
      case Op.FDIV_D -> f[rd] = Fp.divD(f[rs1], f[rs2], rm, env);
      case Op.FSQRT_D -> f[rd] = Fp.sqrtD(f[rs1], rm, env);
      case Op.FSGNJ_D -> f[rd] = (f[rs1] & Long.MAX_VALUE) | (f[rs2] & Long.MIN_VALUE);
      case Op.FSGNJN_D -> f[rd] = (f[rs1] & Long.MAX_VALUE) | (~f[rs2] & Long.MIN_VALUE);
      case Op.FSGNJX_D -> f[rd] = f[rs1] ^ (f[rs2] & Long.MIN_VALUE);
      case Op.FMIN_D -> f[rd] = Fp.minD(f[rs1], f[rs2], env);
      case Op.FMAX_D -> f[rd] = Fp.maxD(f[rs1], f[rs2], env);
      case Op.FEQ_D -> x[rd] = Fp.eqD(f[rs1], f[rs2], env) ? 1 : 0;
      case Op.FLT_D -> x[rd] = Fp.ltD(f[rs1], f[rs2], env) ? 1 : 0;
      case Op.FLE_D -> x[rd] = Fp.leD(f[rs1], f[rs2], env) ? 1 : 0;
      case Op.FCLASS_D -> x[rd] = Fp.classifyD(f[rs1]);
      case Op.FMV_X_D -> x[rd] = f[rs1];
      case Op.FMV_D_X -> f[rd] = x[rs1];
      case Op.FCVT_W_D -> x[rd] = Fp.cvtWD(f[rs1], rm, env);
      case Op.FCVT_WU_D -> x[rd] = Fp.cvtWuD(f[rs1], rm, env);
      case Op.FCVT_L_D -> x[rd] = Fp.cvtLD(f[rs1], rm, env);
      case Op.FCVT_LU_D -> x[rd] = Fp.cvtLuD(f[rs1], rm, env);
      case Op.FCVT_D_W -> f[rd] = Fp.cvtDW(x[rs1], rm, env);
      case Op.FCVT_D_WU -> f[rd] = Fp.cvtDWu(x[rs1], rm, env);
      case Op.FCVT_D_L -> f[rd] = Fp.cvtDL(x[rs1], rm, env);
      case Op.FCVT_D_LU -> f[rd] = Fp.cvtDLu(x[rs1], rm, env);
      case Op.FMADD_D -> f[rd] = Fp.fmaddD(f[rs1], f[rs2], f[Decoder.rs3(d)], rm, env);
      case Op.FMSUB_D -> f[rd] = Fp.fmsubD(f[rs1], f[rs2], f[Decoder.rs3(d)], rm, env);
      case Op.FNMSUB_D -> f[rd] = Fp.fnmsubD(f[rs1], f[rs2], f[Decoder.rs3(d)], rm, env);
      case Op.FNMADD_D -> f[rd] = Fp.fnmaddD(f[rs1], f[rs2], f[Decoder.rs3(d)], rm, env);
      case Op.FCVT_S_D -> f[rd] = Fp.boxS(Fp.cvtSD(f[rs1], rm, env));
      case Op.FCVT_D_S -> f[rd] = Fp.cvtDS(s(rs1), rm, env);
      default -> throw new IllegalStateException("hart " + id + ": no FP handler for " + op);
    }
    return RARE_OK;
  }

  /** The single held in f register i, or the canonical NaN when it is not properly NaN-boxed. */
  private int s(int i) {
    return Fp.unboxS(f[i]);
  }

  // ---------------------------------------------------------------------------------------------
  // Decoded-code invalidation

  /** A code frame was written: its decoded copy is stale. */
  private void dropDecoded(long frameNumber) {
    DecodedPage page = decoded.remove(frameNumber);
    if (page == null) {
      return;
    }
    for (int i = 0; i < XTLB_SIZE; i++) {
      if (xPage[i] == page) {
        xTag[i] = NO_PAGE;
        xPage[i] = null;
      }
    }
    codeDirty = true;
  }

  private void dropAllDecoded() {
    decoded.clear();
    Arrays.fill(xTag, NO_PAGE);
    Arrays.fill(xPage, null);
    codeDirty = true;
  }

  /**
   * A frame became code: stores to it must take the slow path, which tells every hart to drop its
   * decoded copy.
   */
  private void dropWriteEntries(long frameNumber) {
    if (frameNumber < wLowFrame || frameNumber > wHighFrame) {
      return;
    }
    for (int i = 0; i < DTLB_SIZE; i++) {
      if (wTag[i] != NO_PAGE && wFrameNumber[i] == frameNumber) {
        wTag[i] = NO_PAGE;
        wFrame[i] = null;
      }
    }
  }
}
