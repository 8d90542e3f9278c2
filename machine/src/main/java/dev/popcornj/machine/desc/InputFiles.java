package dev.popcornj.machine.desc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads the files a user names (machine files, programs, initramfs archives) whole into memory,
 * refusing what cannot be one: a directory, a special file (a device such as /dev/zero, a pipe, a
 * socket), which may never end, or a file over the limit its kind sets. The limit holds while
 * reading too, so a file that grows is cut off, never read until the heap runs out.
 */
public final class InputFiles {
  private InputFiles() {}

  /** Why a file was not read: one line for the user, without the file's name. */
  public static final class Refused extends Exception {
    public Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The whole file at path.
   *
   * @param limit the largest size accepted, in bytes, at most {@code Integer.MAX_VALUE - 8}
   * @param what what the file should be, for the message when it is too large ("a machine file")
   * @throws Refused when the file is missing, unreadable, not a regular file or over the limit
   */
  public static byte[] read(Path path, long limit, String what) throws Refused {
    if (limit < 0 || limit > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("limit " + limit);
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        throw new Refused("is a directory, not " + what);
      }
      if (!attributes.isRegularFile()) {
        throw new Refused("not a regular file (a device, pipe or socket); give a file");
      }
      if (attributes.size() > limit) {
        throw tooLarge(limit, what);
      }
      try (InputStream in = Files.newInputStream(path)) {
        byte[] bytes = new byte[(int) attributes.size()];
        int n = 0;
        while (n < bytes.length) {
          int r = in.read(bytes, n, Math.min(bytes.length - n, READ_CHUNK));
          if (r < 0) {
            return Arrays.copyOf(bytes, n); // it shrank while being read
          }
          n += r;
        }
        byte[] grown = in.readNBytes((int) (limit - n) + 1);
        if (grown.length == 0) {
          return bytes;
        }
        if (n + grown.length > limit) {
          throw tooLarge(limit, what);
        }
        byte[] all = Arrays.copyOf(bytes, n + grown.length);
        System.arraycopy(grown, 0, all, n, grown.length);
        return all;
      }
    } catch (NoSuchFileException e) {
      throw new Refused("no such file");
    } catch (AccessDeniedException e) {
      throw new Refused("permission denied");
    } catch (FileSystemException e) {
      throw new Refused("cannot read: " + (e.getReason() != null ? e.getReason() : "I/O error"));
    } catch (IOException e) {
      throw new Refused("cannot read: " + e.getMessage());
    }
  }

  /**
   * The most read at once. A file channel reads into a heap array through a temporary native buffer
   * of the read's size, which the JDK keeps for the thread's next read: read in one go, a 50 MiB
   * initramfs held 50 MiB of native memory for the rest of the run.
   */
  static final int READ_CHUNK = 1 << 20;

  private static Refused tooLarge(long limit, String what) {
    return new Refused(
        "larger than " + Quantities.formatSize(limit) + ", the most " + what + " may be");
  }
}
