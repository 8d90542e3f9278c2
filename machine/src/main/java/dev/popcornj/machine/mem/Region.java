package dev.popcornj.machine.mem;

/** A range of physical addresses [base, base+size). */
public record Region(long base, long size) {
  public Region {
    if (size <= 0) {
      throw new IllegalArgumentException("empty region at " + hex(base));
    }
  }

  // equals and hashCode written out: a record's own are linked at their first call, a few
  // milliseconds of every boot (kernels compare the regions they are granted)
  @Override
  public boolean equals(Object o) {
    return o instanceof Region r && r.base == base && r.size == size;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(base * 31 + size);
  }

  public long end() {
    return base + size;
  }

  public boolean contains(long paddr, long length) {
    return Long.compareUnsigned(paddr - base, size) < 0 && length <= base + size - paddr;
  }

  public boolean overlaps(Region other) {
    return base < other.end() && other.base < end();
  }

  public static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  @Override
  public String toString() {
    return "[" + hex(base) + ", " + hex(end()) + ")";
  }
}
