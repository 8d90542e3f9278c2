package dev.popcornj.machine.mem;

import java.util.Arrays;

/**
 * Bytes that nobody can change, which is what lets several kernels hold the same ones: the host's
 * single copy of an initramfs archive that every kernel booted with. Only a {@link ContentPool}
 * makes them, from a copy of the caller's array; the array itself never leaves this class.
 */
public final class ReadOnlyBytes {
  private final byte[] bytes;
  private final int hash;

  ReadOnlyBytes(byte[] copy, int hash) {
    this.bytes = copy;
    this.hash = hash;
  }

  public int length() {
    return bytes.length;
  }

  /** Copies length bytes from offset to dst[off..]. */
  public void copyTo(int offset, byte[] dst, int off, int length) {
    System.arraycopy(bytes, offset, dst, off, length);
  }

  /** The byte at index. */
  public byte get(int index) {
    return bytes[index];
  }

  boolean sameAs(byte[] other, int otherHash) {
    return hash == otherHash && Arrays.equals(bytes, other);
  }

  /** True when these are the length bytes of physical memory at paddr as view sees them. */
  boolean sameAs(MemoryView view, long paddr, int length, int otherHash) {
    if (hash != otherHash || length != bytes.length) {
      return false;
    }
    int done = 0;
    while (done < length) {
      long at = paddr + done;
      int in = (int) (at & PhysicalMemory.FRAME_MASK);
      int n = Math.min(length - done, PhysicalMemory.FRAME_SIZE - in);
      if (!Arrays.equals(bytes, done, done + n, view.frameForRead(at), in, in + n)) {
        return false;
      }
      done += n;
    }
    return true;
  }
}
