package dev.popcornj.kernel.mm;

import java.util.Objects;

/**
 * One virtual memory area: a page-aligned range [start, end) with one set of permissions and one
 * backing. The backing is one of four kinds, as in Linux:
 *
 * <ul>
 *   <li>private anonymous ({@code file == null}): pages are zero-filled on first touch and copied
 *       on write after fork;
 *   <li>shared anonymous ({@code shared}, file a {@link SharedAnonymous}): pages live in the
 *       object's page cache, shared with every process that inherited the mapping;
 *   <li>private file ({@code !shared}, file set): pages start as the file's and become private
 *       copies when written;
 *   <li>shared file ({@code shared}, file set): pages are the file's page-cache frames.
 * </ul>
 *
 * <p>offset is the file offset of start in bytes (page aligned); splitting an area keeps each
 * half's offset in step with its start. name overrides what /proc/PID/maps shows (such as {@code
 * [vdso]}).
 */
public record Vma(
    long start,
    long end,
    int prot,
    Kind kind,
    MappableFile file,
    long offset,
    boolean shared,
    String name) {
  /** Where an area came from; it decides how the area is reported and which areas may merge. */
  public enum Kind {
    IMAGE,
    HEAP,
    STACK,
    ANONYMOUS,
    FILE,
    SPECIAL
  }

  public Vma {
    if (!MemoryLayout.isPageAligned(start) || !MemoryLayout.isPageAligned(end) || end <= start) {
      throw new IllegalArgumentException(
          "bad area [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")");
    }
    if (offset < 0 || !MemoryLayout.isPageAligned(offset) || (file == null && offset != 0)) {
      throw new IllegalArgumentException("bad area offset 0x" + Long.toHexString(offset));
    }
    if (shared && file == null) {
      throw new IllegalArgumentException("a shared area needs a backing object");
    }
  }

  /** A private anonymous area. */
  public Vma(long start, long end, int prot, Kind kind) {
    this(start, end, prot, kind, null, 0, false, null);
  }

  public long length() {
    return end - start;
  }

  public boolean contains(long vaddr) {
    return vaddr >= start && vaddr < end;
  }

  /** True for an area backed by a file's pages (not anonymous memory, shared or private). */
  public boolean isFileBacked() {
    return file != null && !(file instanceof SharedAnonymous);
  }

  /** The backing object's offset of vaddr in this area. */
  public long offsetOf(long vaddr) {
    return offset + (vaddr - start);
  }

  /** The part [newStart, newEnd) of this area, its offset moved with its start. */
  public Vma withRange(long newStart, long newEnd) {
    return new Vma(
        newStart,
        newEnd,
        prot,
        kind,
        file,
        file == null ? 0 : offset + (newStart - start),
        shared,
        name);
  }

  /** This area moved to begin at newStart with newLength bytes, keeping its backing offset. */
  public Vma movedTo(long newStart, long newLength) {
    return new Vma(newStart, newStart + newLength, prot, kind, file, offset, shared, name);
  }

  public Vma withProt(int newProt) {
    return new Vma(start, end, newProt, kind, file, offset, shared, name);
  }

  /** True when right, starting where this ends, could be the same mapping continued. */
  boolean canMergeWith(Vma right) {
    return end == right.start
        && prot == right.prot
        && kind == right.kind
        && file == right.file
        && shared == right.shared
        && Objects.equals(name, right.name)
        && (file == null || offset + length() == right.offset);
  }

  @Override
  public String toString() {
    return String.format(
        "%012x-%012x %s%s %s%s",
        start,
        end,
        Prot.toString(prot),
        shared ? "s" : "p",
        kind,
        file == null ? "" : " " + file.path() + "@0x" + Long.toHexString(offset));
  }
}
