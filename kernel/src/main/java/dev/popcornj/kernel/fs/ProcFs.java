package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * /proc: a synthetic file system, read-only in effect, whose directories and files are made from a
 * {@link ProcSource} when looked up, and whose file contents are taken when opened (one snapshot
 * per open, as seq_file gives).
 *
 * <pre>
 *   /proc/self -> PID          /proc/PID/{stat,status,cmdline,maps,comm,environ}
 *   /proc/cpuinfo, meminfo, …   /proc/PID/exe -> path, /proc/PID/cwd -> path
 * </pre>
 */
public final class ProcFs implements FileSystem {
  /** The files of each process directory, in listing order. */
  public static final List<String> PROCESS_FILES =
      List.of("cmdline", "comm", "environ", "maps", "stat", "status");

  private final Vfs vfs;
  private final ProcSource source;
  private final long dev;
  private final Map<String, Long> inodeNumbers = new HashMap<>();
  private final Root root;

  public ProcFs(Vfs vfs, ProcSource source) {
    this.vfs = vfs;
    this.source = source;
    this.dev = vfs.nextAnonDev();
    this.root = new Root();
  }

  @Override
  public DirInode root() {
    return root;
  }

  @Override
  public long dev() {
    return dev;
  }

  @Override
  public String type() {
    return "proc";
  }

  /** A stable inode number per path, so a file keeps its number across lookups. */
  private long inoFor(String path) {
    return inodeNumbers.computeIfAbsent(path, p -> (long) inodeNumbers.size() + 1);
  }

  /** A read-only file of /proc; its bytes are made at open. */
  public static final class ProcFile extends Inode {
    private final Supplier<String> content;
    private final int writeErrno;
    private final java.util.function.ToLongFunction<byte[]> writer;

    ProcFile(FileSystem fs, long ino, Supplier<String> content, int writeErrno, long nowNs) {
      this(fs, ino, content, writeErrno, nowNs, null, 0444);
    }

    ProcFile(
        FileSystem fs,
        long ino,
        Supplier<String> content,
        int writeErrno,
        long nowNs,
        java.util.function.ToLongFunction<byte[]> writer,
        int perm) {
      super(fs, ino, FileConstants.S_IFREG | perm, nowNs);
      this.content = content;
      this.writeErrno = writeErrno;
      this.writer = writer;
    }

    /** A write: what the file's handler returns, or -writeErrno for a file without one. */
    public long write(byte[] data) {
      return writer == null ? -writeErrno : writer.applyAsLong(data);
    }

    /**
     * What a write fails with. Root may open these files for writing (its DAC override); the write
     * then fails: EIO for a system file without a write handler (pde_write), EINVAL for a process
     * file without write operations (vfs_write without FMODE_CAN_WRITE).
     */
    public int writeErrno() {
      return writeErrno;
    }

    /** The contents now, or null when what it describes is gone. */
    public byte[] content() {
      String s = content.get();
      return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
  }

  private abstract class ProcDir extends DirInode {
    final String path;
    final DirInode parent;

    ProcDir(String path, DirInode parent) {
      super(ProcFs.this, inoFor(path), 0555, vfs.now());
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
        Inode inode = lookup(names.get(i));
        if (inode != null) {
          out.add(new Entry(names.get(i), inode, i + 3));
        }
      }
      return out;
    }

    Inode file(String name, Supplier<String> content, int writeErrno) {
      return new ProcFile(ProcFs.this, inoFor(path + name), content, writeErrno, vfs.now());
    }

    Inode link(String name, Supplier<String> target) {
      return new SymlinkInode(ProcFs.this, inoFor(path + name), target, vfs.now());
    }
  }

  /** The top: system files and directories, self, then one directory per process. */
  private final class Root extends SystemDir {
    Root() {
      super("", null);
    }

    @Override
    List<String> names() {
      List<String> names = new ArrayList<>(super.names());
      names.add("self");
      for (int pid : new TreeSet<>(source.pids())) {
        names.add(Integer.toString(pid));
      }
      return names;
    }

    @Override
    public Inode lookup(String name) {
      if (name.equals("self")) {
        return link(name, () -> Integer.toString(source.currentPid()));
      }
      if (isPid(name)) {
        int pid = Integer.parseInt(name);
        return source.pids().contains(pid) ? new PidDir(pid, this) : null;
      }
      return super.lookup(name);
    }

    private static boolean isPid(String name) {
      if (name.isEmpty() || name.length() > 9 || name.charAt(0) == '0') {
        return false;
      }
      return name.chars().allMatch(c -> c >= '0' && c <= '9');
    }
  }

  /** A directory of system files: the root or one below it, such as /proc/popcorn. */
  private class SystemDir extends ProcDir {
    SystemDir(String prefix, DirInode parent) {
      super(prefix, parent);
    }

    @Override
    List<String> names() {
      Set<String> names = new LinkedHashSet<>();
      for (String f : source.systemFiles()) {
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
      for (String f : source.systemFiles()) {
        if (f.equals(full)) {
          if (source.writableSystemFile(full)) {
            return new ProcFile(
                ProcFs.this,
                inoFor(full),
                () -> source.systemFile(full),
                Errno.EIO,
                vfs.now(),
                data -> source.writeSystemFile(full, data),
                0200);
          }
          return file(name, () -> source.systemFile(full), Errno.EIO);
        }
        if (f.startsWith(full + "/")) {
          return new SystemDir(full + "/", this);
        }
      }
      return null;
    }
  }

  /** /proc/PID. */
  private final class PidDir extends ProcDir {
    private final int pid;

    PidDir(int pid, DirInode parent) {
      super(pid + "/", parent);
      this.pid = pid;
    }

    @Override
    List<String> names() {
      List<String> names = new ArrayList<>(PROCESS_FILES);
      names.add("cwd");
      names.add("exe");
      names.add("fd");
      return names;
    }

    @Override
    public Inode lookup(String name) {
      return switch (name) {
        case "exe" -> link(name, () -> source.exeLink(pid));
        case "cwd" -> link(name, () -> source.cwdLink(pid));
        case "fd" -> source.fileTable(pid) == null ? null : new FdDir(pid, this);
        default ->
            PROCESS_FILES.contains(name)
                ? file(name, () -> source.processFile(pid, name), Errno.EINVAL)
                : null;
      };
    }
  }

  /**
   * /proc/PID/fd: one magic link per open descriptor, named by its number, showing the open file's
   * path (pipe:[INO] for a pipe); opening one opens that same file, as in Linux. Its permission
   * bits follow the descriptor's access mode (r-x for reading, -w- for writing).
   */
  private final class FdDir extends ProcDir {
    private final int pid;

    FdDir(int pid, DirInode parent) {
      super(pid + "/fd/", parent);
      this.pid = pid;
    }

    @Override
    List<String> names() {
      FileTable table = source.fileTable(pid);
      List<String> names = new ArrayList<>();
      if (table != null) {
        for (int fd : table.openDescriptors()) {
          names.add(Integer.toString(fd));
        }
      }
      return names;
    }

    @Override
    public Inode lookup(String name) {
      FileTable table = source.fileTable(pid);
      if (table == null
          || name.isEmpty()
          || name.length() > 9
          || !name.chars().allMatch(Character::isDigit)) {
        return null;
      }
      int fd = Integer.parseInt(name);
      OpenFile file = table.get(fd);
      if (file == null) {
        return null;
      }
      int perm = (file.readable() ? 0500 : 0) | (file.writable() ? 0200 : 0);
      Supplier<OpenFile> now =
          () -> {
            FileTable t = source.fileTable(pid);
            return t == null ? null : t.get(fd);
          };
      return new SymlinkInode(
          ProcFs.this,
          inoFor(path + name),
          () -> {
            OpenFile f = now.get();
            return f == null ? null : f.path();
          },
          now,
          perm,
          vfs.now());
    }
  }
}
