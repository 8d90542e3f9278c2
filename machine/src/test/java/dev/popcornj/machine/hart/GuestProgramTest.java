package dev.popcornj.machine.hart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test: small C programs compiled with the riscv64 cross gcc (-static, glibc) run on
 * the hart under {@link MiniLinux} and under qemu-riscv64 must print the same and exit the same.
 * Skipped when the cross toolchain or qemu is not installed (scripts/guest-toolchain installs
 * them).
 */
class GuestProgramTest {
  @TempDir Path dir;

  private static final String ARITH =
      """
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <math.h>
      static int cmp(const void *a, const void *b) {
        long x = *(const long *)a, y = *(const long *)b;
        return x < y ? -1 : x > y;
      }
      int main(int argc, char **argv) {
        printf("hello %s argc=%d\\n", argv[1], argc);
        long *v = malloc(1000 * sizeof(long));
        unsigned long s = 88172645463325252UL;
        for (int i = 0; i < 1000; i++) {
          s ^= s << 13; s ^= s >> 7; s ^= s << 17;
          v[i] = (long)(s % 100000) - 50000;
        }
        qsort(v, 1000, sizeof(long), cmp);
        long sum = 0;
        for (int i = 0; i < 1000; i++) sum += v[i] * (i % 7);
        printf("min %ld max %ld sum %ld\\n", v[0], v[999], sum);
        double x = 0;
        for (int i = 1; i < 100000; i++) x += 1.0 / ((double)i * i);
        printf("pi ~ %.12f sqrt2 %.9f\\n", sqrt(6 * x), sqrt(2.0));
        float f = 1.0f;
        for (int i = 0; i < 50; i++) f = f * 1.1f + 0.3f;
        printf("float %g %e %a\\n", f, (double)f / 3, 0.1);
        char buf[200];
        snprintf(buf, sizeof buf, "%d-%x-%o-%s-%5.2f", -12345, 0xdeadbeef, 0777, "str", -2.5);
        printf("%s len %zu\\n", buf, strlen(buf));
        unsigned long long big = 1;
        for (int i = 0; i < 63; i++) big = big * 3 + i;
        printf("%llu %lld %llu\\n", big, (long long)big / -7, big % 1000003);
        void *blocks[50];
        for (int i = 0; i < 50; i++) blocks[i] = malloc(1000 + i * 4096);
        for (int i = 0; i < 50; i += 2) free(blocks[i]);
        char *large = malloc(1 << 20);
        memset(large, 7, 1 << 20);
        long t = 0;
        for (int i = 0; i < (1 << 20); i += 4093) t += large[i];
        printf("large %ld\\n", t);
        free(v);
        return 3;
      }
      """;

  private static final String MISC =
      """
      #include <stdio.h>
      #include <stdint.h>
      #include <string.h>
      #include <setjmp.h>
      static jmp_buf env;
      static int depth(int n) { if (n == 0) longjmp(env, 42); return depth(n - 1) + 1; }
      static const char *names[] = {"zero", "one", "two", "three", "four", "five", "six"};
      static int sw(int k) {
        switch (k) { case 0: return 10; case 1: return 21; case 2: return 32; case 3: return 43;
                     case 4: return 54; case 5: return 65; default: return -1; }
      }
      int main(void) {
        int r = setjmp(env);
        if (r == 0) depth(100); else printf("longjmp %d\\n", r);
        long counter = 0;
        for (int i = 0; i < 1000; i++) __atomic_fetch_add(&counter, i, __ATOMIC_SEQ_CST);
        int w = 5;
        int old = __atomic_exchange_n(&w, 9, __ATOMIC_ACQ_REL);
        int expected = 9;
        int ok = __atomic_compare_exchange_n(&w, &expected, 11, 0, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST);
        unsigned int uw = 0xfffffff0u;
        __atomic_fetch_and(&uw, 0xff, __ATOMIC_RELAXED);
        __atomic_fetch_or(&uw, 0x100, __ATOMIC_RELAXED);
        printf("atomic %ld %d %d %d %u\\n", counter, old, ok, w, uw);
        unsigned __int128 a = (unsigned __int128)0xfedcba9876543210ULL * 0x123456789abcdefULL;
        __int128 sa = (__int128)-0x7edcba9876543210LL * 0x123456789abcdefLL;
        printf("i128 %016llx%016llx %lld\\n", (unsigned long long)(a >> 64),
               (unsigned long long)a, (long long)(sa >> 64));
        printf("div %llu %lld\\n", (unsigned long long)(a / 1000000007u), (long long)(sa % 97));
        int acc = 0;
        for (int i = 0; i < 8; i++) acc = acc * 3 + sw(i);
        printf("switch %d %s\\n", acc, names[acc & 3]);
        char s1[64], s2[64];
        strcpy(s1, "The quick brown fox");
        memmove(s1 + 4, s1, 10);
        snprintf(s2, sizeof s2, "%s|%d|%.3s", s1, strcmp(s1, "The"), strstr(s1, "quick"));
        printf("%s\\n", s2);
        volatile double d = -7.75; volatile float fl = 3.999f;
        printf("conv %d %u %ld %d %lld\\n", (int)d, (unsigned)fl, (long)(d * 1e10),
               (int)fl, (long long)(float)(1LL << 40));
        volatile double nan = 0.0 / 0.0, inf = 1.0 / 0.0;
        printf("special %f %f %d %d\\n", nan, -inf, nan == nan, inf > 1e308);
        uint32_t crc = 0xffffffff;
        for (int i = 0; i < 100000; i++) {
          crc ^= (uint8_t)(i * 31);
          for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
        }
        printf("crc %08x\\n", ~crc);
        return 0;
      }
      """;

  static List<Arguments> programs() {
    List<Arguments> out = new ArrayList<>();
    for (String opt : new String[] {"-O0", "-O2"}) {
      out.add(Arguments.of("arith", ARITH, opt, "rv64gc"));
      out.add(Arguments.of("misc", MISC, opt, "rv64gc"));
    }
    // glibc's static libraries are built with C, so every guest needs a hart with C
    out.add(Arguments.of("misc-os", MISC, "-Os -fno-inline", "rv64imafdc"));
    return out;
  }

  private static boolean have(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private record Result(String out, int status) {}

  private static Result exec(Path cwd, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.getErrorStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(out, p.exitValue());
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("programs")
  void sameOutputAsQemu(String name, String source, String flags, String isa) throws Exception {
    assumeTrue(have("riscv64-linux-gnu-gcc") && have("qemu-riscv64"), "no riscv64 toolchain");
    Path c = dir.resolve(name + ".c");
    Files.writeString(c, source);
    List<String> cc = new ArrayList<>(List.of("riscv64-linux-gnu-gcc", "-static", "-o", name));
    cc.addAll(List.of(flags.split(" ")));
    cc.addAll(List.of(c.toString(), "-lm"));
    Result built = exec(dir, cc);
    assertEquals(0, built.status(), "compile failed: " + built.out());
    Result qemu = exec(dir, List.of("qemu-riscv64", "./" + name, "arg1"));

    MiniLinux linux =
        new MiniLinux(Files.readAllBytes(dir.resolve(name)), isa, List.of(name, "arg1"));
    int status = linux.run(2_000_000_000L);
    assertEquals(qemu.out(), linux.output());
    assertEquals(qemu.status(), status);
  }
}
