package dev.popcornj.machine.hart.fp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.hart.fp.RefFloat.Format;
import dev.popcornj.machine.hart.fp.RefFloat.Result;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential test of every arithmetic and conversion operation, in all five rounding modes,
 * against the BigInteger reference {@link RefFloat}, on seeded edge-biased operands. Result bits
 * and flags must match exactly.
 */
class FpReferenceTest {
  // Soak runs: -Dpopcornj.fp.seed=<hex> -Dpopcornj.fp.n=<operand sets per operation>.
  private static final long SEED = Long.parseUnsignedLong(System.getProperty("popcornj.fp.seed", "5eedf10a7"), 16);
  private static final int N = Integer.getInteger("popcornj.fp.n", 12_000);
  private static final Format S = Format.SINGLE;
  private static final Format D = Format.DOUBLE;

  interface Op3 {
    Result apply(long a, long b, long c, int rm, FpEnv e);
  }

  /** Runs op and ref on n operand triples in every mode and collects the mismatches. */
  private static void check(String name, Format fm, long seed, int n, Op3 op, Op3 ref, int arity) {
    FpInputs in = new FpInputs(seed, fm);
    List<String> bad = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < n; i++) {
      long a = in.any();
      long b =
          arity < 2
              ? 0
              : switch (in.nextInt(4)) {
                case 0 -> in.near(a);
                case 1 -> in.towardsBoundary(a);
                default -> in.any();
              };
      long c = arity > 2 ? (in.nextInt(3) == 0 ? nearProduct(fm, a, b, in) : in.any()) : 0;
      for (int rm = 0; rm < 5; rm++) {
        FpEnv env = new FpEnv();
        Result got = op.apply(a, b, c, rm, env);
        got = new Result(got.bits(), env.flags);
        Result want = ref.apply(a, b, c, rm, null);
        count++;
        if (!got.equals(want) && bad.size() < 20) {
          bad.add(
              String.format(
                  "%s rm=%d a=%x b=%x c=%x: want %x/%s got %x/%s",
                  name, rm, a, b, c, want.bits(), flags(want.flags()), got.bits(), flags(got.flags())));
        }
      }
    }
    assertTrue(bad.isEmpty(), () -> "seed " + Long.toHexString(seed) + ", " + bad.size() + " shown:\n" + String.join("\n", bad));
    assertTrue(count == n * 5);
  }

  /** An addend close to −(a × b), so the fused sum cancels heavily. */
  private static long nearProduct(Format fm, long a, long b, FpInputs in) {
    long p;
    if (fm == D) {
      p = Double.doubleToRawLongBits(-(Double.longBitsToDouble(a) * Double.longBitsToDouble(b)));
    } else {
      p = Float.floatToRawIntBits(-(Float.intBitsToFloat((int) a) * Float.intBitsToFloat((int) b))) & 0xffff_ffffL;
    }
    return in.nextInt(2) == 0 ? p : in.near(p);
  }

  static String flags(int f) {
    StringBuilder sb = new StringBuilder();
    String[] names = {"NX", "UF", "OF", "DZ", "NV"};
    for (int i = 4; i >= 0; i--) {
      if ((f & (1 << i)) != 0) {
        sb.append(names[i]);
      }
    }
    return sb.isEmpty() ? "-" : sb.toString();
  }

  private static Result rs(int bits) {
    return new Result(bits & 0xffff_ffffL, 0);
  }

  private static Result rd(long bits) {
    return new Result(bits, 0);
  }

  // ---- single ---------------------------------------------------------------------------------

  @Test
  void addSingle() {
    check("fadd.s", S, SEED + 1, N, (a, b, c, rm, e) -> rs(Fp.addS((int) a, (int) b, rm, e)), (a, b, c, rm, e) -> RefFloat.add(S, a, b, rm), 2);
  }

  @Test
  void subSingle() {
    check("fsub.s", S, SEED + 2, N, (a, b, c, rm, e) -> rs(Fp.subS((int) a, (int) b, rm, e)), (a, b, c, rm, e) -> RefFloat.sub(S, a, b, rm), 2);
  }

  @Test
  void mulSingle() {
    check("fmul.s", S, SEED + 3, N, (a, b, c, rm, e) -> rs(Fp.mulS((int) a, (int) b, rm, e)), (a, b, c, rm, e) -> RefFloat.mul(S, a, b, rm), 2);
  }

  @Test
  void divSingle() {
    check("fdiv.s", S, SEED + 4, N, (a, b, c, rm, e) -> rs(Fp.divS((int) a, (int) b, rm, e)), (a, b, c, rm, e) -> RefFloat.div(S, a, b, rm), 2);
  }

  @Test
  void sqrtSingle() {
    check("fsqrt.s", S, SEED + 5, N, (a, b, c, rm, e) -> rs(Fp.sqrtS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.sqrt(S, a, rm), 1);
  }

  @Test
  void fusedSingle() {
    long sg = S.signBit();
    check("fmadd.s", S, SEED + 6, N, (a, b, c, rm, e) -> rs(Fp.fmaddS((int) a, (int) b, (int) c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(S, a, b, c, rm), 3);
    check("fmsub.s", S, SEED + 7, N / 4, (a, b, c, rm, e) -> rs(Fp.fmsubS((int) a, (int) b, (int) c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(S, a, b, c ^ sg, rm), 3);
    check("fnmsub.s", S, SEED + 8, N / 4, (a, b, c, rm, e) -> rs(Fp.fnmsubS((int) a, (int) b, (int) c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(S, a ^ sg, b, c, rm), 3);
    check("fnmadd.s", S, SEED + 9, N / 4, (a, b, c, rm, e) -> rs(Fp.fnmaddS((int) a, (int) b, (int) c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(S, a ^ sg, b, c ^ sg, rm), 3);
  }

  @Test
  void singleToInteger() {
    check("fcvt.w.s", S, SEED + 10, N, (a, b, c, rm, e) -> rd(Fp.cvtWS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, false, false), 1);
    check("fcvt.wu.s", S, SEED + 11, N, (a, b, c, rm, e) -> rd(Fp.cvtWuS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, false, true), 1);
    check("fcvt.l.s", S, SEED + 12, N, (a, b, c, rm, e) -> rd(Fp.cvtLS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, true, false), 1);
    check("fcvt.lu.s", S, SEED + 13, N, (a, b, c, rm, e) -> rd(Fp.cvtLuS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, true, true), 1);
  }

  @Test
  void integerToSingle() {
    checkFromInt("fcvt.s.w", S, SEED + 14, (x, rm, e) -> Fp.cvtSW(x, rm, e) & 0xffff_ffffL, x -> BigInteger.valueOf((int) x));
    checkFromInt("fcvt.s.wu", S, SEED + 15, (x, rm, e) -> Fp.cvtSWu(x, rm, e) & 0xffff_ffffL, x -> BigInteger.valueOf(x & 0xffff_ffffL));
    checkFromInt("fcvt.s.l", S, SEED + 16, (x, rm, e) -> Fp.cvtSL(x, rm, e) & 0xffff_ffffL, BigInteger::valueOf);
    checkFromInt("fcvt.s.lu", S, SEED + 17, (x, rm, e) -> Fp.cvtSLu(x, rm, e) & 0xffff_ffffL, FpReferenceTest::unsigned);
  }

  @Test
  void singleDoubleConversions() {
    check("fcvt.s.d", D, SEED + 18, N, (a, b, c, rm, e) -> rs(Fp.cvtSD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.convert(D, S, a, rm), 1);
    check("fcvt.d.s", S, SEED + 19, N, (a, b, c, rm, e) -> rd(Fp.cvtDS((int) a, rm, e)), (a, b, c, rm, e) -> RefFloat.convert(S, D, a, rm), 1);
  }

  // ---- double ---------------------------------------------------------------------------------

  @Test
  void addDouble() {
    check("fadd.d", D, SEED + 21, N, (a, b, c, rm, e) -> rd(Fp.addD(a, b, rm, e)), (a, b, c, rm, e) -> RefFloat.add(D, a, b, rm), 2);
  }

  @Test
  void subDouble() {
    check("fsub.d", D, SEED + 22, N, (a, b, c, rm, e) -> rd(Fp.subD(a, b, rm, e)), (a, b, c, rm, e) -> RefFloat.sub(D, a, b, rm), 2);
  }

  @Test
  void mulDouble() {
    check("fmul.d", D, SEED + 23, N, (a, b, c, rm, e) -> rd(Fp.mulD(a, b, rm, e)), (a, b, c, rm, e) -> RefFloat.mul(D, a, b, rm), 2);
  }

  @Test
  void divDouble() {
    check("fdiv.d", D, SEED + 24, N, (a, b, c, rm, e) -> rd(Fp.divD(a, b, rm, e)), (a, b, c, rm, e) -> RefFloat.div(D, a, b, rm), 2);
  }

  @Test
  void sqrtDouble() {
    check("fsqrt.d", D, SEED + 25, N, (a, b, c, rm, e) -> rd(Fp.sqrtD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.sqrt(D, a, rm), 1);
  }

  @Test
  void fusedDouble() {
    long sg = D.signBit();
    check("fmadd.d", D, SEED + 26, N, (a, b, c, rm, e) -> rd(Fp.fmaddD(a, b, c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(D, a, b, c, rm), 3);
    check("fmsub.d", D, SEED + 27, N / 4, (a, b, c, rm, e) -> rd(Fp.fmsubD(a, b, c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(D, a, b, c ^ sg, rm), 3);
    check("fnmsub.d", D, SEED + 28, N / 4, (a, b, c, rm, e) -> rd(Fp.fnmsubD(a, b, c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(D, a ^ sg, b, c, rm), 3);
    check("fnmadd.d", D, SEED + 29, N / 4, (a, b, c, rm, e) -> rd(Fp.fnmaddD(a, b, c, rm, e)), (a, b, c, rm, e) -> RefFloat.fma(D, a ^ sg, b, c ^ sg, rm), 3);
  }

  @Test
  void doubleToInteger() {
    check("fcvt.w.d", D, SEED + 30, N, (a, b, c, rm, e) -> rd(Fp.cvtWD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, false, false), 1);
    check("fcvt.wu.d", D, SEED + 31, N, (a, b, c, rm, e) -> rd(Fp.cvtWuD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, false, true), 1);
    check("fcvt.l.d", D, SEED + 32, N, (a, b, c, rm, e) -> rd(Fp.cvtLD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, true, false), 1);
    check("fcvt.lu.d", D, SEED + 33, N, (a, b, c, rm, e) -> rd(Fp.cvtLuD(a, rm, e)), (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, true, true), 1);
  }

  @Test
  void integerToDouble() {
    checkFromInt("fcvt.d.w", D, SEED + 34, Fp::cvtDW, x -> BigInteger.valueOf((int) x));
    checkFromInt("fcvt.d.wu", D, SEED + 35, Fp::cvtDWu, x -> BigInteger.valueOf(x & 0xffff_ffffL));
    checkFromInt("fcvt.d.l", D, SEED + 36, Fp::cvtDL, BigInteger::valueOf);
    checkFromInt("fcvt.d.lu", D, SEED + 37, Fp::cvtDLu, FpReferenceTest::unsigned);
  }

  // ---- integer sources ------------------------------------------------------------------------

  interface FromInt {
    long apply(long x, int rm, FpEnv e);
  }

  interface Exact {
    BigInteger of(long x);
  }

  static BigInteger unsigned(long x) {
    BigInteger v = BigInteger.valueOf(x);
    return x < 0 ? v.add(BigInteger.ONE.shiftLeft(64)) : v;
  }

  /** Integers of every bit length, with short runs of significant bits and near-ties. */
  private static void checkFromInt(String name, Format fm, long seed, FromInt op, Exact exact) {
    FpInputs in = new FpInputs(seed, fm);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      long x;
      int len = 1 + in.nextInt(64);
      x = switch (in.nextInt(4)) {
        case 0 -> in.nextLong();
        case 1 -> in.nextLong() >>> (64 - len);
        case 2 -> (1L << (len - 1)) + (in.nextLong() >>> (64 - Math.max(1, len - 26))) * (in.nextInt(2) == 0 ? 1 : -1);
        default -> ((in.nextLong() >>> 40) | 1) << in.nextInt(41) | (in.nextInt(2) == 0 ? 0 : 1);
      };
      if (in.nextInt(3) == 0) {
        x = -x;
      }
      if (in.nextInt(2) == 0) {
        x = (int) x; // a sign-extended 32-bit value, as a W source register holds it
      }
      for (int rm = 0; rm < 5; rm++) {
        FpEnv env = new FpEnv();
        long got = op.apply(x, rm, env);
        Result want = RefFloat.fromInt(fm, exact.of(x), rm);
        if ((got != want.bits() || env.flags != want.flags()) && bad.size() < 20) {
          bad.add(String.format("%s rm=%d x=%x: want %x/%s got %x/%s", name, rm, x, want.bits(), flags(want.flags()), got, flags(env.flags)));
        }
      }
    }
    assertTrue(bad.isEmpty(), () -> String.join("\n", bad));
  }
}
