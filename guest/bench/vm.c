/* An integer-only speed benchmark: a small stack-machine interpreter (switch dispatch, the shape
 * of most language interpreters) running three bytecode programs: Collatz chain lengths, a prime
 * sieve in the machine's memory, and an iterated hash over a table. No floating point. Prints one
 * checksum per run so runs can be compared; argv[1] is the number of rounds (default 5). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum op {
  PUSH, LOAD, STORE, ADD, SUB, MUL, DIVU, REMU, AND, XOR, SHR, SHL, DUP, DROP, SWAP, OVER,
  JMP, JZ, JNZ, LT, EQ, MLOAD, MSTORE, HALT
};

typedef struct {
  uint8_t op;
  int32_t arg;
} insn;

#define MEM 65536
static uint64_t mem[MEM];

static uint64_t run(const insn *code, uint64_t *vars) {
  uint64_t stack[64];
  int sp = 0;
  int pc = 0;
  for (;;) {
    const insn *i = &code[pc++];
    switch (i->op) {
      case PUSH: stack[sp++] = (uint64_t)(int64_t)i->arg; break;
      case LOAD: stack[sp++] = vars[i->arg]; break;
      case STORE: vars[i->arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DIVU: sp--; stack[sp - 1] /= stack[sp]; break;
      case REMU: sp--; stack[sp - 1] %= stack[sp]; break;
      case AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
      case SHL: sp--; stack[sp - 1] <<= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case DROP: sp--; break;
      case SWAP: { uint64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
      case OVER: stack[sp] = stack[sp - 2]; sp++; break;
      case JMP: pc = i->arg; break;
      case JZ: if (stack[--sp] == 0) pc = i->arg; break;
      case JNZ: if (stack[--sp] != 0) pc = i->arg; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case MLOAD: stack[sp - 1] = mem[stack[sp - 1] % MEM]; break;
      case MSTORE: sp -= 2; mem[stack[sp + 1] % MEM] = stack[sp]; break;
      case HALT: return sp > 0 ? stack[sp - 1] : 0;
      default: abort();
    }
  }
}

/* vars: 0 n, 1 limit, 2 x, 3 steps, 4 total: the sum of the Collatz chain lengths of 1..limit-1 */
static const insn collatz[] = {
  /* 0 */ {PUSH, 1}, {STORE, 0}, {PUSH, 0}, {STORE, 4},
  /* 4: n < limit ? */ {LOAD, 0}, {LOAD, 1}, {LT, 0}, {JZ, 44},
  /* 8: x = n, steps = 0 */ {LOAD, 0}, {STORE, 2}, {PUSH, 0}, {STORE, 3},
  /* 12: x != 1 ? */ {LOAD, 2}, {PUSH, 1}, {EQ, 0}, {JNZ, 35},
  /* 16: odd ? */ {LOAD, 2}, {PUSH, 1}, {AND, 0}, {JZ, 26},
  /* 20: 3x + 1 */ {LOAD, 2}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {JMP, 29},
  /* 26: x >> 1 */ {LOAD, 2}, {PUSH, 1}, {SHR, 0},
  /* 29: x = that, steps++ */ {STORE, 2}, {LOAD, 3}, {PUSH, 1}, {ADD, 0}, {STORE, 3}, {JMP, 12},
  /* 35: total += steps, n++ */ {LOAD, 4}, {LOAD, 3}, {ADD, 0}, {STORE, 4},
  /* 39 */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 4},
  /* 44 */ {LOAD, 4}, {HALT, 0},
};

/* vars: 0 i, 1 limit, 2 j, 3 count; mem[k] = 1 marks k composite */
static const insn sieve[] = {
  /* 0: clear mem[0..limit) */ {PUSH, 0}, {STORE, 0},
  /* 2 */ {LOAD, 0}, {LOAD, 1}, {LT, 0}, {JZ, 14},
  /* 6 */ {PUSH, 0}, {LOAD, 0}, {MSTORE, 0}, {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0},
  /* 13 */ {JMP, 2},
  /* 14: i = 2, count = 0 */ {PUSH, 2}, {STORE, 0}, {PUSH, 0}, {STORE, 3},
  /* 18: i < limit ? */ {LOAD, 0}, {LOAD, 1}, {LT, 0}, {JZ, 49},
  /* 22: composite? */ {LOAD, 0}, {MLOAD, 0}, {JNZ, 44},
  /* 25: prime: count++, j = i * i */ {LOAD, 3}, {PUSH, 1}, {ADD, 0}, {STORE, 3},
  /* 29 */ {LOAD, 0}, {DUP, 0}, {MUL, 0}, {STORE, 2},
  /* 33: j < limit ? mark */ {LOAD, 2}, {LOAD, 1}, {LT, 0}, {JZ, 44},
  /* 37 */ {PUSH, 1}, {LOAD, 2}, {MSTORE, 0}, {LOAD, 2}, {LOAD, 0}, {ADD, 0}, {JMP, 51},
  /* 44: i++ */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 18},
  /* 49 */ {LOAD, 3}, {HALT, 0},
  /* 51: j = j + i (on the stack) */ {STORE, 2}, {JMP, 33},
};

/* vars: 0 i, 1 limit, 2 h; h = (h ^ mem[i % 4096]) * prime, mem[h % 4096] += i */
static const insn hashing[] = {
  /* 0 */ {PUSH, 0}, {STORE, 0},
  /* 2 */ {LOAD, 0}, {LOAD, 1}, {LT, 0}, {JZ, 31},
  /* 6 */ {LOAD, 2}, {LOAD, 0}, {PUSH, 4095}, {AND, 0}, {MLOAD, 0}, {XOR, 0},
  /* 12 */ {PUSH, 1099511}, {MUL, 0}, {DUP, 0}, {PUSH, 29}, {SHR, 0}, {XOR, 0}, {STORE, 2},
  /* 19 */ {LOAD, 2}, {PUSH, 4095}, {AND, 0}, {DUP, 0}, {MLOAD, 0}, {LOAD, 0}, {ADD, 0},
  /* 26 */ {SWAP, 0}, {MSTORE, 0}, {LOAD, 0}, {PUSH, 1}, {JMP, 33},
  /* 31 */ {LOAD, 2}, {HALT, 0},
  /* 33: i = i + 1 */ {ADD, 0}, {STORE, 0}, {JMP, 2},
};

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  uint64_t check = 0;
  for (int r = 0; r < rounds; r++) {
    uint64_t v[8] = {0};
    v[1] = 3000 + r;
    check = check * 31 + run(collatz, v);
    uint64_t s[8] = {0};
    s[1] = 60000 - r;
    check = check * 31 + run(sieve, s);
    uint64_t h[8] = {0};
    h[1] = 200000;
    h[2] = (uint64_t)r * 0x9e3779b97f4a7c15ULL;
    check = check * 31 + run(hashing, h);
  }
  printf("vm rounds=%d checksum=%016" PRIx64 "\n", rounds, check);
  return 0;
}
