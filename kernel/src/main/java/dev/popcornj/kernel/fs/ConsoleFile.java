package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.StatDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A guest's standard input, output or error, backed by a stream the caller gave the kernel (the
 * host's own streams for {@code popcorn run}, byte buffers in tests). It is a character device that
 * is never a terminal, so a program behaves the same whatever the host's streams are.
 */
public final class ConsoleFile implements OpenFile {
  /** The device number reported: major 1 (mem devices), minor 3, like /dev/null, not a tty. */
  public static final long RDEV = (1 << 8) | 3;

  private final InputStream in;
  private final OutputStream out;

  private ConsoleFile(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  public static ConsoleFile input(InputStream in) {
    return new ConsoleFile(in, null);
  }

  public static ConsoleFile output(OutputStream out) {
    return new ConsoleFile(null, out);
  }

  @Override
  public long read(byte[] buf, int off, int length) {
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
  public long write(byte[] buf, int off, int length) {
    if (out == null) {
      return -Errno.EBADF;
    }
    try {
      out.write(buf, off, length);
      return length;
    } catch (IOException e) {
      return -Errno.EPIPE;
    }
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

  @Override
  public int mode() {
    return StatDescriptor.S_IFCHR | 0620;
  }

  @Override
  public long rdev() {
    return RDEV;
  }

  @Override
  public int statusFlags() {
    return in != null ? FileConstants.O_RDONLY : FileConstants.O_WRONLY;
  }
}
