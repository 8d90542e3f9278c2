package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.mm.PageCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A file system held entirely in memory, like Linux's tmpfs: directories, regular files whose pages
 * come from the kernel's frames, symbolic links and device nodes. The root file system and /dev are
 * tmpfs instances.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class Tmpfs implements FileSystem {
  private final long dev;
  private final String type;
  private final Supplier<PageCache> storage;
  private final LongSupplier clockNs;
  private final TmpDir root;
  private long nextIno = 1;

  /**
   * @param storage makes the page cache of each new regular file; throws OutOfFramesException when
   *     the partition is full
   */
  public Tmpfs(long dev, String type, Supplier<PageCache> storage, LongSupplier clockNs) {
    this.dev = dev;
    this.type = type;
    this.storage = storage;
    this.clockNs = clockNs;
    this.root = new TmpDir(this, nextIno++, 01777, clockNs.getAsLong(), null);
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
    return type;
  }

  long now() {
    return clockNs.getAsLong();
  }

  /** A fresh inode number, for a node whose kind lives outside fs (a socket's name). */
  long newIno() {
    return nextIno++;
  }

  TmpDir newDirectory(int perm, DirInode parent) {
    return new TmpDir(this, nextIno++, perm, now(), parent);
  }

  TmpFile newFile(int perm) {
    return new TmpFile(this, nextIno++, perm, storage.get(), now());
  }

  SymlinkInode newSymlink(String target) {
    return new SymlinkInode(this, nextIno++, () -> target, now());
  }

  DeviceInode newDevice(CharDevice device, int perm) {
    return new DeviceInode(this, nextIno++, device, perm, now());
  }

  /** A directory of a tmpfs; names keep the position they got when created, so listings resume. */
  static final class TmpDir extends DirInode {
    private record Slot(String name, Inode inode, long pos) {}

    private DirInode parent;
    private final Map<String, Slot> byName = new HashMap<>();
    private final TreeMap<Long, Slot> byPos = new TreeMap<>();
    private long nextPos = 2;

    TmpDir(FileSystem fs, long ino, int perm, long nowNs, DirInode parent) {
      super(fs, ino, perm, nowNs);
      this.parent = parent == null ? this : parent;
    }

    @Override
    public DirInode parent() {
      return parent;
    }

    @Override
    public Inode lookup(String name) {
      Slot s = byName.get(name);
      return s == null ? null : s.inode();
    }

    @Override
    public List<Entry> entriesFrom(long pos) {
      List<Entry> out = new ArrayList<>();
      for (Slot s : byPos.tailMap(Math.max(pos, 2), true).values()) {
        out.add(new Entry(s.name(), s.inode(), s.pos() + 1));
      }
      return out;
    }

    @Override
    public boolean isEmpty() {
      return byName.isEmpty();
    }

    @Override
    void link(String name, Inode inode) {
      Slot s = new Slot(name, inode, nextPos++);
      byName.put(name, s);
      byPos.put(s.pos(), s);
    }

    @Override
    void unlink(String name) {
      Slot s = byName.remove(name);
      if (s != null) {
        byPos.remove(s.pos());
      }
    }

    @Override
    void replace(String name, Inode inode) {
      Slot old = byName.get(name);
      Slot s = new Slot(name, inode, old.pos());
      byName.put(name, s);
      byPos.put(s.pos(), s);
    }

    @Override
    void adopt(DirInode child) {
      ((TmpDir) child).parent = this;
    }

    @Override
    public boolean writable() {
      return true;
    }
  }
}
