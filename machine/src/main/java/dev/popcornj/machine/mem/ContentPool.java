package dev.popcornj.machine.mem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine's one copy of each read-only content its kernels load, as a host shares identical
 * pages between guests: asked for the same bytes twice, it gives the same {@link ReadOnlyBytes}.
 * Sixty-four kernels booted from one initramfs so hold one host copy of it, not sixty-four.
 *
 * <p>Nothing in it can be written, so sharing it keeps kernels from sharing anything mutable; what
 * a kernel gets is equal to what it asked with, so the guest sees the same bytes either way. Owned
 * by the machine; used only on its simulation thread.
 *
 * <p>Contents are found by their length and then compared byte for byte, without a hash: a pool
 * holds a few archives, seldom two of one length, so a hash would cost a pass over the bytes (a
 * CRC-32C of the primary's 50 MiB archive, another of each secondary's) and spare none.
 */
public final class ContentPool {
  private final Map<Integer, List<ReadOnlyBytes>> byLength = new HashMap<>();

  /** Read-only bytes equal to content: a copy of it, or the one made by an earlier equal call. */
  public ReadOnlyBytes intern(byte[] content) {
    ReadOnlyBytes found = find(content);
    return found != null ? found : add(new ReadOnlyBytes(content.clone()));
  }

  /**
   * As {@link #intern(byte[])} for an array the caller gives up: when no equal bytes are pooled,
   * the array itself becomes the pooled copy, and the caller must never write it again.
   */
  public ReadOnlyBytes adopt(byte[] content) {
    ReadOnlyBytes found = find(content);
    return found != null ? found : add(new ReadOnlyBytes(content));
  }

  /** The pooled bytes equal to content, or null when none are: nothing is added. */
  public ReadOnlyBytes find(byte[] content) {
    for (ReadOnlyBytes b : byLength.getOrDefault(content.length, List.of())) {
      if (b.sameAs(content)) {
        return b;
      }
    }
    return null;
  }

  private ReadOnlyBytes add(ReadOnlyBytes made) {
    byLength.computeIfAbsent(made.length(), n -> new ArrayList<>(1)).add(made);
    return made;
  }

  /**
   * Read-only bytes equal to the length bytes of physical memory at paddr as view sees them: a copy
   * of them, or the one made by an earlier equal call. What a kernel unpacking the initramfs the
   * loader left in its memory asks for: the bytes are read where they lie, so the host holds no
   * second transient copy of the archive (50 MiB for the primary's), and when an equal archive is
   * pooled already (every secondary's but the first), none at all; when they were placed there from
   * pooled bytes ({@link MemoryView#place}) and not touched since, they are not even read. The
   * access is the view's, with its checks: a range it may not read is a {@link MemoryFault}.
   */
  public ReadOnlyBytes intern(MemoryView view, long paddr, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    ReadOnlyBytes placed = view.placed(paddr, length);
    if (placed != null) {
      return placed; // put there from this pool (MemoryView#place), and not written since
    }
    List<ReadOnlyBytes> same = byLength.computeIfAbsent(length, n -> new ArrayList<>(1));
    for (ReadOnlyBytes b : same) {
      if (b.sameAs(view, paddr)) {
        return b;
      }
    }
    byte[] copy = new byte[length];
    view.readBytes(paddr, copy, 0, length);
    ReadOnlyBytes made = new ReadOnlyBytes(copy);
    same.add(made);
    return made;
  }
}
