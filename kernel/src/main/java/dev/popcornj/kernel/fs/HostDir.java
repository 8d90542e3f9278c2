package dev.popcornj.kernel.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory of a {@link HostFs}. Listings are the host's names sorted by their bytes, so a
 * listing is the same from run to run and getdents64 resumes at a name's index; the operations on
 * names are done on the host, which decides what the user may do.
 */
final class HostDir extends DirInode implements HostInode {
  /** Most steps one directory keeps; past it they are all looked up again. */
  private static final int MAX_STEPS = 256;

  private final HostPlace place;

  /**
   * A directory or symbolic link found here as a step of a path, or null for a name not found, and
   * until when it stands.
   */
  private record Step(Inode node, long untilNs) {}

  // See lookupStep; null until the first.
  private Map<String, Step> steps;

  HostDir(HostFs fs, HostFs.Attrs a, HostDir parent, String name) {
    super(fs, a.ino(), a.mode(), a.mtimeNs());
    this.place = new HostPlace(fs, a, parent, name);
    place.load(this, a);
  }

  @Override
  public HostPlace place() {
    return place;
  }

  Path hostPath() {
    return place.hostPath();
  }

  String name() {
    return place.name();
  }

  private HostFs hostFs() {
    return place.fs();
  }

  @Override
  protected void revalidate() {
    place.revalidate(this);
  }

  @Override
  public long dev() {
    return place.attrs().dev();
  }

  @Override
  public long size() {
    revalidate();
    return place.attrs().size();
  }

  @Override
  public long blocks() {
    revalidate();
    return place.attrs().blocks();
  }

  @Override
  public DirInode parent() {
    return place.parent() == null ? this : place.parent();
  }

  @Override
  public Inode lookup(String name) {
    return hostFs().lookup(this, name);
  }

  /**
   * As lookup, but what a step found here lately (a directory, a symbolic link, or no such name)
   * stands for {@link HostFs#STEP_TTL_NS} of virtual time without asking the host. A walk through a
   * deep host path asked the host once per component, and an absolute path was first tried under
   * the lookup prefix, where it was nearly never found: SQLite's speedtest1 spent an eighth of its
   * run so.
   */
  @Override
  public Inode lookupStep(String name) {
    long now = hostFs().now();
    if (steps != null) {
      Step s = steps.get(name);
      if (s != null && now - s.untilNs() < 0) {
        return s.node();
      }
    }
    Inode node = lookup(name);
    if (node == null || node instanceof DirInode || node instanceof SymlinkInode) {
      if (steps == null || steps.size() >= MAX_STEPS) {
        steps = new HashMap<>();
      }
      steps.put(name, new Step(node, now + HostFs.STEP_TTL_NS));
    } else if (steps != null) {
      steps.remove(name);
    }
    return node;
  }

  /** This kernel changed names here: its attributes and every step are read from the host again. */
  private void namesChanged() {
    steps = null;
    place.invalidate();
  }

  @Override
  public List<Entry> entriesFrom(long pos) {
    List<String> names = hostFs().list(this);
    List<Entry> out = new ArrayList<>();
    for (int i = (int) Math.max(0, Math.min(pos - 2, names.size())); i < names.size(); i++) {
      Inode node;
      try {
        node = lookup(names.get(i));
      } catch (FsException e) {
        continue; // went away, or cannot be reached, since the listing
      }
      if (node != null) {
        out.add(new Entry(names.get(i), node, i + 3L));
      }
    }
    return out;
  }

  @Override
  public boolean isEmpty() {
    return hostFs().isEmpty(this);
  }

  @Override
  public boolean writable() {
    return true; // the host decides, operation by operation
  }

  @Override
  public void touchModified(long nowNs) {
    place.invalidate(); // the host stamps its own directories
  }

  @Override
  public void setPermissions(int perm) {
    HostFs.setAttribute(hostPath(), "mode", perm & 07777);
    place.invalidate();
  }

  @Override
  public void setOwner(int uid, int gid) {
    HostFile.chown(hostPath(), this, uid, gid);
    place.invalidate();
  }

  @Override
  public void setAtime(long ns) {
    HostFile.setTime(hostPath(), "lastAccessTime", ns);
    place.invalidate();
  }

  @Override
  public void setMtime(long ns) {
    HostFile.setTime(hostPath(), "lastModifiedTime", ns);
    place.invalidate();
  }

  @Override
  public void setCtime(long ns) {
    place.invalidate(); // the host sets ctime itself
  }

  /** An open for reading its names: EACCES when the host user may not list it. */
  void checkReadable() {
    if (!Files.isReadable(hostPath())) {
      throw new FsException(dev.popcornj.kernel.abi.Errno.EACCES);
    }
  }

  // ---------------------------------------------------------------- names, done on the host

  /** A new empty regular file name with permission bits perm (the umask applied already). */
  Inode createFile(String name, int perm) {
    Path p = HostFs.child(hostPath(), name);
    try {
      Files.createFile(p);
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    return made(p, name, perm);
  }

  DirInode mkdir(String name, int perm) {
    Path p = HostFs.child(hostPath(), name);
    try {
      Files.createDirectory(p);
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    return (DirInode) made(p, name, perm);
  }

  Inode symlink(String name, String target) {
    Path p = HostFs.child(hostPath(), name);
    try {
      Files.createSymbolicLink(p, Path.of(HostFs.hostName(target)));
    } catch (IOException e) {
      throw HostPlace.failure(e);
    } catch (java.nio.file.InvalidPathException e) {
      throw new FsException(dev.popcornj.kernel.abi.Errno.ENOENT);
    }
    namesChanged();
    return lookup(name);
  }

  /** A new name here for node, a file of this host tree. */
  void link(String name, Inode node) {
    Path p = HostFs.child(hostPath(), name);
    try {
      Files.createLink(p, ((HostInode) node).place().hostPath());
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    namesChanged();
    ((HostInode) node).place().invalidate();
  }

  /** Removes name, which names node (a directory when it is one). */
  void remove(String name, Inode node) {
    try {
      Files.delete(HostFs.child(hostPath(), name));
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    gone(node);
    namesChanged();
  }

  /** node lost a name: its attributes are read again, and a file with no name is forgotten. */
  private void gone(Inode node) {
    HostPlace where = ((HostInode) node).place();
    where.invalidate();
    if (node.nlink() == 0) {
      hostFs().forget(node);
    }
  }

  /** rename(2) of from (named fromName here) to toName in dir, replacing to when not null. */
  void rename(String fromName, Inode from, HostDir dir, String toName, Inode to) {
    Path src = HostFs.child(hostPath(), fromName);
    Path dst = HostFs.child(dir.hostPath(), toName);
    try {
      Files.move(src, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    ((HostInode) from).place().moveTo(dir, toName);
    ((HostInode) from).place().invalidate();
    if (to != null && to != from) {
      gone(to);
    }
    namesChanged();
    dir.namesChanged();
  }

  private Inode made(Path p, String name, int perm) {
    HostFs.Attrs a = HostFs.stat(p);
    if ((a.mode() & 07777) != perm) {
      HostFs.setAttribute(p, "mode", perm); // as the guest's umask says, not the host process's
      a = HostFs.stat(p);
    }
    namesChanged();
    return hostFs().inodeFor(a, this, name);
  }
}
