package dev.popcornj.kernel.fs;

import static dev.popcornj.kernel.abi.Poll.POLLIN;
import static dev.popcornj.kernel.abi.Poll.POLLOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Epoll;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The eventfd counter: what reads and writes do to it, their errors, and the poll mask. */
class EventFdTest {
  private static final long MAX = -1L;

  private final FsFixture fx = new FsFixture();

  private static byte[] le(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static long write(EventFd e, long v, boolean nonBlocking) {
    return e.write(le(v), 0, 8, nonBlocking);
  }

  /** The value read, or the negative result as is. */
  private static long read(EventFd e, boolean nonBlocking) {
    byte[] b = new byte[8];
    long r = e.read(b, 0, 8, nonBlocking);
    return r < 0 ? r : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Test
  void writesAddAndAReadTakesEverything() {
    EventFd e = new EventFd(fx.sleeper, 0, false);
    assertEquals(8, write(e, 1, true));
    assertEquals(8, write(e, 2, true));
    assertEquals(3, read(e, true));
    assertEquals(0, e.count());
    assertEquals(-Errno.EAGAIN, read(e, true));
  }

  @Test
  void semaphoreModeTakesOneAtATime() {
    EventFd e = new EventFd(fx.sleeper, 2, true);
    assertEquals(1, read(e, true));
    assertEquals(1, read(e, true));
    assertEquals(-Errno.EAGAIN, read(e, true));
  }

  @Test
  void shortBuffersAndTheAllOnesValueAreInvalid() {
    EventFd e = new EventFd(fx.sleeper, 5, false);
    assertEquals(-Errno.EINVAL, e.read(new byte[7], 0, 7, true));
    assertEquals(-Errno.EINVAL, e.write(new byte[7], 0, 7, true));
    assertEquals(-Errno.EINVAL, e.write(new byte[16], 0, 16, true), "Linux 6.5: exactly 8");
    assertEquals(-Errno.EINVAL, write(e, MAX, true));
    assertEquals(5, e.count(), "no failed call changed the count");
    assertEquals(8, e.read(new byte[16], 0, 16, true), "a longer read buffer is fine");
  }

  @Test
  void theCountStopsOneBelowAllOnes() {
    EventFd e = new EventFd(fx.sleeper, 0, false);
    assertEquals(8, write(e, MAX - 1, true));
    assertEquals(-Errno.EAGAIN, write(e, 1, true));
    assertEquals(8, write(e, 0, true), "adding zero always fits");
    assertEquals(POLLIN, e.poll(null), "full: not writable");
  }

  @Test
  void aBlockingCallThatCannotGoOnIsInterrupted() {
    // The fixture's sleeper treats a wait whose condition fails as a signal.
    EventFd e = new EventFd(fx.sleeper, 0, false);
    assertEquals(-Errno.ERESTARTSYS, read(e, false));
    assertEquals(8, write(e, MAX - 1, false));
    assertEquals(-Errno.ERESTARTSYS, write(e, 1, false));
  }

  @Test
  void theFileIsReadWriteWithTheNonBlockingFlagOnly() {
    OpenFile f = EventFd.open(fx.sleeper, 0, Epoll.EFD_NONBLOCK | Epoll.EFD_SEMAPHORE);
    assertEquals(FileConstants.O_RDWR | FileConstants.O_NONBLOCK, f.statusFlags());
    assertEquals("anon_inode:[eventfd]", f.path());
    assertEquals(POLLOUT, f.poll(null));
    assertEquals(-Errno.EAGAIN, f.read(new byte[8], 0, 8));
  }

  @Test
  void wakesSayWhatChanged() {
    EventFd e = new EventFd(fx.sleeper, 0, false);
    int[] keys = new int[2];
    int[] n = {0};
    PollTable t =
        new PollTable(
            key -> {
              keys[n[0]++] = key;
              return true;
            },
            false);
    e.poll(t);
    write(e, 4, true);
    read(e, true);
    t.release();
    write(e, 4, true);
    assertEquals(2, n[0], "no wake after release");
    assertEquals(POLLIN, keys[0]);
    assertEquals(POLLOUT, keys[1]);
  }

  @Property
  void readsReturnWhatWritesAdded(@ForAll long a, @ForAll long b) {
    EventFd e = new EventFd(fx.sleeper, 0, false);
    long wa = write(e, a, true);
    long wb = write(e, b, true);
    long expected = (wa == 8 ? a : 0) + (wb == 8 ? b : 0);
    assertTrue(Long.compareUnsigned(e.count(), MAX) < 0, "never reaches all ones");
    assertEquals(expected, e.count());
    if (expected != 0) {
      assertEquals(expected, read(e, true));
    }
    int mask = e.poll(null);
    assertEquals(POLLOUT, mask);
  }
}
