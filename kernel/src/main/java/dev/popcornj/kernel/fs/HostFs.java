package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.PageCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A directory tree of the host as a file system: the kernel's driver for the host's files, as a 9p
 * or virtiofs mount is in a virtual machine. Every operation is done on the host through java.nio
 * as the user running PopcornJ, so the guest reaches exactly what that user may reach, and each
 * host failure becomes the errno Linux gives for it. Stat fields (mode, owner, link count, size,
 * times, inode and device numbers) are the host's; st_blocks is the size rounded up to 4 KiB pages,
 * since java.nio does not report the blocks a file holds.
 *
 * <p>One inode object stands for each host file (by host device and inode number), so the VFS can
 * compare inodes and mount on host directories. Names are byte strings: a guest name is held one
 * byte per char, and host names are converted through UTF-8.
 *
 * <p>Host files are host input: what a run reads from them is not part of what replays exactly.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class HostFs implements FileSystem {
  /** Makes the page cache of a mapped host file. */
  public interface Caches {
    PageCache make(PageCache.Backing backing, long size);
  }

  /** A host file's attributes, as stat reports them. */
  record Attrs(
      int mode,
      int uid,
      int gid,
      int nlink,
      long size,
      long dev,
      long ino,
      long rdev,
      long atimeNs,
      long mtimeNs,
      long ctimeNs) {
    long blocks() {
      return (size + 4095) / 4096 * 8;
    }

    int type() {
      return mode & FileConstants.S_IFMT;
    }
  }

  /**
   * A host file's identity. Not a record: a record's hashCode is linked at its first call, which
   * took 6 ms of every run's start-up when the root went into the table.
   */
  private static final class Key {
    private final long dev;
    private final long ino;

    Key(long dev, long ino) {
      this.dev = dev;
      this.ino = ino;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.dev == dev && k.ino == ino;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(dev * 31 + ino);
    }
  }

  /**
   * How long, in virtual time, what a step of a longer path found (a directory, a symbolic link, or
   * no such name) stands without asking the host again: a second, the entry timeout a Linux guest's
   * virtiofs mount uses by default. What this kernel does to a directory's names drops its steps at
   * once; a change made on the host by someone else (a directory made, renamed or replaced) shows
   * within this time. The last name of a path is always looked up on the host.
   */
  static final long STEP_TTL_NS = 1_000_000_000L;

  private final Path top;
  private final Caches caches;
  private final LongSupplier clockNs;
  private final Map<Key, Inode> inodes = new HashMap<>();
  private final HostDir root;
  private long hostLookups;

  /**
   * The tree under the host directory top.
   *
   * @param clockNs virtual time, for how long a step of a path stands (STEP_TTL_NS)
   * @throws FsException ENOENT or ENOTDIR when top is not a directory the user can reach
   */
  public HostFs(Path top, Caches caches, LongSupplier clockNs) {
    this.top = top.toAbsolutePath().normalize();
    this.caches = caches;
    this.clockNs = clockNs;
    Attrs a = stat(this.top);
    if (a.type() != FileConstants.S_IFDIR) {
      throw new FsException(Errno.ENOTDIR);
    }
    this.root = new HostDir(this, a, null, "");
    inodes.put(new Key(a.dev(), a.ino()), root);
  }

  @Override
  public DirInode root() {
    return root;
  }

  /** The device of the host directory at the top; each inode reports its own. */
  @Override
  public long dev() {
    return root.dev();
  }

  @Override
  public String type() {
    return "hostfs";
  }

  /** The host directory this tree starts at. */
  public Path top() {
    return top;
  }

  PageCache newCache(PageCache.Backing backing, long size) {
    return caches.make(backing, size);
  }

  // ---------------------------------------------------------------- names and inodes

  /** A guest name (one byte per char) as a host name. */
  static String hostName(String guestName) {
    return new String(guestName.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /** A host name as a guest name (its UTF-8 bytes, one per char). */
  static String guestName(String hostName) {
    return new String(hostName.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  static Path child(Path dir, String guestName) {
    try {
      return dir.resolve(hostName(guestName));
    } catch (InvalidPathException e) {
      throw new FsException(Errno.ENOENT);
    }
  }

  /**
   * Lookups done through java.nio before the C library's statx takes over (HostStat). Setting up
   * the native call took 26 ms, an eighth of a short program's whole run, which makes a few dozen
   * lookups; a program that makes thousands (SQLite probing for its journal) gains it back many
   * times over.
   */
  static final long NIO_LOOKUPS = 1000;

  /** Lookups asked of the host so far; for tests of the steps' cache. */
  long hostLookups() {
    return hostLookups;
  }

  long now() {
    return clockNs.getAsLong();
  }

  /** The inode named name in dir, or null when there is none. */
  Inode lookup(HostDir dir, String name) {
    hostLookups++;
    Path p = child(dir.hostPath(), name);
    Attrs a;
    if (hostLookups > NIO_LOOKUPS && HostStat.AVAILABLE) {
      a = HostStat.lstat(p);
    } else {
      try {
        a = readAttrs(p);
      } catch (NoSuchFileException e) {
        a = null;
      } catch (IOException e) {
        throw new FsException(errno(e, Errno.EACCES));
      }
    }
    return a == null ? null : inodeFor(a, dir, name);
  }

  /** The one inode for the host file a describes, now known as name in dir. */
  Inode inodeFor(Attrs a, HostDir dir, String name) {
    Key key = new Key(a.dev(), a.ino());
    Inode known = inodes.get(key);
    if (known != null && known.type() == a.type() && known instanceof HostInode h) {
      h.place().moveTo(dir, name);
      h.place().load(known, a);
      return known;
    }
    Inode made =
        switch (a.type()) {
          case FileConstants.S_IFDIR -> new HostDir(this, a, dir, name);
          case FileConstants.S_IFLNK -> new HostSymlink(this, a, dir, name);
          default -> new HostFile(this, a, dir, name);
        };
    inodes.put(key, made);
    return made;
  }

  /** The host file at p went away (unlink, rmdir, or replaced by rename). */
  void forget(Inode node) {
    inodes.remove(new Key(node.dev(), node.ino()), node);
  }

  /** The names in dir, sorted by their bytes so listings repeat. */
  List<String> list(HostDir dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.hostPath())) {
      for (Path p : s) {
        names.add(guestName(p.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new FsException(errno(e, Errno.EACCES));
    }
    names.sort(null);
    return names;
  }

  boolean isEmpty(HostDir dir) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.hostPath())) {
      return !s.iterator().hasNext();
    } catch (IOException e) {
      throw new FsException(errno(e, Errno.EACCES));
    }
  }

  // ---------------------------------------------------------------- attributes

  /** The attributes of the host file at p, not following a final symbolic link. */
  static Attrs stat(Path p) {
    try {
      return readAttrs(p);
    } catch (IOException e) {
      throw new FsException(errno(e, Errno.EACCES));
    }
  }

  /**
   * The unix attributes stat needs, by name: "unix:*" would also resolve the owner's and group's
   * names (getpwuid and getgrgid on the host), which stat never shows and which cost more than the
   * stat itself.
   */
  private static final String STAT_ATTRIBUTES =
      "unix:mode,uid,gid,nlink,size,dev,ino,rdev,lastAccessTime,lastModifiedTime,ctime";

  static Attrs readAttrs(Path p) throws IOException {
    Map<String, Object> m = Files.readAttributes(p, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    return new Attrs(
        (Integer) m.get("mode"),
        (Integer) m.get("uid"),
        (Integer) m.get("gid"),
        (Integer) m.get("nlink"),
        (Long) m.get("size"),
        (Long) m.get("dev"),
        (Long) m.get("ino"),
        (Long) m.get("rdev"),
        HostTimes.toNs((FileTime) m.get("lastAccessTime")),
        HostTimes.toNs((FileTime) m.get("lastModifiedTime")),
        HostTimes.toNs((FileTime) m.get("ctime")));
  }

  /** Sets a unix attribute ("mode", "uid", "gid") of the file at p; EPERM when not allowed. */
  static void setAttribute(Path p, String name, Object value) {
    try {
      Files.setAttribute(p, "unix:" + name, value, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new FsException(errno(e, Errno.EPERM));
    }
  }

  // ---------------------------------------------------------------- errno

  /**
   * The errno Linux gave for a failed host operation. java.nio reports EACCES and EPERM alike as
   * AccessDeniedException; denied says which the operation gives (EPERM for changing a file's
   * owner, mode or times, EACCES for reaching it).
   */
  static int errno(IOException e, int denied) {
    return switch (e) {
      case NoSuchFileException x -> Errno.ENOENT;
      case AccessDeniedException x -> denied;
      case FileAlreadyExistsException x -> Errno.EEXIST;
      case DirectoryNotEmptyException x -> Errno.ENOTEMPTY;
      case NotDirectoryException x -> Errno.ENOTDIR;
      case AtomicMoveNotSupportedException x -> Errno.EXDEV;
      case NotLinkException x -> Errno.EINVAL;
      case FileSystemLoopException x -> Errno.ELOOP;
      case FileSystemException x -> errnoOfReason(x.getReason());
      default -> Errno.EIO;
    };
  }

  /** The errno whose strerror text java.nio put in an exception's reason. */
  static int errnoOfReason(String reason) {
    if (reason == null) {
      return Errno.EIO;
    }
    return switch (reason) {
      case "No such file or directory" -> Errno.ENOENT;
      case "Permission denied" -> Errno.EACCES;
      case "Operation not permitted" -> Errno.EPERM;
      case "Not a directory" -> Errno.ENOTDIR;
      case "Is a directory" -> Errno.EISDIR;
      case "Directory not empty" -> Errno.ENOTEMPTY;
      case "File exists" -> Errno.EEXIST;
      case "Invalid cross-device link" -> Errno.EXDEV;
      case "Too many levels of symbolic links" -> Errno.ELOOP;
      case "File name too long" -> Errno.ENAMETOOLONG;
      case "Read-only file system" -> Errno.EROFS;
      case "No space left on device" -> Errno.ENOSPC;
      case "Disk quota exceeded" -> Errno.EDQUOT;
      case "Text file busy" -> Errno.ETXTBSY;
      case "Device or resource busy" -> Errno.EBUSY;
      case "Invalid argument" -> Errno.EINVAL;
      case "Too many links" -> Errno.EMLINK;
      case "File too large" -> Errno.EFBIG;
      case "No such device or address" -> Errno.ENXIO;
      case "Operation not supported" -> Errno.EOPNOTSUPP;
      default -> Errno.EIO;
    };
  }
}
