package dev.popcornj.machine.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Interning read-only bytes from a host array and from physical memory where they lie. */
class ContentPoolTest {
  private static final long BASE = 0x8000_0000L;
  private static final int PAGE = PhysicalMemory.FRAME_SIZE;

  private static byte[] archive(int length, long seed) {
    byte[] a = new byte[length];
    new Random(seed).nextBytes(a);
    return a;
  }

  private static byte[] bytesOf(ReadOnlyBytes b) {
    byte[] out = new byte[b.length()];
    b.copyTo(0, out, 0, out.length);
    return out;
  }

  @Test
  void bytesInMemoryAreTheBytesOfTheArrayThatWroteThem() {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(BASE, 64L * PAGE);
    MemoryView view = new MemoryView("k1", memory, List.of(new Region(BASE, 64L * PAGE)));
    byte[] a = archive(5 * PAGE + 123, 1);
    long at = BASE + 3 * PAGE + 77; // not frame aligned: the range spans seven frames
    view.writeBytes(at, a, 0, a.length);
    ContentPool pool = new ContentPool();

    ReadOnlyBytes fromMemory = pool.intern(view, at, a.length);
    assertArrayEquals(a, bytesOf(fromMemory));
    assertSame(fromMemory, pool.intern(a), "an equal array finds the copy made from memory");
    assertSame(fromMemory, pool.intern(view, at, a.length));
    for (int i : new int[] {0, PAGE - 77, a.length - 1}) {
      assertEquals(a[i], fromMemory.get(i));
    }

    view.write8(at + 2 * PAGE, (byte) (a[2 * PAGE] + 1));
    ReadOnlyBytes changed = pool.intern(view, at, a.length);
    assertNotSame(fromMemory, changed, "one byte differs");
    assertEquals((byte) (a[2 * PAGE] + 1), changed.get(2 * PAGE));
    assertEquals(a[2 * PAGE], fromMemory.get(2 * PAGE), "the pooled copy does not follow memory");
    assertNotSame(fromMemory, pool.intern(view, at, a.length - 1), "a shorter range differs");
  }

  @Test
  void aRangeTheViewMayNotReadIsRefused() {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(BASE, 64L * PAGE);
    MemoryView view = new MemoryView("k1", memory, List.of(new Region(BASE, 8L * PAGE)));
    ContentPool pool = new ContentPool();
    assertThrows(MemoryFault.class, () -> pool.intern(view, BASE + 7L * PAGE, 2 * PAGE));
    byte[] pooled = new byte[2 * PAGE];
    pool.intern(pooled); // an equal candidate to compare with: still refused
    assertThrows(MemoryFault.class, () -> pool.intern(view, BASE + 7L * PAGE, 2 * PAGE));
  }

  @Test
  void placedContentReadsAsWrittenAndIsFoundWithoutATouch() {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(BASE, 64L * PAGE);
    MemoryView view = new MemoryView("k1", memory, List.of(new Region(BASE, 64L * PAGE)));
    ContentPool pool = new ContentPool();
    byte[] a = archive(5 * PAGE + 123, 2);
    long at = BASE + 8 * PAGE;
    long touched = memory.touchedFrames();

    ReadOnlyBytes content = pool.adopt(a);
    assertSame(content, pool.intern(a.clone()), "adopted bytes are pooled");
    view.place(at, content);
    assertEquals(touched, memory.touchedFrames(), "untouched frames take no host memory");
    assertSame(content, pool.intern(view, at, a.length), "found where it was placed");
    assertEquals(touched, memory.touchedFrames(), "and not read to be found");

    byte[] read = new byte[6 * PAGE];
    view.readBytes(at, read, 0, read.length);
    byte[] expected = java.util.Arrays.copyOf(a, 6 * PAGE);
    assertArrayEquals(expected, read, "the content, then zeros to the end of its last frame");
    assertEquals(touched + 6, memory.touchedFrames());

    byte[] firstFrame = view.frameForRead(at);
    ReadOnlyBytes b = pool.adopt(archive(3 * PAGE, 4));
    view.place(at, b);
    assertSame(firstFrame, view.frameForRead(at), "a touched frame keeps its array");
    assertSame(b, pool.intern(view, at, 3 * PAGE), "placed again over frames already read");
    view.write8(at + PAGE, (byte) 1);
    assertEquals(1, view.read8(at + PAGE));
    ReadOnlyBytes written = pool.intern(view, at, 3 * PAGE);
    assertNotSame(b, written, "a written frame no longer holds the content");
    assertEquals(1, written.get(PAGE));

    ReadOnlyBytes c = pool.adopt(archive(2 * PAGE, 5));
    view.place(BASE, c);
    view.clearFrame(BASE);
    view.discardFrame(BASE + PAGE);
    byte[] zeros = new byte[2 * PAGE];
    view.readBytes(BASE, zeros, 0, zeros.length);
    assertArrayEquals(new byte[2 * PAGE], zeros, "cleared and discarded frames read as zero");

    MemoryView other = new MemoryView("k2", memory, List.of(new Region(BASE, PAGE)));
    assertThrows(MemoryFault.class, () -> other.place(BASE, c), "beyond the view's grant");
    assertThrows(IllegalArgumentException.class, () -> view.place(BASE + 1, c));
  }
}
