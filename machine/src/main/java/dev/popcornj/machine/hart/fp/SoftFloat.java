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

/**
 * The exact core of the FP library: one rounding step shared by every operation and both formats,
 * and the double-precision arithmetic that host {@code double} cannot give directly (directed
 * rounding modes, subnormal and overflowing results, flags of the fused multiply-add).
 *
 * <p>Values in flight are {@code (-1)^neg × sig × 2^(exp − 62)} with {@code sig} a positive long
 * whose leading one is at or near bit 62. Bits far below the result's rounding position may be a
 * sticky summary: any nonzero bit there only says "the exact value had more bits".
 */
final class SoftFloat {
  private SoftFloat() {}

  static final long SIGN_D = 0x8000_0000_0000_0000L;
  static final long INF_D = 0x7ff0_0000_0000_0000L;
  static final long MAX_D = 0x7fef_ffff_ffff_ffffL;
  static final long FRAC_D = 0x000f_ffff_ffff_ffffL;
  static final long QUIET_D = 0x0008_0000_0000_0000L;
  static final long NAN_D = 0x7ff8_0000_0000_0000L;
  static final long NEG_ZERO_D = SIGN_D;

  // ---- bit tests on doubles -------------------------------------------------------------------

  static boolean isNaND(long a) {
    return (a & ~SIGN_D) > INF_D;
  }

  static boolean isSNaND(long a) {
    return isNaND(a) && (a & QUIET_D) == 0;
  }

  static boolean isInfD(long a) {
    return (a & ~SIGN_D) == INF_D;
  }

  static boolean isZeroD(long a) {
    return (a & ~SIGN_D) == 0;
  }

  /** Significand of a finite nonzero double, normalized so that its leading one is bit 52. */
  static long sigD(long a) {
    long frac = a & FRAC_D;
    if ((a & INF_D) == 0) {
      return frac << (Long.numberOfLeadingZeros(frac) - 11);
    }
    return frac | (1L << 52);
  }

  /** Exponent of that leading one: a finite nonzero double equals sigD × 2^(expD − 52). */
  static int expD(long a) {
    int field = (int) (a >>> 52) & 0x7ff;
    if (field == 0) {
      return -1011 - Long.numberOfLeadingZeros(a & FRAC_D);
    }
    return field - 1023;
  }

  /** Shifts right by d ≥ 0, ORing every bit shifted out into bit 0 so inexactness survives. */
  static long shiftRightJam(long sig, int d) {
    if (d == 0) {
      return sig;
    }
    if (d >= 63) {
      return sig != 0 ? 1 : 0;
    }
    return (sig >>> d) | ((sig & ((1L << d) - 1)) != 0 ? 1 : 0);
  }

  // ---- rounding -------------------------------------------------------------------------------

  /**
   * Rounds {@code (-1)^neg × sig × 2^(exp − 62)} to single ({@code dbl == false}) or double, packs
   * it and raises NX, UF (tiny after rounding and inexact), OF. {@code sig} must be in [1, 2^63).
   * Returns the raw bits; a single is in the low 32 bits.
   */
  static long roundPack(boolean neg, int exp, long sig, int rm, boolean dbl, FpEnv env) {
    int p = dbl ? 53 : 24;
    int emin = dbl ? -1022 : -126;
    int emax = dbl ? 1023 : 127;
    int dropped = 63 - p;
    int lz = Long.numberOfLeadingZeros(sig) - 1;
    sig <<= lz;
    exp -= lz;
    boolean tiny = false;
    if (exp < emin) {
      // Tininess is judged on the result rounded to p bits as if the exponent were unbounded.
      tiny = exp < emin - 1 || (sig >>> dropped) + increment(sig, dropped, neg, rm) < (1L << p);
      sig = shiftRightJam(sig, emin - exp);
      exp = emin;
    }
    boolean inexact = (sig & ((1L << dropped) - 1)) != 0;
    long m = (sig >>> dropped) + increment(sig, dropped, neg, rm);
    if (m == (1L << p)) {
      m >>>= 1;
      exp++;
    }
    long signBit = neg ? (dbl ? SIGN_D : 0x8000_0000L) : 0;
    if (exp > emax) {
      env.flags |= OF | NX;
      boolean toInf = rm == RNE || rm == RMM || (rm == RDN && neg) || (rm == RUP && !neg);
      if (dbl) {
        return signBit | (toInf ? INF_D : MAX_D);
      }
      return signBit | (toInf ? 0x7f80_0000L : 0x7f7f_ffffL);
    }
    if (inexact) {
      env.flags |= tiny ? NX | UF : NX;
    }
    long implicit = 1L << (p - 1);
    long biased = m >= implicit ? exp + (dbl ? 1023 : 127) : 0;
    return signBit | (biased << (p - 1)) | (m & (implicit - 1));
  }

  /** 1 when the bits of sig below position {@code dropped} make the kept part round away. */
  private static long increment(long sig, int dropped, boolean neg, int rm) {
    long rest = sig & ((1L << dropped) - 1);
    long half = 1L << (dropped - 1);
    boolean up =
        switch (rm) {
          case RNE -> rest > half || (rest == half && ((sig >>> dropped) & 1) != 0);
          case RMM -> rest >= half;
          case RDN -> neg && rest != 0;
          case RUP -> !neg && rest != 0;
          default -> false;
        };
    return up ? 1 : 0;
  }

  /** Rounds the integer (-1)^neg × mag (mag unsigned, nonzero) to single or double. */
  static long fromInteger(boolean neg, long mag, int rm, boolean dbl, FpEnv env) {
    if (mag < 0) {
      return roundPack(neg, 63, shiftRightJam(mag, 1), rm, dbl, env);
    }
    return roundPack(neg, 62, mag, rm, dbl, env);
  }

  // ---- double arithmetic, exact then rounded once
  // ------------------------------------------------

  /** The canonical NaN, raising NV when {@code invalid}. */
  static long nanD(boolean invalid, FpEnv env) {
    if (invalid) {
      env.flags |= NV;
    }
    return NAN_D;
  }

  /** The signed zero of an exact cancellation or of adding zeros of unlike signs. */
  static long cancelledZeroD(int rm) {
    return rm == RDN ? NEG_ZERO_D : 0;
  }

  static long add(long a, long b, int rm, FpEnv env) {
    if (isNaND(a) || isNaND(b)) {
      return nanD(isSNaND(a) || isSNaND(b), env);
    }
    if (isInfD(a) || isInfD(b)) {
      if (isInfD(a) && isInfD(b) && a != b) {
        return nanD(true, env);
      }
      return isInfD(a) ? a : b;
    }
    if (isZeroD(a) || isZeroD(b)) {
      if (isZeroD(a) && isZeroD(b)) {
        return a == b ? a : cancelledZeroD(rm);
      }
      return isZeroD(a) ? b : a;
    }
    boolean negA = a < 0;
    boolean negB = b < 0;
    int ea = expD(a);
    int eb = expD(b);
    long ma = sigD(a) << 9;
    long mb = sigD(b) << 9;
    if (ea < eb || (ea == eb && ma < mb)) {
      int te = ea;
      ea = eb;
      eb = te;
      long tm = ma;
      ma = mb;
      mb = tm;
      boolean tn = negA;
      negA = negB;
      negB = tn;
    }
    // With both leading ones at bit 61, a shift of 2 or more leaves a difference of at least 2^60,
    // so the sticky bit never climbs near the rounding position; shifts of 0 or 1 are exact.
    mb = shiftRightJam(mb, ea - eb);
    long m;
    if (negA == negB) {
      m = ma + mb;
    } else {
      m = ma - mb;
      if (m == 0) {
        return cancelledZeroD(rm);
      }
    }
    return roundPack(negA, ea + 1, m, rm, true, env);
  }

  static long mul(long a, long b, int rm, FpEnv env) {
    if (isNaND(a) || isNaND(b)) {
      return nanD(isSNaND(a) || isSNaND(b), env);
    }
    long sign = (a ^ b) & SIGN_D;
    if (isInfD(a) || isInfD(b)) {
      if (isZeroD(a) || isZeroD(b)) {
        return nanD(true, env);
      }
      return sign | INF_D;
    }
    if (isZeroD(a) || isZeroD(b)) {
      return sign;
    }
    long sa = sigD(a) << 10;
    long sb = sigD(b) << 11;
    long hi = Math.unsignedMultiplyHigh(sa, sb);
    long lo = sa * sb;
    return roundPack(sign != 0, expD(a) + expD(b) + 1, hi | (lo != 0 ? 1 : 0), rm, true, env);
  }

  static long div(long a, long b, int rm, FpEnv env) {
    if (isNaND(a) || isNaND(b)) {
      return nanD(isSNaND(a) || isSNaND(b), env);
    }
    long sign = (a ^ b) & SIGN_D;
    if (isInfD(a)) {
      return isInfD(b) ? nanD(true, env) : sign | INF_D;
    }
    if (isInfD(b)) {
      return sign;
    }
    if (isZeroD(b)) {
      if (isZeroD(a)) {
        return nanD(true, env);
      }
      env.flags |= DZ;
      return sign | INF_D;
    }
    if (isZeroD(a)) {
      return sign;
    }
    long sa = sigD(a);
    long sb = sigD(b);
    int e = expD(a) - expD(b);
    if (sa < sb) {
      sa <<= 1;
      e--;
    }
    // Long division, ten quotient bits a step: the remainder stays below sb < 2^53.
    long rem = sa - sb;
    long q = 1;
    for (int i = 0; i < 6; i++) {
      rem <<= 10;
      q = (q << 10) | (rem / sb);
      rem %= sb;
    }
    rem <<= 2;
    q = (q << 2) | (rem / sb);
    rem %= sb;
    return roundPack(sign != 0, e, q | (rem != 0 ? 1 : 0), rm, true, env);
  }

  /**
   * Square root in any rounding mode. The host's correctly rounded root plus the sign of the exact
   * remainder decides every mode: a root is never halfway between two doubles, never overflows and
   * never underflows, so RMM equals RNE and a directed mode moves at most one step.
   */
  static long sqrt(long a, int rm, FpEnv env) {
    if (isNaND(a)) {
      return nanD(isSNaND(a), env);
    }
    if (isZeroD(a)) {
      return a;
    }
    if (a < 0) {
      return nanD(true, env);
    }
    if (isInfD(a)) {
      return a;
    }
    double x = Double.longBitsToDouble(a);
    int scale = 0;
    if (x < 0x1p-960) {
      // Keeps x − s² exactly representable; an even power so the root scales back exactly.
      x *= 0x1p128;
      scale = -64;
    }
    double s = Math.sqrt(x);
    double r = Math.fma(-s, s, x);
    if (r != 0) {
      env.flags |= NX;
      if (r > 0 && rm == RUP) {
        s = Math.nextUp(s);
      } else if (r < 0 && (rm == RDN || rm == RTZ)) {
        s = Math.nextDown(s);
      }
    }
    return Double.doubleToRawLongBits(Math.scalb(s, scale));
  }

  /** a × b + c with one rounding, every special case included. */
  static long fma(long a, long b, long c, int rm, FpEnv env) {
    boolean infTimesZero =
        (isInfD(a) && isZeroD(b)) || (isZeroD(a) && isInfD(b)); // invalid even if c is a qNaN
    if (isNaND(a) || isNaND(b) || isNaND(c)) {
      return nanD(isSNaND(a) || isSNaND(b) || isSNaND(c) || infTimesZero, env);
    }
    long signP = (a ^ b) & SIGN_D;
    if (isInfD(a) || isInfD(b)) {
      if (infTimesZero || (isInfD(c) && (c & SIGN_D) != signP)) {
        return nanD(true, env);
      }
      return signP | INF_D;
    }
    if (isInfD(c)) {
      return c;
    }
    if (isZeroD(a) || isZeroD(b)) {
      if (isZeroD(c)) {
        return signP == (c & SIGN_D) ? c : cancelledZeroD(rm);
      }
      return c;
    }
    // The product as 128 bits (pHi:pLo) with its leading one at bit 124 or 125:
    // a × b = P × 2^(eP − 126).
    long sa = sigD(a) << 10;
    long sb = sigD(b) << 10;
    long pHi = Math.unsignedMultiplyHigh(sa, sb);
    long pLo = sa * sb;
    int eP = expD(a) + expD(b) + 2;
    if (isZeroD(c)) {
      return roundPack(signP != 0, eP, pHi | (pLo != 0 ? 1 : 0), rm, true, env);
    }
    // c as 128 bits with its leading one at bit 125: c = C × 2^(eC − 126).
    long cHi = sigD(c) << 9;
    long cLo = 0;
    int eC = expD(c) + 1;
    boolean negP = signP != 0;
    boolean negC = c < 0;

    // Align the operand with the smaller exponent to the other. P has its low 20 bits clear and C
    // its low 73, so a shift that drops a bit leaves the two at least 2^19 apart in magnitude and
    // the sticky bit far below the rounding position even after cancellation.
    long xHi;
    long xLo;
    long yHi;
    long yLo;
    boolean negX;
    boolean negY;
    int e;
    int d;
    if (eP >= eC) {
      xHi = pHi;
      xLo = pLo;
      negX = negP;
      yHi = cHi;
      yLo = cLo;
      negY = negC;
      e = eP;
      d = eP - eC;
    } else {
      xHi = cHi;
      xLo = cLo;
      negX = negC;
      yHi = pHi;
      yLo = pLo;
      negY = negP;
      e = eC;
      d = eC - eP;
    }
    if (d >= 128) {
      yLo = (yHi | yLo) != 0 ? 1 : 0;
      yHi = 0;
    } else if (d > 64) {
      long sticky = (yLo != 0 || (yHi << (128 - d)) != 0) ? 1 : 0;
      yLo = (yHi >>> (d - 64)) | sticky;
      yHi = 0;
    } else if (d == 64) {
      yLo = yHi | (yLo != 0 ? 1 : 0);
      yHi = 0;
    } else if (d > 0) {
      long sticky = (yLo << (64 - d)) != 0 ? 1 : 0;
      yLo = (yHi << (64 - d)) | (yLo >>> d) | sticky;
      yHi >>>= d;
    }

    long hi;
    long lo;
    boolean neg;
    if (negX == negY) {
      lo = xLo + yLo;
      hi = xHi + yHi + (Long.compareUnsigned(lo, xLo) < 0 ? 1 : 0);
      neg = negX;
    } else {
      int cmp = xHi != yHi ? Long.compareUnsigned(xHi, yHi) : Long.compareUnsigned(xLo, yLo);
      if (cmp == 0) {
        return cancelledZeroD(rm);
      }
      if (cmp < 0) {
        long t = xHi;
        xHi = yHi;
        yHi = t;
        t = xLo;
        xLo = yLo;
        yLo = t;
        negX = negY;
      }
      lo = xLo - yLo;
      hi = xHi - yHi - (Long.compareUnsigned(xLo, yLo) < 0 ? 1 : 0);
      neg = negX;
    }
    // Bring the 128-bit magnitude down to 64 bits with its leading one at bit 62, keeping a
    // sticky bit for everything below: value = (hi:lo) × 2^(e − 126) = sig × 2^(e' − 62).
    if (hi == 0) {
      hi = lo;
      lo = 0;
      e -= 64;
    }
    int lz = Long.numberOfLeadingZeros(hi) - 1;
    long sig;
    if (lz < 0) {
      sig = (hi >>> 1) | (hi & 1) | (lo != 0 ? 1 : 0);
      e += 1;
    } else if (lz == 0) {
      sig = hi | (lo != 0 ? 1 : 0);
    } else {
      sig = (hi << lz) | (lo >>> (64 - lz)) | ((lo << lz) != 0 ? 1 : 0);
      e -= lz;
    }
    return roundPack(neg, e, sig, rm, true, env);
  }
}
