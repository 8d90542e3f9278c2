package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.UserMemory;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The memory devices of major 1 (drivers/char/mem.c, random.c): null, zero, full, random and
 * urandom. They never block and every position is the same, so lseek on them returns 0.
 */
public final class MemDevice implements CharDevice {
  /** Which device, with its minor number. */
  public enum Kind {
    NULL(3),
    ZERO(5),
    FULL(7),
    RANDOM(8),
    URANDOM(9);

    final int minor;

    Kind(int minor) {
      this.minor = minor;
    }
  }

  private final Kind kind;
  private final Consumer<byte[]> random;

  /**
   * @param random fills an array with bytes from the kernel's seeded generator (random, urandom)
   */
  public MemDevice(Kind kind, Consumer<byte[]> random) {
    this.kind = kind;
    this.random = random;
  }

  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    switch (kind) {
      case NULL -> {
        return 0;
      }
      case ZERO, FULL -> Arrays.fill(buf, off, off + length, (byte) 0);
      default -> {
        byte[] b = new byte[length];
        random.accept(b);
        System.arraycopy(b, 0, buf, off, length);
      }
    }
    return length;
  }

  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    // Writing to random mixes bytes into the pool; the pool here is the seed, so they are dropped.
    return kind == Kind.FULL ? -Errno.ENOSPC : length;
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    return -Errno.ENOTTY;
  }

  /**
   * null, zero, full and urandom have no poll operation and report DEFAULT_POLLMASK; random has
   * random_poll, which once the generator is seeded (here always) reports readable only.
   */
  @Override
  public int poll(PollTable table) {
    return kind == Kind.RANDOM ? Poll.POLLIN | Poll.POLLRDNORM : Poll.DEFAULT_MASK;
  }

  @Override
  public long rdev() {
    return FileConstants.makedev(1, kind.minor);
  }
}
