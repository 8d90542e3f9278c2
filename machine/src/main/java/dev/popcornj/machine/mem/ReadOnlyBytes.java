package dev.popcornj.machine.mem;

import java.util.Arrays;

/**
 * Bytes that nobody can change, which is what lets several kernels hold the same ones: the host's
 * single copy of an initramfs archive that every kernel booted with. Only a {@link ContentPool}
 * makes them, from a copy of the caller's array; the array itself never leaves this class.
 */
public final class ReadOnlyBytes {
  private final byte[] bytes;

  ReadOnlyBytes(byte[] copy) {
    this.bytes = copy;
  }

  public int length() {
    return bytes.length;
  }

  /** The byte at index. */
  public byte get(int index) {
    return bytes[index];
  }

  /** Copies length bytes from offset to dst[off..]. */
  public void copyTo(int offset, byte[] dst, int off, int length) {
    System.arraycopy(bytes, offset, dst, off, length);
  }

  boolean sameAs(byte[] other) {
    return Arrays.equals(bytes, other);
  }

  /** True when these are the bytes of physical memory at paddr as view sees them. */
  boolean sameAs(MemoryView view, long paddr) {
    int done = 0;
    while (done < bytes.length) {
      long at = paddr + done;
      int in = (int) (at & PhysicalMemory.FRAME_MASK);
      int n = Math.min(bytes.length - done, PhysicalMemory.FRAME_SIZE - in);
      if (!Arrays.equals(bytes, done, done + n, view.frameForRead(at), in, in + n)) {
        return false;
      }
      done += n;
    }
    return true;
  }
}
