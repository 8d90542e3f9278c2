package dev.popcornj.machine.sim;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded randomness for the model. Every consumer takes its own named stream, derived from the
 * machine seed and the stream's name only, so adding a consumer never shifts another's numbers.
 */
public final class SimRandom {
  private final long seed;

  public SimRandom(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** The stream called name: the same seed and name always give the same sequence. */
  public SplittableRandom stream(String name) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return new SplittableRandom(mix(h));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
