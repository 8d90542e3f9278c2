package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a host inode's file is (the directory and name it was last reached by) and its attributes
 * as last read from the host. They are read again, on the next look, after anything the guest did
 * that may change them; a file whose name went away keeps its last attributes with no link left.
 *
 * <p>Used only on the owning kernel's simulation thread.
 */
final class HostPlace {
  private final HostFs fs;
  private HostDir parent; // null for the root
  private String name;
  private HostFs.Attrs attrs;
  private boolean stale;

  HostPlace(HostFs fs, HostFs.Attrs attrs, HostDir parent, String name) {
    this.fs = fs;
    this.attrs = attrs;
    this.parent = parent;
    this.name = name;
  }

  HostFs fs() {
    return fs;
  }

  /** The directory holding it; null for the root of the tree. */
  HostDir parent() {
    return parent;
  }

  String name() {
    return name;
  }

  /** Its path on the host. */
  Path hostPath() {
    return parent == null ? fs.top() : HostFs.child(parent.hostPath(), name);
  }

  void moveTo(HostDir dir, String newName) {
    parent = dir;
    name = newName;
  }

  HostFs.Attrs attrs() {
    return attrs;
  }

  /** Something changed it: read its attributes again before they are next used. */
  void invalidate() {
    stale = true;
  }

  void load(Inode node, HostFs.Attrs a) {
    attrs = a;
    stale = false;
    node.loadAttributes(
        a.mode(), a.uid(), a.gid(), a.nlink(), a.atimeNs(), a.mtimeNs(), a.ctimeNs());
  }

  /** Reloads the attributes when they may have changed. */
  void revalidate(Inode node) {
    if (!stale) {
      return;
    }
    stale = false;
    HostFs.Attrs a;
    try {
      a = HostFs.readAttrs(hostPath());
    } catch (NoSuchFileException e) {
      a = null;
    } catch (IOException e) {
      return; // keep what was last read; the next operation on it reports the failure
    }
    if (a == null || a.ino() != attrs.ino() || a.dev() != attrs.dev()) {
      a = gone(attrs); // the name now belongs to another file, or to none
    }
    load(node, a);
  }

  /** Its attributes once no name refers to it. */
  static HostFs.Attrs gone(HostFs.Attrs a) {
    return new HostFs.Attrs(
        a.mode(),
        a.uid(),
        a.gid(),
        0,
        a.size(),
        a.dev(),
        a.ino(),
        a.rdev(),
        a.atimeNs(),
        a.mtimeNs(),
        a.ctimeNs());
  }

  /** The errno of a host failure on it. */
  static FsException failure(IOException e) {
    return new FsException(HostFs.errno(e, Errno.EACCES));
  }
}
