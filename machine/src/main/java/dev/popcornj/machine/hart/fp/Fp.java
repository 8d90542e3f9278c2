package dev.popcornj.machine.hart.fp;

/**
 * PLACEHOLDER for the RISC-V F/D arithmetic, written with plain Java float/double operations so the
 * hart can run while the real IEEE-754 implementation is being written: results are exact only for
 * round-to-nearest-even, exception flags are best effort, NaN results are canonical. The real class
 * replaces this file wholesale; keep only its API in mind.
 */
public final class Fp {
  public static final int NX = 1;
  public static final int UF = 2;
  public static final int OF = 4;
  public static final int DZ = 8;
  public static final int NV = 16;

  private static final int CANON_S = 0x7fc00000;
  private static final long CANON_D = 0x7ff8000000000000L;

  private Fp() {}

  public static int unboxS(long raw) {
    return (raw >>> 32) == 0xffffffffL ? (int) raw : CANON_S;
  }

  public static long boxS(int s) {
    return 0xffffffff00000000L | (s & 0xffffffffL);
  }

  private static float fs(int a) {
    return Float.intBitsToFloat(a);
  }

  private static double fd(long a) {
    return Double.longBitsToDouble(a);
  }

  private static boolean snanS(int a) {
    return (a & 0x7f800000) == 0x7f800000 && (a & 0x7fffff) != 0 && (a & 0x400000) == 0;
  }

  private static boolean snanD(long a) {
    return (a & 0x7ff0000000000000L) == 0x7ff0000000000000L
        && (a & 0xfffffffffffffL) != 0
        && (a & 0x8000000000000L) == 0;
  }

  private static int resS(float r, int a, int b, FpEnv e) {
    if (Float.isNaN(r)) {
      if (!Float.isNaN(fs(a)) && !Float.isNaN(fs(b)) || snanS(a) || snanS(b)) {
        e.flags |= NV;
      }
      return CANON_S;
    }
    return Float.floatToRawIntBits(r);
  }

  private static long resD(double r, long a, long b, FpEnv e) {
    if (Double.isNaN(r)) {
      if (!Double.isNaN(fd(a)) && !Double.isNaN(fd(b)) || snanD(a) || snanD(b)) {
        e.flags |= NV;
      }
      return CANON_D;
    }
    return Double.doubleToRawLongBits(r);
  }

  public static int addS(int a, int b, int rm, FpEnv e) {
    return resS(fs(a) + fs(b), a, b, e);
  }

  public static int subS(int a, int b, int rm, FpEnv e) {
    return resS(fs(a) - fs(b), a, b, e);
  }

  public static int mulS(int a, int b, int rm, FpEnv e) {
    return resS(fs(a) * fs(b), a, b, e);
  }

  public static int divS(int a, int b, int rm, FpEnv e) {
    if (fs(b) == 0 && !Float.isNaN(fs(a)) && fs(a) != 0) {
      e.flags |= DZ;
    }
    return resS(fs(a) / fs(b), a, b, e);
  }

  public static int sqrtS(int a, int rm, FpEnv e) {
    return resS((float) Math.sqrt(fs(a)), a, a, e);
  }

  public static int fmaddS(int a, int b, int c, int rm, FpEnv e) {
    return resS(Math.fma(fs(a), fs(b), fs(c)), a, b, e);
  }

  public static int fmsubS(int a, int b, int c, int rm, FpEnv e) {
    return resS(Math.fma(fs(a), fs(b), -fs(c)), a, b, e);
  }

  public static int fnmsubS(int a, int b, int c, int rm, FpEnv e) {
    return resS(Math.fma(-fs(a), fs(b), fs(c)), a, b, e);
  }

  public static int fnmaddS(int a, int b, int c, int rm, FpEnv e) {
    return resS(Math.fma(-fs(a), fs(b), -fs(c)), a, b, e);
  }

  public static int minS(int a, int b, FpEnv e) {
    return minMaxS(a, b, e, true);
  }

  public static int maxS(int a, int b, FpEnv e) {
    return minMaxS(a, b, e, false);
  }

  private static int minMaxS(int a, int b, FpEnv e, boolean min) {
    if (snanS(a) || snanS(b)) {
      e.flags |= NV;
    }
    boolean na = Float.isNaN(fs(a));
    boolean nb = Float.isNaN(fs(b));
    if (na && nb) {
      return CANON_S;
    }
    if (na) {
      return b;
    }
    if (nb) {
      return a;
    }
    if (fs(a) == fs(b)) {
      // -0 is below +0
      return min ? a | b : a & b;
    }
    return (fs(a) < fs(b)) == min ? a : b;
  }

  public static boolean eqS(int a, int b, FpEnv e) {
    if (snanS(a) || snanS(b)) {
      e.flags |= NV;
    }
    return fs(a) == fs(b);
  }

  public static boolean ltS(int a, int b, FpEnv e) {
    if (Float.isNaN(fs(a)) || Float.isNaN(fs(b))) {
      e.flags |= NV;
    }
    return fs(a) < fs(b);
  }

  public static boolean leS(int a, int b, FpEnv e) {
    if (Float.isNaN(fs(a)) || Float.isNaN(fs(b))) {
      e.flags |= NV;
    }
    return fs(a) <= fs(b);
  }

  public static int classifyS(int a) {
    return classify(a < 0, (a >>> 23) & 0xff, a & 0x7fffff, 0xff, 0x400000);
  }

  private static int classify(boolean neg, long exp, long man, long expMax, long quietBit) {
    if (exp == expMax) {
      if (man == 0) {
        return neg ? 1 : 1 << 7;
      }
      return (man & quietBit) != 0 ? 1 << 9 : 1 << 8;
    }
    if (exp == 0) {
      if (man == 0) {
        return neg ? 1 << 3 : 1 << 4;
      }
      return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
  }

  private static double round(double v, int rm) {
    return switch (rm) {
      case 1 -> v < 0 ? Math.ceil(v) : Math.floor(v);
      case 2 -> Math.floor(v);
      case 3 -> Math.ceil(v);
      case 4 -> v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
      default -> Math.rint(v);
    };
  }

  private static long toInt(
      double v, int rm, double lo, double hi, long loRes, long hiRes, FpEnv e) {
    if (Double.isNaN(v)) {
      e.flags |= NV;
      return hiRes;
    }
    double r = round(v, rm);
    if (r < lo) {
      e.flags |= NV;
      return loRes;
    }
    if (r > hi) {
      e.flags |= NV;
      return hiRes;
    }
    if (r != v) {
      e.flags |= NX;
    }
    return (long) r;
  }

  public static long cvtWS(int a, int rm, FpEnv e) {
    return cvtWD(Double.doubleToRawLongBits(fs(a)), rm, e);
  }

  public static long cvtWuS(int a, int rm, FpEnv e) {
    return cvtWuD(Double.doubleToRawLongBits(fs(a)), rm, e);
  }

  public static long cvtLS(int a, int rm, FpEnv e) {
    return cvtLD(Double.doubleToRawLongBits(fs(a)), rm, e);
  }

  public static long cvtLuS(int a, int rm, FpEnv e) {
    return cvtLuD(Double.doubleToRawLongBits(fs(a)), rm, e);
  }

  public static int cvtSW(long x, int rm, FpEnv e) {
    return Float.floatToRawIntBits((float) (int) x);
  }

  public static int cvtSWu(long x, int rm, FpEnv e) {
    return Float.floatToRawIntBits((float) (x & 0xffffffffL));
  }

  public static int cvtSL(long x, int rm, FpEnv e) {
    return Float.floatToRawIntBits((float) x);
  }

  public static int cvtSLu(long x, int rm, FpEnv e) {
    float v = x >= 0 ? (float) x : (float) (x >>> 1) * 2f;
    return Float.floatToRawIntBits(v);
  }

  public static long addD(long a, long b, int rm, FpEnv e) {
    return resD(fd(a) + fd(b), a, b, e);
  }

  public static long subD(long a, long b, int rm, FpEnv e) {
    return resD(fd(a) - fd(b), a, b, e);
  }

  public static long mulD(long a, long b, int rm, FpEnv e) {
    return resD(fd(a) * fd(b), a, b, e);
  }

  public static long divD(long a, long b, int rm, FpEnv e) {
    if (fd(b) == 0 && !Double.isNaN(fd(a)) && fd(a) != 0) {
      e.flags |= DZ;
    }
    return resD(fd(a) / fd(b), a, b, e);
  }

  public static long sqrtD(long a, int rm, FpEnv e) {
    return resD(Math.sqrt(fd(a)), a, a, e);
  }

  public static long fmaddD(long a, long b, long c, int rm, FpEnv e) {
    return resD(Math.fma(fd(a), fd(b), fd(c)), a, b, e);
  }

  public static long fmsubD(long a, long b, long c, int rm, FpEnv e) {
    return resD(Math.fma(fd(a), fd(b), -fd(c)), a, b, e);
  }

  public static long fnmsubD(long a, long b, long c, int rm, FpEnv e) {
    return resD(Math.fma(-fd(a), fd(b), fd(c)), a, b, e);
  }

  public static long fnmaddD(long a, long b, long c, int rm, FpEnv e) {
    return resD(Math.fma(-fd(a), fd(b), -fd(c)), a, b, e);
  }

  public static long minD(long a, long b, FpEnv e) {
    return minMaxD(a, b, e, true);
  }

  public static long maxD(long a, long b, FpEnv e) {
    return minMaxD(a, b, e, false);
  }

  private static long minMaxD(long a, long b, FpEnv e, boolean min) {
    if (snanD(a) || snanD(b)) {
      e.flags |= NV;
    }
    boolean na = Double.isNaN(fd(a));
    boolean nb = Double.isNaN(fd(b));
    if (na && nb) {
      return CANON_D;
    }
    if (na) {
      return b;
    }
    if (nb) {
      return a;
    }
    if (fd(a) == fd(b)) {
      return min ? a | b : a & b;
    }
    return (fd(a) < fd(b)) == min ? a : b;
  }

  public static boolean eqD(long a, long b, FpEnv e) {
    if (snanD(a) || snanD(b)) {
      e.flags |= NV;
    }
    return fd(a) == fd(b);
  }

  public static boolean ltD(long a, long b, FpEnv e) {
    if (Double.isNaN(fd(a)) || Double.isNaN(fd(b))) {
      e.flags |= NV;
    }
    return fd(a) < fd(b);
  }

  public static boolean leD(long a, long b, FpEnv e) {
    if (Double.isNaN(fd(a)) || Double.isNaN(fd(b))) {
      e.flags |= NV;
    }
    return fd(a) <= fd(b);
  }

  public static int classifyD(long a) {
    return classify(a < 0, (a >>> 52) & 0x7ff, a & 0xfffffffffffffL, 0x7ff, 0x8000000000000L);
  }

  public static long cvtWD(long a, int rm, FpEnv e) {
    return (int)
        toInt(
            fd(a),
            rm,
            Integer.MIN_VALUE,
            Integer.MAX_VALUE,
            Integer.MIN_VALUE,
            Integer.MAX_VALUE,
            e);
  }

  public static long cvtWuD(long a, int rm, FpEnv e) {
    return (int) toInt(fd(a), rm, 0, 4294967295.0, 0, 0xffffffffL, e);
  }

  public static long cvtLD(long a, int rm, FpEnv e) {
    return toInt(fd(a), rm, -0x1p63, 0x1.fffffffffffffp62, Long.MIN_VALUE, Long.MAX_VALUE, e);
  }

  public static long cvtLuD(long a, int rm, FpEnv e) {
    double v = fd(a);
    if (Double.isNaN(v)) {
      e.flags |= NV;
      return -1L;
    }
    double r = round(v, rm);
    if (r < 0) {
      e.flags |= NV;
      return 0;
    }
    if (r >= 0x1p64) {
      e.flags |= NV;
      return -1L;
    }
    if (r != v) {
      e.flags |= NX;
    }
    return r >= 0x1p63 ? ((long) (r / 2)) << 1 : (long) r;
  }

  public static long cvtDW(long x, int rm, FpEnv e) {
    return Double.doubleToRawLongBits((int) x);
  }

  public static long cvtDWu(long x, int rm, FpEnv e) {
    return Double.doubleToRawLongBits(x & 0xffffffffL);
  }

  public static long cvtDL(long x, int rm, FpEnv e) {
    return Double.doubleToRawLongBits((double) x);
  }

  public static long cvtDLu(long x, int rm, FpEnv e) {
    double v = x >= 0 ? (double) x : (double) (x >>> 1) * 2.0;
    return Double.doubleToRawLongBits(v);
  }

  public static int cvtSD(long d, int rm, FpEnv e) {
    double v = fd(d);
    if (Double.isNaN(v)) {
      if (snanD(d)) {
        e.flags |= NV;
      }
      return CANON_S;
    }
    return Float.floatToRawIntBits((float) v);
  }

  public static long cvtDS(int s, int rm, FpEnv e) {
    float v = fs(s);
    if (Float.isNaN(v)) {
      if (snanS(s)) {
        e.flags |= NV;
      }
      return CANON_D;
    }
    return Double.doubleToRawLongBits(v);
  }
}
