package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestElf;
import dev.popcornj.kernel.testing.TestSpace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ElfLoaderTest {
  private static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void mapsSegmentsWithTheirBytesPermissionsAndZeroedBss() throws BadProgramException {
    byte[] text = pattern(5000, 1);
    byte[] data = pattern(100, 2);
    byte[] image =
        new TestElf()
            .entry(0x10040)
            .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, 0x10000, text, text.length)
            .load(ElfDescriptor.PF_R | ElfDescriptor.PF_W, 0x12f80, data, 9000)
            .build();
    ElfFile elf = ElfFile.parse(image);
    TestSpace t = new TestSpace();
    LoadedImage loaded = ElfLoader.load(elf, t.space, t.view);

    assertEquals(0x10040, loaded.entry());
    assertEquals(0, loaded.loadBias());
    assertEquals(MemoryLayout.pageUp(0x12f80 + 9000), loaded.heapStart());
    assertEquals(2, loaded.phnum());
    assertEquals(ElfDescriptor.PHDR_LENGTH, loaded.phent());
    // This image's first segment starts at file offset 0x1000, past the program headers, so AT_PHDR
    // is the lowest address plus e_phoff (the path without PT_PHDR or a covering segment).
    assertEquals(0x1000, elfOffsetOf(image, 0));
    assertEquals(0x10000 + ElfDescriptor.EHDR_LENGTH, loaded.phdr());

    assertArrayEquals(text, t.user.read(0x10000, text.length));
    assertArrayEquals(data, t.user.read(0x12f80, data.length));
    assertArrayEquals(new byte[9000 - 100], t.user.read(0x12f80 + 100, 9000 - 100), "bss is zero");

    Vma code = t.space.areaAt(0x10000);
    assertEquals(Prot.RX, code.prot());
    assertEquals(Vma.Kind.IMAGE, code.kind());
    assertEquals(Prot.RW, t.space.areaAt(0x12f80).prot());
    assertThrows(BadAddressException.class, () -> t.user.write64(0x10000, 1), "text is read-only");
  }

  private static long elfOffsetOf(byte[] image, int segment) {
    return ByteBuffer.wrap(image)
        .order(ByteOrder.LITTLE_ENDIAN)
        .getLong(
            ElfDescriptor.EHDR_LENGTH
                + segment * ElfDescriptor.PHDR_LENGTH
                + ElfDescriptor.P_OFFSET);
  }

  @Test
  void placesStaticPieAtThePieBase() throws BadProgramException {
    byte[] code = pattern(64, 3);
    ElfFile elf =
        ElfFile.parse(
            new TestElf()
                .type(ElfDescriptor.ET_DYN)
                .entry(0x10)
                .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, 0, code, code.length)
                .build());
    TestSpace t = new TestSpace();
    LoadedImage loaded = ElfLoader.load(elf, t.space, t.view);
    assertEquals(MemoryLayout.PIE_BASE, loaded.loadBias());
    assertEquals(MemoryLayout.PIE_BASE + 0x10, loaded.entry());
    assertArrayEquals(code, t.user.read(MemoryLayout.PIE_BASE, code.length));
    // The headers are in no segment's file range here: AT_PHDR falls back to base + e_phoff.
    assertEquals(MemoryLayout.PIE_BASE + ElfDescriptor.EHDR_LENGTH, loaded.phdr());
  }

  @Test
  void segmentsSharingAPageKeepBothContents() throws BadProgramException {
    byte[] a = pattern(100, 4);
    byte[] b = pattern(100, 5);
    ElfFile elf =
        ElfFile.parse(
            new TestElf()
                .entry(0x10000)
                .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, 0x10000, a, a.length)
                .load(ElfDescriptor.PF_R | ElfDescriptor.PF_W, 0x10800, b, 200)
                .build());
    TestSpace t = new TestSpace();
    ElfLoader.load(elf, t.space, t.view);
    assertArrayEquals(a, t.user.read(0x10000, a.length));
    assertArrayEquals(b, t.user.read(0x10800, b.length));
    assertEquals(Prot.ALL, t.space.areaAt(0x10000).prot());
  }
}
