package dev.popcornj.machine.hart.fp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.hart.fp.RefFloat.Format;
import dev.popcornj.machine.hart.fp.RefFloat.Result;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of every arithmetic and conversion operation, in all five rounding modes,
 * against the BigInteger reference {@link RefFloat}, on seeded edge-biased operands. Result bits
 * and flags must match exactly.
 */
class FpReferenceTest {
  // Soak runs: -Dpopcornj.fp.seed=<hex> -Dpopcornj.fp.n=<operand sets per operation>.
  private static final long SEED =
      Long.parseUnsignedLong(System.getProperty("popcornj.fp.seed", "5eedf10a7"), 16);
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
        // with inexact raised by an earlier instruction: the same result, inexact stays
        FpEnv sticky = new FpEnv();
        sticky.flags = Fp.NX;
        Result again = op.apply(a, b, c, rm, sticky);
        if ((again.bits() != want.bits() || sticky.flags != (want.flags() | Fp.NX))
            && bad.size() < 20) {
          bad.add(
              String.format(
                  "%s rm=%d a=%x b=%x c=%x after NX: want %x/%s got %x/%s",
                  name,
                  rm,
                  a,
                  b,
                  c,
                  want.bits(),
                  flags(want.flags() | Fp.NX),
                  again.bits(),
                  flags(sticky.flags)));
        }
        count++;
        if (!got.equals(want) && bad.size() < 20) {
          bad.add(
              String.format(
                  "%s rm=%d a=%x b=%x c=%x: want %x/%s got %x/%s",
                  name,
                  rm,
                  a,
                  b,
                  c,
                  want.bits(),
                  flags(want.flags()),
                  got.bits(),
                  flags(got.flags())));
        }
      }
    }
    assertTrue(
        bad.isEmpty(),
        () ->
            "seed "
                + Long.toHexString(seed)
                + ", "
                + bad.size()
                + " shown:\n"
                + String.join("\n", bad));
    assertTrue(count == n * 5);
  }

  /** An addend close to −(a × b), so the fused sum cancels heavily. */
  private static long nearProduct(Format fm, long a, long b, FpInputs in) {
    long p;
    if (fm == D) {
      p = Double.doubleToRawLongBits(-(Double.longBitsToDouble(a) * Double.longBitsToDouble(b)));
    } else {
      p =
          Float.floatToRawIntBits(-(Float.intBitsToFloat((int) a) * Float.intBitsToFloat((int) b)))
              & 0xffff_ffffL;
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

  /** One operation under test: its model in Fp, its reference, operand format and arity. */
  record Case(String name, Format fm, int arity, Op3 op, Op3 ref) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    long ss = S.signBit();
    long ds = D.signBit();
    return Stream.of(
        new Case(
            "fadd.s",
            S,
            2,
            (a, b, c, rm, e) -> rs(Fp.addS((int) a, (int) b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.add(S, a, b, rm)),
        new Case(
            "fsub.s",
            S,
            2,
            (a, b, c, rm, e) -> rs(Fp.subS((int) a, (int) b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.sub(S, a, b, rm)),
        new Case(
            "fmul.s",
            S,
            2,
            (a, b, c, rm, e) -> rs(Fp.mulS((int) a, (int) b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.mul(S, a, b, rm)),
        new Case(
            "fdiv.s",
            S,
            2,
            (a, b, c, rm, e) -> rs(Fp.divS((int) a, (int) b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.div(S, a, b, rm)),
        new Case(
            "fsqrt.s",
            S,
            1,
            (a, b, c, rm, e) -> rs(Fp.sqrtS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.sqrt(S, a, rm)),
        new Case(
            "fmadd.s",
            S,
            3,
            (a, b, c, rm, e) -> rs(Fp.fmaddS((int) a, (int) b, (int) c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(S, a, b, c, rm)),
        new Case(
            "fmsub.s",
            S,
            3,
            (a, b, c, rm, e) -> rs(Fp.fmsubS((int) a, (int) b, (int) c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(S, a, b, c ^ ss, rm)),
        new Case(
            "fnmsub.s",
            S,
            3,
            (a, b, c, rm, e) -> rs(Fp.fnmsubS((int) a, (int) b, (int) c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(S, a ^ ss, b, c, rm)),
        new Case(
            "fnmadd.s",
            S,
            3,
            (a, b, c, rm, e) -> rs(Fp.fnmaddS((int) a, (int) b, (int) c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(S, a ^ ss, b, c ^ ss, rm)),
        new Case(
            "fcvt.w.s",
            S,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtWS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, false, false)),
        new Case(
            "fcvt.wu.s",
            S,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtWuS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, false, true)),
        new Case(
            "fcvt.l.s",
            S,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtLS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, true, false)),
        new Case(
            "fcvt.lu.s",
            S,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtLuS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(S, a, rm, true, true)),
        new Case(
            "fcvt.s.d",
            D,
            1,
            (a, b, c, rm, e) -> rs(Fp.cvtSD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.convert(D, S, a, rm)),
        new Case(
            "fcvt.d.s",
            S,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtDS((int) a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.convert(S, D, a, rm)),
        new Case(
            "fadd.d",
            D,
            2,
            (a, b, c, rm, e) -> rd(Fp.addD(a, b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.add(D, a, b, rm)),
        new Case(
            "fsub.d",
            D,
            2,
            (a, b, c, rm, e) -> rd(Fp.subD(a, b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.sub(D, a, b, rm)),
        new Case(
            "fmul.d",
            D,
            2,
            (a, b, c, rm, e) -> rd(Fp.mulD(a, b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.mul(D, a, b, rm)),
        new Case(
            "fdiv.d",
            D,
            2,
            (a, b, c, rm, e) -> rd(Fp.divD(a, b, rm, e)),
            (a, b, c, rm, e) -> RefFloat.div(D, a, b, rm)),
        new Case(
            "fsqrt.d",
            D,
            1,
            (a, b, c, rm, e) -> rd(Fp.sqrtD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.sqrt(D, a, rm)),
        new Case(
            "fmadd.d",
            D,
            3,
            (a, b, c, rm, e) -> rd(Fp.fmaddD(a, b, c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(D, a, b, c, rm)),
        new Case(
            "fmsub.d",
            D,
            3,
            (a, b, c, rm, e) -> rd(Fp.fmsubD(a, b, c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(D, a, b, c ^ ds, rm)),
        new Case(
            "fnmsub.d",
            D,
            3,
            (a, b, c, rm, e) -> rd(Fp.fnmsubD(a, b, c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(D, a ^ ds, b, c, rm)),
        new Case(
            "fnmadd.d",
            D,
            3,
            (a, b, c, rm, e) -> rd(Fp.fnmaddD(a, b, c, rm, e)),
            (a, b, c, rm, e) -> RefFloat.fma(D, a ^ ds, b, c ^ ds, rm)),
        new Case(
            "fcvt.w.d",
            D,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtWD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, false, false)),
        new Case(
            "fcvt.wu.d",
            D,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtWuD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, false, true)),
        new Case(
            "fcvt.l.d",
            D,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtLD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, true, false)),
        new Case(
            "fcvt.lu.d",
            D,
            1,
            (a, b, c, rm, e) -> rd(Fp.cvtLuD(a, rm, e)),
            (a, b, c, rm, e) -> RefFloat.toInt(D, a, rm, true, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesReferenceInEveryMode(Case k) {
    // Each operation gets its own stream of operands, stable across runs and table order.
    check(k.name(), k.fm(), SEED ^ k.name().hashCode(), N, k.op(), k.ref(), k.arity());
  }

  static Stream<Arguments> integerSources() {
    return Stream.of(
        Arguments.of(
            "fcvt.s.w",
            S,
            (FromInt) (x, rm, e) -> Fp.cvtSW(x, rm, e) & 0xffff_ffffL,
            (Exact) x -> BigInteger.valueOf((int) x)),
        Arguments.of(
            "fcvt.s.wu",
            S,
            (FromInt) (x, rm, e) -> Fp.cvtSWu(x, rm, e) & 0xffff_ffffL,
            (Exact) x -> BigInteger.valueOf(x & 0xffff_ffffL)),
        Arguments.of(
            "fcvt.s.l",
            S,
            (FromInt) (x, rm, e) -> Fp.cvtSL(x, rm, e) & 0xffff_ffffL,
            (Exact) BigInteger::valueOf),
        Arguments.of(
            "fcvt.s.lu",
            S,
            (FromInt) (x, rm, e) -> Fp.cvtSLu(x, rm, e) & 0xffff_ffffL,
            (Exact) FpReferenceTest::unsigned),
        Arguments.of("fcvt.d.w", D, (FromInt) Fp::cvtDW, (Exact) x -> BigInteger.valueOf((int) x)),
        Arguments.of(
            "fcvt.d.wu",
            D,
            (FromInt) Fp::cvtDWu,
            (Exact) x -> BigInteger.valueOf(x & 0xffff_ffffL)),
        Arguments.of("fcvt.d.l", D, (FromInt) Fp::cvtDL, (Exact) BigInteger::valueOf),
        Arguments.of("fcvt.d.lu", D, (FromInt) Fp::cvtDLu, (Exact) FpReferenceTest::unsigned));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("integerSources")
  void integerToFloatMatchesReference(String name, Format fm, FromInt op, Exact exact) {
    checkFromInt(name, fm, SEED ^ name.hashCode(), op, exact);
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
      x =
          switch (in.nextInt(4)) {
            case 0 -> in.nextLong();
            case 1 -> in.nextLong() >>> (64 - len);
            case 2 ->
                (1L << (len - 1))
                    + (in.nextLong() >>> (64 - Math.max(1, len - 26)))
                        * (in.nextInt(2) == 0 ? 1 : -1);
            default ->
                ((in.nextLong() >>> 40) | 1) << in.nextInt(41) | (in.nextInt(2) == 0 ? 0 : 1);
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
          bad.add(
              String.format(
                  "%s rm=%d x=%x: want %x/%s got %x/%s",
                  name, rm, x, want.bits(), flags(want.flags()), got, flags(env.flags)));
        }
      }
    }
    assertTrue(bad.isEmpty(), () -> String.join("\n", bad));
  }
}
