package dev.popcornj.machine.hart;

import java.util.List;

/**
 * Operation ids of pre-decoded instructions: the values of the low byte of a decoded word (see
 * {@link Decoder}). Compressed instructions share the ids of the instructions they expand to; the
 * first few ids are the hart's own pseudo-operations.
 */
final class Op {
  private Op() {}

  /** Slot not decoded yet: the execute loop decodes it and dispatches again. */
  static final int UNDECODED = 0;

  /** Sentinel past the end of a page (and in the straddle scratch page): look the page up again. */
  static final int PAGE_END = 1;

  /** A 4-byte instruction whose upper half lies on the next page: fetched and decoded each time. */
  static final int STRADDLE = 2;

  /** Raises illegal instruction; the immediate holds the instruction bits. */
  static final int ILLEGAL = 3;

  /** No architectural effect (FENCE, HINTs, ALU ops writing x0). */
  static final int NOP = 4;

  static final int ADDI = 5;
  static final int AUIPC = 6;
  static final int JAL = 7;
  static final int JALR = 8;

  /** JALR on a hart without C, where the target must also be 4-byte aligned. */
  static final int JALR_NO_C = 9;

  static final int BEQ = 10;
  static final int BNE = 11;
  static final int BLT = 12;
  static final int BGE = 13;
  static final int BLTU = 14;
  static final int BGEU = 15;
  static final int LB = 16;
  static final int LH = 17;
  static final int LW = 18;
  static final int LD = 19;
  static final int LBU = 20;
  static final int LHU = 21;
  static final int LWU = 22;
  static final int SB = 23;
  static final int SH = 24;
  static final int SW = 25;
  static final int SD = 26;
  static final int SLTI = 27;
  static final int SLTIU = 28;
  static final int XORI = 29;
  static final int ORI = 30;
  static final int ANDI = 31;
  static final int SLLI = 32;
  static final int SRLI = 33;
  static final int SRAI = 34;
  static final int ADDIW = 35;
  static final int SLLIW = 36;
  static final int SRLIW = 37;
  static final int SRAIW = 38;
  static final int ADD = 39;
  static final int SUB = 40;
  static final int SLL = 41;
  static final int SLT = 42;
  static final int SLTU = 43;
  static final int XOR = 44;
  static final int SRL = 45;
  static final int SRA = 46;
  static final int OR = 47;
  static final int AND = 48;
  static final int ADDW = 49;
  static final int SUBW = 50;
  static final int SLLW = 51;
  static final int SRLW = 52;
  static final int SRAW = 53;
  static final int MUL = 54;
  static final int MULH = 55;
  static final int MULHSU = 56;
  static final int MULHU = 57;
  static final int DIV = 58;
  static final int DIVU = 59;
  static final int REM = 60;
  static final int REMU = 61;
  static final int MULW = 62;
  static final int DIVW = 63;
  static final int DIVUW = 64;
  static final int REMW = 65;
  static final int REMUW = 66;
  static final int FLW = 67;
  static final int FLD = 68;
  static final int FSW = 69;
  static final int FSD = 70;
  static final int FENCE_I = 71;
  static final int ECALL = 72;
  static final int EBREAK = 73;
  static final int CSRRW = 74;
  static final int CSRRS = 75;
  static final int CSRRC = 76;
  static final int CSRRWI = 77;
  static final int CSRRSI = 78;
  static final int CSRRCI = 79;
  static final int LR_W = 80;
  static final int SC_W = 81;
  static final int AMOSWAP_W = 82;
  static final int AMOADD_W = 83;
  static final int AMOXOR_W = 84;
  static final int AMOAND_W = 85;
  static final int AMOOR_W = 86;
  static final int AMOMIN_W = 87;
  static final int AMOMAX_W = 88;
  static final int AMOMINU_W = 89;
  static final int AMOMAXU_W = 90;
  static final int LR_D = 91;
  static final int SC_D = 92;
  static final int AMOSWAP_D = 93;
  static final int AMOADD_D = 94;
  static final int AMOXOR_D = 95;
  static final int AMOAND_D = 96;
  static final int AMOOR_D = 97;
  static final int AMOMIN_D = 98;
  static final int AMOMAX_D = 99;
  static final int AMOMINU_D = 100;
  static final int AMOMAXU_D = 101;
  static final int FADD_S = 102;
  static final int FSUB_S = 103;
  static final int FMUL_S = 104;
  static final int FDIV_S = 105;
  static final int FSQRT_S = 106;
  static final int FSGNJ_S = 107;
  static final int FSGNJN_S = 108;
  static final int FSGNJX_S = 109;
  static final int FMIN_S = 110;
  static final int FMAX_S = 111;
  static final int FEQ_S = 112;
  static final int FLT_S = 113;
  static final int FLE_S = 114;
  static final int FCLASS_S = 115;
  static final int FMV_X_W = 116;
  static final int FMV_W_X = 117;
  static final int FCVT_W_S = 118;
  static final int FCVT_WU_S = 119;
  static final int FCVT_L_S = 120;
  static final int FCVT_LU_S = 121;
  static final int FCVT_S_W = 122;
  static final int FCVT_S_WU = 123;
  static final int FCVT_S_L = 124;
  static final int FCVT_S_LU = 125;
  static final int FMADD_S = 126;
  static final int FMSUB_S = 127;
  static final int FNMSUB_S = 128;
  static final int FNMADD_S = 129;
  static final int FADD_D = 130;
  static final int FSUB_D = 131;
  static final int FMUL_D = 132;
  static final int FDIV_D = 133;
  static final int FSQRT_D = 134;
  static final int FSGNJ_D = 135;
  static final int FSGNJN_D = 136;
  static final int FSGNJX_D = 137;
  static final int FMIN_D = 138;
  static final int FMAX_D = 139;
  static final int FEQ_D = 140;
  static final int FLT_D = 141;
  static final int FLE_D = 142;
  static final int FCLASS_D = 143;
  static final int FMV_X_D = 144;
  static final int FMV_D_X = 145;
  static final int FCVT_W_D = 146;
  static final int FCVT_WU_D = 147;
  static final int FCVT_L_D = 148;
  static final int FCVT_LU_D = 149;
  static final int FCVT_D_W = 150;
  static final int FCVT_D_WU = 151;
  static final int FCVT_D_L = 152;
  static final int FCVT_D_LU = 153;
  static final int FMADD_D = 154;
  static final int FMSUB_D = 155;
  static final int FNMSUB_D = 156;
  static final int FNMADD_D = 157;
  static final int FCVT_S_D = 158;
  static final int FCVT_D_S = 159;

  /** Number of ids; must stay within the 8-bit op field. */
  static final int COUNT = 160;

  private static final List<String> NAMES =
      List.of(
          "undecoded",
          "page.end",
          "straddle",
          "illegal",
          "nop",
          "addi",
          "auipc",
          "jal",
          "jalr",
          "jalr.no.c",
          "beq",
          "bne",
          "blt",
          "bge",
          "bltu",
          "bgeu",
          "lb",
          "lh",
          "lw",
          "ld",
          "lbu",
          "lhu",
          "lwu",
          "sb",
          "sh",
          "sw",
          "sd",
          "slti",
          "sltiu",
          "xori",
          "ori",
          "andi",
          "slli",
          "srli",
          "srai",
          "addiw",
          "slliw",
          "srliw",
          "sraiw",
          "add",
          "sub",
          "sll",
          "slt",
          "sltu",
          "xor",
          "srl",
          "sra",
          "or",
          "and",
          "addw",
          "subw",
          "sllw",
          "srlw",
          "sraw",
          "mul",
          "mulh",
          "mulhsu",
          "mulhu",
          "div",
          "divu",
          "rem",
          "remu",
          "mulw",
          "divw",
          "divuw",
          "remw",
          "remuw",
          "flw",
          "fld",
          "fsw",
          "fsd",
          "fence.i",
          "ecall",
          "ebreak",
          "csrrw",
          "csrrs",
          "csrrc",
          "csrrwi",
          "csrrsi",
          "csrrci",
          "lr.w",
          "sc.w",
          "amoswap.w",
          "amoadd.w",
          "amoxor.w",
          "amoand.w",
          "amoor.w",
          "amomin.w",
          "amomax.w",
          "amominu.w",
          "amomaxu.w",
          "lr.d",
          "sc.d",
          "amoswap.d",
          "amoadd.d",
          "amoxor.d",
          "amoand.d",
          "amoor.d",
          "amomin.d",
          "amomax.d",
          "amominu.d",
          "amomaxu.d",
          "fadd.s",
          "fsub.s",
          "fmul.s",
          "fdiv.s",
          "fsqrt.s",
          "fsgnj.s",
          "fsgnjn.s",
          "fsgnjx.s",
          "fmin.s",
          "fmax.s",
          "feq.s",
          "flt.s",
          "fle.s",
          "fclass.s",
          "fmv.x.w",
          "fmv.w.x",
          "fcvt.w.s",
          "fcvt.wu.s",
          "fcvt.l.s",
          "fcvt.lu.s",
          "fcvt.s.w",
          "fcvt.s.wu",
          "fcvt.s.l",
          "fcvt.s.lu",
          "fmadd.s",
          "fmsub.s",
          "fnmsub.s",
          "fnmadd.s",
          "fadd.d",
          "fsub.d",
          "fmul.d",
          "fdiv.d",
          "fsqrt.d",
          "fsgnj.d",
          "fsgnjn.d",
          "fsgnjx.d",
          "fmin.d",
          "fmax.d",
          "feq.d",
          "flt.d",
          "fle.d",
          "fclass.d",
          "fmv.x.d",
          "fmv.d.x",
          "fcvt.w.d",
          "fcvt.wu.d",
          "fcvt.l.d",
          "fcvt.lu.d",
          "fcvt.d.w",
          "fcvt.d.wu",
          "fcvt.d.l",
          "fcvt.d.lu",
          "fmadd.d",
          "fmsub.d",
          "fnmsub.d",
          "fnmadd.d",
          "fcvt.s.d",
          "fcvt.d.s");

  /** The mnemonic of an op id, for diagnostics. */
  static String name(int op) {
    return op >= 0 && op < COUNT ? NAMES.get(op) : "op" + op;
  }
}
