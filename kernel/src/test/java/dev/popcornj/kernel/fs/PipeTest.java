package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import org.junit.jupiter.api.Test;

class PipeTest {
  private final FsFixture fx = new FsFixture();
  private final OpenFile[] ends = fx.vfs.pipe(0);
  private final OpenFile r = ends[0];
  private final OpenFile w = ends[1];

  @Test
  void bytesGoThroughInOrderAndTheEndsAreOneWay() {
    assertTrue(r.readable());
    assertFalse(r.writable());
    assertTrue(w.writable());
    assertNull(r.pageCache());
    assertEquals(FileConstants.S_IFIFO | 0600, r.inode().mode());
    assertEquals(5, w.write(FsFixture.bytes("hello"), 0, 5));
    byte[] b = new byte[3];
    assertEquals(3, r.read(b, 0, 3));
    assertEquals("hel", FsFixture.string(b, 3));
    assertEquals(2, r.read(b, 0, 3));
    assertEquals(-Errno.EBADF, r.write(b, 0, 1));
    assertEquals(-Errno.EBADF, w.read(b, 0, 1));
    assertEquals(-Errno.ESPIPE, r.seek(0, FileConstants.SEEK_SET));
    assertEquals(-Errno.ESPIPE, r.pread(0, b, 0, 1));
  }

  @Test
  void anEmptyPipeWaitsAndASignalInterruptsTheWait() {
    byte[] b = new byte[4];
    assertEquals(-Errno.ERESTARTSYS, r.read(b, 0, 4), "the fake sleeper says: signal");
    assertEquals(1, fx.sleeps);
    r.setStatusFlags(FileConstants.O_NONBLOCK);
    assertEquals(-Errno.EAGAIN, r.read(b, 0, 4));
    assertEquals(1, fx.sleeps, "non-blocking reads do not sleep");
  }

  @Test
  void readersSeeEndOfFileOnceWritersAreGone() {
    w.write(FsFixture.bytes("x"), 0, 1);
    w.release();
    assertTrue(fx.wakes > 0, "closing the writer wakes readers");
    byte[] b = new byte[4];
    assertEquals(1, r.read(b, 0, 4));
    assertEquals(0, r.read(b, 0, 4));
  }

  @Test
  void writersGetEpipeOnceReadersAreGone() {
    r.release();
    assertEquals(-Errno.EPIPE, w.write(new byte[1], 0, 1));
  }

  @Test
  void aFullPipeTakesNoMoreAndSmallWritesAreAtomic() {
    w.setStatusFlags(FileConstants.O_NONBLOCK);
    byte[] big = new byte[FileConstants.PIPE_SIZE - 100];
    assertEquals(big.length, w.write(big, 0, big.length));
    assertEquals(-Errno.EAGAIN, w.write(new byte[200], 0, 200), "200 <= PIPE_BUF: all or nothing");
    assertEquals(100, w.write(new byte[5000], 0, 5000), "a large write fills what it can");
    assertEquals(-Errno.EAGAIN, w.write(new byte[1], 0, 1));
    w.setStatusFlags(0);
    assertEquals(-Errno.ERESTARTSYS, w.write(new byte[1], 0, 1));
    byte[] b = new byte[FileConstants.PIPE_SIZE];
    assertEquals(FileConstants.PIPE_SIZE, r.read(b, 0, b.length));
    assertEquals(0, ends[0].pipe().available());
  }

  @Test
  void theRingWrapsAround() {
    byte[] b = new byte[FileConstants.PIPE_SIZE];
    for (int round = 0; round < 5; round++) {
      byte[] chunk = new byte[40_000];
      chunk[0] = (byte) round;
      chunk[chunk.length - 1] = (byte) (round + 100);
      assertEquals(chunk.length, w.write(chunk, 0, chunk.length));
      assertEquals(chunk.length, r.read(b, 0, b.length));
      assertEquals(round, b[0]);
      assertEquals(round + 100, b[chunk.length - 1]);
    }
  }

  @Test
  void dupedEndsCloseOnce() {
    w.retain();
    w.release();
    assertEquals(1, w.pipe().writers());
    w.release();
    assertEquals(0, w.pipe().writers());
  }
}
