package dev.popcornj.machine.mem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The machine's one copy of each read-only content its kernels load, as a host shares identical
 * pages between guests: asked for the same bytes twice, it gives the same {@link ReadOnlyBytes}.
 * Sixty-four kernels booted from one initramfs so hold one host copy of it, not sixty-four.
 *
 * <p>Nothing in it can be written, so sharing it keeps kernels from sharing anything mutable; what
 * a kernel gets is equal to what it asked with, so the guest sees the same bytes either way. Owned
 * by the machine; used only on its simulation thread.
 */
public final class ContentPool {
  private final Map<Integer, List<ReadOnlyBytes>> byHash = new HashMap<>();

  /**
   * Read-only bytes equal to content: a copy of it, or the one made by an earlier equal call.
   *
   * <p>The key is a CRC-32C of the bytes, which the JVM computes with the host's CRC instructions
   * from its first call on, where {@link Arrays#hashCode(byte[])} runs a byte at a time until the
   * JIT gets to it: a 64-kernel boot interns the secondaries' archive 63 times, once per kernel,
   * before much is compiled. Equal keys are still compared byte for byte.
   */
  public ReadOnlyBytes intern(byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    int hash = (int) crc.getValue();
    List<ReadOnlyBytes> same = byHash.computeIfAbsent(hash, h -> new ArrayList<>(1));
    for (ReadOnlyBytes b : same) {
      if (b.sameAs(content, hash)) {
        return b;
      }
    }
    ReadOnlyBytes made = new ReadOnlyBytes(content.clone(), hash);
    same.add(made);
    return made;
  }

  /**
   * Read-only bytes equal to the length bytes of physical memory at paddr as view sees them: a copy
   * of them, or the one made by an earlier equal call. What a kernel unpacking the initramfs the
   * loader left in its memory asks for: the bytes are read where they lie, so the host holds no
   * second transient copy of the archive (50 MiB for the primary's), and when an equal archive is
   * pooled already (every secondary's but the first), none at all. The access is the view's, with
   * its checks: a range it may not read is a {@link MemoryFault}.
   */
  public ReadOnlyBytes intern(MemoryView view, long paddr, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    CRC32C crc = new CRC32C();
    for (long at = paddr, end = paddr + length; at < end; ) {
      int in = (int) (at & PhysicalMemory.FRAME_MASK);
      int n = (int) Math.min(end - at, PhysicalMemory.FRAME_SIZE - in);
      crc.update(view.frameForRead(at), in, n);
      at += n;
    }
    int hash = (int) crc.getValue();
    List<ReadOnlyBytes> same = byHash.computeIfAbsent(hash, h -> new ArrayList<>(1));
    for (ReadOnlyBytes b : same) {
      if (b.sameAs(view, paddr, length, hash)) {
        return b;
      }
    }
    byte[] copy = new byte[length];
    view.readBytes(paddr, copy, 0, length);
    ReadOnlyBytes made = new ReadOnlyBytes(copy, hash);
    same.add(made);
    return made;
  }
}
