package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
public final class ProcFs extends GeneratedFs {
  /** The files of each process directory, in listing order. */
  public static final List<String> PROCESS_FILES =
      List.of("cmdline", "comm", "environ", "maps", "stat", "status");

  private final ProcSource source;
  private final Root root;

  public ProcFs(Vfs vfs, ProcSource source) {
    super(vfs);
    this.source = source;
    this.root = new Root();
  }

  @Override
  public DirInode root() {
    return root;
  }

  @Override
  public String type() {
    return "proc";
  }

  @Override
  List<String> generatedFiles() {
    return source.systemFiles();
  }

  @Override
  String generatedFile(String path) {
    return source.systemFile(path);
  }

  @Override
  boolean takesWrites(String path) {
    return source.writableSystemFile(path);
  }

  @Override
  long writeGenerated(String path, byte[] data) {
    return source.writeSystemFile(path, data);
  }

  /** A read-only file of /proc or /sys; its bytes are made at open. */
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

  /** The top: system files and directories, self, then one directory per process. */
  private final class Root extends FilesDir {
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

    /** A pid just listed comes from the source's list: no need to ask again whether it exists. */
    @Override
    Inode listed(String name) {
      return isPid(name) ? new PidDir(Integer.parseInt(name), this) : lookup(name);
    }

    @Override
    public Inode lookup(String name) {
      if (name.equals("self")) {
        return link(name, () -> Integer.toString(source.currentPid()));
      }
      if (isPid(name)) {
        int pid = Integer.parseInt(name);
        return source.hasPid(pid) ? new PidDir(pid, this) : null;
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

  /** /proc/PID. */
  private final class PidDir extends GeneratedDir {
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
  private final class FdDir extends GeneratedDir {
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
