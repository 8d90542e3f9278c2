package dev.popcornj.kernel.fs;

import java.util.List;

/**
 * What /proc shows, asked of the kernel each time a file is opened or a directory listed: procfs
 * holds no state of its own. Strings are file contents; null means "no such process or file".
 */
public interface ProcSource {
  /** The pid of the calling process: the target of /proc/self. */
  int currentPid();

  /** Every process visible here, in any order. */
  List<Integer> pids();

  /** Whether process pid is visible here (without listing them all, when the source can). */
  default boolean hasPid(int pid) {
    return pids().contains(pid);
  }

  /** Contents of /proc/PID/name for name in {@link ProcFs#PROCESS_FILES}; null when none. */
  String processFile(int pid, String name);

  /** Target of /proc/PID/exe; null when the process is gone. */
  String exeLink(int pid);

  /** Target of /proc/PID/cwd; null when the process is gone. */
  String cwdLink(int pid);

  /** The descriptor table of a process, for /proc/PID/fd; null when the process is gone. */
  default FileTable fileTable(int pid) {
    return null;
  }

  /** Paths of the files outside the process directories, such as "cpuinfo", "popcorn/kernels". */
  List<String> systemFiles();

  /** Contents of one of {@link #systemFiles()}; null when it does not exist. */
  String systemFile(String path);

  /** Whether the system file at path takes writes (such as sysrq-trigger). */
  default boolean writableSystemFile(String path) {
    return false;
  }

  /** A write to a writable system file: bytes taken or -errno. */
  default long writeSystemFile(String path, byte[] data) {
    return -dev.popcornj.kernel.abi.Errno.EIO;
  }
}
