package dev.popcornj.machine.hart.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.hart.fp.RefFloat.Format;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against qemu-riscv64: a small static riscv64 program ({@code fpvec.c}) runs
 * each F/D instruction on seeded operands in every rounding mode and prints the destination
 * register and fflags, which must equal Fp's result and flags. Skipped when the cross compiler or
 * qemu-user is not installed.
 */
class FpQemuTest {
  // Soak runs: -Dpopcornj.fp.qemuSets=<operand sets per instruction> -Dpopcornj.fp.seed=<hex>.
  private static final int SETS_PER_OP = Integer.getInteger("popcornj.fp.qemuSets", 300);
  private static final long SEED =
      Long.parseUnsignedLong(System.getProperty("popcornj.fp.seed", "9e3779b97f4a7c15"), 16);

  interface Impl {
    /** The destination register as the instruction writes it (single results sign-extended). */
    long run(long a, long b, long c, int rm, FpEnv e);
  }

  /** An instruction: its mnemonic, operand kind (null for integer sources), arity, model. */
  record Insn(String name, Format in, int arity, Impl impl) {}

  private static long sx(int s) {
    return s; // fmv.x.w sign-extends the single's bits
  }

  private static long bool(boolean b) {
    return b ? 1 : 0;
  }

  private static final Format S = Format.SINGLE;
  private static final Format D = Format.DOUBLE;

  private static List<Insn> instructions() {
    List<Insn> l = new ArrayList<>();
    l.add(new Insn("fadd.s", S, 2, (a, b, c, rm, e) -> sx(Fp.addS((int) a, (int) b, rm, e))));
    l.add(new Insn("fsub.s", S, 2, (a, b, c, rm, e) -> sx(Fp.subS((int) a, (int) b, rm, e))));
    l.add(new Insn("fmul.s", S, 2, (a, b, c, rm, e) -> sx(Fp.mulS((int) a, (int) b, rm, e))));
    l.add(new Insn("fdiv.s", S, 2, (a, b, c, rm, e) -> sx(Fp.divS((int) a, (int) b, rm, e))));
    l.add(new Insn("fmin.s", S, 2, (a, b, c, rm, e) -> sx(Fp.minS((int) a, (int) b, e))));
    l.add(new Insn("fmax.s", S, 2, (a, b, c, rm, e) -> sx(Fp.maxS((int) a, (int) b, e))));
    l.add(new Insn("fsqrt.s", S, 1, (a, b, c, rm, e) -> sx(Fp.sqrtS((int) a, rm, e))));
    l.add(
        new Insn(
            "fmadd.s", S, 3, (a, b, c, rm, e) -> sx(Fp.fmaddS((int) a, (int) b, (int) c, rm, e))));
    l.add(
        new Insn(
            "fmsub.s", S, 3, (a, b, c, rm, e) -> sx(Fp.fmsubS((int) a, (int) b, (int) c, rm, e))));
    l.add(
        new Insn(
            "fnmsub.s",
            S,
            3,
            (a, b, c, rm, e) -> sx(Fp.fnmsubS((int) a, (int) b, (int) c, rm, e))));
    l.add(
        new Insn(
            "fnmadd.s",
            S,
            3,
            (a, b, c, rm, e) -> sx(Fp.fnmaddS((int) a, (int) b, (int) c, rm, e))));
    l.add(new Insn("feq.s", S, 2, (a, b, c, rm, e) -> bool(Fp.eqS((int) a, (int) b, e))));
    l.add(new Insn("flt.s", S, 2, (a, b, c, rm, e) -> bool(Fp.ltS((int) a, (int) b, e))));
    l.add(new Insn("fle.s", S, 2, (a, b, c, rm, e) -> bool(Fp.leS((int) a, (int) b, e))));
    l.add(new Insn("fclass.s", S, 1, (a, b, c, rm, e) -> Fp.classifyS((int) a)));
    l.add(new Insn("fcvt.w.s", S, 1, (a, b, c, rm, e) -> Fp.cvtWS((int) a, rm, e)));
    l.add(new Insn("fcvt.wu.s", S, 1, (a, b, c, rm, e) -> Fp.cvtWuS((int) a, rm, e)));
    l.add(new Insn("fcvt.l.s", S, 1, (a, b, c, rm, e) -> Fp.cvtLS((int) a, rm, e)));
    l.add(new Insn("fcvt.lu.s", S, 1, (a, b, c, rm, e) -> Fp.cvtLuS((int) a, rm, e)));
    l.add(new Insn("fcvt.s.w", null, 1, (a, b, c, rm, e) -> sx(Fp.cvtSW(a, rm, e))));
    l.add(new Insn("fcvt.s.wu", null, 1, (a, b, c, rm, e) -> sx(Fp.cvtSWu(a, rm, e))));
    l.add(new Insn("fcvt.s.l", null, 1, (a, b, c, rm, e) -> sx(Fp.cvtSL(a, rm, e))));
    l.add(new Insn("fcvt.s.lu", null, 1, (a, b, c, rm, e) -> sx(Fp.cvtSLu(a, rm, e))));
    l.add(new Insn("fadd.d", D, 2, (a, b, c, rm, e) -> Fp.addD(a, b, rm, e)));
    l.add(new Insn("fsub.d", D, 2, (a, b, c, rm, e) -> Fp.subD(a, b, rm, e)));
    l.add(new Insn("fmul.d", D, 2, (a, b, c, rm, e) -> Fp.mulD(a, b, rm, e)));
    l.add(new Insn("fdiv.d", D, 2, (a, b, c, rm, e) -> Fp.divD(a, b, rm, e)));
    l.add(new Insn("fmin.d", D, 2, (a, b, c, rm, e) -> Fp.minD(a, b, e)));
    l.add(new Insn("fmax.d", D, 2, (a, b, c, rm, e) -> Fp.maxD(a, b, e)));
    l.add(new Insn("fsqrt.d", D, 1, (a, b, c, rm, e) -> Fp.sqrtD(a, rm, e)));
    l.add(new Insn("fmadd.d", D, 3, (a, b, c, rm, e) -> Fp.fmaddD(a, b, c, rm, e)));
    l.add(new Insn("fmsub.d", D, 3, (a, b, c, rm, e) -> Fp.fmsubD(a, b, c, rm, e)));
    l.add(new Insn("fnmsub.d", D, 3, (a, b, c, rm, e) -> Fp.fnmsubD(a, b, c, rm, e)));
    l.add(new Insn("fnmadd.d", D, 3, (a, b, c, rm, e) -> Fp.fnmaddD(a, b, c, rm, e)));
    l.add(new Insn("feq.d", D, 2, (a, b, c, rm, e) -> bool(Fp.eqD(a, b, e))));
    l.add(new Insn("flt.d", D, 2, (a, b, c, rm, e) -> bool(Fp.ltD(a, b, e))));
    l.add(new Insn("fle.d", D, 2, (a, b, c, rm, e) -> bool(Fp.leD(a, b, e))));
    l.add(new Insn("fclass.d", D, 1, (a, b, c, rm, e) -> Fp.classifyD(a)));
    l.add(new Insn("fcvt.w.d", D, 1, (a, b, c, rm, e) -> Fp.cvtWD(a, rm, e)));
    l.add(new Insn("fcvt.wu.d", D, 1, (a, b, c, rm, e) -> Fp.cvtWuD(a, rm, e)));
    l.add(new Insn("fcvt.l.d", D, 1, (a, b, c, rm, e) -> Fp.cvtLD(a, rm, e)));
    l.add(new Insn("fcvt.lu.d", D, 1, (a, b, c, rm, e) -> Fp.cvtLuD(a, rm, e)));
    l.add(new Insn("fcvt.d.w", null, 1, (a, b, c, rm, e) -> Fp.cvtDW(a, rm, e)));
    l.add(new Insn("fcvt.d.wu", null, 1, (a, b, c, rm, e) -> Fp.cvtDWu(a, rm, e)));
    l.add(new Insn("fcvt.d.l", null, 1, (a, b, c, rm, e) -> Fp.cvtDL(a, rm, e)));
    l.add(new Insn("fcvt.d.lu", null, 1, (a, b, c, rm, e) -> Fp.cvtDLu(a, rm, e)));
    l.add(new Insn("fcvt.s.d", D, 1, (a, b, c, rm, e) -> sx(Fp.cvtSD(a, rm, e))));
    l.add(new Insn("fcvt.d.s", S, 1, (a, b, c, rm, e) -> Fp.cvtDS((int) a, rm, e)));
    return l;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static void run(Path dir, List<String> cmd, Path in, Path out) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    if (in != null) {
      pb.redirectInput(in.toFile());
    }
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    // Only a guard against a hung tool; nothing is asserted about how long it takes.
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish");
    }
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ":\n" + read(out));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void everyInstructionMatchesQemu(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        onPath("riscv64-linux-gnu-gcc") && onPath("qemu-riscv64"),
        "riscv64-linux-gnu-gcc and qemu-riscv64 are needed");
    Path src = dir.resolve("fpvec.c");
    try (InputStream s = FpQemuTest.class.getResourceAsStream("fpvec.c")) {
      Files.write(src, s.readAllBytes());
    }
    Path exe = dir.resolve("fpvec");
    run(
        dir,
        List.of(
            "riscv64-linux-gnu-gcc",
            "-static",
            "-O1",
            "-march=rv64gc",
            "-o",
            exe.toString(),
            src.toString()),
        null,
        dir.resolve("cc.log"));

    record Vec(Insn insn, int rm, long a, long b, long c) {}
    List<Vec> vecs = new ArrayList<>();
    StringBuilder input = new StringBuilder();
    long seed = SEED;
    for (Insn insn : instructions()) {
      FpInputs in = new FpInputs(seed++, insn.in() == null ? D : insn.in());
      for (int i = 0; i < SETS_PER_OP; i++) {
        long a = insn.in() == null ? integer(in) : in.any();
        long b =
            insn.arity() < 2
                ? 0
                : switch (in.nextInt(8)) {
                  case 0 -> a ^ insn.in().signBit(); // -0 against +0 for fmin/fmax and compares
                  case 1 -> a;
                  case 2, 3 -> in.near(a);
                  case 4 -> in.towardsBoundary(a);
                  default -> in.any();
                };
        long c = insn.arity() > 2 ? in.any() : 0;
        for (int rm = 0; rm < 5; rm++) {
          vecs.add(new Vec(insn, rm, a, b, c));
          input.append(String.format("%s %d %x %x %x%n", insn.name(), rm, a, b, c));
        }
      }
    }
    Path in = dir.resolve("in.txt");
    Path out = dir.resolve("out.txt");
    Files.writeString(in, input);
    run(dir, List.of("qemu-riscv64", exe.toString()), in, out);

    List<String> lines = Files.readAllLines(out);
    assertEquals(vecs.size(), lines.size(), "one output line per vector");
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < vecs.size(); i++) {
      Vec v = vecs.get(i);
      String[] f = lines.get(i).split(" ");
      long wantBits = Long.parseUnsignedLong(f[0], 16);
      int wantFlags = Integer.parseInt(f[1], 16);
      FpEnv e = new FpEnv();
      long got = v.insn().impl().run(v.a(), v.b(), v.c(), v.rm(), e);
      if ((got != wantBits || e.flags != wantFlags) && bad.size() < 30) {
        bad.add(
            String.format(
                "%s rm=%d a=%x b=%x c=%x: qemu %x/%s, Fp %x/%s",
                v.insn().name(),
                v.rm(),
                v.a(),
                v.b(),
                v.c(),
                wantBits,
                FpReferenceTest.flags(wantFlags),
                got,
                FpReferenceTest.flags(e.flags)));
      }
    }
    assertTrue(
        bad.isEmpty(), () -> vecs.size() + " vectors, mismatches:\n" + String.join("\n", bad));
  }

  /** An integer source register: any width, short runs of bits, 32-bit sign-extended values. */
  private static long integer(FpInputs in) {
    long x =
        switch (in.nextInt(4)) {
          case 0 -> in.nextLong();
          case 1 -> in.nextLong() >>> in.nextInt(64);
          case 2 -> ((in.nextLong() >>> 38) | 1) << in.nextInt(39);
          default -> (1L << in.nextInt(63)) + in.nextInt(3) - 1;
        };
    if (in.nextInt(3) == 0) {
      x = -x;
    }
    return in.nextInt(3) == 0 ? (int) x : x;
  }
}
