package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.mm.MappableFile;

/**
 * Where execve finds programs: the kernel's file system, seen from the calling process (its root
 * and working directory).
 */
public interface ProgramFiles {
  /**
   * The result of looking a program up: its bytes, the absolute path it was found at, and the file
   * itself when the loader can map its segments from the file's pages (a tmpfs file), as Linux maps
   * a program from its page cache; null when the segments are copied from the bytes (a host file,
   * bytes handed to the kernel or sent from another kernel).
   */
  record Program(String path, ProgramBytes image, MappableFile file) {
    public Program(String path, byte[] image) {
      this(path, ProgramBytes.of(image), null);
    }
  }

  /**
   * The executable file at path.
   *
   * @throws ErrnoException with ENOENT, EACCES, ENOTDIR, ELOOP, ETXTBSY, ... as the lookup fails
   */
  Program open(Process caller, String path);
}
