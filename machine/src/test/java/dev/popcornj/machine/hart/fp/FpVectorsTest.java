package dev.popcornj.machine.hart.fp;

import static dev.popcornj.machine.hart.fp.Fp.DZ;
import static dev.popcornj.machine.hart.fp.Fp.NV;
import static dev.popcornj.machine.hart.fp.Fp.NX;
import static dev.popcornj.machine.hart.fp.Fp.OF;
import static dev.popcornj.machine.hart.fp.Fp.RDN;
import static dev.popcornj.machine.hart.fp.Fp.RMM;
import static dev.popcornj.machine.hart.fp.Fp.RNE;
import static dev.popcornj.machine.hart.fp.Fp.RTZ;
import static dev.popcornj.machine.hart.fp.Fp.RUP;
import static dev.popcornj.machine.hart.fp.Fp.UF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** Hand-written vectors, one group per rule of the F and D chapters that Fp must follow. */
class FpVectorsTest {
  private static final long QNAN_D = 0x7ff8_0000_0000_0000L;
  private static final long SNAN_D = 0x7ff0_0000_0000_0001L;
  private static final int QNAN_S = 0x7fc0_0000;
  private static final int SNAN_S = 0x7f80_0001;
  private static final long MAX_D = 0x7fef_ffff_ffff_ffffL;
  private static final long INF_D = 0x7ff0_0000_0000_0000L;
  private static final long MIN_NORMAL_D = 0x0010_0000_0000_0000L;
  private static final long SIGN_D = 0x8000_0000_0000_0000L;
  private static final int INF_S = 0x7f80_0000;
  private static final int MAX_S = 0x7f7f_ffff;

  private static long d(double x) {
    return Double.doubleToRawLongBits(x);
  }

  private static int f(float x) {
    return Float.floatToRawIntBits(x);
  }

  /** Runs op with a fresh env and checks result bits and exactly the flags raised. */
  private static void expectD(long want, int wantFlags, ToLongFunction<FpEnv> op) {
    FpEnv e = new FpEnv();
    long got = op.applyAsLong(e);
    assertEquals(Long.toHexString(want), Long.toHexString(got), "result");
    assertEquals(FpReferenceTest.flags(wantFlags), FpReferenceTest.flags(e.flags), "flags");
  }

  private static void expectS(int want, int wantFlags, ToIntFunction<FpEnv> op) {
    FpEnv e = new FpEnv();
    int got = op.applyAsInt(e);
    assertEquals(Integer.toHexString(want), Integer.toHexString(got), "result");
    assertEquals(FpReferenceTest.flags(wantFlags), FpReferenceTest.flags(e.flags), "flags");
  }

  private static void expectB(boolean want, int wantFlags, java.util.function.Predicate<FpEnv> op) {
    FpEnv e = new FpEnv();
    assertEquals(want, op.test(e), "result");
    assertEquals(FpReferenceTest.flags(wantFlags), FpReferenceTest.flags(e.flags), "flags");
  }

  // ---- rounding modes on halfway and near-halfway values --------------------------------------

  @Test
  void halfwayBetweenOneAndItsSuccessor() {
    long one = d(1.0);
    long tie = d(0x1p-53);
    long up = d(1.0 + 0x1p-52);
    expectD(one, NX, e -> Fp.addD(one, tie, RNE, e)); // to even
    expectD(up, NX, e -> Fp.addD(one, tie, RMM, e)); // away from zero
    expectD(one, NX, e -> Fp.addD(one, tie, RTZ, e));
    expectD(one, NX, e -> Fp.addD(one, tie, RDN, e));
    expectD(up, NX, e -> Fp.addD(one, tie, RUP, e));
    long mOne = d(-1.0);
    long mTie = d(-0x1p-53);
    expectD(d(-1.0 - 0x1p-52), NX, e -> Fp.addD(mOne, mTie, RDN, e));
    expectD(mOne, NX, e -> Fp.addD(mOne, mTie, RUP, e));
    expectD(d(-1.0 - 0x1p-52), NX, e -> Fp.addD(mOne, mTie, RMM, e));
    // From an odd last bit, a tie goes up to the even neighbour.
    expectD(d(1.0 + 0x1p-51), NX, e -> Fp.addD(up, tie, RNE, e));
  }

  @Test
  void justAboveHalfwayRoundsUpToNearest() {
    // 1 + 2^-53 + 2^-105, only reachable through the fused multiply-add.
    long a = d(0x1p-53);
    long b = d(1.0 + 0x1p-52);
    long one = d(1.0);
    expectD(d(1.0 + 0x1p-52), NX, e -> Fp.fmaddD(a, b, one, RNE, e));
    expectD(one, NX, e -> Fp.fmaddD(a, b, one, RTZ, e));
    // and just below halfway, 1 + 2^-53 − 2^-105, rounds down even in RMM.
    long c = d(1.0 - 0x1p-53);
    expectD(one, NX, e -> Fp.fmaddD(a, c, one, RMM, e));
  }

  @Test
  void singleHalfwayCases() {
    int one = f(1.0f);
    int tie = f(0x1p-24f);
    expectS(one, NX, e -> Fp.addS(one, tie, RNE, e));
    expectS(f(1.0f + 0x1p-23f), NX, e -> Fp.addS(one, tie, RMM, e));
    expectS(f(1.0f + 0x1p-23f), NX, e -> Fp.addS(one, tie, RUP, e));
    // 1 + 2^-24 + 2^-30 is just above halfway: RNE rounds up, RTZ down.
    int above = f(0x1p-24f + 0x1p-30f);
    expectS(f(1.0f + 0x1p-23f), NX, e -> Fp.addS(one, above, RNE, e));
    expectS(one, NX, e -> Fp.addS(one, above, RTZ, e));
    // A single product that double rounding through double would get wrong is not at issue
    // (products are exact in double), but a quotient is: 1/3 in every mode.
    int three = f(3.0f);
    expectS(f(1.0f / 3.0f), NX, e -> Fp.divS(one, three, RNE, e));
    // RN(1/3) = 0x3eaaaaab lies above 1/3.
    expectS(f(1.0f / 3.0f), NX, e -> Fp.divS(one, three, RUP, e));
    expectS(f(Math.nextDown(1.0f / 3.0f)), NX, e -> Fp.divS(one, three, RDN, e));
  }

  // ---- overflow -------------------------------------------------------------------------------

  @Test
  void overflowGivesInfinityOrLargestFiniteByMode() {
    long two = d(2.0);
    long nMax = MAX_D | SIGN_D;
    expectD(INF_D, OF | NX, e -> Fp.mulD(MAX_D, two, RNE, e));
    expectD(INF_D, OF | NX, e -> Fp.mulD(MAX_D, two, RMM, e));
    expectD(MAX_D, OF | NX, e -> Fp.mulD(MAX_D, two, RTZ, e));
    expectD(MAX_D, OF | NX, e -> Fp.mulD(MAX_D, two, RDN, e));
    expectD(INF_D, OF | NX, e -> Fp.mulD(MAX_D, two, RUP, e));
    expectD(INF_D | SIGN_D, OF | NX, e -> Fp.mulD(nMax, two, RDN, e));
    expectD(nMax, OF | NX, e -> Fp.mulD(nMax, two, RUP, e));
    expectD(nMax, OF | NX, e -> Fp.mulD(nMax, two, RTZ, e));
    expectS(INF_S, OF | NX, e -> Fp.mulS(MAX_S, f(2.0f), RNE, e));
    expectS(MAX_S, OF | NX, e -> Fp.mulS(MAX_S, f(2.0f), RTZ, e));
    expectS(MAX_S | 0x8000_0000, OF | NX, e -> Fp.mulS(MAX_S, f(-2.0f), RUP, e));
  }

  @Test
  void overflowThresholdDependsOnMode() {
    long halfUlp = d(0x1p970);
    // MAX + half an ulp is a tie; to even means up, to 2^1024: overflow in RNE.
    expectD(INF_D, OF | NX, e -> Fp.addD(MAX_D, halfUlp, RNE, e));
    // In RTZ the same value rounds to MAX with an unbounded exponent: no overflow at all.
    expectD(MAX_D, NX, e -> Fp.addD(MAX_D, halfUlp, RTZ, e));
    expectD(INF_D, OF | NX, e -> Fp.addD(MAX_D, d(0x1p960), RUP, e));
    expectD(MAX_D, NX, e -> Fp.addD(MAX_D, d(0x1p969), RNE, e));
  }

  // ---- underflow: tininess after rounding -------------------------------------------------------

  @Test
  void tininessIsDetectedAfterRounding() {
    // (1 − 2^-56) × 2^-1022 rounds to 2^-1022 at 53 bits: not tiny, so only NX.
    long a = d(1.0 - 0x1p-28);
    long b = d((1.0 + 0x1p-28) * 0x1p-1022);
    expectD(MIN_NORMAL_D, NX, e -> Fp.mulD(a, b, RNE, e));
    // In RTZ the 53-bit rounding stays below 2^-1022: tiny, and inexact, so UF.
    expectD(MIN_NORMAL_D - 1, UF | NX, e -> Fp.mulD(a, b, RTZ, e));
    // (1 − 2^-53) × 2^-1022 is exact at 53 bits, hence tiny, though it rounds up to 2^-1022.
    long c = d(-(1.0 - 0x1p-53) * 0x1p-3);
    long dd = d(-0x1p1019);
    expectD(MIN_NORMAL_D, UF | NX, e -> Fp.divD(c, dd, RNE, e));
    // Single: (1 − 2^-26) × 2^-126 is not tiny; (1 − 2^-24) × 2^-126 is.
    int sa = f(1.0f - 0x1p-13f);
    int sb = f((1.0f + 0x1p-13f) * 0x1p-126f);
    expectS(0x0080_0000, NX, e -> Fp.mulS(sa, sb, RNE, e));
    int sc = f(1.0f - 0x1p-12f);
    int sd = f((1.0f + 0x1p-12f) * 0x1p-126f);
    expectS(0x0080_0000, UF | NX, e -> Fp.mulS(sc, sd, RNE, e));
  }

  @Test
  void subnormalResults() {
    long half = d(0.5);
    // Exact subnormal: no flags at all.
    expectD(0x0008_0000_0000_0000L, 0, e -> Fp.mulD(MIN_NORMAL_D, half, RNE, e));
    // Half the smallest subnormal is a tie between 0 and it.
    expectD(0, UF | NX, e -> Fp.mulD(1, half, RNE, e));
    expectD(1, UF | NX, e -> Fp.mulD(1, half, RMM, e));
    expectD(1, UF | NX, e -> Fp.mulD(1, half, RUP, e));
    expectD(SIGN_D, UF | NX, e -> Fp.mulD(1, d(-0.5), RUP, e));
    expectD(SIGN_D | 1, UF | NX, e -> Fp.mulD(1, d(-0.5), RDN, e));
    // Subnormal sums are always exact.
    expectD(3, 0, e -> Fp.addD(1, 2, RNE, e));
    expectD(MIN_NORMAL_D - 1, 0, e -> Fp.subD(MIN_NORMAL_D, 1, RDN, e));
    // A subnormal divided: 3 × 2^-1074 / 2 is 1.5 ulps, a tie broken to even (2).
    expectD(2, UF | NX, e -> Fp.divD(3, d(2.0), RNE, e));
    expectS(1, UF | NX, e -> Fp.mulS(1, f(0.75f), RNE, e));
    expectS(0, UF | NX, e -> Fp.mulS(1, f(0.25f), RNE, e));
  }

  // ---- signed zeros ---------------------------------------------------------------------------

  @Test
  void exactCancellationIsMinusZeroOnlyWhenRoundingDown() {
    long x = d(1.5);
    for (int rm : new int[] {RNE, RTZ, RUP, RMM}) {
      expectD(0, 0, e -> Fp.subD(x, x, rm, e));
      expectS(0, 0, e -> Fp.subS(f(1.5f), f(1.5f), rm, e));
    }
    expectD(SIGN_D, 0, e -> Fp.subD(x, x, RDN, e));
    expectS(0x8000_0000, 0, e -> Fp.subS(f(1.5f), f(1.5f), RDN, e));
    expectD(0, 0, e -> Fp.addD(SIGN_D, 0, RNE, e));
    expectD(SIGN_D, 0, e -> Fp.addD(SIGN_D, 0, RDN, e));
    expectD(SIGN_D, 0, e -> Fp.addD(SIGN_D, SIGN_D, RNE, e));
    expectD(0, 0, e -> Fp.addD(0, 0, RDN, e));
    expectS(0x8000_0000, 0, e -> Fp.addS(0x8000_0000, 0, RDN, e));
    // −(1 × 1) + 1 = +0, or −0 in RDN.
    long one = d(1.0);
    expectD(0, 0, e -> Fp.fnmsubD(one, one, one, RNE, e));
    expectD(SIGN_D, 0, e -> Fp.fnmsubD(one, one, one, RDN, e));
    expectS(0x8000_0000, 0, e -> Fp.fmsubS(f(1.0f), f(1.0f), f(1.0f), RDN, e));
  }

  @Test
  void squareRoots() {
    expectD(SIGN_D, 0, e -> Fp.sqrtD(SIGN_D, RNE, e));
    expectS(0x8000_0000, 0, e -> Fp.sqrtS(0x8000_0000, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.sqrtD(d(-1.0), RNE, e));
    expectD(QNAN_D, NV, e -> Fp.sqrtD(INF_D | SIGN_D, RNE, e));
    expectS(QNAN_S, NV, e -> Fp.sqrtS(f(-1.0f), RNE, e));
    expectD(QNAN_D, 0, e -> Fp.sqrtD(QNAN_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.sqrtD(SNAN_D, RNE, e));
    expectD(d(2.0), 0, e -> Fp.sqrtD(d(4.0), RNE, e));
    expectD(INF_D, 0, e -> Fp.sqrtD(INF_D, RNE, e));
    double r2 = Math.sqrt(2.0); // RN(sqrt 2) lies above the true root
    expectD(d(r2), NX, e -> Fp.sqrtD(d(2.0), RNE, e));
    expectD(d(r2), NX, e -> Fp.sqrtD(d(2.0), RUP, e));
    expectD(d(Math.nextDown(r2)), NX, e -> Fp.sqrtD(d(2.0), RDN, e));
    expectD(d(Math.nextDown(r2)), NX, e -> Fp.sqrtD(d(2.0), RTZ, e));
    expectD(d(0x1p-537), 0, e -> Fp.sqrtD(1, RNE, e)); // root of the smallest subnormal
    expectS(f((float) Math.sqrt(2.0)), NX, e -> Fp.sqrtS(f(2.0f), RNE, e));
  }

  // ---- fused multiply-add -----------------------------------------------------------------------

  @Test
  void fusedMultiplyAddUsesTheUnroundedProduct() {
    long a = d(1.0 + 0x1p-52);
    long b = d(1.0 - 0x1p-52);
    long mOne = d(-1.0);
    // (1 + 2^-52)(1 − 2^-52) − 1 = −2^-104 exactly; a separate multiply would give 0.
    expectD(d(-0x1p-104), 0, e -> Fp.fmaddD(a, b, mOne, RNE, e));
    expectD(d(0x1p-104), 0, e -> Fp.fnmaddD(a, b, mOne, RNE, e));
    expectD(d(-0x1p-104), 0, e -> Fp.fmsubD(a, b, d(1.0), RNE, e));
    int sa = f(1.0f + 0x1p-23f);
    int sb = f(1.0f - 0x1p-23f);
    expectS(f(-0x1p-46f), 0, e -> Fp.fmaddS(sa, sb, f(-1.0f), RNE, e));
    expectD(d(-2.0), 0, e -> Fp.fnmaddD(d(1.0), d(1.0), d(1.0), RNE, e));
  }

  @Test
  void fusedMultiplyAddInvalidCases() {
    long zero = 0;
    // inf × 0 + qNaN is invalid, unlike any other operation on a quiet NaN.
    expectD(QNAN_D, NV, e -> Fp.fmaddD(INF_D, zero, QNAN_D, RNE, e));
    expectS(QNAN_S, NV, e -> Fp.fmaddS(INF_S, 0, QNAN_S, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.fmaddD(zero, INF_D, d(1.0), RNE, e));
    expectD(QNAN_D, 0, e -> Fp.fmaddD(QNAN_D, d(1.0), d(1.0), RNE, e));
    expectD(QNAN_D, NV, e -> Fp.fmaddD(d(1.0), d(1.0), SNAN_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.fmaddD(INF_D, d(1.0), INF_D | SIGN_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.fmsubD(INF_D, d(1.0), INF_D, RNE, e));
    expectD(INF_D, 0, e -> Fp.fmaddD(INF_D, d(1.0), INF_D, RNE, e));
    expectD(INF_D | SIGN_D, 0, e -> Fp.fmaddD(d(1.0), d(1.0), INF_D | SIGN_D, RNE, e));
  }

  // ---- NaNs, min/max, comparisons ---------------------------------------------------------------

  @Test
  void everyNaNResultIsCanonical() {
    long payload = 0xfff8_0000_dead_beefL;
    expectD(QNAN_D, 0, e -> Fp.addD(payload, d(1.0), RNE, e));
    expectD(QNAN_D, NV, e -> Fp.mulD(SNAN_D | SIGN_D, d(1.0), RTZ, e));
    expectS(QNAN_S, 0, e -> Fp.divS(0xffc0_1234, f(1.0f), RNE, e));
    expectD(QNAN_D, NV, e -> Fp.subD(INF_D, INF_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.divD(0, SIGN_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.divD(INF_D, INF_D, RUP, e));
    expectD(QNAN_D, NV, e -> Fp.mulD(INF_D, SIGN_D, RNE, e));
    expectD(QNAN_D, NV, e -> Fp.cvtDS(SNAN_S, RNE, e));
    expectD(QNAN_D, 0, e -> Fp.cvtDS(0x7fc0_0001, RNE, e));
    expectS(QNAN_S, NV, e -> Fp.cvtSD(SNAN_D, RNE, e));
    expectS(QNAN_S, 0, e -> Fp.cvtSD(payload, RNE, e));
  }

  @Test
  void divideByZero() {
    expectD(INF_D, DZ, e -> Fp.divD(d(1.0), 0, RNE, e));
    expectD(INF_D | SIGN_D, DZ, e -> Fp.divD(d(-1.0), 0, RTZ, e));
    expectD(INF_D | SIGN_D, DZ, e -> Fp.divD(d(1.0), SIGN_D, RNE, e));
    expectS(INF_S, DZ, e -> Fp.divS(1, 0, RNE, e));
    expectD(INF_D, 0, e -> Fp.divD(INF_D, 0, RNE, e));
    expectD(SIGN_D, 0, e -> Fp.divD(d(-1.0), INF_D, RNE, e));
  }

  @Test
  void minMaxFollowMinimumNumberAndMaximumNumber() {
    expectD(SIGN_D, 0, e -> Fp.minD(0, SIGN_D, e));
    expectD(SIGN_D, 0, e -> Fp.minD(SIGN_D, 0, e));
    expectD(0, 0, e -> Fp.maxD(SIGN_D, 0, e));
    expectD(0, 0, e -> Fp.maxD(0, SIGN_D, e));
    expectS(0x8000_0000, 0, e -> Fp.minS(0, 0x8000_0000, e));
    expectS(0, 0, e -> Fp.maxS(0x8000_0000, 0, e));
    expectD(d(1.0), 0, e -> Fp.minD(QNAN_D, d(1.0), e));
    expectD(d(1.0), NV, e -> Fp.minD(SNAN_D, d(1.0), e));
    expectD(d(1.0), NV, e -> Fp.maxD(d(1.0), SNAN_D, e));
    expectD(QNAN_D, 0, e -> Fp.maxD(0x7ff8_0000_0000_0042L, QNAN_D, e));
    expectD(QNAN_D, NV, e -> Fp.minD(SNAN_D, QNAN_D, e));
    expectS(f(-3.0f), 0, e -> Fp.minS(f(-3.0f), f(2.0f), e));
    expectS(f(2.0f), 0, e -> Fp.maxS(f(-3.0f), f(2.0f), e));
    expectS(f(2.0f), NV, e -> Fp.maxS(SNAN_S, f(2.0f), e));
    expectS(QNAN_S, NV, e -> Fp.maxS(SNAN_S, SNAN_S, e));
    expectD(INF_D | SIGN_D, 0, e -> Fp.minD(INF_D | SIGN_D, MAX_D, e));
  }

  @Test
  void comparisonsQuietAndSignalling() {
    long one = d(1.0);
    expectB(false, 0, e -> Fp.eqD(QNAN_D, one, e));
    expectB(false, NV, e -> Fp.eqD(SNAN_D, one, e));
    expectB(false, NV, e -> Fp.ltD(QNAN_D, one, e));
    expectB(false, NV, e -> Fp.leD(one, QNAN_D, e));
    expectB(true, 0, e -> Fp.eqD(0, SIGN_D, e));
    expectB(false, 0, e -> Fp.ltD(SIGN_D, 0, e));
    expectB(true, 0, e -> Fp.leD(SIGN_D, 0, e));
    expectB(true, 0, e -> Fp.ltD(d(-1.0), one, e));
    expectB(false, 0, e -> Fp.eqS(QNAN_S, QNAN_S, e));
    expectB(false, NV, e -> Fp.eqS(SNAN_S, f(1.0f), e));
    expectB(false, NV, e -> Fp.ltS(QNAN_S, f(1.0f), e));
    expectB(true, 0, e -> Fp.leS(f(1.0f), f(1.0f), e));
    expectB(false, 0, e -> Fp.ltS(f(1.0f), f(1.0f), e));
  }

  @Test
  void classifyEveryClass() {
    assertEquals(1 << 0, Fp.classifyD(INF_D | SIGN_D));
    assertEquals(1 << 1, Fp.classifyD(d(-1.0)));
    assertEquals(1 << 2, Fp.classifyD(SIGN_D | 1));
    assertEquals(1 << 3, Fp.classifyD(SIGN_D));
    assertEquals(1 << 4, Fp.classifyD(0));
    assertEquals(1 << 5, Fp.classifyD(0x000f_ffff_ffff_ffffL));
    assertEquals(1 << 6, Fp.classifyD(MAX_D));
    assertEquals(1 << 7, Fp.classifyD(INF_D));
    assertEquals(1 << 8, Fp.classifyD(SNAN_D));
    assertEquals(1 << 8, Fp.classifyD(SNAN_D | SIGN_D));
    assertEquals(1 << 9, Fp.classifyD(QNAN_D));
    assertEquals(1 << 0, Fp.classifyS(INF_S | 0x8000_0000));
    assertEquals(1 << 1, Fp.classifyS(f(-0x1p-126f)));
    assertEquals(1 << 2, Fp.classifyS(0x807f_ffff));
    assertEquals(1 << 3, Fp.classifyS(0x8000_0000));
    assertEquals(1 << 4, Fp.classifyS(0));
    assertEquals(1 << 5, Fp.classifyS(1));
    assertEquals(1 << 6, Fp.classifyS(f(1.0f)));
    assertEquals(1 << 7, Fp.classifyS(INF_S));
    assertEquals(1 << 8, Fp.classifyS(0x7fbf_ffff));
    assertEquals(1 << 9, Fp.classifyS(0xffc0_0000));
  }

  @Test
  void nanBoxing() {
    assertEquals(0x3f80_0000, Fp.unboxS(0xffff_ffff_3f80_0000L));
    assertEquals(QNAN_S, Fp.unboxS(0x0000_0000_3f80_0000L));
    assertEquals(QNAN_S, Fp.unboxS(0xffff_fffe_3f80_0000L));
    assertEquals(QNAN_S, Fp.unboxS(d(1.0)));
    assertEquals(0xffff_ffff_3f80_0000L, Fp.boxS(0x3f80_0000));
    assertEquals(0xffff_ffff_8000_0000L, Fp.boxS(0x8000_0000));
    assertEquals(0xffff_ffff_ffff_ffffL, Fp.boxS(-1));
  }

  // ---- conversions ----------------------------------------------------------------------------

  @Test
  void floatToIntegerSaturatesWithInvalidOnly() {
    long max32 = Integer.MAX_VALUE;
    long min32 = Integer.MIN_VALUE;
    expectD(max32, NV, e -> Fp.cvtWD(QNAN_D, RNE, e));
    expectD(max32, NV, e -> Fp.cvtWD(QNAN_D | SIGN_D, RNE, e)); // NaN is max whatever its sign
    expectD(max32, NV, e -> Fp.cvtWD(INF_D, RNE, e));
    expectD(min32, NV, e -> Fp.cvtWD(INF_D | SIGN_D, RNE, e));
    expectD(max32, NV, e -> Fp.cvtWD(d(3e9), RTZ, e));
    expectD(min32, 0, e -> Fp.cvtWD(d(-0x1p31), RNE, e));
    // −2^31 − 0.5 is in range after RTZ or RUP, out of range after RDN.
    expectD(min32, NX, e -> Fp.cvtWD(d(-0x1p31 - 0.5), RTZ, e));
    expectD(min32, NV, e -> Fp.cvtWD(d(-0x1p31 - 0.5), RDN, e));
    expectD(max32, NV, e -> Fp.cvtWD(d(0x1p31 - 0.5), RNE, e));
    expectD(max32, NX, e -> Fp.cvtWD(d(0x1p31 - 0.5), RTZ, e));
    expectD(max32, NV, e -> Fp.cvtWS(f(0x1p31f), RTZ, e));
    expectD(Long.MAX_VALUE, NV, e -> Fp.cvtLD(d(0x1p63), RNE, e));
    expectD(Long.MIN_VALUE, 0, e -> Fp.cvtLD(d(-0x1p63), RNE, e));
    expectD(Long.MAX_VALUE, NV, e -> Fp.cvtLS(QNAN_S, RNE, e));
    expectD(Long.MIN_VALUE, NV, e -> Fp.cvtLS(INF_S | 0x8000_0000, RNE, e));
  }

  @Test
  void unsignedConversionOfNegatives() {
    expectD(0, NX, e -> Fp.cvtWuD(d(-0.3), RTZ, e));
    expectD(0, NX, e -> Fp.cvtWuD(d(-0.5), RNE, e));
    expectD(0, NV, e -> Fp.cvtWuD(d(-0.5), RMM, e));
    expectD(0, NV, e -> Fp.cvtWuD(d(-0.3), RDN, e));
    expectD(0, NV, e -> Fp.cvtWuD(d(-1.0), RTZ, e));
    expectD(0, 0, e -> Fp.cvtWuD(SIGN_D, RNE, e));
    expectD(0, NX, e -> Fp.cvtLuS(f(-0.75f), RTZ, e));
    expectD(0, NV, e -> Fp.cvtLuS(INF_S | 0x8000_0000, RTZ, e));
    // 2^32 − 1 fits and, as a 32-bit result, is sign-extended into the register.
    expectD(-1L, 0, e -> Fp.cvtWuD(d(4294967295.0), RNE, e));
    expectD(0xffff_ffff_8000_0000L, 0, e -> Fp.cvtWuD(d(0x1p31), RNE, e));
    expectD(-1L, NV, e -> Fp.cvtWuD(QNAN_D, RNE, e));
    expectD(-1L, NV, e -> Fp.cvtWuS(f(0x1p32f), RNE, e));
    expectD(-1L, NV, e -> Fp.cvtLuD(QNAN_D, RNE, e));
    expectD(-1L, NV, e -> Fp.cvtLuD(d(0x1p64), RNE, e));
    expectD(0xffff_ffff_ffff_f800L, 0, e -> Fp.cvtLuD(d(Math.nextDown(0x1p64)), RNE, e));
    expectD(Long.MIN_VALUE, 0, e -> Fp.cvtLuD(d(0x1p63), RNE, e));
  }

  @Test
  void floatToIntegerRoundingModes() {
    double[] xs = {2.5, -2.5, 3.5, -3.5, 2.25, -2.75, 0.5, -0.5};
    long[][] want = {
      // RNE, RTZ, RDN, RUP, RMM
      {2, 2, 2, 3, 3},
      {-2, -2, -3, -2, -3},
      {4, 3, 3, 4, 4},
      {-4, -3, -4, -3, -4},
      {2, 2, 2, 3, 2},
      {-3, -2, -3, -2, -3},
      {0, 0, 0, 1, 1},
      {0, 0, -1, 0, -1},
    };
    for (int i = 0; i < xs.length; i++) {
      for (int rm = 0; rm < 5; rm++) {
        long x = d(xs[i]);
        int m = rm;
        expectD(want[i][rm], NX, e -> Fp.cvtLD(x, m, e));
        expectD(want[i][rm], NX, e -> Fp.cvtWS(f((float) Double.longBitsToDouble(x)), m, e));
      }
    }
  }

  @Test
  void integerToFloatRoundsExactly() {
    expectS(f(16777216f), NX, e -> Fp.cvtSW(16777217, RNE, e));
    expectS(f(16777218f), NX, e -> Fp.cvtSW(16777217, RUP, e));
    expectS(f(16777218f), NX, e -> Fp.cvtSW(16777217, RMM, e));
    expectS(f(-16777216f), NX, e -> Fp.cvtSW(-16777217, RUP, e));
    expectS(f(16777216f), 0, e -> Fp.cvtSW(16777216, RUP, e));
    // The W source is the low 32 bits of the register, signed or unsigned.
    expectS(f(-1f), 0, e -> Fp.cvtSW(0x1234_5678_ffff_ffffL, RNE, e));
    expectS(f(0x1p32f), NX, e -> Fp.cvtSWu(0xffff_ffffL, RNE, e));
    expectS(f(Math.nextDown(0x1p32f)), NX, e -> Fp.cvtSWu(-1L, RTZ, e));
    expectS(f(0x1p64f), NX, e -> Fp.cvtSLu(-1L, RNE, e));
    expectS(f(-0x1p63f), 0, e -> Fp.cvtSL(Long.MIN_VALUE, RNE, e));
    expectD(d(0x1p53), NX, e -> Fp.cvtDL((1L << 53) + 1, RNE, e));
    expectD(d(0x1p53 + 2), NX, e -> Fp.cvtDL((1L << 53) + 1, RUP, e));
    expectD(d(0x1p53), 0, e -> Fp.cvtDL(1L << 53, RNE, e));
    expectD(d(0x1p64), NX, e -> Fp.cvtDLu(-1L, RNE, e));
    expectD(d(Math.nextDown(0x1p64)), NX, e -> Fp.cvtDLu(-1L, RTZ, e));
    expectD(d(-0x1p63), 0, e -> Fp.cvtDL(Long.MIN_VALUE, RDN, e));
    expectD(d(4294967295.0), 0, e -> Fp.cvtDWu(-1L, RNE, e));
    expectD(d(-1.0), 0, e -> Fp.cvtDW(0xffff_ffffL, RNE, e));
    expectD(0, 0, e -> Fp.cvtDL(0, RDN, e)); // zero is +0 in every mode
  }

  @Test
  void doubleToSingle() {
    long big = d(0x1p200);
    expectS(INF_S, OF | NX, e -> Fp.cvtSD(big, RNE, e));
    expectS(MAX_S, OF | NX, e -> Fp.cvtSD(big, RTZ, e));
    expectS(MAX_S | 0x8000_0000, OF | NX, e -> Fp.cvtSD(big | SIGN_D, RUP, e));
    expectS(0, UF | NX, e -> Fp.cvtSD(d(0x1p-200), RNE, e));
    expectS(1, UF | NX, e -> Fp.cvtSD(d(0x1p-200), RUP, e));
    expectS(f(0.1f), NX, e -> Fp.cvtSD(d(0.1), RNE, e));
    expectS(f(0.1f), NX, e -> Fp.cvtSD(d(0.1), RUP, e)); // RN(0.1) lies above 0.1
    expectS(f(Math.nextDown(0.1f)), NX, e -> Fp.cvtSD(d(0.1), RTZ, e));
    expectS(f(1.0f / 3), NX, e -> Fp.cvtSD(d(1.0 / 3), RNE, e));
    expectS(f(0.5f), 0, e -> Fp.cvtSD(d(0.5), RDN, e));
    expectS(0x8000_0000, 0, e -> Fp.cvtSD(SIGN_D, RNE, e));
    expectD(d(0x1p-149), 0, e -> Fp.cvtDS(1, RNE, e));
    expectD(INF_D | SIGN_D, 0, e -> Fp.cvtDS(INF_S | 0x8000_0000, RNE, e));
  }
}
