package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What /proc and /sys have in common: a read-only file system of files generated when opened
 * ({@link ProcFs.ProcFile}), named by their paths. A directory exists while some file lies below
 * it, and lists what lies directly below it; inode numbers stay the same for a path.
 */
abstract class GeneratedFs implements FileSystem {
  final Vfs vfs;
  private final long dev;
  private final Map<String, Long> inodeNumbers = new HashMap<>();

  GeneratedFs(Vfs vfs) {
    this.vfs = vfs;
    this.dev = vfs.nextAnonDev();
  }

  @Override
  public long dev() {
    return dev;
  }

  /** A stable inode number per path, so a file keeps its number across lookups. */
  long inoFor(String path) {
    return inodeNumbers.computeIfAbsent(path, p -> (long) inodeNumbers.size() + 1);
  }

  /** Paths of the generated files, such as "cpuinfo" or "devices/system/cpu/online". */
  abstract List<String> generatedFiles();

  /** Contents of one of {@link #generatedFiles()}; null when it does not exist. */
  abstract String generatedFile(String path);

  /** Whether the file at path takes writes. */
  boolean takesWrites(String path) {
    return false;
  }

  /** A write to a writable file: bytes taken or -errno. */
  long writeGenerated(String path, byte[] data) {
    return -Errno.EIO;
  }

  /** A directory of the tree; path is its own with a trailing slash ("" for the root). */
  abstract class GeneratedDir extends DirInode {
    final String path;
    final DirInode parent;

    GeneratedDir(String path, DirInode parent) {
      super(GeneratedFs.this, inoFor(path), 0555, vfs.now());
      this.path = path;
      this.parent = parent == null ? this : parent;
    }

    @Override
    public DirInode parent() {
      return parent;
    }

    abstract List<String> names();

    @Override
    public List<Entry> entriesFrom(long pos) {
      List<Entry> out = new ArrayList<>();
      List<String> names = names();
      for (int i = (int) Math.max(0, Math.min(pos - 2, names.size())); i < names.size(); i++) {
        Inode inode = listed(names.get(i));
        if (inode != null) {
          out.add(new Entry(names.get(i), inode, i + 3));
        }
      }
      return out;
    }

    /** The inode of a name this directory just listed: by default, looked up again. */
    Inode listed(String name) {
      return lookup(name);
    }

    Inode file(String name, Supplier<String> content, int writeErrno) {
      return new ProcFs.ProcFile(
          GeneratedFs.this, inoFor(path + name), content, writeErrno, vfs.now());
    }

    Inode link(String name, Supplier<String> target) {
      return new SymlinkInode(GeneratedFs.this, inoFor(path + name), target, vfs.now());
    }
  }

  /** A directory of the generated files: the root, or one below it such as /proc/popcorn. */
  class FilesDir extends GeneratedDir {
    FilesDir(String prefix, DirInode parent) {
      super(prefix, parent);
    }

    @Override
    List<String> names() {
      Set<String> names = new LinkedHashSet<>();
      for (String f : generatedFiles()) {
        if (f.startsWith(path) && f.length() > path.length()) {
          String rest = f.substring(path.length());
          int slash = rest.indexOf('/');
          names.add(slash < 0 ? rest : rest.substring(0, slash));
        }
      }
      return new ArrayList<>(names);
    }

    @Override
    public Inode lookup(String name) {
      String full = path + name;
      for (String f : generatedFiles()) {
        if (f.equals(full)) {
          if (takesWrites(full)) {
            return new ProcFs.ProcFile(
                GeneratedFs.this,
                inoFor(full),
                () -> generatedFile(full),
                Errno.EIO,
                vfs.now(),
                data -> writeGenerated(full, data),
                0200);
          }
          return file(name, () -> generatedFile(full), Errno.EIO);
        }
        if (f.startsWith(full + "/")) {
          return new FilesDir(full + "/", this);
        }
      }
      return null;
    }
  }
}
