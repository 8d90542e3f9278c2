package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class FileTableTest {
  private int released;

  private OpenFile file() {
    ConsoleFile inner = ConsoleFile.output(new ByteArrayOutputStream());
    return new OpenFile() {
      @Override
      public long read(byte[] buf, int off, int length) {
        return inner.read(buf, off, length);
      }

      @Override
      public long write(byte[] buf, int off, int length) {
        return inner.write(buf, off, length);
      }

      @Override
      public int mode() {
        return inner.mode();
      }

      @Override
      public long rdev() {
        return inner.rdev();
      }

      @Override
      public int statusFlags() {
        return inner.statusFlags();
      }

      @Override
      public void release() {
        released++;
      }
    };
  }

  @Test
  void newDescriptorsTakeTheLowestFreeNumber() {
    FileTable t = new FileTable();
    OpenFile a = file();
    assertEquals(0, t.install(a, 0, false));
    assertEquals(1, t.install(a, 0, true));
    assertEquals(5, t.install(a, 5, false));
    assertTrue(t.close(0));
    assertEquals(0, t.install(a, 0, false));
    assertTrue(t.closeOnExec(1));
    assertFalse(t.closeOnExec(0));
    assertNull(t.get(-1));
    assertNull(t.get(1 << 20));
  }

  @Test
  void aFileIsReleasedWhenItsLastDescriptorCloses() {
    FileTable t = new FileTable();
    OpenFile a = file();
    t.installAt(3, a, false);
    t.installAt(40, a, false);
    assertSame(a, t.get(40));
    t.close(3);
    assertEquals(0, released);
    t.close(40);
    assertEquals(1, released);
    assertFalse(t.close(40), "already closed");
  }

  @Test
  void theTableIsBounded() {
    FileTable t = new FileTable();
    OpenFile a = file();
    for (int i = 0; i < FileTable.MAX_FILES; i++) {
      assertEquals(i, t.install(a, 0, false));
    }
    assertEquals(-1, t.install(a, 0, false));
  }
}
