/* A switch-heavy bytecode interpreter running a small stack-machine program: primes below a bound
 * and a Collatz walk, the shape of loop that dominates interpreters. */
#include <inttypes.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, DUP, JMP, JZ, JLT, PRINT, HALT, INC, DIV2, ODD };

typedef struct { uint8_t op; int32_t arg; } insn;

static int64_t run(const insn *code, int64_t *vars, int quiet) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  int64_t steps = 0;
  for (;;) {
    const insn in = code[pc++];
    steps++;
    switch (in.op) {
      case PUSH: stack[sp++] = in.arg; break;
      case LOAD: stack[sp++] = vars[in.arg]; break;
      case STORE: vars[in.arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case JMP: pc = in.arg; break;
      case JZ: if (stack[--sp] == 0) pc = in.arg; break;
      case JLT: sp -= 2; if (stack[sp] < stack[sp + 1]) pc = in.arg; break;
      case PRINT: if (!quiet) printf("%" PRId64 "\n", stack[sp - 1]); sp--; break;
      case INC: vars[in.arg]++; break;
      case DIV2: stack[sp - 1] /= 2; break;
      case ODD: stack[sp - 1] &= 1; break;
      case HALT: return steps;
      default: printf("bad opcode %d\n", in.op); return -1;
    }
  }
}

int main(void) {
  /* vars: 0 = n, 1 = d, 2 = count, 3 = limit */
  const insn primes[] = {
      {PUSH, 2}, {STORE, 0},                      /* 0: n = 2 */
      {LOAD, 0}, {LOAD, 3}, {JLT, 6}, {JMP, 24},  /* 2: while n < limit */
      {PUSH, 2}, {STORE, 1},                      /* 6: d = 2 */
      {LOAD, 0}, {LOAD, 1}, {LOAD, 1}, {MUL, 0},  /* 8: until n < d*d */
      {JLT, 20},                                  /* 12: then n is prime */
      {LOAD, 0}, {LOAD, 1}, {MOD, 0}, {JZ, 22},   /* 13: if n % d == 0 not prime */
      {INC, 1}, {JMP, 8},                         /* 17 */
      {HALT, 0},                                  /* 19: unused */
      {INC, 2}, {JMP, 22},                        /* 20: prime: count++ */
      {INC, 0}, {JMP, 2},                         /* 22: n++ */
      {LOAD, 2}, {PRINT, 0}, {HALT, 0}};          /* 24 */
  int64_t vars[8] = {0, 0, 0, 30000};
  int64_t steps = run(primes, vars, 0);
  printf("primes below %" PRId64 ": %" PRId64 " in %" PRId64 " steps\n", vars[3], vars[2], steps);

  /* Collatz walk from vars[0], counting steps in vars[2]; checked against the same walk in C. */
  const insn collatz[] = {
      {LOAD, 0}, {PUSH, 1}, {SUB, 0}, {JZ, 18},            /* 0: while n != 1 */
      {INC, 2}, {LOAD, 0}, {ODD, 0}, {JZ, 14},             /* 4: count++; if odd */
      {LOAD, 0}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, /* 8: 3n+1 */
      {JMP, 16},                                           /* 13 */
      {LOAD, 0}, {DIV2, 0},                                /* 14: n/2 */
      {STORE, 0}, {JMP, 0},                                /* 16: n = top */
      {HALT, 0}};                                          /* 18 */
  int64_t total = 0, longest = 0, arg = 0, mismatches = 0, vm_steps = 0;
  for (int64_t n = 1; n < 3000; n++) {
    int64_t x = n, c = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x / 2;
      c++;
    }
    int64_t cv[8] = {n, 0, 0, 0};
    vm_steps += run(collatz, cv, 1);
    mismatches += cv[2] != c;
    total += c;
    if (c > longest) { longest = c; arg = n; }
  }
  printf("collatz: total %" PRId64 " longest %" PRId64 " at %" PRId64 " vm steps %" PRId64 " mismatches %" PRId64 "\n",
         total, longest, arg, vm_steps, mismatches);
  return 0;
}
