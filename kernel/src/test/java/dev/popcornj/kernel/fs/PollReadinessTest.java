package dev.popcornj.kernel.fs;

import static dev.popcornj.kernel.abi.Poll.DEFAULT_MASK;
import static dev.popcornj.kernel.abi.Poll.POLLERR;
import static dev.popcornj.kernel.abi.Poll.POLLHUP;
import static dev.popcornj.kernel.abi.Poll.POLLIN;
import static dev.popcornj.kernel.abi.Poll.POLLNVAL;
import static dev.popcornj.kernel.abi.Poll.POLLOUT;
import static dev.popcornj.kernel.abi.Poll.POLLRDNORM;
import static dev.popcornj.kernel.abi.Poll.POLLWRNORM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.FileConstants;
import org.junit.jupiter.api.Test;

/** The readiness masks files report to poll and select, and how a PollTable hears of changes. */
class PollReadinessTest {
  private static final int READABLE = POLLIN | POLLRDNORM;
  private static final int WRITABLE = POLLOUT | POLLWRNORM;

  private final FsFixture fx = new FsFixture();
  private final OpenFile[] ends = fx.vfs.pipe(0);
  private final OpenFile r = ends[0];
  private final OpenFile w = ends[1];

  @Test
  void anEmptyPipeIsWritableOnly() {
    assertEquals(0, r.poll(null));
    assertEquals(WRITABLE, w.poll(null));
  }

  @Test
  void dataMakesTheReadEndReadable() {
    w.write(FsFixture.bytes("abc"), 0, 3);
    assertEquals(READABLE, r.poll(null));
    r.read(new byte[3], 0, 3);
    assertEquals(0, r.poll(null));
  }

  @Test
  void theReadEndHangsUpWhenTheLastWriterCloses() {
    w.write(FsFixture.bytes("x"), 0, 1);
    w.release();
    assertEquals(READABLE | POLLHUP, r.poll(null));
    r.read(new byte[1], 0, 1);
    assertEquals(POLLHUP, r.poll(null));
  }

  @Test
  void theWriteEndIsInErrorWhenTheLastReaderCloses() {
    r.release();
    assertEquals(WRITABLE | POLLERR, w.poll(null));
  }

  @Test
  void theWriteEndIsWritableWhilePipeBufBytesFit() {
    w.setStatusFlags(FileConstants.O_NONBLOCK);
    byte[] fill = new byte[FileConstants.PIPE_SIZE];
    assertEquals(fill.length, w.write(fill, 0, fill.length));
    assertEquals(0, w.poll(null));
    r.read(new byte[FileConstants.PIPE_BUF - 1], 0, FileConstants.PIPE_BUF - 1);
    assertEquals(0, w.poll(null), "one byte short of PIPE_BUF: a page slot is still in use");
    r.read(new byte[1], 0, 1);
    assertEquals(WRITABLE, w.poll(null));
  }

  @Test
  void filesWithoutAPollOperationAreAlwaysReady() {
    assertEquals(DEFAULT_MASK, fx.create("/f", "data").poll(null));
    assertEquals(
        DEFAULT_MASK,
        fx.vfs.open(fx.ctx, "/", FileConstants.O_DIRECTORY, 0).poll(null),
        "a directory");
    OpenFile path = fx.vfs.open(fx.ctx, "/f", FileConstants.O_PATH, 0);
    assertEquals(POLLNVAL, path.poll(null), "an O_PATH file cannot be polled");
  }

  @Test
  void procfsFilesAreAlwaysReady() {
    fx.vfs.mkdirs("/proc", 0555);
    fx.vfs.mount("/proc", new ProcFs(fx.vfs, FsFixture.fakeProc()));
    assertEquals(
        DEFAULT_MASK, fx.vfs.open(fx.ctx, "/proc/meminfo", FileConstants.O_RDONLY, 0).poll(null));
    assertEquals(
        DEFAULT_MASK, fx.vfs.open(fx.ctx, "/proc/42/stat", FileConstants.O_RDONLY, 0).poll(null));
  }

  @Test
  void memoryDevicesReportAsLinuxDoes() {
    for (MemDevice.Kind k : MemDevice.Kind.values()) {
      OpenFile f = OpenFile.ofDevice(new MemDevice(k, b -> {}), FileConstants.O_RDWR, "/dev/" + k);
      int expected = k == MemDevice.Kind.RANDOM ? READABLE : DEFAULT_MASK;
      assertEquals(expected, f.poll(null), k.toString());
    }
  }

  @Test
  void aPollTableIsTriggeredByTheQueuesItSubscribedTo() {
    PollTable table = new PollTable(fx.sleeper);
    assertEquals(0, r.poll(table));
    assertEquals(1, table.subscriptions());
    r.poll(table);
    assertEquals(1, table.subscriptions(), "one subscription per queue");
    assertFalse(table.triggered());
    w.write(FsFixture.bytes("x"), 0, 1);
    assertTrue(table.triggered(), "a write wakes the read end's pollers");

    table.clearTriggered();
    w.release();
    assertTrue(table.triggered(), "so does the last writer closing");

    table.clearTriggered();
    table.release();
    assertEquals(0, table.subscriptions());
    ends[0].read(new byte[1], 0, 1);
    assertFalse(table.triggered());
  }

  @Test
  void theWriteEndsPollersWakeWhenRoomIsMade() {
    w.setStatusFlags(FileConstants.O_NONBLOCK);
    w.write(new byte[FileConstants.PIPE_SIZE], 0, FileConstants.PIPE_SIZE);
    PollTable table = new PollTable(fx.sleeper);
    assertEquals(0, w.poll(table));
    r.read(new byte[FileConstants.PIPE_BUF], 0, FileConstants.PIPE_BUF);
    assertTrue(table.triggered());
    assertEquals(WRITABLE, w.poll(table));
    table.release();
  }

  @Test
  void aTableThatStoppedCollectingSubscribesToNothingMore() {
    PollTable table = new PollTable(fx.sleeper);
    table.stopCollecting();
    r.poll(table);
    assertEquals(0, table.subscriptions());
    w.write(FsFixture.bytes("x"), 0, 1);
    assertFalse(table.triggered());
  }
}
