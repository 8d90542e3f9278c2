package dev.popcornj.machine.desc;

import dev.popcornj.machine.mem.Region;
import java.util.Objects;

/** A named range of physical RAM and the NUMA node it belongs to. */
public record MemoryRange(String name, long base, long size, int node) {
  public MemoryRange {
    Objects.requireNonNull(name, "name");
    if (base < 0 || size <= 0 || base + size < 0) {
      throw new IllegalArgumentException("memory range " + name);
    }
  }

  public Region region() {
    return new Region(base, size);
  }

  public long end() {
    return base + size;
  }
}
