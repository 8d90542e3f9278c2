package dev.popcornj.kernel.fs;

import java.util.Arrays;

/**
 * A process's file descriptors: small integers naming {@link OpenFile}s, each with its own
 * close-on-exec flag. New descriptors take the lowest free number, as POSIX requires.
 *
 * <p>Owned by one process; used only on its kernel's simulation thread.
 */
public final class FileTable {
  /** RLIMIT_NOFILE's default soft limit: descriptors are below it. */
  public static final int MAX_FILES = 1024;

  private OpenFile[] files = new OpenFile[16];
  private boolean[] closeOnExec = new boolean[16];

  /** The file open on fd, or null. */
  public OpenFile get(long fd) {
    return fd >= 0 && fd < files.length ? files[(int) fd] : null;
  }

  /** Installs file on the lowest free descriptor at or above min; returns it, or -1 when full. */
  public int install(OpenFile file, int min, boolean cloexec) {
    for (int fd = Math.max(0, min); fd < MAX_FILES; fd++) {
      if (get(fd) == null) {
        installAt(fd, file, cloexec);
        return fd;
      }
    }
    return -1;
  }

  /** Puts file on fd, closing what was there. */
  public void installAt(int fd, OpenFile file, boolean cloexec) {
    if (fd >= files.length) {
      int n = Math.min(MAX_FILES, Math.max(fd + 1, files.length * 2));
      files = Arrays.copyOf(files, n);
      closeOnExec = Arrays.copyOf(closeOnExec, n);
    }
    close(fd);
    files[fd] = file;
    closeOnExec[fd] = cloexec;
  }

  /** Closes fd; returns false when it was not open. */
  public boolean close(long fd) {
    OpenFile f = get(fd);
    if (f == null) {
      return false;
    }
    files[(int) fd] = null;
    closeOnExec[(int) fd] = false;
    boolean stillOpen = false;
    for (OpenFile other : files) {
      stillOpen |= other == f;
    }
    if (!stillOpen) {
      f.release();
    }
    return true;
  }

  public boolean closeOnExec(long fd) {
    return get(fd) != null && closeOnExec[(int) fd];
  }

  public void setCloseOnExec(long fd, boolean on) {
    if (get(fd) != null) {
      closeOnExec[(int) fd] = on;
    }
  }

  /** fork: a new table with the same descriptors on the same open files. */
  public FileTable copy() {
    FileTable t = new FileTable();
    t.files = files.clone();
    t.closeOnExec = closeOnExec.clone();
    return t;
  }

  /** execve: closes every descriptor marked close-on-exec. */
  public void closeOnExec() {
    for (int fd = 0; fd < files.length; fd++) {
      if (files[fd] != null && closeOnExec[fd]) {
        close(fd);
      }
    }
  }
}
