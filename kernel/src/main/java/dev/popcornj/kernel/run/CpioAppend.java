package dev.popcornj.kernel.run;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adds a file to a cpio newc archive (before its trailer), with the directories above it: how
 * {@code popcorn run --on N} puts the program into the initramfs of kernel N.
 */
final class CpioAppend {
  private static final String TRAILER = "TRAILER!!!";
  private static final int HEADER = 110;

  private CpioAppend() {}

  /**
   * The archive with path (absolute) added as a regular file of the given mode.
   *
   * @throws IllegalArgumentException when the archive has no newc trailer
   */
  static byte[] withFile(byte[] archive, String path, byte[] data, int mode) {
    java.util.Set<String> names = new java.util.HashSet<>();
    int trailer = trailerOffset(archive, names);
    ByteArrayOutputStream out = new ByteArrayOutputStream(archive.length + data.length + 1024);
    out.write(archive, 0, trailer);
    String rel = path.startsWith("/") ? path.substring(1) : path;
    int ino = 0x7f00_0000;
    String[] parts = rel.split("/");
    StringBuilder dir = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      dir.append(i == 0 ? "" : "/").append(parts[i]);
      if (!names.contains(dir.toString()) && !names.contains("./" + dir)) {
        entry(out, dir.toString(), 040755, new byte[0], ino++);
      }
    }
    entry(out, rel, 0100000 | mode, data, ino);
    entry(out, TRAILER, 0, new byte[0], 0);
    return out.toByteArray();
  }

  private static int trailerOffset(byte[] a, java.util.Set<String> names) {
    int at = 0;
    while (at + HEADER <= a.length) {
      String magic = new String(a, at, 6, StandardCharsets.US_ASCII);
      if (!magic.equals("070701")) {
        break;
      }
      long size = hex(a, at + 54);
      int nameSize = (int) hex(a, at + 94);
      String name =
          new String(a, at + HEADER, Math.max(0, nameSize - 1), StandardCharsets.US_ASCII);
      if (name.equals(TRAILER)) {
        return at;
      }
      names.add(name);
      int next = align(at + HEADER + nameSize);
      at = align((int) (next + size));
    }
    throw new IllegalArgumentException("not a cpio newc archive with a trailer");
  }

  private static long hex(byte[] a, int at) {
    return Long.parseLong(new String(a, at, 8, StandardCharsets.US_ASCII), 16);
  }

  private static int align(int n) {
    return (n + 3) & ~3;
  }

  private static void entry(
      ByteArrayOutputStream out, String name, int mode, byte[] data, int ino) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    String h =
        String.format(
            "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
            ino, mode, 0, 0, (mode & 040000) != 0 ? 2 : 1, 0, data.length, 0, 0, 0, 0, n.length, 0);
    out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(n);
    pad(out, HEADER + n.length);
    out.writeBytes(data);
    pad(out, data.length);
  }

  private static void pad(ByteArrayOutputStream out, int length) {
    for (int i = length; (i & 3) != 0; i++) {
      out.write(0);
    }
  }
}
