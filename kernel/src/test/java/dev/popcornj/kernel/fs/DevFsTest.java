package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.UserMemory;
import org.junit.jupiter.api.Test;

class DevFsTest {
  private final FsFixture fx = new FsFixture();
  private final Vfs vfs = fx.vfs;
  private final DevFs dev;
  private byte next = 1;

  DevFsTest() {
    vfs.mkdirs("/dev", 0755);
    dev =
        new DevFs(
            vfs,
            b -> {
              for (int i = 0; i < b.length; i++) {
                b[i] = next++;
              }
            });
    vfs.mount("/dev", dev.fileSystem());
  }

  private OpenFile open(String path) {
    return vfs.open(fx.ctx, path, FileConstants.O_RDWR, 0);
  }

  @Test
  void memoryDevicesBehaveAsLinuxOnes() {
    byte[] b = {9, 9, 9};
    assertEquals(0, open("/dev/null").read(b, 0, 3));
    assertEquals(3, open("/dev/null").write(b, 0, 3));
    assertEquals(3, open("/dev/zero").read(b, 0, 3));
    assertArrayEquals(new byte[3], b);
    assertEquals(-Errno.ENOSPC, open("/dev/full").write(b, 0, 3));
    assertEquals(3, open("/dev/urandom").read(b, 0, 3));
    assertArrayEquals(new byte[] {1, 2, 3}, b, "bytes come from the given generator");
    assertEquals(0, open("/dev/null").seek(100, FileConstants.SEEK_SET));
    assertEquals(-Errno.ENOTTY, open("/dev/zero").ioctl(0x5401, 0, null));
  }

  @Test
  void deviceNumbersAreLinuxOnes() {
    String[] names = {"null", "zero", "full", "random", "urandom"};
    int[] minors = {3, 5, 7, 8, 9};
    for (int i = 0; i < names.length; i++) {
      Inode n = vfs.lookup(fx.ctx, "/dev/" + names[i], true);
      assertEquals(FileConstants.S_IFCHR | 0666, n.mode(), names[i]);
      assertEquals(FileConstants.makedev(1, minors[i]), n.rdev(), names[i]);
    }
    assertEquals(0x0503, FileConstants.makedev(5, 3));
    assertEquals(
        FileConstants.makedev(136, 300), (300 & 0xff) | (136 << 8) | ((300 & ~0xff) << 12));
    assertEquals(300, FileConstants.minor(FileConstants.makedev(136, 300)));
    assertEquals(136, FileConstants.major(FileConstants.makedev(136, 300)));
  }

  @Test
  void registeredDevicesGetNodes() {
    CharDevice tty =
        new CharDevice() {
          @Override
          public long read(byte[] buf, int off, int length, boolean nonBlocking) {
            return nonBlocking ? -Errno.EAGAIN : 0;
          }

          @Override
          public long write(byte[] buf, int off, int length, boolean nonBlocking) {
            return length;
          }

          @Override
          public long ioctl(int request, long arg, UserMemory memory) {
            return request == 0x5401 ? 0 : -Errno.ENOTTY;
          }

          @Override
          public long rdev() {
            return FileConstants.makedev(5, 1);
          }
        };
    dev.registerCharDevice("console", tty);
    OpenFile f =
        vfs.open(fx.ctx, "/dev/console", FileConstants.O_RDWR | FileConstants.O_NONBLOCK, 0);
    assertSame(tty, f.device());
    assertEquals(FileConstants.S_IFCHR | 0600, f.inode().mode());
    assertEquals(-Errno.EAGAIN, f.read(new byte[1], 0, 1));
    assertEquals(0, f.ioctl(0x5401, 0, null));
    assertEquals(-Errno.ESPIPE, f.seek(0, FileConstants.SEEK_SET));
    vfs.open(fx.ctx, "/dev/shm/x", FileConstants.O_CREAT | FileConstants.O_RDWR, 0600);
    assertEquals(FileConstants.S_IFDIR | 01777, vfs.lookup(fx.ctx, "/dev/shm", true).mode());
  }
}
