package dev.popcornj.kernel.mm;

/**
 * One virtual memory area: a page-aligned range [start, end) with one set of permissions and a
 * kind. Pages inside it are backed lazily, filled with zeros on first touch (program segments have
 * their file bytes copied in by the loader).
 */
public record Vma(long start, long end, int prot, Kind kind) {
  /** What an area holds; it decides nothing but how the area is reported. */
  public enum Kind {
    IMAGE,
    HEAP,
    STACK,
    ANONYMOUS
  }

  public Vma {
    if (!MemoryLayout.isPageAligned(start) || !MemoryLayout.isPageAligned(end) || end <= start) {
      throw new IllegalArgumentException(
          "bad area [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")");
    }
  }

  public long length() {
    return end - start;
  }

  public boolean contains(long vaddr) {
    return vaddr >= start && vaddr < end;
  }

  Vma withRange(long newStart, long newEnd) {
    return new Vma(newStart, newEnd, prot, kind);
  }

  Vma withProt(int newProt) {
    return new Vma(start, end, newProt, kind);
  }

  @Override
  public String toString() {
    return String.format("%012x-%012x %s %s", start, end, Prot.toString(prot), kind);
  }
}
