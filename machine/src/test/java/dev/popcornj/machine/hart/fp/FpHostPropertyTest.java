package dev.popcornj.machine.hart.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.hart.fp.RefFloat.Format;
import dev.popcornj.machine.hart.fp.RefFloat.Result;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties against independent oracles: in RNE every double result equals the host JVM's IEEE
 * arithmetic ({@code +}, {@code *}, {@code /}, {@code Math.sqrt}, {@code Math.fma}), and every
 * single result (bits and flags) equals the BigInteger reference; NaN results are canonical.
 */
class FpHostPropertyTest {
  private static final long NAN_D = 0x7ff8_0000_0000_0000L;

  @Provide
  Arbitrary<Long> doubles() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.doubles().map(Double::doubleToRawLongBits),
        Arbitraries.longs().between(0, 0x0020_0000_0000_0000L).map(x -> x ^ (x & 1) << 63),
        Arbitraries.of(
                0L,
                1L,
                0x7ff0_0000_0000_0000L,
                0x7fef_ffff_ffff_ffffL,
                0x0010_0000_0000_0000L,
                0x3ff0_0000_0000_0000L)
            .map(x -> x ^ (x & 2) << 62));
  }

  @Provide
  Arbitrary<Integer> singles() {
    return Arbitraries.oneOf(
        Arbitraries.integers(),
        Arbitraries.floats().map(Float::floatToRawIntBits),
        Arbitraries.integers().between(0, 0x0100_0000),
        Arbitraries.of(
            0, 1, 0x7f80_0000, 0x7f7f_ffff, 0x0080_0000, 0x3f80_0000, 0x7fa0_0000, 0x8000_0000));
  }

  /** The host result with any NaN replaced by the canonical NaN. */
  private static long host(double r) {
    return r != r ? NAN_D : Double.doubleToRawLongBits(r);
  }

  private static double v(long bits) {
    return Double.longBitsToDouble(bits);
  }

  @Property(tries = 3000)
  void doubleArithmeticMatchesHost(
      @ForAll("doubles") long a, @ForAll("doubles") long b, @ForAll("doubles") long c) {
    FpEnv e = new FpEnv();
    assertEquals(host(v(a) + v(b)), Fp.addD(a, b, Fp.RNE, e));
    assertEquals(host(v(a) - v(b)), Fp.subD(a, b, Fp.RNE, e));
    assertEquals(host(v(a) * v(b)), Fp.mulD(a, b, Fp.RNE, e));
    assertEquals(host(v(a) / v(b)), Fp.divD(a, b, Fp.RNE, e));
    assertEquals(host(Math.sqrt(v(a))), Fp.sqrtD(a, Fp.RNE, e));
    assertEquals(host(Math.fma(v(a), v(b), v(c))), Fp.fmaddD(a, b, c, Fp.RNE, e));
    assertEquals(host(Math.fma(v(a), v(b), -v(c))), Fp.fmsubD(a, b, c, Fp.RNE, e));
    assertEquals(host(Math.fma(-v(a), v(b), v(c))), Fp.fnmsubD(a, b, c, Fp.RNE, e));
    assertEquals(host(Math.fma(-v(a), v(b), -v(c))), Fp.fnmaddD(a, b, c, Fp.RNE, e));
  }

  @Property(tries = 3000)
  void doubleConversionsMatchHost(@ForAll("doubles") long a, @ForAll long x) {
    FpEnv e = new FpEnv();
    double r = v(a);
    if (r == r) {
      // Java's casts truncate and saturate like RTZ conversions, except for NaN.
      assertEquals((long) r, Fp.cvtLD(a, Fp.RTZ, e));
      assertEquals((int) r, Fp.cvtWD(a, Fp.RTZ, e));
      assertEquals(Float.floatToRawIntBits((float) r), Fp.cvtSD(a, Fp.RNE, e));
    }
    assertEquals(Double.doubleToRawLongBits((double) x), Fp.cvtDL(x, Fp.RNE, e));
    assertEquals(Float.floatToRawIntBits((float) x), Fp.cvtSL(x, Fp.RNE, e));
  }

  private static void same(Result want, int got, FpEnv e, String what) {
    assertEquals(Long.toHexString(want.bits()), Integer.toHexString(got), what);
    assertEquals(
        FpReferenceTest.flags(want.flags()), FpReferenceTest.flags(e.flags), what + " flags");
  }

  @Property(tries = 2000)
  void singleArithmeticMatchesReference(
      @ForAll("singles") int a, @ForAll("singles") int b, @ForAll("singles") int c) {
    Format s = Format.SINGLE;
    long la = a & 0xffff_ffffL;
    long lb = b & 0xffff_ffffL;
    long lc = c & 0xffff_ffffL;
    for (int rm = 0; rm < 5; rm++) {
      FpEnv e = new FpEnv();
      same(RefFloat.add(s, la, lb, rm), Fp.addS(a, b, rm, e), e, "add");
      e = new FpEnv();
      same(RefFloat.mul(s, la, lb, rm), Fp.mulS(a, b, rm, e), e, "mul");
      e = new FpEnv();
      same(RefFloat.div(s, la, lb, rm), Fp.divS(a, b, rm, e), e, "div");
      e = new FpEnv();
      same(RefFloat.sqrt(s, la, rm), Fp.sqrtS(a, rm, e), e, "sqrt");
      e = new FpEnv();
      same(RefFloat.fma(s, la, lb, lc, rm), Fp.fmaddS(a, b, c, rm, e), e, "fma");
    }
  }

  @Property(tries = 2000)
  void singleRneMatchesHostFloat(@ForAll("singles") int a, @ForAll("singles") int b) {
    float x = Float.intBitsToFloat(a);
    float y = Float.intBitsToFloat(b);
    FpEnv e = new FpEnv();
    assertEquals(hostS(x + y), Fp.addS(a, b, Fp.RNE, e));
    assertEquals(hostS(x * y), Fp.mulS(a, b, Fp.RNE, e));
    assertEquals(hostS(x / y), Fp.divS(a, b, Fp.RNE, e));
  }

  private static int hostS(float r) {
    return r != r ? 0x7fc0_0000 : Float.floatToRawIntBits(r);
  }
}
