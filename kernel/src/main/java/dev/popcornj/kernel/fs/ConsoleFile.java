package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.UserMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A guest's standard input, output or error backed by a host stream (the host's own streams for
 * {@code popcorn run}, byte buffers in tests). It is a character device that is never a terminal,
 * so a program behaves the same whatever the host's streams are.
 */
public final class ConsoleFile implements CharDevice {
  /** The device number reported: major 1 (mem devices), minor 3, like /dev/null, not a tty. */
  public static final long RDEV = (1 << 8) | 3;

  private final InputStream in;
  private final OutputStream out;

  /** Either stream may be null: reading or writing it then fails with EBADF. */
  public ConsoleFile(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** An open file reading in, for descriptor 0. */
  public static OpenFile input(InputStream in) {
    return new ConsoleFile(in, null).open();
  }

  /** An open file writing to out, for descriptors 1 and 2. */
  public static OpenFile output(OutputStream out) {
    return new ConsoleFile(null, out).open();
  }

  /** An open file on this console, with the access mode its streams allow. */
  public OpenFile open() {
    int acc =
        in != null && out != null
            ? FileConstants.O_RDWR
            : in != null ? FileConstants.O_RDONLY : FileConstants.O_WRONLY;
    return OpenFile.ofDevice(this, acc, "/dev/console");
  }

  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    if (in == null) {
      return -Errno.EBADF;
    }
    if (length == 0) {
      return 0;
    }
    try {
      int n = in.read(buf, off, length);
      return n < 0 ? 0 : n;
    } catch (IOException e) {
      return -Errno.EIO;
    }
  }

  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    if (out == null) {
      return -Errno.EBADF;
    }
    try {
      // Each write reaches the host as it is made, as a write(2) of qemu's does: a prompt shows
      // before the program reads, and nothing is held back when popcorn is interrupted.
      out.write(buf, off, length);
      out.flush();
      return length;
    } catch (IOException e) {
      return -Errno.EPIPE;
    }
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    // Never a terminal, whatever the host's streams are, so the guest's buffering does not depend
    // on how popcorn was started.
    return -Errno.ENOTTY;
  }

  /**
   * Always ready: reading the host stream never waits in virtual time (it has its bytes or is at
   * end of file), and writing never blocks, so the default mask is the truth here.
   */
  @Override
  public int poll(PollTable table) {
    return Poll.DEFAULT_MASK;
  }

  @Override
  public long rdev() {
    return RDEV;
  }

  /** Pushes buffered output to the host; errors are dropped, as at the guest's exit. */
  public void flush() {
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        // The reader went away; the guest has already been told by its failed writes.
      }
    }
  }
}
