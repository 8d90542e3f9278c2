package dev.popcornj.machine.hart.fp;

import static dev.popcornj.machine.hart.fp.SoftFloat.NAN_D;
import static dev.popcornj.machine.hart.fp.SoftFloat.SIGN_D;
import static dev.popcornj.machine.hart.fp.SoftFloat.isNaND;
import static dev.popcornj.machine.hart.fp.SoftFloat.isSNaND;

/**
 * The RISC-V F and D extensions' arithmetic as IEEE 754-2008 defines it, on raw bits: a single is
 * an {@code int}, a double a {@code long}, rounding modes are already resolved (never DYN), and
 * each operation ORs the exception flags it raises into an {@link FpEnv}. Every NaN produced is the
 * canonical NaN.
 *
 * <p>How it is exact: double operations in RNE take the host's IEEE {@code double} result and
 * decide inexactness from an exact residual (Fast2Sum, {@code Math.fma}); whatever that cannot
 * settle (directed modes, subnormal or overflowing results, inexact fused products) goes to {@link
 * SoftFloat}. Single operations are computed in double and rounded to odd there (the residual says
 * which way the exact value lies), which loses nothing: 53 bits exceed 24 + 2, so a single rounding
 * of that odd result to single in any mode equals rounding the exact value.
 */
public final class Fp {
  private Fp() {}

  public static final int NX = 1;
  public static final int UF = 2;
  public static final int OF = 4;
  public static final int DZ = 8;
  public static final int NV = 16;

  public static final int RNE = 0;
  public static final int RTZ = 1;
  public static final int RDN = 2;
  public static final int RUP = 3;
  public static final int RMM = 4;

  static final int NAN_S = 0x7fc0_0000;
  static final int SIGN_S = 0x8000_0000;
  private static final long BOX = 0xffff_ffff_0000_0000L;

  // ---- NaN boxing -----------------------------------------------------------------------------

  /** The single held in a 64-bit f register: its low half if properly boxed, else the qNaN. */
  public static int unboxS(long raw) {
    return (raw & BOX) == BOX ? (int) raw : NAN_S;
  }

  /** A single as a 64-bit f register holds it: upper 32 bits all ones. */
  public static long boxS(int s) {
    return BOX | (s & 0xffff_ffffL);
  }

  // ---- single precision -----------------------------------------------------------------------

  public static int addS(int a, int b, int rm, FpEnv e) {
    double x = widen(a);
    double y = widen(b);
    double s = x + y;
    if (!(Math.abs(s) <= Double.MAX_VALUE)) {
      return specialS(s, a, b, e);
    }
    if (s == 0) {
      // Exact: a cancellation or two zeros. The host gave the RNE sign; RDN alone differs.
      return rm == RDN && (a | b) != 0 ? SIGN_S : Float.floatToRawIntBits((float) s);
    }
    return narrow(sumToOdd(x, y, s), rm, e);
  }

  public static int subS(int a, int b, int rm, FpEnv e) {
    return addS(a, b ^ SIGN_S, rm, e);
  }

  public static int mulS(int a, int b, int rm, FpEnv e) {
    double p = widen(a) * widen(b); // exact: 24 + 24 bits, exponent well inside double's range
    if (!(Math.abs(p) <= Double.MAX_VALUE)) {
      return specialS(p, a, b, e);
    }
    return narrow(p, rm, e);
  }

  public static int divS(int a, int b, int rm, FpEnv e) {
    double x = widen(a);
    double y = widen(b);
    double q = x / y;
    if (!(Math.abs(q) <= Double.MAX_VALUE)) {
      if (y == 0 && Math.abs(x) <= Double.MAX_VALUE && q == q) {
        e.flags |= DZ;
      }
      return specialS(q, a, b, e);
    }
    if (q != 0) {
      double r = Math.fma(-q, y, x); // exact remainder: the quotient is far from underflow
      if (r != 0) {
        q = toOdd(q, (r > 0) == (y > 0));
      }
    }
    return narrow(q, rm, e);
  }

  public static int sqrtS(int a, int rm, FpEnv e) {
    double x = widen(a);
    if (!(x > 0 && x <= Double.MAX_VALUE)) {
      if (x == 0 || x == Double.POSITIVE_INFINITY) {
        return a;
      }
      return nanS(isSNaNS(a) || !isNaNS(a), e);
    }
    double s = Math.sqrt(x);
    double r = Math.fma(-s, s, x);
    return narrow(r == 0 ? s : toOdd(s, r > 0), rm, e);
  }

  public static int fmaddS(int a, int b, int c, int rm, FpEnv e) {
    double x = widen(a);
    double y = widen(b);
    double z = widen(c);
    double p = x * y; // exact
    double s = p + z;
    if (!(Math.abs(s) <= Double.MAX_VALUE)) {
      if (s == s) {
        return Float.floatToRawIntBits((float) s); // an infinity from an infinite operand
      }
      boolean infTimesZero =
          (Float.isInfinite(x2f(a)) && y == 0) || (x == 0 && Float.isInfinite(x2f(b)));
      boolean anyNaN = isNaNS(a) || isNaNS(b) || isNaNS(c);
      return nanS(isSNaNS(a) || isSNaNS(b) || isSNaNS(c) || infTimesZero || !anyNaN, e);
    }
    if (s == 0) {
      long zeros = Double.doubleToRawLongBits(p) | Double.doubleToRawLongBits(z);
      return rm == RDN && zeros != 0 ? SIGN_S : Float.floatToRawIntBits((float) s);
    }
    return narrow(sumToOdd(p, z, s), rm, e);
  }

  public static int fmsubS(int a, int b, int c, int rm, FpEnv e) {
    return fmaddS(a, b, c ^ SIGN_S, rm, e);
  }

  public static int fnmsubS(int a, int b, int c, int rm, FpEnv e) {
    return fmaddS(a ^ SIGN_S, b, c, rm, e);
  }

  public static int fnmaddS(int a, int b, int c, int rm, FpEnv e) {
    return fmaddS(a ^ SIGN_S, b, c ^ SIGN_S, rm, e);
  }

  public static int minS(int a, int b, FpEnv e) {
    if (isNaNS(a) || isNaNS(b)) {
      return nanOperandS(a, b, e);
    }
    float x = x2f(a);
    float y = x2f(b);
    return x < y ? a : y < x ? b : a | b; // equal: -0 is the smaller zero
  }

  public static int maxS(int a, int b, FpEnv e) {
    if (isNaNS(a) || isNaNS(b)) {
      return nanOperandS(a, b, e);
    }
    float x = x2f(a);
    float y = x2f(b);
    return x > y ? a : y > x ? b : a & b; // equal: +0 is the larger zero
  }

  public static boolean eqS(int a, int b, FpEnv e) {
    if (isNaNS(a) || isNaNS(b)) {
      if (isSNaNS(a) || isSNaNS(b)) {
        e.flags |= NV;
      }
      return false;
    }
    return x2f(a) == x2f(b);
  }

  public static boolean ltS(int a, int b, FpEnv e) {
    if (isNaNS(a) || isNaNS(b)) {
      e.flags |= NV;
      return false;
    }
    return x2f(a) < x2f(b);
  }

  public static boolean leS(int a, int b, FpEnv e) {
    if (isNaNS(a) || isNaNS(b)) {
      e.flags |= NV;
      return false;
    }
    return x2f(a) <= x2f(b);
  }

  public static int classifyS(int a) {
    return classify(a < 0, (a >>> 23) & 0xff, 0xff, a & 0x7f_ffff, 0x40_0000);
  }

  public static long cvtWS(int a, int rm, FpEnv e) {
    return toInt(widen(a), rm, TO_W, e);
  }

  public static long cvtWuS(int a, int rm, FpEnv e) {
    return toInt(widen(a), rm, TO_WU, e);
  }

  public static long cvtLS(int a, int rm, FpEnv e) {
    return toInt(widen(a), rm, TO_L, e);
  }

  public static long cvtLuS(int a, int rm, FpEnv e) {
    return toInt(widen(a), rm, TO_LU, e);
  }

  public static int cvtSW(long x, int rm, FpEnv e) {
    int v = (int) x;
    return (int) fromInt(v < 0, Math.abs((long) v), rm, false, e);
  }

  public static int cvtSWu(long x, int rm, FpEnv e) {
    return (int) fromInt(false, x & 0xffff_ffffL, rm, false, e);
  }

  public static int cvtSL(long x, int rm, FpEnv e) {
    return (int) fromInt(x < 0, x < 0 ? -x : x, rm, false, e);
  }

  public static int cvtSLu(long x, int rm, FpEnv e) {
    return (int) fromInt(false, x, rm, false, e);
  }

  // ---- double precision -----------------------------------------------------------------------

  public static long addD(long a, long b, int rm, FpEnv e) {
    if (rm == RNE) {
      double x = Double.longBitsToDouble(a);
      double y = Double.longBitsToDouble(b);
      double s = x + y;
      // A finite sum of doubles is never tiny and inexact (subnormal sums are exact), and its
      // zero has the RNE sign already.
      if (Math.abs(s) <= Double.MAX_VALUE) {
        // once inexact is raised (it stays until software clears it) exactness no longer matters
        if ((e.flags & NX) == 0 && sumError(x, y, s) != 0) {
          e.flags |= NX;
        }
        return Double.doubleToRawLongBits(s);
      }
    }
    return SoftFloat.add(a, b, rm, e);
  }

  public static long subD(long a, long b, int rm, FpEnv e) {
    return addD(a, b ^ SIGN_D, rm, e);
  }

  public static long mulD(long a, long b, int rm, FpEnv e) {
    if (rm == RNE) {
      double x = Double.longBitsToDouble(a);
      double y = Double.longBitsToDouble(b);
      double p = x * y;
      // Above 2^-968 the product's error a×b − p is itself a double, so the fma sees it exactly.
      double ap = Math.abs(p);
      if (ap >= 0x1p-968 && ap <= Double.MAX_VALUE) {
        if ((e.flags & NX) == 0 && Math.fma(x, y, -p) != 0) {
          e.flags |= NX;
        }
        return Double.doubleToRawLongBits(p);
      }
    }
    return SoftFloat.mul(a, b, rm, e);
  }

  public static long divD(long a, long b, int rm, FpEnv e) {
    if (rm == RNE) {
      double x = Double.longBitsToDouble(a);
      double y = Double.longBitsToDouble(b);
      double q = x / y;
      // A normal quotient of a dividend above 2^-960 has an exactly representable remainder. A
      // quotient of exactly MIN_NORMAL may come from a tiny exact value, so it takes the slow path.
      double aq = Math.abs(q);
      if (aq > Double.MIN_NORMAL && aq <= Double.MAX_VALUE && Math.abs(x) >= 0x1p-960) {
        if (Math.fma(-q, y, x) != 0) {
          e.flags |= NX;
        }
        return Double.doubleToRawLongBits(q);
      }
    }
    return SoftFloat.div(a, b, rm, e);
  }

  public static long sqrtD(long a, int rm, FpEnv e) {
    if (rm == RNE) {
      double x = Double.longBitsToDouble(a);
      if (x >= 0x1p-960 && x <= Double.MAX_VALUE) {
        double s = Math.sqrt(x);
        if (Math.fma(-s, s, x) != 0) {
          e.flags |= NX;
        }
        return Double.doubleToRawLongBits(s);
      }
    }
    return SoftFloat.sqrt(a, rm, e);
  }

  public static long fmaddD(long a, long b, long c, int rm, FpEnv e) {
    if (rm == RNE) {
      double x = Double.longBitsToDouble(a);
      double y = Double.longBitsToDouble(b);
      double z = Double.longBitsToDouble(c);
      if ((e.flags & NX) != 0
          && Math.abs(x) <= Double.MAX_VALUE
          && Math.abs(y) <= Double.MAX_VALUE
          && Math.abs(z) <= Double.MAX_VALUE) {
        // Inexact is raised already; from finite operands, a result this far from both underflow
        // and overflow raises no other flag, so the host's fused result is the whole answer.
        double r = Math.fma(x, y, z);
        double ar = Math.abs(r);
        if (ar >= 0x1p-1000 && ar <= Double.MAX_VALUE) {
          return Double.doubleToRawLongBits(r);
        }
      }
      double p = x * y;
      double ap = Math.abs(p);
      // When the product is exact the fused operation is a plain sum.
      if (ap >= 0x1p-968 && ap <= Double.MAX_VALUE) {
        if (Math.fma(x, y, -p) == 0) {
          double s = p + z;
          if (Math.abs(s) <= Double.MAX_VALUE) {
            if (sumError(p, z, s) != 0) {
              e.flags |= NX;
            }
            return Double.doubleToRawLongBits(s);
          }
        } else {
          // r is the fused result; it is exact when x×y + z − r = 0. When r − z is a double d,
          // that is x×y − d, which the fma below rounds to zero only when it is zero: above 2^-968
          // the product is a multiple of 2^-1074, as d is. A normal r far from the underflow
          // threshold and below overflow leaves inexact as the only flag.
          double r = Math.fma(x, y, z);
          double ar = Math.abs(r);
          if (ar >= 0x1p-1000 && ar <= Double.MAX_VALUE) {
            double d = r - z;
            if (sumError(r, -z, d) == 0) {
              if (Math.fma(x, y, -d) != 0) {
                e.flags |= NX;
              }
              return Double.doubleToRawLongBits(r);
            }
          }
        }
      }
    }
    return SoftFloat.fma(a, b, c, rm, e);
  }

  public static long fmsubD(long a, long b, long c, int rm, FpEnv e) {
    return fmaddD(a, b, c ^ SIGN_D, rm, e);
  }

  public static long fnmsubD(long a, long b, long c, int rm, FpEnv e) {
    return fmaddD(a ^ SIGN_D, b, c, rm, e);
  }

  public static long fnmaddD(long a, long b, long c, int rm, FpEnv e) {
    return fmaddD(a ^ SIGN_D, b, c ^ SIGN_D, rm, e);
  }

  public static long minD(long a, long b, FpEnv e) {
    if (isNaND(a) || isNaND(b)) {
      return nanOperandD(a, b, e);
    }
    double x = Double.longBitsToDouble(a);
    double y = Double.longBitsToDouble(b);
    return x < y ? a : y < x ? b : a | b;
  }

  public static long maxD(long a, long b, FpEnv e) {
    if (isNaND(a) || isNaND(b)) {
      return nanOperandD(a, b, e);
    }
    double x = Double.longBitsToDouble(a);
    double y = Double.longBitsToDouble(b);
    return x > y ? a : y > x ? b : a & b;
  }

  public static boolean eqD(long a, long b, FpEnv e) {
    if (isNaND(a) || isNaND(b)) {
      if (isSNaND(a) || isSNaND(b)) {
        e.flags |= NV;
      }
      return false;
    }
    return Double.longBitsToDouble(a) == Double.longBitsToDouble(b);
  }

  public static boolean ltD(long a, long b, FpEnv e) {
    if (isNaND(a) || isNaND(b)) {
      e.flags |= NV;
      return false;
    }
    return Double.longBitsToDouble(a) < Double.longBitsToDouble(b);
  }

  public static boolean leD(long a, long b, FpEnv e) {
    if (isNaND(a) || isNaND(b)) {
      e.flags |= NV;
      return false;
    }
    return Double.longBitsToDouble(a) <= Double.longBitsToDouble(b);
  }

  public static int classifyD(long a) {
    return classify(
        a < 0, (int) (a >>> 52) & 0x7ff, 0x7ff, a & SoftFloat.FRAC_D, SoftFloat.QUIET_D);
  }

  public static long cvtWD(long a, int rm, FpEnv e) {
    return toInt(Double.longBitsToDouble(a), rm, TO_W, e);
  }

  public static long cvtWuD(long a, int rm, FpEnv e) {
    return toInt(Double.longBitsToDouble(a), rm, TO_WU, e);
  }

  public static long cvtLD(long a, int rm, FpEnv e) {
    return toInt(Double.longBitsToDouble(a), rm, TO_L, e);
  }

  public static long cvtLuD(long a, int rm, FpEnv e) {
    return toInt(Double.longBitsToDouble(a), rm, TO_LU, e);
  }

  /** int32 to double is always exact. */
  public static long cvtDW(long x, int rm, FpEnv e) {
    return Double.doubleToRawLongBits((int) x);
  }

  /** uint32 to double is always exact. */
  public static long cvtDWu(long x, int rm, FpEnv e) {
    return Double.doubleToRawLongBits(x & 0xffff_ffffL);
  }

  public static long cvtDL(long x, int rm, FpEnv e) {
    return fromInt(x < 0, x < 0 ? -x : x, rm, true, e);
  }

  public static long cvtDLu(long x, int rm, FpEnv e) {
    return fromInt(false, x, rm, true, e);
  }

  // ---- between the formats --------------------------------------------------------------------

  public static int cvtSD(long d, int rm, FpEnv e) {
    if (isNaND(d)) {
      return nanS(isSNaND(d), e);
    }
    return narrow(Double.longBitsToDouble(d), rm, e);
  }

  public static long cvtDS(int s, int rm, FpEnv e) {
    if (isNaNS(s)) {
      return SoftFloat.nanD(isSNaNS(s), e);
    }
    return Double.doubleToRawLongBits(x2f(s));
  }

  // ---- shared helpers -------------------------------------------------------------------------

  private static float x2f(int a) {
    return Float.intBitsToFloat(a);
  }

  /** The single's exact value as a double (NaNs come out as some NaN; callers test the bits). */
  private static double widen(int a) {
    return Float.intBitsToFloat(a);
  }

  static boolean isNaNS(int a) {
    return (a & 0x7fff_ffff) > 0x7f80_0000;
  }

  static boolean isSNaNS(int a) {
    return isNaNS(a) && (a & 0x40_0000) == 0;
  }

  private static int nanS(boolean invalid, FpEnv e) {
    if (invalid) {
      e.flags |= NV;
    }
    return NAN_S;
  }

  /**
   * Result of a single add, multiply or divide whose double intermediate is not finite: an infinity
   * carried over, or a NaN that is invalid when an operand signals or when no operand was a NaN
   * (inf − inf, 0 × inf, 0/0, inf/inf).
   */
  private static int specialS(double r, int a, int b, FpEnv e) {
    if (r == r) {
      return Float.floatToRawIntBits((float) r);
    }
    return nanS(isSNaNS(a) || isSNaNS(b) || !(isNaNS(a) || isNaNS(b)), e);
  }

  /** fmin/fmax with a NaN operand: the other operand, or the canonical NaN if both are NaN. */
  private static int nanOperandS(int a, int b, FpEnv e) {
    if (isSNaNS(a) || isSNaNS(b)) {
      e.flags |= NV;
    }
    if (isNaNS(a) && isNaNS(b)) {
      return NAN_S;
    }
    return isNaNS(a) ? b : a;
  }

  private static long nanOperandD(long a, long b, FpEnv e) {
    if (isSNaND(a) || isSNaND(b)) {
      e.flags |= NV;
    }
    if (isNaND(a) && isNaND(b)) {
      return NAN_D;
    }
    return isNaND(a) ? b : a;
  }

  /** The exact error (x + y) − s of the RNE sum s, by Fast2Sum on the larger operand. */
  private static double sumError(double x, double y, double s) {
    if (Math.abs(x) >= Math.abs(y)) {
      return y - (s - x);
    }
    return x - (s - y);
  }

  /** The sum x + y (finite, nonzero s = RN(x + y)) rounded to odd in double. */
  private static double sumToOdd(double x, double y, double s) {
    double err = sumError(x, y, s);
    return err == 0 ? s : toOdd(s, err > 0);
  }

  /**
   * Rounds to odd from a correctly rounded, inexact, nonzero s: s itself if its last bit is one,
   * else its neighbour on the side where the exact value lies.
   */
  private static double toOdd(double s, boolean exactAbove) {
    long bits = Double.doubleToRawLongBits(s);
    if ((bits & 1) == 0) {
      bits += exactAbove == (s > 0) ? 1 : -1;
    }
    return Double.longBitsToDouble(bits);
  }

  /**
   * Rounds a double to single in mode rm. A double rounded to odd from an exact value keeps that
   * value's inexactness in its last bit, so this also finishes every single operation.
   */
  private static int narrow(double d, int rm, FpEnv e) {
    if (rm == RNE) {
      float f = (float) d;
      float af = Math.abs(f);
      // At MIN_NORMAL the exact value may still be tiny after rounding; the slow path decides.
      if (af > Float.MIN_NORMAL && af <= Float.MAX_VALUE) {
        if (f != d) {
          e.flags |= NX;
        }
        return Float.floatToRawIntBits(f);
      }
    }
    long bits = Double.doubleToRawLongBits(d);
    if (SoftFloat.isZeroD(bits) || SoftFloat.isInfD(bits)) {
      return Float.floatToRawIntBits((float) d);
    }
    return (int)
        SoftFloat.roundPack(
            bits < 0, SoftFloat.expD(bits), SoftFloat.sigD(bits) << 10, rm, false, e);
  }

  private static long fromInt(boolean neg, long mag, int rm, boolean dbl, FpEnv e) {
    if (mag == 0) {
      return 0;
    }
    // Exact when the significant bits fit the format; the host conversion then suffices.
    if (mag > 0
        && 64 - Long.numberOfLeadingZeros(mag) - Long.numberOfTrailingZeros(mag)
            <= (dbl ? 53 : 24)) {
      long v = neg ? -mag : mag;
      return dbl ? Double.doubleToRawLongBits(v) : Float.floatToRawIntBits(v);
    }
    return SoftFloat.fromInteger(neg, mag, rm, dbl, e);
  }

  private static final int TO_W = 0;
  private static final int TO_WU = 1;
  private static final int TO_L = 2;
  private static final int TO_LU = 3;

  /**
   * Float to integer: round x to an integral double in mode rm (exact, as every double of 2^52 or
   * more is already integral), then saturate. Out of range, infinite or NaN gives NV and no NX.
   */
  private static long toInt(double x, int rm, int kind, FpEnv e) {
    double r =
        switch (rm) {
          case RNE -> Math.rint(x);
          case RTZ -> x < 0 ? Math.ceil(x) : Math.floor(x);
          case RDN -> Math.floor(x);
          case RUP -> Math.ceil(x);
          default -> roundHalfAway(x);
        };
    boolean inRange;
    long v;
    long max;
    long min;
    switch (kind) {
      case TO_W -> {
        inRange = r >= -0x1p31 && r <= 0x1p31 - 1;
        v = (long) r;
        max = Integer.MAX_VALUE;
        min = Integer.MIN_VALUE;
      }
      case TO_WU -> {
        inRange = r > -1 && r <= 0x1p32 - 1;
        v = (int) (long) r; // the 32-bit result, sign-extended as RV64 writes it
        max = -1L;
        min = 0;
      }
      case TO_L -> {
        inRange = r >= -0x1p63 && r < 0x1p63;
        v = (long) r;
        max = Long.MAX_VALUE;
        min = Long.MIN_VALUE;
      }
      default -> {
        inRange = r > -1 && r < 0x1p64;
        v = r < 0x1p63 ? (long) r : (long) (r - 0x1p63) ^ Long.MIN_VALUE;
        max = -1L;
        min = 0;
      }
    }
    if (!inRange) {
      e.flags |= NV;
      return x != x || r > 0 ? max : min;
    }
    if (r != x) {
      e.flags |= NX;
    }
    return v;
  }

  /** Round to nearest integral value, ties away from zero (RMM). */
  private static double roundHalfAway(double x) {
    double ax = Math.abs(x);
    double f = Math.floor(ax);
    double r = ax - f >= 0.5 ? f + 1 : f; // ax − f is exact
    return Math.copySign(r, x);
  }

  private static int classify(boolean neg, int exp, int expAllOnes, long frac, long quietBit) {
    if (exp == expAllOnes) {
      if (frac == 0) {
        return neg ? 1 : 1 << 7;
      }
      return (frac & quietBit) != 0 ? 1 << 9 : 1 << 8;
    }
    if (exp == 0) {
      if (frac == 0) {
        return neg ? 1 << 3 : 1 << 4;
      }
      return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
  }
}
