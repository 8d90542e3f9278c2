/* A program without libc, linked as static-pie (ET_DYN, no PT_INTERP): it must run wherever the
 * loader places it, so it uses only pc-relative addresses. It prints its argc and arguments and
 * exits with status 7. */
static long sys3(long n, long a, long b, long c) {
  register long a7 __asm__("a7") = n;
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
  return a0;
}

static void put(const char *s) {
  long n = 0;
  while (s[n]) n++;
  sys3(64, 1, (long)s, n);
}

/* The initial stack holds argc at sp, then the argv pointers: read before any frame is built. */
__attribute__((noreturn)) void start_c(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char digit[3] = {(char)('0' + argc % 10), '\n', 0};
  put("static-pie says hello; argc=");
  put(digit);
  for (long i = 0; i < argc; i++) {
    put(argv[i]);
    put("\n");
  }
  sys3(94, 7, 0, 0);
  for (;;) {
  }
}

__asm__(".globl _start\n"
        "_start:\n"
        "  mv a0, sp\n"
        "  call start_c\n");
