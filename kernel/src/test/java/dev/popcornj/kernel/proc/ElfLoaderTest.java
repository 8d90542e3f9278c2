package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestElf;
import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
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
    LoadedImage loaded = ElfLoader.load(elf, null, t.space, t.view);

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
    LoadedImage loaded = ElfLoader.load(elf, null, t.space, t.view);
    assertEquals(MemoryLayout.PIE_BASE, loaded.loadBias());
    assertEquals(MemoryLayout.PIE_BASE + 0x10, loaded.entry());
    assertArrayEquals(code, t.user.read(MemoryLayout.PIE_BASE, code.length));
    // The headers are in no segment's file range here: AT_PHDR falls back to base + e_phoff.
    assertEquals(MemoryLayout.PIE_BASE + ElfDescriptor.EHDR_LENGTH, loaded.phdr());
  }

  /** A tmpfs-like file holding image, as the loader maps it. */
  private static MappableFile fileOf(TestSpace t, byte[] image) {
    PageCache cache = new PageCache(t.frames);
    cache.write(0, image, 0, image.length);
    return MappableFile.program(cache, "/bin/prog", 0);
  }

  @Test
  void mapsSegmentsFromTheFileSharingWhatIsOnlyRead() throws BadProgramException {
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
    MappableFile file = fileOf(t, image);
    LoadedImage loaded = ElfLoader.load(elf, file, t.space, t.view);
    assertEquals(MemoryLayout.pageUp(0x12f80 + 9000), loaded.heapStart());

    assertArrayEquals(text, t.user.read(0x10000, text.length));
    assertArrayEquals(data, t.user.read(0x12f80, data.length));
    assertArrayEquals(new byte[9000 - 100], t.user.read(0x12f80 + 100, 9000 - 100), "bss is zero");
    Vma code = t.space.areaAt(0x10000);
    assertEquals(Prot.RX, code.prot());
    assertEquals(Vma.Kind.IMAGE, code.kind());
    assertSame(file, code.file(), "text is the file's pages");
    assertSame(file, t.space.areaAt(0x12f80).file(), "so is the data's first page");
    assertNull(t.space.areaAt(0x14000).file(), "the bss past the file's bytes is anonymous");
    assertEquals(Prot.RW, t.space.areaAt(0x14000).prot());
    assertThrows(BadAddressException.class, () -> t.user.write64(0x10000, 1), "text is read-only");
    assertTrue(file.pages().isRunning());

    // A second process running the program maps the same frame for the text it reads.
    AddressSpace second = new AddressSpace(t.frames, () -> {});
    ElfLoader.load(elf, file, second, t.view);
    UserMemory secondUser = new UserMemory(second, t.view);
    assertArrayEquals(text, secondUser.read(0x10000, text.length));
    assertEquals(
        t.space.translate(0x10000, AddressTranslator.EXECUTE),
        second.translate(0x10000, AddressTranslator.EXECUTE));
    // A write is private: the other process and the file keep their bytes.
    secondUser.write64(0x12f80, -1L);
    assertArrayEquals(data, t.user.read(0x12f80, data.length));
    byte[] inFile = new byte[data.length];
    file.pages().read(elfOffsetOf(image, 1), inFile, 0, inFile.length);
    assertArrayEquals(data, inFile);

    second.release();
    assertTrue(file.pages().isRunning(), "the first process still runs it");
    t.space.release();
    assertFalse(file.pages().isRunning());
  }

  @Test
  void aMappedSegmentEndingInsideAPageWithoutBssShowsTheFileThere() throws BadProgramException {
    byte[] code = pattern(100, 6);
    byte[] built =
        new TestElf()
            .entry(0x10000)
            .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, 0x10000, code, code.length)
            .build();
    // What follows the segment in its file page (section headers, say) is mapped with it.
    byte[] image = java.util.Arrays.copyOf(built, built.length + 300);
    System.arraycopy(pattern(300, 7), 0, image, built.length, 300);
    ElfFile elf = ElfFile.parse(image);
    TestSpace t = new TestSpace();
    ElfLoader.load(elf, fileOf(t, image), t.space, t.view);
    long at = elfOffsetOf(image, 0);
    byte[] page = new byte[(int) MemoryLayout.PAGE_SIZE];
    System.arraycopy(image, (int) at, page, 0, (int) Math.min(page.length, image.length - at));
    assertArrayEquals(
        page, t.user.read(0x10000, page.length), "the whole page is the file's, as mmap maps it");
  }

  @Test
  void segmentsSharingAPageKeepBothContents() throws BadProgramException {
    byte[] a = pattern(100, 4);
    byte[] b = pattern(100, 5);
    byte[] image =
        new TestElf()
            .entry(0x10000)
            .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, 0x10000, a, a.length)
            .load(ElfDescriptor.PF_R | ElfDescriptor.PF_W, 0x10800, b, 200)
            .build();
    ElfFile elf = ElfFile.parse(image);
    for (boolean mapped : new boolean[] {false, true}) {
      TestSpace t = new TestSpace();
      MappableFile file = mapped ? fileOf(t, image) : null;
      ElfLoader.load(elf, file, t.space, t.view);
      assertArrayEquals(a, t.user.read(0x10000, a.length));
      assertArrayEquals(b, t.user.read(0x10800, b.length));
      assertArrayEquals(new byte[100], t.user.read(0x10800 + 100, 100), "bss is zero");
      assertEquals(Prot.ALL, t.space.areaAt(0x10000).prot());
      if (mapped) {
        byte[] inFile = new byte[a.length];
        file.pages().read(elfOffsetOf(image, 0), inFile, 0, inFile.length);
        assertArrayEquals(a, inFile, "the file keeps its bytes");
      }
    }
  }
}
