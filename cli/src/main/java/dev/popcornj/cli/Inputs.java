package dev.popcornj.cli;

import dev.popcornj.kernel.proc.ElfFile;
import dev.popcornj.machine.desc.InputFiles;
import java.nio.file.Path;

/**
 * The files popcorn reads whole (programs, initramfs archives), each read through {@link
 * InputFiles} with the limit of its kind, so a device such as /dev/zero or a huge file is refused
 * in one line instead of filling the heap. Machine files take the same road inside {@code
 * MachineFiles}.
 */
final class Inputs {
  private Inputs() {}

  /** The largest initramfs: it is copied into the primary's memory, where it must leave room. */
  static final long MAX_INITRAMFS_BYTES = 256L << 20;

  /** A program to run: a static riscv64 ELF. */
  static byte[] program(Path path) {
    return read(path, ElfFile.MAX_IMAGE_BYTES, "a program", "");
  }

  /** An initramfs; hint follows "no such file" (how to build the missing archive). */
  static byte[] initramfs(Path path, String hint) {
    return read(path, MAX_INITRAMFS_BYTES, "an initramfs", hint);
  }

  private static byte[] read(Path path, long limit, String what, String hint) {
    try {
      return InputFiles.read(path, limit, what);
    } catch (InputFiles.Refused e) {
      boolean missing = e.getMessage().equals("no such file");
      throw new UserError(path + ": " + e.getMessage() + (missing ? hint : ""));
    }
  }
}
