package dev.popcornj.machine.hart;

import dev.popcornj.machine.hart.BlockClassWriter.Label;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a hot straight run of decoded instructions into a {@link CompiledBlock}: one hidden
 * class, written by {@link BlockClassWriter}, whose run method does what the execute loop would do
 * for each instruction, in order, with the register numbers, immediates and pc offsets as
 * constants.
 *
 * <p>A block starts at a slot the loop reached often and takes instructions in the order they run
 * when its conditional branches fall through. A taken branch goes on within the block when the
 * block holds its target (a loop's end, back to its start or to an inner loop's; a jump over an
 * if's then part), checking the budget before each pass that goes back, and leaves it otherwise:
 * that halved the blocks guest/bench/mix runs (368 to 167 million) and took a third off churn's
 * (137 to 93 million). It follows a plain jump (jal x0) to code on the same page that it does not
 * hold yet, so that a jump over an else branch or back to an interpreter's dispatch stays in one
 * block; calls (a jal that links) it does not follow, since the callee's code would be compiled
 * again into each caller's block for few dispatches saved. It ends at an indirect jump (jalr), a
 * jump it does not follow (which computes the next pc), an instruction it does not compile (ecall,
 * ebreak, fence.i, the counter CSRs, anything still illegal), the end of the page, or its longest
 * length. Loads, stores, the M extension's long operations and FP instructions call {@link
 * BlockOps}, whose slow paths are the loop's, so traps, stop requests and code writes end the block
 * exactly where the loop would stop.
 */
final class BlockCompiler {
  /** Longest block, which bounds a class's size; a longer run continues in the next block. */
  static final int MAX_LENGTH = 64;

  private static final String HART = "dev/popcornj/machine/hart/Hart";
  private static final String OPS = "dev/popcornj/machine/hart/BlockOps";
  private static final String BLOCK = "dev/popcornj/machine/hart/CompiledBlock";
  private static final String NAME = "dev/popcornj/machine/hart/Block";
  private static final String RUN_TYPE = "(L" + HART + ";[JJI)J";
  private static final String LOAD_TYPE = "([J[[BL" + HART + ";JJIII)J";
  private static final String STORE_TYPE = "([J[[BL" + HART + ";JJJII)V";
  private static final String FP_TYPE = "(L" + HART + ";IJJII)V";
  private static final String FP_DIRECT_TYPE = "([JL" + HART + ";JJII)V";
  private static final String BINARY_TYPE = "(JJ)J";
  private static final String RARE_TYPE = "(L" + HART + ";JJII)V";

  // The hart's arrays, as constants of each block's class (its class data, in this order): the JIT
  // then knows their lengths, so their accesses need no bounds checks (x[r] and the TLB's entries,
  // whose index is masked to the TLB's size), and it need not load them from the hart. A block is
  // its hart's alone: decoded pages and the blocks built here are per hart.
  private static final int X_DATA = 0;
  private static final int F_DATA = 1;
  private static final int R_TAG_DATA = 2;
  private static final int R_FRAME_DATA = 3;
  private static final int W_TAG_DATA = 4;
  private static final int W_FRAME_DATA = 5;

  /** Pushes element index of the block's class data. */
  private static void data(BlockClassWriter c, int index) {
    c.data(index, index == R_FRAME_DATA || index == W_FRAME_DATA ? "[[B" : "[J");
  }

  /** The class data every block of this hart shares; made at the first block. */
  private List<Object> data;

  /** The sentinel for slots where no block starts. */
  final CompiledBlock none = new CompiledBlock.None();

  private final Hart hart;

  private Throwable failure;

  /**
   * The blocks built so far, by their decoded instructions: a block's class depends on nothing else
   * (it takes its pc as an argument), so the same code in another frame (a program loaded again by
   * the next execve, a library's copy in another process) reuses the class, already compiled by the
   * JIT, instead of defining a new one. Bounded; emptied when full.
   */
  private final java.util.HashMap<Code, CompiledBlock> built = new java.util.HashMap<>();

  private static final int MAX_BUILT = 1 << 14;

  /** A block's decoded instructions, compared by content. */
  private record Code(long[] ops, boolean ends) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Code c && ends == c.ends && java.util.Arrays.equals(ops, c.ops);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(ops) * 31 + (ends ? 1 : 0);
    }
  }

  BlockCompiler(Hart hart) {
    this.hart = hart;
  }

  /**
   * The block starting at slot of page, decoding slots ahead as the loop would when it reached
   * them; {@link #none} when the instruction there is not compiled.
   */
  CompiledBlock compile(DecodedPage page, int slot) {
    long[] ops = new long[MAX_LENGTH];
    int n = 0;
    int s = slot;
    boolean ends = false;
    // slots the block holds, so that it follows a jump only to code it does not hold yet
    java.util.BitSet held = new java.util.BitSet(DecodedPage.SLOTS);
    while (n < MAX_LENGTH && s < DecodedPage.SLOTS) {
      long d = page.code[s];
      if (Decoder.op(d) == Op.UNDECODED) {
        d = hart.decodeSlot(page, s);
        page.code[s] = d;
      }
      int op = Decoder.op(d);
      if (!compiled(op, d)) {
        break;
      }
      ops[n++] = d;
      held.set(s);
      if (op == Op.JALR) {
        break;
      }
      if (op == Op.JAL) {
        long target = s + (Decoder.imm(d) >> 1);
        boolean links = Decoder.rd(d) != Decoder.X_DISCARD;
        if (links || target < 0 || target >= DecodedPage.SLOTS || held.get((int) target)) {
          break;
        }
        s = (int) target;
        continue;
      }
      s += Decoder.len(d) >>> 1;
    }
    if (n == 0) {
      return none;
    }
    ends = jumps(Decoder.op(ops[n - 1]));
    Code key = new Code(java.util.Arrays.copyOf(ops, n), ends);
    CompiledBlock known = built.get(key);
    if (known != null) {
      return known;
    }
    try {
      byte[] bytes = generate(ops, n, ends);
      if (data == null) {
        data = List.of(hart.x, hart.f, hart.rTag, hart.rFrame, hart.wTag, hart.wFrame);
      }
      MethodHandles.Lookup lookup =
          MethodHandles.lookup().defineHiddenClassWithClassData(bytes, data, true);
      CompiledBlock block =
          (CompiledBlock)
              lookup
                  .findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                  .invoke();
      if (built.size() >= MAX_BUILT) {
        built.clear();
      }
      built.put(key, block);
      return block;
    } catch (Throwable e) {
      // A block the compiler cannot build is a bug here, never the guest's doing: the code runs
      // interpreted, as correctly, and tests look at the failure.
      if (failure == null) {
        failure = e;
      }
      return none;
    }
  }

  /** The first error the compiler met, or null; for tests, since run() falls back silently. */
  Throwable failure() {
    return failure;
  }

  private static boolean jumps(int op) {
    return op == Op.JAL || op == Op.JALR || (op >= Op.BEQ && op <= Op.BGEU);
  }

  private static boolean compiled(int op, long d) {
    if (op == Op.JAL || (op >= Op.BEQ && op <= Op.BGEU)) {
      // a hart without C marks misaligned offsets; those trap, which the loop handles
      return !Decoder.misalignedOffset(Decoder.imm(d));
    }
    return (op >= Op.NOP && op <= Op.JALR)
        || (op >= Op.LB && op <= Op.FSD)
        || (op >= Op.LR_W && op <= Op.AMOMAXU_D)
        || (op >= Op.CSRRW && op <= Op.CSRRCI && fpCsr(Decoder.imm(d) & 0xfff))
        || op >= Op.FADD_S && op < Op.COUNT;
  }

  /**
   * Whether a CSR instruction names one of the FP CSRs, which a block runs through the loop's own
   * handler. The counter CSRs stay with the loop, which knows how many instructions its run has
   * retired before them.
   */
  private static boolean fpCsr(int csr) {
    return csr == Hart.CSR_FFLAGS || csr == Hart.CSR_FRM || csr == Hart.CSR_FCSR;
  }

  private byte[] generate(long[] ops, int n, boolean ends) {
    BlockClassWriter c = new BlockClassWriter(NAME, BLOCK, HART);
    body(c, ops, n, ends);
    return c.toBytes(n, RUN_TYPE);
  }

  // locals of run(Hart h, long[] x, long pc, int budget), then the instructions run in earlier
  // passes of a loop block and a scratch long
  private static final int H = 1;
  private static final int X = 2;
  private static final int PC = 3;
  private static final int BUDGET = 5;
  private static final int RAN = 6;
  private static final int T = 7;

  /** A taken branch at instruction k that leaves the pass, to offset target of the block's pc. */
  private record SideExit(Label label, int k, long target) {}

  /**
   * The offset from the block's pc of each of its instructions, in the order they run: a jump the
   * block follows (a jal that is not its last instruction) moves the next one to its target.
   */
  static long[] offsets(long[] ops, int n) {
    long[] at = new long[n];
    long off = 0;
    for (int k = 0; k < n; k++) {
      at[k] = off;
      off += Decoder.op(ops[k]) == Op.JAL && k < n - 1 ? Decoder.imm(ops[k]) : Decoder.len(ops[k]);
    }
    return at;
  }

  /** The instruction of the block at offset target, or -1 when the block does not hold it. */
  private static int position(long[] at, long target) {
    for (int k = 0; k < at.length; k++) {
      if (at[k] == target) {
        return k;
      }
    }
    return -1;
  }

  private void body(BlockClassWriter c, long[] ops, int n, boolean ends) {
    List<SideExit> exits = new ArrayList<>();
    long[] at = offsets(ops, n);
    // A branch taken to an instruction the block holds goes on there, within the block: the end
    // of a loop that more code follows, or a jump over the then part of an if. Each such
    // instruction gets a label; the block's start is top.
    Label[] inside = new Label[n];
    c.iconst(0).istore(RAN);
    Label top = c.newLabel();
    c.bind(top);
    inside[0] = top;
    for (int k = 0; k < n; k++) {
      int op = Decoder.op(ops[k]);
      boolean branch = op >= Op.BEQ && op <= Op.BGEU;
      if (branch || (op == Op.JAL && k == n - 1)) {
        int to = position(at, at[k] + Decoder.imm(ops[k]));
        if (to > 0 && inside[to] == null) {
          inside[to] = c.newLabel();
        }
      }
    }
    long off = 0;
    for (int k = 0; k < n; k++) {
      if (k > 0 && inside[k] != null) {
        c.bind(inside[k]);
      }
      long d = ops[k];
      int op = Decoder.op(d);
      int rd = Decoder.rd(d);
      int rs1 = Decoder.rs1(d);
      int rs2 = Decoder.rs2(d);
      int len = Decoder.len(d);
      long imm = Decoder.imm(d);
      boolean last = k == n - 1;
      switch (op) {
        case Op.NOP -> {}
        case Op.AUIPC -> {
          data(c, X_DATA);
          c.iconst(rd);
          pcPlus(c, off + imm);
          c.lastore();
        }
        case Op.JAL -> {
          data(c, X_DATA);
          c.iconst(rd);
          pcPlus(c, off + len);
          c.lastore();
          if (!last) {
            // a jump the block follows: its next instruction is the target
            off += imm - len;
          } else {
            taken(c, k, off + imm, at, inside, n);
          }
        }
        case Op.JALR -> {
          reg(c, rs1);
          c.lconst(imm).ladd().lconst(~1L).land().lstore(T);
          data(c, X_DATA);
          c.iconst(rd);
          pcPlus(c, off + len);
          c.lastore();
          ran(c, n);
          c.lload(T).lreturn();
        }
        case Op.BEQ, Op.BNE, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU -> {
          Label taken = c.newLabel();
          reg(c, rs1);
          reg(c, rs2);
          if (op == Op.BLTU || op == Op.BGEU) {
            c.invokestatic("java/lang/Long", "compareUnsigned", "(JJ)I");
          } else {
            c.lcmp();
          }
          switch (op) {
            case Op.BEQ -> c.ifeq(taken);
            case Op.BNE -> c.ifne(taken);
            case Op.BLT, Op.BLTU -> c.iflt(taken);
            default -> c.ifge(taken);
          }
          if (last) {
            ran(c, n);
            pcPlus(c, off + len);
            c.lreturn();
            c.bind(taken);
            taken(c, k, off + imm, at, inside, n);
          } else {
            exits.add(new SideExit(taken, k, off + imm));
          }
        }
        case Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.FLW, Op.FLD -> {
          boolean fpr = op == Op.FLW || op == Op.FLD;
          data(c, fpr ? F_DATA : X_DATA);
          c.iconst(fpr ? rd & 31 : rd);
          data(c, R_TAG_DATA);
          data(c, R_FRAME_DATA);
          c.aload(H);
          address(c, rs1, imm);
          pcPlus(c, off);
          done(c, k);
          c.iconst(fpr ? rd & 31 : rd).iconst(len);
          c.invokestatic(OPS, Op.name(op), LOAD_TYPE);
          c.lastore();
        }
        case Op.SB, Op.SH, Op.SW, Op.SD, Op.FSW, Op.FSD -> {
          data(c, W_TAG_DATA);
          data(c, W_FRAME_DATA);
          c.aload(H);
          address(c, rs1, imm);
          if (op == Op.FSW || op == Op.FSD) {
            data(c, F_DATA);
            c.iconst(rs2).laload();
          } else {
            reg(c, rs2);
          }
          pcPlus(c, off);
          done(c, k);
          c.iconst(len);
          String helper = op == Op.FSW ? "sw" : op == Op.FSD ? "sd" : Op.name(op);
          c.invokestatic(OPS, helper, STORE_TYPE);
        }
        case Op.MULH,
            Op.MULHSU,
            Op.MULHU,
            Op.DIV,
            Op.DIVU,
            Op.REM,
            Op.REMU,
            Op.DIVW,
            Op.DIVUW,
            Op.REMW,
            Op.REMUW -> {
          data(c, X_DATA);
          c.iconst(rd);
          reg(c, rs1);
          reg(c, rs2);
          c.invokestatic(OPS, Op.name(op), BINARY_TYPE);
          c.lastore();
        }
        case Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D, Op.FMADD_D, Op.FMSUB_D -> {
          fpDirect(c, op, d, off, k, len);
        }
        case Op.FLT_D,
            Op.FLE_D,
            Op.FEQ_D,
            Op.FSGNJ_D,
            Op.FSGNJN_D,
            Op.FSGNJX_D,
            Op.FMV_X_D,
            Op.FMV_D_X -> {
          // these carry no rounding mode, so the handler's dynamic-mode check never applies
          if ((imm & 7) == 7) {
            fpGeneric(c, op, d, off, k, len);
          } else {
            fpDirect(c, op, d, off, k, len);
          }
        }
        default -> {
          if (op >= Op.FADD_S) {
            fpGeneric(c, op, d, off, k, len);
          } else if (op >= Op.CSRRW && op <= Op.AMOMAXU_D) {
            c.aload(H).lconst(d);
            pcPlus(c, off);
            done(c, k);
            c.iconst(len);
            c.invokestatic(OPS, "rare", RARE_TYPE);
          } else {
            alu(c, op, rd, rs1, rs2, imm);
          }
        }
      }
      off += len;
    }
    if (!ends) {
      ran(c, n);
      pcPlus(c, off);
      c.lreturn();
    }
    for (SideExit e : exits) {
      c.bind(e.label());
      taken(c, e.k(), e.target(), at, inside, n);
    }
  }

  /**
   * A jump taken at instruction k to offset target: on at that instruction of the block when it
   * holds it, else out of the block. RAN + j stays the count of instructions run before instruction
   * j of this pass: a jump forward skips instructions, so RAN goes down by their count; a jump back
   * starts a part of another pass, so RAN goes up by those run since the target, and the block goes
   * on only while the budget holds a whole pass more, as at its end.
   */
  private void taken(BlockClassWriter c, int k, long target, long[] at, Label[] inside, int n) {
    int to = position(at, target);
    if (to > k) {
      c.iinc(RAN, -(to - k - 1));
      c.goto_(inside[to]);
    } else if (to >= 0) {
      c.iinc(RAN, k + 1 - to);
      c.iload(BUDGET).iload(RAN).isub().iconst(n).ifIcmpge(inside[to]);
      ran(c, to);
      pcPlus(c, target);
      c.lreturn();
    } else {
      ran(c, k + 1);
      pcPlus(c, target);
      c.lreturn();
    }
  }

  /** h.blockRan = instructions of earlier passes + count; the block is about to return. */
  private void ran(BlockClassWriter c, int count) {
    c.aload(H).iload(RAN);
    if (count != 0) {
      c.iconst(count).iadd();
    }
    c.putfield(HART, "blockRan", "I");
  }

  /** Pushes the instructions done before instruction k of this pass, earlier passes included. */
  private static void done(BlockClassWriter c, int k) {
    c.iload(RAN);
    if (k != 0) {
      c.iconst(k).iadd();
    }
  }

  private void fpDirect(BlockClassWriter c, int op, long d, long off, int k, int len) {
    data(c, F_DATA);
    c.aload(H).lconst(d);
    pcPlus(c, off);
    done(c, k);
    c.iconst(len);
    c.invokestatic(OPS, fpHelper(op), FP_DIRECT_TYPE);
  }

  private void fpGeneric(BlockClassWriter c, int op, long d, long off, int k, int len) {
    c.aload(H).iconst(op).lconst(d);
    pcPlus(c, off);
    done(c, k);
    c.iconst(len);
    c.invokestatic(OPS, "fp", FP_TYPE);
  }

  private static String fpHelper(int op) {
    return switch (op) {
      case Op.FADD_D -> "faddD";
      case Op.FSUB_D -> "fsubD";
      case Op.FMUL_D -> "fmulD";
      case Op.FDIV_D -> "fdivD";
      case Op.FMADD_D -> "fmaddD";
      case Op.FMSUB_D -> "fmsubD";
      case Op.FLT_D -> "fltD";
      case Op.FLE_D -> "fleD";
      case Op.FEQ_D -> "feqD";
      case Op.FSGNJ_D -> "fsgnjD";
      case Op.FSGNJN_D -> "fsgnjnD";
      case Op.FSGNJX_D -> "fsgnjxD";
      case Op.FMV_X_D -> "fmvXD";
      case Op.FMV_D_X -> "fmvDX";
      default -> throw new IllegalStateException("no direct FP helper for " + Op.name(op));
    };
  }

  /** Pushes x[r]. */
  private void reg(BlockClassWriter c, int r) {
    data(c, X_DATA);
    c.iconst(r).laload();
  }

  /** Pushes x[rs1] + imm. */
  private void address(BlockClassWriter c, int rs1, long imm) {
    reg(c, rs1);
    if (imm != 0) {
      c.lconst(imm).ladd();
    }
  }

  /** Pushes pc + delta. */
  private static void pcPlus(BlockClassWriter c, long delta) {
    c.lload(PC);
    if (delta != 0) {
      c.lconst(delta).ladd();
    }
  }

  /** x[rd] = the ALU op's result, as the execute loop computes it. */
  private void alu(BlockClassWriter c, int op, int rd, int rs1, int rs2, long imm) {
    data(c, X_DATA);
    c.iconst(rd);
    reg(c, rs1);
    boolean immediate = op <= Op.SRAIW;
    switch (op) {
      case Op.ADDI, Op.XORI, Op.ORI, Op.ANDI, Op.SLTI, Op.SLTIU -> c.lconst(imm);
      case Op.SLLI, Op.SRLI, Op.SRAI -> c.iconst((int) imm);
      case Op.ADDIW -> c.lconst(imm);
      case Op.SLLIW, Op.SRLIW, Op.SRAIW -> {
        c.l2i();
        c.iconst((int) imm);
      }
      case Op.SLL, Op.SRL, Op.SRA -> {
        reg(c, rs2);
        c.l2i();
      }
      case Op.SLLW, Op.SRLW, Op.SRAW -> {
        c.l2i();
        reg(c, rs2);
        c.l2i();
      }
      case Op.MULW -> {
        c.l2i();
        reg(c, rs2);
        c.l2i();
      }
      default -> {
        if (immediate) {
          throw new IllegalStateException("no compiled form for " + Op.name(op));
        }
        reg(c, rs2);
      }
    }
    switch (op) {
      case Op.ADDI, Op.ADD -> c.ladd();
      case Op.SUB -> c.lsub();
      case Op.XORI, Op.XOR -> c.lxor();
      case Op.ORI, Op.OR -> c.lor();
      case Op.ANDI, Op.AND -> c.land();
      case Op.SLLI, Op.SLL -> c.lshl();
      case Op.SRLI, Op.SRL -> c.lushr();
      case Op.SRAI, Op.SRA -> c.lshr();
      case Op.SLTI, Op.SLT -> c.invokestatic(HART, "lessThan", BINARY_TYPE);
      case Op.SLTIU, Op.SLTU -> c.invokestatic(HART, "lessThanUnsigned", BINARY_TYPE);
      case Op.ADDIW, Op.ADDW -> c.ladd().l2i().i2l();
      case Op.SUBW -> c.lsub().l2i().i2l();
      case Op.SLLIW, Op.SLLW -> c.ishl().i2l();
      case Op.SRLIW, Op.SRLW -> c.iushr().i2l();
      case Op.SRAIW, Op.SRAW -> c.ishr().i2l();
      case Op.MUL -> c.lmul();
      case Op.MULW -> c.imul().i2l();
      default -> throw new IllegalStateException("no compiled form for " + Op.name(op));
    }
    c.lastore();
  }
}
