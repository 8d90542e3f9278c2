package dev.popcornj.kernel.fs;

/**
 * The file-system state of a task that path walks start from: its root, its working directory and
 * its umask (Linux's fs_struct plus umask). Tasks made with CLONE_FS share one; fork gives the
 * child a {@link #copy()}.
 *
 * <p>Owned by the tasks that share it; used only on their kernel's simulation thread.
 */
public final class FsContext {
  private DirInode root;
  private DirInode cwd;
  private int umask = 022;

  public FsContext(DirInode root) {
    this.root = root;
    this.cwd = root;
  }

  public FsContext copy() {
    FsContext c = new FsContext(root);
    c.cwd = cwd;
    c.umask = umask;
    return c;
  }

  public DirInode root() {
    return root;
  }

  public DirInode cwd() {
    return cwd;
  }

  public void setCwd(DirInode dir) {
    cwd = dir;
  }

  public void setRoot(DirInode dir) {
    root = dir;
  }

  public int umask() {
    return umask;
  }

  /** Sets the umask (low nine bits) and returns the old one. */
  public int setUmask(int mask) {
    int old = umask;
    umask = mask & 0777;
    return old;
  }
}
