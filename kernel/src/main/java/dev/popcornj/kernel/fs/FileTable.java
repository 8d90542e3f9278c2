package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.param.Param;
import java.util.Arrays;

/**
 * A thread group's file descriptors: small integers naming {@link OpenFile}s, each with its own
 * close-on-exec flag. New descriptors take the lowest free number below the process's
 * RLIMIT_NOFILE, as POSIX requires. Threads made with CLONE_FILES share one table; fork gives the
 * child a {@link #copy()}. The arrays grow as descriptors do (up to fs.nr_open), so a table costs
 * the host little until a program opens many files.
 *
 * <p>Each slot holds one reference to its open file. Owned by the tasks sharing it; used only on
 * their kernel's simulation thread.
 */
public final class FileTable {
  /** RLIMIT_NOFILE's default: descriptors are below it until a program raises the limit. */
  public static final int MAX_FILES = Param.NOFILE_DEFAULT;

  /** NR_OPEN_DEFAULT: the descriptors a new Linux table has room for (BITS_PER_LONG). */
  private static final int LINUX_INITIAL_FDS = 64;

  private OpenFile[] files = new OpenFile[16];
  private boolean[] closeOnExec = new boolean[16];

  /** RLIMIT_NOFILE's soft limit as the owning process set it: new descriptors are below it. */
  private int limit = MAX_FILES;

  /** The size Linux's fdtable would have (max_fds): it grows as descriptors do, never shrinks. */
  private int linuxMaxFds = LINUX_INITIAL_FDS;

  /** The descriptors open now, in ascending order. */
  public int[] openDescriptors() {
    int n = 0;
    for (OpenFile f : files) {
      if (f != null) {
        n++;
      }
    }
    int[] out = new int[n];
    for (int fd = 0, i = 0; fd < files.length; fd++) {
      if (files[fd] != null) {
        out[i++] = fd;
      }
    }
    return out;
  }

  /** The process's RLIMIT_NOFILE (soft) changed: new descriptors stay below it (and nr_open). */
  public void setLimit(long rlimitCur) {
    limit = (int) (Long.compareUnsigned(rlimitCur, Param.NR_OPEN) > 0 ? Param.NR_OPEN : rlimitCur);
  }

  /** Descriptors from here on cannot be given out (dup2 says EBADF, F_DUPFD EINVAL). */
  public int limit() {
    return limit;
  }

  /** One past the highest descriptor that can be open now: where a scan of the table may stop. */
  public int end() {
    return files.length;
  }

  /** The file open on fd, or null. */
  public OpenFile get(long fd) {
    return fd >= 0 && fd < files.length ? files[(int) fd] : null;
  }

  /**
   * Installs file on the lowest free descriptor at or above min, taking over the caller's
   * reference; returns the descriptor, or -1 when none is free (the reference stays the caller's).
   */
  public int install(OpenFile file, int min, boolean cloexec) {
    for (int fd = Math.max(0, min); fd < limit; fd++) {
      if (get(fd) == null) {
        installAt(fd, file, cloexec);
        return fd;
      }
    }
    return -1;
  }

  /**
   * Puts file on fd (below nr_open; checking the limit is the caller's), taking over the caller's
   * reference; closes what was there.
   */
  public void installAt(int fd, OpenFile file, boolean cloexec) {
    if (fd < 0 || fd >= Param.NR_OPEN) {
      throw new IllegalArgumentException("descriptor " + fd);
    }
    if (fd >= files.length) {
      int n = Math.min(Param.NR_OPEN, Math.max(fd + 1, files.length * 2));
      files = Arrays.copyOf(files, n);
      closeOnExec = Arrays.copyOf(closeOnExec, n);
    }
    linuxMaxFds = Math.max(linuxMaxFds, linuxTableSize(fd));
    OpenFile old = files[fd];
    files[fd] = file;
    closeOnExec[fd] = cloexec;
    if (old != null) {
      old.release();
    }
  }

  /** Makes fd refer to the same open file as oldFd does now (dup2's heart); false if none. */
  public boolean dupTo(long oldFd, int fd, boolean cloexec) {
    OpenFile f = get(oldFd);
    if (f == null) {
      return false;
    }
    if (get(fd) != f) {
      f.retain();
      installAt(fd, f, cloexec);
    } else {
      closeOnExec[fd] = cloexec;
    }
    return true;
  }

  /** A new descriptor at or above min for oldFd's open file; -1 when full, -2 when oldFd is bad. */
  public int dup(long oldFd, int min, boolean cloexec) {
    OpenFile f = get(oldFd);
    if (f == null) {
      return -2;
    }
    f.retain();
    int fd = install(f, min, cloexec);
    if (fd < 0) {
      f.release();
    }
    return fd;
  }

  /** Closes fd; returns false when it was not open. */
  public boolean close(long fd) {
    OpenFile f = get(fd);
    if (f == null) {
      return false;
    }
    files[(int) fd] = null;
    closeOnExec[(int) fd] = false;
    f.release();
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

  /** The table a forked child gets: the same open files, each one reference more. */
  public FileTable copy() {
    FileTable t = new FileTable();
    t.limit = limit;
    t.files = files.clone();
    t.closeOnExec = closeOnExec.clone();
    // dup_fd sizes the child's table for the parent's highest open descriptor only.
    for (int fd = files.length - 1; fd >= 0; fd--) {
      if (files[fd] != null) {
        t.linuxMaxFds = linuxTableSize(fd);
        break;
      }
    }
    for (OpenFile f : t.files) {
      if (f != null) {
        f.retain();
      }
    }
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

  /** Exit: closes everything. */
  public void closeAll() {
    for (int fd = 0; fd < files.length; fd++) {
      close(fd);
    }
  }

  /**
   * What Linux's fdtable->max_fds would be for this table: select looks at no descriptor at or
   * above it. 64 until a descriptor at 64 or above is installed, then alloc_fdtable's sizes.
   */
  public int linuxMaxFds() {
    return linuxMaxFds;
  }

  /** alloc_fdtable's size for a table that must hold fd: 1 KiB of pointers times a power of two. */
  private static int linuxTableSize(int fd) {
    if (fd < LINUX_INITIAL_FDS) {
      return LINUX_INITIAL_FDS;
    }
    int perKiB = 1024 / 8;
    int kib = fd / perKiB;
    // roundup_pow_of_two(kib + 1)
    return (kib == 0 ? 1 : Integer.highestOneBit(kib) * 2) * perKiB;
  }

  /** Whether fd is open (also for O_PATH files, which select counts as open). */
  public boolean isOpen(long fd) {
    return get(fd) != null;
  }

  /** Open descriptors. */
  public int count() {
    int n = 0;
    for (OpenFile f : files) {
      n += f == null ? 0 : 1;
    }
    return n;
  }
}
