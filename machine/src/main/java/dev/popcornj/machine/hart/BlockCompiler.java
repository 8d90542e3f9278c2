package dev.popcornj.machine.hart;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Translates a hot straight run of decoded instructions into a {@link CompiledBlock}: one hidden
 * class whose run method does what the execute loop would do for each instruction, in order, with
 * the register numbers, immediates and pc offsets as constants.
 *
 * <p>A block starts at a slot the loop reached often and takes instructions until a jump or branch
 * (which it includes and which computes the next pc), an instruction it does not compile (system
 * instructions, CSRs, atomics, fence.i, anything still illegal), or the end of the page. Loads,
 * stores, the M extension's long operations and FP instructions call {@link BlockOps}, whose slow
 * paths are the loop's, so traps, stop requests and code writes end the block exactly where the
 * loop would stop.
 */
final class BlockCompiler {
  /** Longest block, which bounds a class's size; a longer run continues in the next block. */
  static final int MAX_LENGTH = 64;

  private final ClassDesc hartDesc = ClassDesc.of(Hart.class.getName());
  private final ClassDesc blockDesc = ClassDesc.of(CompiledBlock.class.getName());
  private final ClassDesc opsDesc = ClassDesc.of(BlockOps.class.getName());
  private final ClassDesc longArray = CD_long.arrayType();
  private final MethodTypeDesc runType = MethodTypeDesc.of(CD_long, hartDesc, longArray, CD_long);
  private final MethodTypeDesc loadType =
      MethodTypeDesc.of(CD_long, hartDesc, CD_long, CD_long, CD_int, CD_int, CD_int);
  private final MethodTypeDesc storeType =
      MethodTypeDesc.of(CD_void, hartDesc, CD_long, CD_long, CD_long, CD_int, CD_int);
  private final MethodTypeDesc fpType =
      MethodTypeDesc.of(CD_void, hartDesc, CD_int, CD_long, CD_long, CD_int, CD_int);
  private final MethodTypeDesc fpDirectType =
      MethodTypeDesc.of(
          CD_void, hartDesc, CD_int, CD_int, CD_int, CD_int, CD_int, CD_long, CD_long, CD_int,
          CD_int);
  private final MethodTypeDesc binaryType = MethodTypeDesc.of(CD_long, CD_long, CD_long);
  private final MethodTypeDesc branchType =
      MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_long);

  /** The sentinel for slots where no block starts. */
  final CompiledBlock none = new CompiledBlock.None();

  private final Hart hart;

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
      s += Decoder.len(d) >>> 1;
      if (jumps(op)) {
        ends = true;
        break;
      }
    }
    if (n == 0) {
      return none;
    }
    byte[] bytes = generate(ops, n, ends);
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
      return (CompiledBlock)
          lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) {
      throw new IllegalStateException("hart " + hart.id() + ": block compiler failed", e);
    }
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
        || op >= Op.FADD_S && op < Op.COUNT;
  }

  private byte[] generate(long[] ops, int n, boolean ends) {
    ClassDesc name = ClassDesc.of(CompiledBlock.class.getPackageName() + ".Block");
    return ClassFile.of()
        .build(
            name,
            cb -> {
              cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
              cb.withSuperclass(blockDesc);
              cb.withMethodBody(
                  "<init>",
                  MethodTypeDesc.of(CD_void),
                  0,
                  c ->
                      c.aload(0)
                          .loadConstant(n)
                          .invokespecial(blockDesc, "<init>", MethodTypeDesc.of(CD_void, CD_int))
                          .return_());
              cb.withMethodBody("run", runType, ClassFile.ACC_FINAL, c -> body(c, ops, n, ends));
            });
  }

  // locals of run(Hart h, long[] x, long pc)
  private static final int H = 1;
  private static final int X = 2;
  private static final int PC = 3;
  private static final int T = 5;

  private void body(CodeBuilder c, long[] ops, int n, boolean ends) {
    int off = 0;
    for (int k = 0; k < n; k++) {
      long d = ops[k];
      int op = Decoder.op(d);
      int rd = Decoder.rd(d);
      int rs1 = Decoder.rs1(d);
      int rs2 = Decoder.rs2(d);
      int len = Decoder.len(d);
      long imm = Decoder.imm(d);
      switch (op) {
        case Op.NOP -> {}
        case Op.AUIPC -> {
          c.aload(X).loadConstant(rd);
          pcPlus(c, off + imm);
          c.lastore();
        }
        case Op.JAL -> {
          c.aload(X).loadConstant(rd);
          pcPlus(c, off + len);
          c.lastore();
          pcPlus(c, off + imm);
          c.lreturn();
        }
        case Op.JALR -> {
          reg(c, rs1);
          c.loadConstant(imm).ladd().loadConstant(~1L).land().lstore(T);
          c.aload(X).loadConstant(rd);
          pcPlus(c, off + len);
          c.lastore();
          c.lload(T).lreturn();
        }
        case Op.BEQ, Op.BNE, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU -> {
          reg(c, rs1);
          reg(c, rs2);
          pcPlus(c, off + imm);
          pcPlus(c, off + len);
          c.invokestatic(opsDesc, Op.name(op), branchType).lreturn();
        }
        case Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.FLW, Op.FLD -> {
          boolean fpr = op == Op.FLW || op == Op.FLD;
          if (fpr) {
            c.aload(H).getfield(hartDesc, "f", longArray);
          } else {
            c.aload(X);
          }
          c.loadConstant(fpr ? rd & 31 : rd);
          c.aload(H);
          address(c, rs1, imm);
          pcPlus(c, off);
          c.loadConstant(k).loadConstant(fpr ? rd & 31 : rd).loadConstant(len);
          c.invokestatic(opsDesc, Op.name(op), loadType);
          c.lastore();
        }
        case Op.SB, Op.SH, Op.SW, Op.SD, Op.FSW, Op.FSD -> {
          c.aload(H);
          address(c, rs1, imm);
          if (op == Op.FSW || op == Op.FSD) {
            c.aload(H).getfield(hartDesc, "f", longArray).loadConstant(rs2).laload();
          } else {
            reg(c, rs2);
          }
          pcPlus(c, off);
          c.loadConstant(k).loadConstant(len);
          String helper = op == Op.FSW ? "sw" : op == Op.FSD ? "sd" : Op.name(op);
          c.invokestatic(opsDesc, helper, storeType);
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
          c.aload(X).loadConstant(rd);
          reg(c, rs1);
          reg(c, rs2);
          c.invokestatic(opsDesc, Op.name(op), binaryType);
          c.lastore();
        }
        case Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D, Op.FMADD_D, Op.FMSUB_D -> {
          fpDirect(c, op, d, rd, rs1, rs2, imm, off, k, len);
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
            fpDirect(c, op, d, rd, rs1, rs2, imm, off, k, len);
          }
        }
        default -> {
          if (op >= Op.FADD_S) {
            fpGeneric(c, op, d, off, k, len);
          } else {
            alu(c, op, rd, rs1, rs2, imm);
          }
        }
      }
      off += len;
    }
    if (!ends) {
      pcPlus(c, off);
      c.lreturn();
    }
  }

  private void fpDirect(
      CodeBuilder c, int op, long d, int rd, int rs1, int rs2, long imm, int off, int k, int len) {
    c.aload(H).loadConstant(rd).loadConstant(rs1).loadConstant(rs2);
    c.loadConstant(Decoder.rs3(d)).loadConstant((int) imm & 7).loadConstant(d);
    pcPlus(c, off);
    c.loadConstant(k).loadConstant(len);
    c.invokestatic(opsDesc, fpHelper(op), fpDirectType);
  }

  private void fpGeneric(CodeBuilder c, int op, long d, int off, int k, int len) {
    c.aload(H).loadConstant(op).loadConstant(d);
    pcPlus(c, off);
    c.loadConstant(k).loadConstant(len);
    c.invokestatic(opsDesc, "fp", fpType);
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
  private static void reg(CodeBuilder c, int r) {
    c.aload(X).loadConstant(r).laload();
  }

  /** Pushes x[rs1] + imm. */
  private static void address(CodeBuilder c, int rs1, long imm) {
    reg(c, rs1);
    if (imm != 0) {
      c.loadConstant(imm).ladd();
    }
  }

  /** Pushes pc + delta. */
  private static void pcPlus(CodeBuilder c, long delta) {
    c.lload(PC);
    if (delta != 0) {
      c.loadConstant(delta).ladd();
    }
  }

  /** x[rd] = the ALU op's result, as the execute loop computes it. */
  private void alu(CodeBuilder c, int op, int rd, int rs1, int rs2, long imm) {
    c.aload(X).loadConstant(rd);
    reg(c, rs1);
    boolean immediate = op <= Op.SRAIW;
    switch (op) {
      case Op.ADDI, Op.XORI, Op.ORI, Op.ANDI, Op.SLTI, Op.SLTIU -> c.loadConstant(imm);
      case Op.SLLI, Op.SRLI, Op.SRAI -> c.loadConstant((int) imm);
      case Op.ADDIW -> c.loadConstant(imm);
      case Op.SLLIW, Op.SRLIW, Op.SRAIW -> {
        c.l2i();
        c.loadConstant((int) imm);
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
      case Op.SLTI, Op.SLT -> c.invokestatic(hartDesc, "lessThan", binaryType);
      case Op.SLTIU, Op.SLTU -> c.invokestatic(hartDesc, "lessThanUnsigned", binaryType);
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
