package dev.popcornj.kernel.proc;

/**
 * The seeded source of every "random" byte a guest sees (AT_RANDOM, getrandom): SplitMix64, spelled
 * out here so the sequence for a seed never depends on the JDK.
 *
 * <p>Owned by one process; used only on its kernel's simulation thread.
 */
public final class Entropy {
  private long state;

  public Entropy(long seed) {
    this.state = seed;
  }

  public long nextLong() {
    long z = (state += 0x9e3779b97f4a7c15L);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public void nextBytes(byte[] out, int off, int length) {
    for (int i = 0; i < length; i += 8) {
      long v = nextLong();
      for (int k = 0; k < 8 && i + k < length; k++) {
        out[off + i + k] = (byte) (v >>> (8 * k));
      }
    }
  }

  public byte[] bytes(int length) {
    byte[] b = new byte[length];
    nextBytes(b, 0, length);
    return b;
  }
}
