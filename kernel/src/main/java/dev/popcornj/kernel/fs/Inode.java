package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;

/**
 * A file as the VFS sees it, whatever its type: identity (file system, inode number), mode, owner,
 * link count and times. Subclasses hold the contents: a directory's names, a file's pages, a link's
 * target, a device, a pipe.
 *
 * <p>Owned by the kernel instance whose {@link Vfs} holds it; used only on its simulation thread.
 */
public abstract class Inode {
  private final FileSystem fs;
  private final long ino;
  private int mode;
  private int uid;
  private int gid;
  private int nlink = 1;
  private int opens;
  private long atimeNs;
  private long mtimeNs;
  private long ctimeNs;

  protected Inode(FileSystem fs, long ino, int mode, long nowNs) {
    this.fs = fs;
    this.ino = ino;
    this.mode = mode;
    this.atimeNs = nowNs;
    this.mtimeNs = nowNs;
    this.ctimeNs = nowNs;
  }

  /** The file system holding it; null for a pipe or a console outside any tree. */
  public FileSystem fs() {
    return fs;
  }

  public long dev() {
    return fs == null ? 0 : fs.dev();
  }

  public long ino() {
    return ino;
  }

  /** st_mode, type bits included. */
  public int mode() {
    revalidate();
    return mode;
  }

  public int type() {
    return mode & FileConstants.S_IFMT;
  }

  public boolean isDirectory() {
    return type() == FileConstants.S_IFDIR;
  }

  public boolean isSymlink() {
    return type() == FileConstants.S_IFLNK;
  }

  public boolean isRegular() {
    return type() == FileConstants.S_IFREG;
  }

  /** Sets the permission bits (07777), keeping the type. */
  public void setPermissions(int perm) {
    mode = (mode & FileConstants.S_IFMT) | (perm & 07777);
  }

  public int uid() {
    revalidate();
    return uid;
  }

  public int gid() {
    revalidate();
    return gid;
  }

  public void setOwner(int uid, int gid) {
    this.uid = uid;
    this.gid = gid;
  }

  public int nlink() {
    revalidate();
    return nlink;
  }

  void setNlink(int n) {
    nlink = n;
  }

  public long atimeNs() {
    revalidate();
    return atimeNs;
  }

  public long mtimeNs() {
    revalidate();
    return mtimeNs;
  }

  public long ctimeNs() {
    revalidate();
    return ctimeNs;
  }

  public void setAtime(long ns) {
    atimeNs = ns;
  }

  public void setMtime(long ns) {
    mtimeNs = ns;
  }

  public void setCtime(long ns) {
    ctimeNs = ns;
  }

  /** The contents changed: mtime and ctime move to now. */
  public void touchModified(long nowNs) {
    mtimeNs = nowNs;
    ctimeNs = nowNs;
  }

  /**
   * Brings the attributes up to date before one is read: a file system whose files live elsewhere
   * (the host's) reloads them here with {@link #loadAttributes} when they may have changed.
   */
  protected void revalidate() {}

  /** Sets every attribute at once, as read from where the file lives. */
  protected final void loadAttributes(
      int mode, int uid, int gid, int nlink, long atimeNs, long mtimeNs, long ctimeNs) {
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.nlink = nlink;
    this.atimeNs = atimeNs;
    this.mtimeNs = mtimeNs;
    this.ctimeNs = ctimeNs;
  }

  /** st_size. */
  public long size() {
    return 0;
  }

  /** st_rdev. */
  public long rdev() {
    return 0;
  }

  /** st_blocks, in 512-byte units. */
  public long blocks() {
    return 0;
  }

  /** The d_type getdents64 reports. */
  public int direntType() {
    return switch (type()) {
      case FileConstants.S_IFDIR -> FileConstants.DT_DIR;
      case FileConstants.S_IFREG -> FileConstants.DT_REG;
      case FileConstants.S_IFLNK -> FileConstants.DT_LNK;
      case FileConstants.S_IFCHR -> FileConstants.DT_CHR;
      case FileConstants.S_IFIFO -> FileConstants.DT_FIFO;
      default -> 0;
    };
  }

  /** An open file description on this inode was created. */
  void onOpen() {
    opens++;
  }

  /** An open file description on this inode went away; the last one frees an unlinked file. */
  void onClose() {
    opens--;
    if (opens == 0 && nlink == 0) {
      free();
    }
  }

  /** A name for it was removed; the last one frees it unless it is still open. */
  void dropLink() {
    nlink = Math.max(0, nlink - 1);
    if (opens == 0 && nlink == 0) {
      free();
    }
  }

  void addLink() {
    nlink++;
  }

  /** Open file descriptions on it. */
  public int openCount() {
    return opens;
  }

  /** No name and no open file refers to it any more: give back what it holds. */
  protected void free() {}
}
