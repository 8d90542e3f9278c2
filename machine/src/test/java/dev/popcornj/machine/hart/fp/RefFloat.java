package dev.popcornj.machine.hart.fp;

import java.math.BigInteger;

/**
 * A slow, independent reference for binary32 and binary64 arithmetic with RISC-V's rules: every
 * operation computes its exact value as a BigInteger rational and rounds it once by the textbook
 * definition. It shares no code with {@link Fp} and {@link SoftFloat}.
 */
final class RefFloat {
  private RefFloat() {}

  /** A binary interchange format; single bits live in the low 32 bits of a long. */
  enum Format {
    SINGLE(24, 8),
    DOUBLE(53, 11);

    final int p;
    final int expBits;
    final int bias;
    final int emin;
    final int emax;

    /** Fraction bits kept below the binary point of the scaled value: covers half the min ulp. */
    final int scale;

    Format(int p, int expBits) {
      this.p = p;
      this.expBits = expBits;
      this.bias = (1 << (expBits - 1)) - 1;
      this.emin = 1 - bias;
      this.emax = bias;
      this.scale = bias + p + 40;
    }

    long signBit() {
      return 1L << (p + expBits - 1);
    }

    long expField(long bits) {
      return (bits >>> (p - 1)) & ((1L << expBits) - 1);
    }

    long frac(long bits) {
      return bits & ((1L << (p - 1)) - 1);
    }

    boolean isNaN(long bits) {
      return expField(bits) == (1L << expBits) - 1 && frac(bits) != 0;
    }

    boolean isSNaN(long bits) {
      return isNaN(bits) && (frac(bits) >>> (p - 2)) == 0;
    }

    boolean isInf(long bits) {
      return expField(bits) == (1L << expBits) - 1 && frac(bits) == 0;
    }

    boolean isZero(long bits) {
      return expField(bits) == 0 && frac(bits) == 0;
    }

    boolean neg(long bits) {
      return (bits & signBit()) != 0;
    }

    long canonicalNaN() {
      return (((1L << expBits) - 1) << (p - 1)) | (1L << (p - 2));
    }

    long inf(boolean neg) {
      return (neg ? signBit() : 0) | (((1L << expBits) - 1) << (p - 1));
    }

    long zero(boolean neg) {
      return neg ? signBit() : 0;
    }

    long maxFinite(boolean neg) {
      return inf(neg) - 1;
    }

    /** The exact value of a finite operand as a signed integer times a power of two. */
    Dyadic value(long bits) {
      long e = expField(bits);
      long m = e == 0 ? frac(bits) : frac(bits) | (1L << (p - 1));
      int k = (e == 0 ? emin : (int) e - bias) - (p - 1);
      BigInteger bm = BigInteger.valueOf(m);
      return new Dyadic(neg(bits) ? bm.negate() : bm, k);
    }
  }

  /** m × 2^k exactly. */
  record Dyadic(BigInteger m, int k) {
    Dyadic add(Dyadic o) {
      int k0 = Math.min(k, o.k);
      return new Dyadic(m.shiftLeft(k - k0).add(o.m.shiftLeft(o.k - k0)), k0);
    }

    Dyadic mul(Dyadic o) {
      return new Dyadic(m.multiply(o.m), k + o.k);
    }

    Dyadic negate() {
      return new Dyadic(m.negate(), k);
    }
  }

  record Result(long bits, int flags) {}

  static final int NX = 1;
  static final int UF = 2;
  static final int OF = 4;
  static final int DZ = 8;
  static final int NV = 16;

  // ---- rounding, by definition ----------------------------------------------------------------

  /**
   * Rounds the nonzero value (-1)^neg × (f + δ) / 2^scale, with 0 ≤ δ < 1 and δ > 0 exactly when
   * {@code sticky}, to the format.
   */
  static Result round(Format fm, boolean neg, BigInteger f, boolean sticky, int rm) {
    int kk = fm.scale;
    if (f.signum() == 0) {
      // Below 2^-scale, far under half the smallest subnormal: tiny and inexact.
      boolean up = (rm == 3 && !neg) || (rm == 2 && neg);
      return new Result(fm.zero(neg) | (up ? 1 : 0), NX | UF);
    }
    int e = f.bitLength() - 1 - kk; // 2^e <= |v| < 2^(e+1)

    // Tininess after rounding: round to p bits with an unbounded exponent.
    // (Values so small that the p-bit rounding point lies below the scaled value's last bit are
    // tiny in any case.)
    int shiftUnbounded = kk + e - (fm.p - 1);
    boolean tiny = true;
    if (shiftUnbounded > 0) {
      BigInteger qUnbounded = roundAt(f, sticky, shiftUnbounded, rm, neg);
      int eAfter = qUnbounded.bitLength() > fm.p ? e + 1 : e;
      tiny = eAfter < fm.emin;
    }

    int eq = Math.max(e, fm.emin);
    int shift = kk + eq - (fm.p - 1);
    BigInteger q = roundAt(f, sticky, shift, rm, neg);
    boolean inexact =
        sticky || f.and(BigInteger.ONE.shiftLeft(shift).subtract(BigInteger.ONE)).signum() != 0;
    if (q.bitLength() > fm.p) {
      q = q.shiftRight(1);
      eq++;
    }
    int flags = inexact ? NX : 0;
    if (eq > fm.emax) {
      boolean toInf = rm == 0 || rm == 4 || (rm == 2 && neg) || (rm == 3 && !neg);
      return new Result(toInf ? fm.inf(neg) : fm.maxFinite(neg), OF | NX);
    }
    if (tiny && inexact) {
      flags |= UF;
    }
    long qm = q.longValueExact();
    long bits;
    if (qm < (1L << (fm.p - 1))) {
      bits = qm; // subnormal or zero
    } else {
      bits = ((long) (eq + fm.bias) << (fm.p - 1)) | (qm - (1L << (fm.p - 1)));
    }
    return new Result(fm.zero(neg) | bits, flags);
  }

  /** f / 2^shift rounded to an integer in mode rm (shift > 0), the sign being neg. */
  private static BigInteger roundAt(BigInteger f, boolean sticky, int shift, int rm, boolean neg) {
    if (shift <= 0) {
      throw new IllegalStateException("scale too small");
    }
    BigInteger q = f.shiftRight(shift);
    BigInteger rest = f.subtract(q.shiftLeft(shift));
    BigInteger half = BigInteger.ONE.shiftLeft(shift - 1);
    int c = rest.compareTo(half);
    boolean above = c > 0 || (c == 0 && sticky);
    boolean exactHalf = c == 0 && !sticky;
    boolean nonzero = rest.signum() != 0 || sticky;
    boolean up =
        switch (rm) {
          case 0 -> above || (exactHalf && q.testBit(0));
          case 4 -> above || exactHalf;
          case 2 -> neg && nonzero;
          case 3 -> !neg && nonzero;
          default -> false;
        };
    return up ? q.add(BigInteger.ONE) : q;
  }

  /** Rounds an exact dyadic value; a zero gets the sign {@code zeroNeg}. */
  static Result round(Format fm, Dyadic v, boolean zeroNeg, int rm) {
    if (v.m.signum() == 0) {
      return new Result(fm.zero(zeroNeg), 0);
    }
    BigInteger mag = v.m.abs();
    int s = v.k + fm.scale;
    BigInteger f;
    boolean sticky;
    if (s >= 0) {
      f = mag.shiftLeft(s);
      sticky = false;
    } else {
      f = mag.shiftRight(-s);
      sticky = !f.shiftLeft(-s).equals(mag);
    }
    return round(fm, v.m.signum() < 0, f, sticky, rm);
  }

  // ---- operations -----------------------------------------------------------------------------

  private static Result nan(Format fm, boolean invalid) {
    return new Result(fm.canonicalNaN(), invalid ? NV : 0);
  }

  private static boolean anySNaN(Format fm, long... xs) {
    for (long x : xs) {
      if (fm.isSNaN(x)) {
        return true;
      }
    }
    return false;
  }

  static Result add(Format fm, long a, long b, int rm) {
    if (fm.isNaN(a) || fm.isNaN(b)) {
      return nan(fm, anySNaN(fm, a, b));
    }
    if (fm.isInf(a) && fm.isInf(b)) {
      return fm.neg(a) == fm.neg(b) ? new Result(a, 0) : nan(fm, true);
    }
    if (fm.isInf(a)) {
      return new Result(a, 0);
    }
    if (fm.isInf(b)) {
      return new Result(b, 0);
    }
    boolean zeroNeg = fm.isZero(a) && fm.isZero(b) && fm.neg(a) == fm.neg(b) ? fm.neg(a) : rm == 2;
    return round(fm, fm.value(a).add(fm.value(b)), zeroNeg, rm);
  }

  static Result sub(Format fm, long a, long b, int rm) {
    return add(fm, a, b ^ fm.signBit(), rm);
  }

  static Result mul(Format fm, long a, long b, int rm) {
    if (fm.isNaN(a) || fm.isNaN(b)) {
      return nan(fm, anySNaN(fm, a, b));
    }
    boolean neg = fm.neg(a) != fm.neg(b);
    if (fm.isInf(a) || fm.isInf(b)) {
      if (fm.isZero(a) || fm.isZero(b)) {
        return nan(fm, true);
      }
      return new Result(fm.inf(neg), 0);
    }
    return round(fm, fm.value(a).mul(fm.value(b)), neg, rm);
  }

  static Result div(Format fm, long a, long b, int rm) {
    if (fm.isNaN(a) || fm.isNaN(b)) {
      return nan(fm, anySNaN(fm, a, b));
    }
    boolean neg = fm.neg(a) != fm.neg(b);
    if (fm.isInf(a)) {
      return fm.isInf(b) ? nan(fm, true) : new Result(fm.inf(neg), 0);
    }
    if (fm.isInf(b)) {
      return new Result(fm.zero(neg), 0);
    }
    if (fm.isZero(b)) {
      return fm.isZero(a) ? nan(fm, true) : new Result(fm.inf(neg), DZ);
    }
    if (fm.isZero(a)) {
      return new Result(fm.zero(neg), 0);
    }
    Dyadic x = fm.value(a);
    Dyadic y = fm.value(b);
    // |x/y| × 2^scale = |mx| × 2^(kx − ky + scale) / |my|
    int s = x.k - y.k + fm.scale;
    BigInteger num = x.m.abs();
    BigInteger den = y.m.abs();
    if (s >= 0) {
      num = num.shiftLeft(s);
    } else {
      den = den.shiftLeft(-s);
    }
    BigInteger[] qr = num.divideAndRemainder(den);
    return round(fm, neg, qr[0], qr[1].signum() != 0, rm);
  }

  static Result sqrt(Format fm, long a, int rm) {
    if (fm.isNaN(a)) {
      return nan(fm, fm.isSNaN(a));
    }
    if (fm.isZero(a)) {
      return new Result(a, 0);
    }
    if (fm.neg(a)) {
      return nan(fm, true);
    }
    if (fm.isInf(a)) {
      return new Result(a, 0);
    }
    Dyadic x = fm.value(a);
    // sqrt(m × 2^k) × 2^scale = sqrt(m × 2^(k + 2 scale)); k + 2 scale is positive here.
    BigInteger n = x.m.shiftLeft(x.k + 2 * fm.scale);
    BigInteger r = n.sqrt();
    return round(fm, false, r, !r.multiply(r).equals(n), rm);
  }

  /** a × b + c exactly, rounded once; negations applied by the caller to the operands. */
  static Result fma(Format fm, long a, long b, long c, int rm) {
    boolean infTimesZero = (fm.isInf(a) && fm.isZero(b)) || (fm.isZero(a) && fm.isInf(b));
    if (fm.isNaN(a) || fm.isNaN(b) || fm.isNaN(c)) {
      return nan(fm, anySNaN(fm, a, b, c) || infTimesZero);
    }
    boolean negP = fm.neg(a) != fm.neg(b);
    if (infTimesZero) {
      return nan(fm, true);
    }
    if (fm.isInf(a) || fm.isInf(b)) {
      if (fm.isInf(c) && fm.neg(c) != negP) {
        return nan(fm, true);
      }
      return new Result(fm.inf(negP), 0);
    }
    if (fm.isInf(c)) {
      return new Result(c, 0);
    }
    boolean productZero = fm.isZero(a) || fm.isZero(b);
    boolean zeroNeg = productZero && fm.isZero(c) && negP == fm.neg(c) ? negP : rm == 2;
    return round(fm, fm.value(a).mul(fm.value(b)).add(fm.value(c)), zeroNeg, rm);
  }

  /** Float to integer: bits (lo, hi) the target's range, result as the 64-bit register value. */
  static Result toInt(Format fm, long a, int rm, boolean wide, boolean unsigned) {
    BigInteger lo = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(wide ? 63 : 31).negate();
    BigInteger hi =
        BigInteger.ONE
            .shiftLeft(wide ? (unsigned ? 64 : 63) : (unsigned ? 32 : 31))
            .subtract(BigInteger.ONE);
    if (fm.isNaN(a)) {
      return new Result(register(hi, wide), NV);
    }
    if (fm.isInf(a)) {
      return new Result(register(fm.neg(a) ? lo : hi, wide), NV);
    }
    Dyadic v = fm.value(a);
    BigInteger mag = v.m.abs();
    BigInteger q;
    boolean inexact;
    if (v.k >= 0) {
      q = mag.shiftLeft(v.k);
      inexact = false;
    } else {
      q = mag.shiftRight(-v.k);
      BigInteger rest = mag.subtract(q.shiftLeft(-v.k));
      inexact = rest.signum() != 0;
      BigInteger half = BigInteger.ONE.shiftLeft(-v.k - 1);
      int c = rest.compareTo(half);
      boolean neg = v.m.signum() < 0;
      boolean up =
          switch (rm) {
            case 0 -> c > 0 || (c == 0 && q.testBit(0));
            case 4 -> c >= 0;
            case 2 -> neg && inexact;
            case 3 -> !neg && inexact;
            default -> false;
          };
      if (up) {
        q = q.add(BigInteger.ONE);
      }
    }
    if (v.m.signum() < 0) {
      q = q.negate();
    }
    if (q.compareTo(lo) < 0) {
      return new Result(register(lo, wide), NV);
    }
    if (q.compareTo(hi) > 0) {
      return new Result(register(hi, wide), NV);
    }
    return new Result(register(q, wide), inexact ? NX : 0);
  }

  /** An integer result as RV64 writes it: 32-bit results sign-extended from bit 31. */
  private static long register(BigInteger v, boolean wide) {
    long bits = v.longValue();
    return wide ? bits : (long) (int) bits;
  }

  /** Integer to float; the integer value is given exactly. */
  static Result fromInt(Format fm, BigInteger v, int rm) {
    return round(fm, new Dyadic(v, 0), false, rm);
  }

  /** Between formats: the exact value of a rounded into format {@code to}. */
  static Result convert(Format from, Format to, long a, int rm) {
    if (from.isNaN(a)) {
      return nan(to, from.isSNaN(a));
    }
    if (from.isInf(a)) {
      return new Result(to.inf(from.neg(a)), 0);
    }
    return round(to, from.value(a), from.neg(a), rm);
  }
}
