package dev.popcornj.kernel.proc;

/**
 * Where execve finds programs: the kernel's file system, seen from the calling process (its root
 * and working directory).
 */
public interface ProgramFiles {
  /** The result of looking a program up: its bytes and the absolute path it was found at. */
  record Program(String path, byte[] image) {}

  /**
   * The executable file at path.
   *
   * @throws ErrnoException with ENOENT, EACCES, ENOTDIR, ELOOP, ... as the lookup fails
   */
  Program open(Process caller, String path);
}
