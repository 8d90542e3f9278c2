package dev.popcornj.kernel.testing;

import dev.popcornj.kernel.abi.ElfDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF64 files in memory for loader tests: a header, program headers right after it,
 * and segment contents at page-congruent offsets. Fields can be overridden to make broken files.
 */
public final class TestElf {
  /** One segment to emit: its header fields, and the bytes placed at its offset. */
  public record Seg(int type, int flags, long vaddr, byte[] data, long memsz) {}

  private final List<Seg> segments = new ArrayList<>();
  private int type = ElfDescriptor.ET_EXEC;
  private int machine = ElfDescriptor.EM_RISCV;
  private long entry = 0x10000;

  public TestElf type(int t) {
    type = t;
    return this;
  }

  public TestElf machine(int m) {
    machine = m;
    return this;
  }

  public TestElf entry(long e) {
    entry = e;
    return this;
  }

  public TestElf segment(int type, int flags, long vaddr, byte[] data, long memsz) {
    segments.add(new Seg(type, flags, vaddr, data, memsz));
    return this;
  }

  /** A loadable segment. */
  public TestElf load(int flags, long vaddr, byte[] data, long memsz) {
    return segment(ElfDescriptor.PT_LOAD, flags, vaddr, data, memsz);
  }

  public byte[] build() {
    int headers = ElfDescriptor.EHDR_LENGTH + segments.size() * ElfDescriptor.PHDR_LENGTH;
    long[] offsets = new long[segments.size()];
    long at = headers;
    for (int i = 0; i < segments.size(); i++) {
      Seg s = segments.get(i);
      // The offset must be congruent to the address modulo the page size.
      long want = s.vaddr() & 0xfff;
      long base = (at + 0xfff) & ~0xfffL;
      offsets[i] = s.data().length == 0 ? 0 : base + want;
      if (s.data().length > 0) {
        at = offsets[i] + s.data().length;
      }
    }
    ByteBuffer b = ByteBuffer.allocate((int) Math.max(at, headers)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(ElfDescriptor.E_TYPE, (short) type);
    b.putShort(ElfDescriptor.E_MACHINE, (short) machine);
    b.putInt(ElfDescriptor.E_VERSION, 1);
    b.putLong(ElfDescriptor.E_ENTRY, entry);
    b.putLong(ElfDescriptor.E_PHOFF, ElfDescriptor.EHDR_LENGTH);
    b.putInt(ElfDescriptor.E_FLAGS, ElfDescriptor.EF_RISCV_RVC | 0x4);
    b.putShort(ElfDescriptor.E_EHSIZE, (short) ElfDescriptor.EHDR_LENGTH);
    b.putShort(ElfDescriptor.E_PHENTSIZE, (short) ElfDescriptor.PHDR_LENGTH);
    b.putShort(ElfDescriptor.E_PHNUM, (short) segments.size());
    for (int i = 0; i < segments.size(); i++) {
      Seg s = segments.get(i);
      int p = ElfDescriptor.EHDR_LENGTH + i * ElfDescriptor.PHDR_LENGTH;
      b.putInt(p + ElfDescriptor.P_TYPE, s.type());
      b.putInt(p + ElfDescriptor.P_FLAGS, s.flags());
      b.putLong(p + ElfDescriptor.P_OFFSET, offsets[i]);
      b.putLong(p + ElfDescriptor.P_VADDR, s.vaddr());
      b.putLong(p + 24, s.vaddr());
      b.putLong(p + ElfDescriptor.P_FILESZ, s.data().length);
      b.putLong(p + ElfDescriptor.P_MEMSZ, s.memsz());
      b.putLong(p + ElfDescriptor.P_ALIGN, 0x1000);
      b.put((int) offsets[i], s.data());
    }
    return b.array();
  }
}
