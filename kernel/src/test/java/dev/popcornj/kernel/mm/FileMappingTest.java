package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileMappingTest {
  private static final int PAGE = (int) MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;

  private final TestSpace t = new TestSpace();
  private final AddressSpace s = t.space;
  private final byte[] contents = TestFile.pattern(4 * PAGE);
  private final TestFile file = TestFile.of(t.frames, contents);

  private void mapFile(long at, int pages, int prot, long offset, boolean shared) {
    s.map(new Vma(at, at + (long) pages * PAGE, prot, Vma.Kind.FILE, file, offset, shared, null));
  }

  private byte[] fileBytes(long offset, int length) {
    byte[] b = new byte[length];
    file.pages().read(offset, b, 0, length);
    return b;
  }

  private void check() {
    FrameAccounting.check(t.frames, List.of(s), List.of(file.pages()));
  }

  @Test
  void aSharedMappingAndTheFileSeeEachOthersWrites() {
    mapFile(A, 4, Prot.RW, 0, true);
    assertArrayEquals(Arrays.copyOfRange(contents, 100, 9000), t.user.read(A + 100, 8900));
    t.user.write(A + PAGE + 10, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, fileBytes(PAGE + 10, 3), "read(2) sees the store");
    file.pages().write(2 * PAGE + 5, new byte[] {9, 8}, 0, 2);
    assertArrayEquals(new byte[] {9, 8}, t.user.read(A + 2 * PAGE + 5, 2), "store sees write(2)");
    check();
    s.release();
    check();
    file.pages().release();
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void aPrivateMappingKeepsItsWritesToItself() {
    mapFile(A, 2, Prot.RW, PAGE, false);
    assertArrayEquals(Arrays.copyOfRange(contents, PAGE, PAGE + 64), t.user.read(A, 64));
    t.user.write(A + 8, new byte[] {42});
    assertEquals(contents[PAGE + 8], fileBytes(PAGE + 8, 1)[0], "the file is unchanged");
    file.pages().write(PAGE + 16, new byte[] {7}, 0, 1);
    assertEquals(contents[PAGE + 16], t.user.read(A + 16, 1)[0], "the copy is private");
    assertEquals(42, t.user.read(A + 8, 1)[0]);
    check();
    // A read fault maps the cache's frame read-only; the first write copies it.
    long cacheFrame = file.pages().frame(2);
    assertEquals(cacheFrame, s.resolve(A + PAGE, AddressTranslator.READ) & ~0xfffL);
    assertEquals(AddressTranslator.NO_MAPPING, s.translate(A + PAGE, AddressTranslator.WRITE));
    t.user.write(A + PAGE, new byte[] {1});
    assertEquals(contents[2 * PAGE], fileBytes(2 * PAGE, 1)[0]);
    check();
    s.release();
    file.pages().release();
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void accessPastTheEndOfTheFileIsABusError() {
    PageCache c = new PageCache(t.frames);
    c.write(0, new byte[PAGE + 100], 0, PAGE + 100);
    TestFile small = new TestFile(c, true, true, "/tmp/small");
    s.map(new Vma(A, A + 4L * PAGE, Prot.RW, Vma.Kind.FILE, small, 0, true, null));
    assertEquals(Fault.RESOLVED, s.handleFault(A + PAGE + 200, AddressTranslator.READ));
    assertEquals(Fault.BUS_ADRERR, s.handleFault(A + 2 * PAGE, AddressTranslator.READ));
    assertEquals(Fault.BUS_ADRERR, s.handleFault(A + 3 * PAGE, AddressTranslator.WRITE));
    assertEquals(7, Fault.BUS_ADRERR.signal());
    assertEquals(2, Fault.BUS_ADRERR.siCode());
    assertThrows(BadAddressException.class, () -> t.user.read(A + 2 * PAGE, 1));
    assertEquals(0, t.user.read(A + PAGE + 200, 1)[0], "the tail of the last page reads zero");
    c.truncate(10 * PAGE);
    assertEquals(Fault.RESOLVED, s.handleFault(A + 3 * PAGE, AddressTranslator.WRITE));
  }

  @Test
  void shrinkingAMappedFileTakesItsPagesOutOfEveryMapping() {
    mapFile(A, 4, Prot.RW, 0, true);
    mapFile(A + 8L * PAGE, 4, Prot.RW, 0, false);
    AddressSpace child = s.fork(() -> {});
    for (int i = 0; i < 4; i++) {
      t.user.write(A + (long) i * PAGE, new byte[] {1});
      t.user.write(A + 8L * PAGE + (long) i * PAGE, new byte[] {2});
      child.resolve(A + (long) i * PAGE, AddressTranslator.READ);
    }
    int flushes = t.flushes();
    file.pages().truncate(PAGE + 10);
    assertEquals(true, t.flushes() > flushes);
    assertEquals(1, t.user.read(A + PAGE, 1)[0], "the page holding the end stays");
    assertEquals(0, t.user.read(A + PAGE + 10, 1)[0], "its tail past the end reads zero");
    assertEquals(Fault.BUS_ADRERR, s.handleFault(A + 2 * PAGE, AddressTranslator.READ));
    assertEquals(Fault.BUS_ADRERR, s.handleFault(A + 11L * PAGE, AddressTranslator.READ));
    assertEquals(Fault.BUS_ADRERR, child.handleFault(A + 3L * PAGE, AddressTranslator.WRITE));
    FrameAccounting.check(t.frames, List.of(s, child), List.of(file.pages()));
    child.release();
    s.release();
    file.pages().release();
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void anUnlinkedFileLivesAsLongAsItsMappings() {
    mapFile(A, 2, Prot.RW, 0, true);
    AddressSpace child = s.fork(() -> {});
    file.pages().releaseWhenUnmapped();
    assertEquals(contents[5], t.user.read(A + 5, 1)[0]);
    FrameAccounting.check(t.frames, List.of(s, child), List.of());
    s.unmap(A, PAGE);
    s.release();
    assertEquals(contents[PAGE], new UserMemory(child, t.view).read(A + PAGE, 1)[0]);
    child.release();
    assertEquals(false, file.pages().isMapped());
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void splitHalvesKeepTheirFileOffsets() {
    mapFile(A, 4, Prot.R, 0, false);
    s.protect(A + PAGE, PAGE, Prot.RW);
    List<Vma> areas = s.areas();
    assertEquals(3, areas.size());
    assertEquals(List.of(0L, (long) PAGE, 2L * PAGE), areas.stream().map(Vma::offset).toList());
    s.unmap(A, 2L * PAGE);
    assertEquals(2L * PAGE, s.areaAt(A + 2 * PAGE).offset());
    assertEquals(contents[3 * PAGE + 1], t.user.read(A + 3 * PAGE + 1, 1)[0]);
    s.protect(A + PAGE, 0, Prot.R);
    // Re-mapping the first half lets the pieces merge again: offsets are continuous.
    mapFile(A, 2, Prot.R, 0, false);
    s.protect(A, 4L * PAGE, Prot.R);
    assertEquals(1, s.areas().size());
    assertEquals(0, s.areas().getFirst().offset());
    // Pieces whose offsets do not continue stay apart.
    mapFile(A + 8L * PAGE, 1, Prot.R, 0, false);
    mapFile(A + 9L * PAGE, 1, Prot.R, 0, false);
    assertEquals(3, s.areas().size());
  }

  @Test
  void movingAFileMappingKeepsItsOffset() {
    mapFile(A, 2, Prot.RW, 2L * PAGE, true);
    t.user.write(A + PAGE, new byte[] {5});
    long to = A + 64L * PAGE;
    s.move(A + PAGE, PAGE, to, PAGE);
    assertEquals(3L * PAGE, s.areaAt(to).offset());
    assertEquals(5, t.user.read(to, 1)[0]);
    assertEquals(5, fileBytes(3 * PAGE, 1)[0]);
    check();
  }

  @Test
  void dontNeedZeroesAnonymousMemoryAndRefetchesFilePages() {
    s.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    mapFile(A + PAGE, 1, Prot.RW, 0, false);
    mapFile(A + 2L * PAGE, 1, Prot.RW, PAGE, true);
    t.user.write(A, new byte[] {1});
    t.user.write(A + PAGE, new byte[] {2});
    t.user.write(A + 2 * PAGE, new byte[] {3});
    s.discard(A, 3L * PAGE);
    assertEquals(0, t.user.read(A, 1)[0]);
    assertEquals(contents[0], t.user.read(A + PAGE, 1)[0], "private change dropped");
    assertEquals(3, t.user.read(A + 2 * PAGE, 1)[0], "shared change is in the file");
    check();
  }

  @Test
  void mapsTextFollowsLinuxFormat() {
    s.initHeap(0x20000, MemoryLayout.MMAP_TOP);
    s.setBrk(0x21000);
    mapFile(A, 1, Prot.RW, PAGE, true);
    s.map(A + 4L * PAGE, PAGE, Prot.R, Vma.Kind.ANONYMOUS);
    s.map(MemoryLayout.STACK_TOP - 2 * PAGE, 2L * PAGE, Prot.RW, Vma.Kind.STACK);
    String expected =
        "00020000-00021000 rw-p 00000000 00:00 0"
            + " ".repeat(34)
            + "[heap]\n"
            + "10000000-10001000 rw-s 00001000 00:00 0"
            + " ".repeat(34)
            + "/tmp/f\n"
            + "10004000-10005000 r--p 00000000 00:00 0 \n"
            + "3fffffe000-4000000000 rw-p 00000000 00:00 0"
            + " ".repeat(30)
            + "[stack]\n";
    assertEquals(expected, s.mapsText());
  }
}
