package dev.popcornj.machine.mem;

/** A range of physical addresses [base, base+size). */
public record Region(long base, long size) {
  public Region {
    if (size <= 0) {
      throw new IllegalArgumentException("empty region at " + hex(base));
    }
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
