package dev.popcornj.machine.hart.fp;

import dev.popcornj.machine.hart.fp.RefFloat.Format;
import java.util.SplittableRandom;

/**
 * Seeded, edge-biased operand generators for FP tests: specials, subnormals, extreme exponents,
 * short significands (which make exact results and halfway cases common), and operands derived from
 * one another to provoke cancellation and ties.
 */
final class FpInputs {
  private final SplittableRandom rnd;
  private final Format fm;

  FpInputs(long seed, Format fm) {
    this.rnd = new SplittableRandom(seed);
    this.fm = fm;
  }

  private long expMax() {
    return (1L << fm.expBits) - 1;
  }

  private long pack(boolean neg, long exp, long frac) {
    return (neg ? fm.signBit() : 0) | (exp << (fm.p - 1)) | (frac & ((1L << (fm.p - 1)) - 1));
  }

  private long randomFrac() {
    return rnd.nextLong() & ((1L << (fm.p - 1)) - 1);
  }

  /** A fraction with only its top few bits random, or those plus its lowest bit. */
  private long shortFrac() {
    int k = rnd.nextInt(6);
    long top = k == 0 ? 0 : (rnd.nextLong() >>> (64 - k)) << (fm.p - 1 - k);
    return rnd.nextInt(4) == 0 ? top | 1 : top;
  }

  long any() {
    boolean neg = rnd.nextBoolean();
    long em = expMax();
    return switch (rnd.nextInt(12)) {
      case 0 -> special(neg);
      case 1 -> rnd.nextLong() & (fm.signBit() | (fm.signBit() - 1));
      case 2 -> pack(neg, 0, rnd.nextBoolean() ? randomFrac() : shortFrac() >>> rnd.nextInt(fm.p));
      case 3 ->
          pack(neg, 1 + rnd.nextInt(fm.p + 2), rnd.nextBoolean() ? randomFrac() : shortFrac());
      case 4 ->
          pack(neg, em - 1 - rnd.nextInt(fm.p + 2), rnd.nextBoolean() ? randomFrac() : shortFrac());
      case 5, 6 -> pack(neg, fm.bias - 8 + rnd.nextInt(16), shortFrac());
      case 7 -> pack(neg, fm.bias - 4 + rnd.nextInt(8), ((1L << (fm.p - 1)) - 1) - rnd.nextInt(3));
      case 8 -> pack(neg, fm.bias - 30 + rnd.nextInt(60), randomFrac());
      default -> pack(neg, 1 + rnd.nextLong(em - 1), randomFrac());
    };
  }

  long special(boolean neg) {
    long em = expMax();
    long quiet = 1L << (fm.p - 2);
    long s = neg ? fm.signBit() : 0;
    return switch (rnd.nextInt(14)) {
      case 0 -> s;
      case 1 -> s | (em << (fm.p - 1));
      case 2 -> fm.canonicalNaN() | (rnd.nextBoolean() ? rnd.nextLong() & (quiet - 1) : 0) | s;
      case 3 -> s | (em << (fm.p - 1)) | 1 + (rnd.nextLong() & (quiet - 2)); // sNaN
      case 4 -> s | 1;
      case 5 -> s | (1L << (fm.p - 1));
      case 6 -> s | ((1L << (fm.p - 1)) - 1);
      case 7 -> s | ((em << (fm.p - 1)) - 1);
      case 8 -> s | ((long) fm.bias << (fm.p - 1));
      case 9 -> s | ((long) fm.bias << (fm.p - 1)) | 1;
      case 10 -> s | ((long) (fm.bias - 1) << (fm.p - 1)) | ((1L << (fm.p - 1)) - 1);
      case 11 -> s | ((long) (fm.bias + fm.p - 1) << (fm.p - 1));
      case 12 -> s | ((long) (fm.bias + 1) << (fm.p - 1)) | (1L << (fm.p - 2));
      default -> s | (((long) fm.bias + 31) << (fm.p - 1));
    };
  }

  /** An operand related to a: near it, near its negation, or shifted by about p binades. */
  long near(long a) {
    long mag = a & (fm.signBit() - 1);
    long em = expMax();
    long e = fm.expField(a);
    return switch (rnd.nextInt(6)) {
          case 0 -> (a ^ fm.signBit()) + rnd.nextInt(5) - 2;
          case 1 -> a + rnd.nextInt(5) - 2;
          case 2 -> {
            long ne = Math.clamp(e - fm.p - rnd.nextInt(4) + 1, 0, em - 1);
            yield (a & fm.signBit()) ^ (rnd.nextBoolean() ? fm.signBit() : 0)
                | (ne << (fm.p - 1))
                | shortFrac();
          }
          case 3 -> mag < (1L << (fm.p - 1)) ? any() : (a & fm.signBit()) | (1L << (fm.p - 1)) * e;
          default -> any();
        }
        & (fm.signBit() | (fm.signBit() - 1));
  }

  /**
   * An operand b that puts a × b or a / b next to a boundary of the format: the smallest normal,
   * the smallest subnormal, the largest finite value, or one.
   */
  long towardsBoundary(long a) {
    double target =
        switch (rnd.nextInt(4)) {
          case 0 -> fm == Format.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
          case 1 -> fm == Format.DOUBLE ? Double.MIN_VALUE : Float.MIN_VALUE;
          case 2 -> fm == Format.DOUBLE ? Double.MAX_VALUE : Float.MAX_VALUE;
          default -> 1.0;
        };
    if (fm == Format.DOUBLE) {
      double x = Double.longBitsToDouble(a);
      double b = rnd.nextBoolean() ? target / x : x / target;
      long bits = Double.doubleToRawLongBits(b) + rnd.nextInt(5) - 2;
      return Double.isFinite(Double.longBitsToDouble(bits)) ? bits : any();
    }
    double x = Float.intBitsToFloat((int) a);
    float b = (float) (rnd.nextBoolean() ? target / x : x / target);
    int bits = Float.floatToRawIntBits(b) + rnd.nextInt(5) - 2;
    return Float.isFinite(Float.intBitsToFloat(bits)) ? bits & 0xffff_ffffL : any();
  }

  int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  long nextLong() {
    return rnd.nextLong();
  }
}
