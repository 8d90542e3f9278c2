/*
 * Runs single RISC-V F/D instructions on vectors read from stdin, for FpQemuTest.
 * Input lines:  <op> <rm> <a> <b> <c>   (rm decimal, operands hex raw bits / register values)
 * Output lines: <result> <fflags>       (hex; result is the destination register's 64 bits)
 * Operands reach f registers through fmv.w.x / fmv.d.x, so no C-level conversion touches them,
 * and the instructions use the dynamic rounding mode set with fsrm.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define S2(insn) \
  asm volatile("fmv.w.x f0,%1\n fmv.w.x f1,%2\n " insn " f2,f0,f1\n fmv.x.w %0,f2" \
               : "=r"(r) : "r"(a), "r"(b) : "f0", "f1", "f2")
#define D2(insn) \
  asm volatile("fmv.d.x f0,%1\n fmv.d.x f1,%2\n " insn " f2,f0,f1\n fmv.x.d %0,f2" \
               : "=r"(r) : "r"(a), "r"(b) : "f0", "f1", "f2")
#define S3(insn) \
  asm volatile("fmv.w.x f0,%1\n fmv.w.x f1,%2\n fmv.w.x f2,%3\n " insn " f3,f0,f1,f2\n fmv.x.w %0,f3" \
               : "=r"(r) : "r"(a), "r"(b), "r"(c) : "f0", "f1", "f2", "f3")
#define D3(insn) \
  asm volatile("fmv.d.x f0,%1\n fmv.d.x f1,%2\n fmv.d.x f2,%3\n " insn " f3,f0,f1,f2\n fmv.x.d %0,f3" \
               : "=r"(r) : "r"(a), "r"(b), "r"(c) : "f0", "f1", "f2", "f3")
#define S1(insn) \
  asm volatile("fmv.w.x f0,%1\n " insn " f2,f0\n fmv.x.w %0,f2" : "=r"(r) : "r"(a) : "f0", "f2")
#define D1(insn) \
  asm volatile("fmv.d.x f0,%1\n " insn " f2,f0\n fmv.x.d %0,f2" : "=r"(r) : "r"(a) : "f0", "f2")
/* f register (single or double source) to integer register */
#define SX(insn) asm volatile("fmv.w.x f0,%1\n " insn " %0,f0" : "=r"(r) : "r"(a) : "f0")
#define DX(insn) asm volatile("fmv.d.x f0,%1\n " insn " %0,f0" : "=r"(r) : "r"(a) : "f0")
#define SXX(insn) \
  asm volatile("fmv.w.x f0,%1\n fmv.w.x f1,%2\n " insn " %0,f0,f1" : "=r"(r) : "r"(a), "r"(b) : "f0", "f1")
#define DXX(insn) \
  asm volatile("fmv.d.x f0,%1\n fmv.d.x f1,%2\n " insn " %0,f0,f1" : "=r"(r) : "r"(a), "r"(b) : "f0", "f1")
/* integer register to f register */
#define XS(insn) asm volatile(insn " f2,%1\n fmv.x.w %0,f2" : "=r"(r) : "r"(a) : "f2")
#define XD(insn) asm volatile(insn " f2,%1\n fmv.x.d %0,f2" : "=r"(r) : "r"(a) : "f2")

int main(void) {
  char op[32];
  unsigned rm;
  unsigned long long a, b, c;
  while (scanf("%31s %u %llx %llx %llx", op, &rm, &a, &b, &c) == 5) {
    uint64_t r = 0, fl = 0;
    asm volatile("fsrm %0" : : "r"((uint64_t) rm));
    asm volatile("fsflags zero");
#define OP(name, body) else if (strcmp(op, name) == 0) { body; }
    if (0) {
    }
    OP("fadd.s", S2("fadd.s"))
    OP("fsub.s", S2("fsub.s"))
    OP("fmul.s", S2("fmul.s"))
    OP("fdiv.s", S2("fdiv.s"))
    OP("fmin.s", S2("fmin.s"))
    OP("fmax.s", S2("fmax.s"))
    OP("fsqrt.s", S1("fsqrt.s"))
    OP("fmadd.s", S3("fmadd.s"))
    OP("fmsub.s", S3("fmsub.s"))
    OP("fnmsub.s", S3("fnmsub.s"))
    OP("fnmadd.s", S3("fnmadd.s"))
    OP("feq.s", SXX("feq.s"))
    OP("flt.s", SXX("flt.s"))
    OP("fle.s", SXX("fle.s"))
    OP("fclass.s", SX("fclass.s"))
    OP("fcvt.w.s", SX("fcvt.w.s"))
    OP("fcvt.wu.s", SX("fcvt.wu.s"))
    OP("fcvt.l.s", SX("fcvt.l.s"))
    OP("fcvt.lu.s", SX("fcvt.lu.s"))
    OP("fcvt.s.w", XS("fcvt.s.w"))
    OP("fcvt.s.wu", XS("fcvt.s.wu"))
    OP("fcvt.s.l", XS("fcvt.s.l"))
    OP("fcvt.s.lu", XS("fcvt.s.lu"))
    OP("fadd.d", D2("fadd.d"))
    OP("fsub.d", D2("fsub.d"))
    OP("fmul.d", D2("fmul.d"))
    OP("fdiv.d", D2("fdiv.d"))
    OP("fmin.d", D2("fmin.d"))
    OP("fmax.d", D2("fmax.d"))
    OP("fsqrt.d", D1("fsqrt.d"))
    OP("fmadd.d", D3("fmadd.d"))
    OP("fmsub.d", D3("fmsub.d"))
    OP("fnmsub.d", D3("fnmsub.d"))
    OP("fnmadd.d", D3("fnmadd.d"))
    OP("feq.d", DXX("feq.d"))
    OP("flt.d", DXX("flt.d"))
    OP("fle.d", DXX("fle.d"))
    OP("fclass.d", DX("fclass.d"))
    OP("fcvt.w.d", DX("fcvt.w.d"))
    OP("fcvt.wu.d", DX("fcvt.wu.d"))
    OP("fcvt.l.d", DX("fcvt.l.d"))
    OP("fcvt.lu.d", DX("fcvt.lu.d"))
    OP("fcvt.d.w", XD("fcvt.d.w"))
    OP("fcvt.d.wu", XD("fcvt.d.wu"))
    OP("fcvt.d.l", XD("fcvt.d.l"))
    OP("fcvt.d.lu", XD("fcvt.d.lu"))
    OP("fcvt.s.d", asm volatile("fmv.d.x f0,%1\n fcvt.s.d f2,f0\n fmv.x.w %0,f2" : "=r"(r) : "r"(a) : "f0", "f2"))
    OP("fcvt.d.s", asm volatile("fmv.w.x f0,%1\n fcvt.d.s f2,f0\n fmv.x.d %0,f2" : "=r"(r) : "r"(a) : "f0", "f2"))
    else {
      printf("unknown-op 0\n");
      continue;
    }
    asm volatile("frflags %0" : "=r"(fl));
    printf("%llx %llx\n", (unsigned long long) r, (unsigned long long) fl);
  }
  return 0;
}
