package dev.popcornj.kernel.mm;

import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.mem.MemoryView;
import java.io.ByteArrayOutputStream;

/**
 * The kernel's access to a process's memory on its behalf, like Linux's copy_from_user and
 * copy_to_user: every access is checked against the address space with the permission the process
 * itself would need, and a bad pointer becomes a {@link BadAddressException}, never a host error.
 * Pages are faulted in as the process's own access would fault them, so a kernel write to a
 * copy-on-write page copies it first, and an access past the end of a mapped file is refused.
 */
public final class UserMemory {
  private final AddressSpace space;
  private final MemoryView view;

  public UserMemory(AddressSpace space, MemoryView view) {
    this.space = space;
    this.view = view;
  }

  public AddressSpace space() {
    return space;
  }

  /** Copies length bytes at vaddr into dst[off..]. */
  public void read(long vaddr, byte[] dst, int off, int length) {
    while (length > 0) {
      int n = chunk(vaddr, length);
      if (space.readsAsZero(vaddr)) {
        java.util.Arrays.fill(dst, off, off + n, (byte) 0);
      } else {
        view.readBytes(space.resolve(vaddr, AddressTranslator.READ), dst, off, n);
      }
      vaddr += n;
      off += n;
      length -= n;
    }
  }

  public byte[] read(long vaddr, int length) {
    byte[] b = new byte[length];
    read(vaddr, b, 0, length);
    return b;
  }

  /** Copies src[off..off+length) to vaddr. */
  public void write(long vaddr, byte[] src, int off, int length) {
    while (length > 0) {
      int n = chunk(vaddr, length);
      view.writeBytes(space.resolve(vaddr, AddressTranslator.WRITE), src, off, n);
      vaddr += n;
      off += n;
      length -= n;
    }
  }

  public void write(long vaddr, byte[] src) {
    write(vaddr, src, 0, src.length);
  }

  /** Fills length bytes at vaddr with zeros. */
  public void zero(long vaddr, long length) {
    byte[] zeros = new byte[(int) Math.min(length, MemoryLayout.PAGE_SIZE)];
    while (length > 0) {
      int n = chunk(vaddr, length);
      view.writeBytes(space.resolve(vaddr, AddressTranslator.WRITE), zeros, 0, n);
      vaddr += n;
      length -= n;
    }
  }

  /**
   * Checks that the process could make the given access to all of [vaddr, vaddr+length), backing
   * the pages; throws {@link BadAddressException} otherwise.
   */
  public void check(long vaddr, long length, int access) {
    if (length <= 0) {
      return;
    }
    if (!MemoryLayout.isUserRange(vaddr, length)) {
      throw new BadAddressException(vaddr);
    }
    for (long page = MemoryLayout.pageDown(vaddr);
        page < vaddr + length;
        page += MemoryLayout.PAGE_SIZE) {
      space.resolve(page, access);
    }
  }

  public long read64(long vaddr) {
    if ((vaddr & 7) == 0) {
      return view.read64(space.resolve(vaddr, AddressTranslator.READ));
    }
    return readLe(vaddr, 8);
  }

  public int read32(long vaddr) {
    return (int) readLe(vaddr, 4);
  }

  public void write64(long vaddr, long v) {
    if ((vaddr & 7) == 0) {
      view.write64(space.resolve(vaddr, AddressTranslator.WRITE), v);
      return;
    }
    writeLe(vaddr, v, 8);
  }

  public void write32(long vaddr, int v) {
    writeLe(vaddr, v, 4);
  }

  public void write16(long vaddr, short v) {
    writeLe(vaddr, v, 2);
  }

  private long readLe(long vaddr, int n) {
    byte[] b = read(vaddr, n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  private void writeLe(long vaddr, long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    write(vaddr, b, 0, n);
  }

  /**
   * Reads a NUL-terminated string of at most maxLength bytes (the NUL excluded) as bytes; returns
   * null when no NUL comes within maxLength bytes.
   */
  public byte[] readCString(long vaddr, int maxLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i <= maxLength; i++) {
      byte c = view.read8(space.resolve(vaddr + i, AddressTranslator.READ));
      if (c == 0) {
        return out.toByteArray();
      }
      out.write(c);
    }
    return null;
  }

  /** Bytes from vaddr up to the end of its page, at most length. */
  private static int chunk(long vaddr, long length) {
    return (int) Math.min(length, MemoryLayout.PAGE_SIZE - (vaddr & MemoryLayout.PAGE_MASK));
  }
}
