package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.FileConstants;
import org.junit.jupiter.api.Test;

class FileTableTest {
  private final FsFixture fx = new FsFixture();

  private OpenFile file() {
    return fx.vfs.open(fx.ctx, "/", FileConstants.O_RDONLY, 0);
  }

  @Test
  void newDescriptorsTakeTheLowestFreeNumber() {
    FileTable t = new FileTable();
    assertEquals(0, t.install(file(), 0, false));
    assertEquals(1, t.install(file(), 0, true));
    assertEquals(5, t.install(file(), 5, false));
    assertTrue(t.close(0));
    assertEquals(0, t.install(file(), 0, false));
    assertTrue(t.closeOnExec(1));
    assertFalse(t.closeOnExec(0));
    assertNull(t.get(-1));
    assertNull(t.get(1 << 20));
    assertThrows(IllegalArgumentException.class, () -> t.installAt(1 << 20, file(), false));
  }

  @Test
  void dupSharesOneDescriptionAndTheLastCloseReleasesIt() {
    FileTable t = new FileTable();
    OpenFile a = file();
    Inode root = a.inode();
    t.installAt(3, a, false);
    assertEquals(0, t.dup(3, 0, false));
    assertTrue(t.dupTo(3, 40, true));
    assertSame(a, t.get(40));
    assertEquals(3, a.references());
    assertEquals(1, root.openCount());
    t.close(3);
    t.close(0);
    assertEquals(1, root.openCount());
    t.close(40);
    assertEquals(0, root.openCount());
    assertFalse(t.close(40), "already closed");
    assertEquals(-2, t.dup(40, 0, false), "bad descriptor");
  }

  @Test
  void forkCopiesShareDescriptionsAndOffsets() {
    FileTable parent = new FileTable();
    OpenFile f = fx.create("/f", "abcdef");
    parent.install(f, 0, true);
    FileTable child = parent.copy();
    assertEquals(2, f.references());
    assertTrue(child.closeOnExec(0));
    byte[] b = new byte[2];
    child.get(0).read(b, 0, 2);
    assertEquals(2, parent.get(0).offset(), "the offset is shared");
    child.closeOnExec();
    assertNull(child.get(0));
    assertEquals(1, f.references());
    parent.closeAll();
    assertEquals(0, parent.count());
    assertEquals(0, f.inode().openCount());
  }

  @Test
  void theTableIsBounded() {
    FileTable t = new FileTable();
    OpenFile a = file();
    t.install(a, 0, false);
    for (int i = 1; i < FileTable.MAX_FILES; i++) {
      assertEquals(i, t.dup(0, 0, false));
    }
    assertEquals(-1, t.dup(0, 0, false));
    assertEquals(FileTable.MAX_FILES, a.references());
  }

  @Test
  void aRaisedLimitGivesDescriptorsUpToItAndTheArraysGrowOnlyAsTheyAreUsed() {
    FileTable t = new FileTable();
    t.setLimit(1 << 20);
    OpenFile a = file();
    t.install(a, 0, false);
    assertTrue(t.end() < 64, "a new table is small: " + t.end());
    assertEquals(5000, t.dup(0, 5000, false));
    assertTrue(t.end() > 5000 && t.end() <= 10000, "grown to what is used: " + t.end());
    assertEquals((1 << 20) - 1, t.dup(0, (1 << 20) - 1, false));
    assertEquals(-1, t.dup(0, 1 << 20, false), "nr_open bounds the descriptors");
    t.setLimit(-1L);
    assertEquals(1 << 20, t.limit(), "RLIM_INFINITY is nr_open");
    FileTable low = new FileTable();
    low.setLimit(3);
    low.install(file(), 0, false);
    assertEquals(-1, low.dup(0, 3, false));
    assertEquals(1, low.dup(0, 0, false));
    assertEquals(3, low.copy().limit(), "fork keeps the limit");
  }

  @Test
  void theLinuxTableSizeGrowsAsAllocFdtableWouldAndNeverShrinks() {
    FileTable t = new FileTable();
    assertEquals(64, t.linuxMaxFds(), "NR_OPEN_DEFAULT");
    t.installAt(63, file(), false);
    assertEquals(64, t.linuxMaxFds());
    t.installAt(64, file(), false);
    assertEquals(128, t.linuxMaxFds());
    t.installAt(300, file(), false);
    assertEquals(512, t.linuxMaxFds(), "128 * roundup_pow_of_two(300 / 128 + 1)");
    t.close(300);
    assertEquals(512, t.linuxMaxFds());
    FileTable child = t.copy();
    assertEquals(128, child.linuxMaxFds(), "a child's table holds the highest open descriptor");
    assertTrue(t.isOpen(64));
    assertFalse(t.isOpen(300));
  }
}
