package dev.popcornj.kernel.proc;

import java.util.Arrays;

/**
 * The bytes of a program file, read where the loader needs them: its headers to check it, the
 * segments it copies. A file in the kernel's memory is read in place, so that an exec whose
 * segments are mapped reads its headers and nothing else.
 */
public interface ProgramBytes {
  /** The file's length in bytes. */
  long length();

  /** Copies length bytes at offset (inside the file) into dst[off..]. */
  void read(long offset, byte[] dst, int off, int length);

  /** Bytes already in the host's memory. */
  static ProgramBytes of(byte[] bytes) {
    return new ProgramBytes() {
      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public void read(long offset, byte[] dst, int off, int length) {
        System.arraycopy(bytes, Math.toIntExact(offset), dst, off, length);
      }

      @Override
      public byte[] range(long offset, int length) {
        return Arrays.copyOfRange(bytes, Math.toIntExact(offset), Math.toIntExact(offset) + length);
      }
    };
  }

  /** A copy of length bytes at offset. */
  default byte[] range(long offset, int length) {
    byte[] b = new byte[length];
    read(offset, b, 0, length);
    return b;
  }
}
