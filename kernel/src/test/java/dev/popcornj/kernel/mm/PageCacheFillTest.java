package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.popcornj.machine.mem.ContentPool;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A file filled from read-only bytes (the initramfs) against the same file written: the same
 * frames, accounting and bytes under reads, writes, mappings and truncation, with host memory taken
 * only for the pages whose frames were needed.
 */
class PageCacheFillTest {
  private static final long BASE = 0x8000_0000L;
  private static final int PAGE = 4096;

  private record Setup(PhysicalMemory memory, FrameAllocator frames) {}

  private static Setup setup() {
    PhysicalMemory memory = new PhysicalMemory();
    Region r = new Region(BASE, 64 * 4096L);
    memory.addRange(BASE, r.size());
    return new Setup(memory, new FrameAllocator(new MemoryView("t", memory, List.of(r)), r));
  }

  private static byte[] archive() {
    byte[] a = new byte[3 * PAGE + 1000];
    new Random(7).nextBytes(a);
    return a;
  }

  private static byte[] contents(PageCache c) {
    byte[] out = new byte[(int) c.size()];
    assertEquals(out.length, c.read(0, out, 0, out.length));
    return out;
  }

  @Test
  void behavesAsTheWrittenFileWhileItsFramesStayUntouched() {
    byte[] a = archive();
    int offset = 100;
    int length = a.length - offset - 50;
    Setup filled = setup();
    Setup written = setup();
    PageCache f = new PageCache(filled.frames());
    PageCache w = new PageCache(written.frames());
    f.fill(new ContentPool().intern(a), offset, length);
    w.write(0, a, offset, length);
    assertEquals(w.size(), f.size());
    assertEquals(written.frames().framesInUse(), filled.frames().framesInUse());
    assertEquals(w.residentPages(), f.residentPages());
    assertEquals(0, filled.memory().touchedFrames(), "no page needed yet");
    assertArrayEquals(contents(w), contents(f));
    assertEquals(0, filled.memory().touchedFrames(), "reads come from the read-only bytes");

    assertEquals(w.frame(1), f.frame(1), "a mapping gets the same frame, filled");
    assertEquals(1, filled.memory().touchedFrames());
    byte[] x = {1, 2, 3};
    f.write(2 * PAGE + 10, x, 0, 3);
    w.write(2 * PAGE + 10, x, 0, 3);
    assertArrayEquals(contents(w), contents(f));
    f.truncate(PAGE + 7);
    w.truncate(PAGE + 7);
    f.truncate(3 * PAGE);
    w.truncate(3 * PAGE);
    assertArrayEquals(contents(w), contents(f), "the cut tail reads as zero");
    assertEquals(written.frames().framesInUse(), filled.frames().framesInUse());
    f.release();
    assertEquals(0, filled.frames().framesInUse());
  }

  @Test
  void equalContentsShareOneCopy() {
    ContentPool pool = new ContentPool();
    byte[] a = archive();
    ReadOnlyBytes first = pool.intern(a);
    assertSame(first, pool.intern(a.clone()));
    a[0]++;
    ReadOnlyBytes other = pool.intern(a);
    byte[] b = new byte[1];
    other.copyTo(0, b, 0, 1);
    assertEquals(a[0], b[0]);
    first.copyTo(0, b, 0, 1);
    assertEquals((byte) (a[0] - 1), b[0], "changing the caller's array changes no pooled copy");
  }

  @Test
  void aBackedFilesPagesAreResidentUpToItsEndAndATmpfsHoleIsNot() {
    Setup s = setup();
    PageCache.Backing host =
        new PageCache.Backing() {
          @Override
          public void load(long index, byte[] page) {}

          @Override
          public void store(long index, byte[] page, int length) {}
        };
    PageCache backed = new PageCache(s.frames(), host, 2 * PAGE + 1);
    assertEquals(true, backed.isResident(0), "loaded on first touch, without I/O");
    assertEquals(true, backed.isResident(2), "the partial last page");
    assertEquals(false, backed.isResident(3), "past the end");
    assertEquals(0, s.frames().framesInUse(), "asking takes no frame");
    PageCache tmpfs = new PageCache(s.frames());
    tmpfs.write(2 * PAGE, new byte[] {1}, 0, 1);
    assertEquals(false, tmpfs.isResident(0), "a hole");
    assertEquals(true, tmpfs.isResident(2));
  }
}
