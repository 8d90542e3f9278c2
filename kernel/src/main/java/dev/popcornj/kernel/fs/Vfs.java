package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The virtual file system of one kernel instance: a tmpfs root with other file systems mounted on
 * it (/dev, /proc), the path walk with Linux's rules (".", "..", symbolic links, trailing slashes,
 * mounts) and the operations on names (create, link, unlink, rename) that system calls and the boot
 * sequence use. Failures throw {@link FsException} carrying the errno Linux gives.
 *
 * <p>Paths are byte strings held one byte per char (ISO-8859-1), so any name a guest uses survives.
 * Every process runs as root: read and write permission is never refused, execute needs an x bit.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class Vfs {
  /**
   * Largest regular file: the page cache keeps one slot per page index, so a file may not grow past
   * what that index table can hold without endangering the host.
   */
  public static final long MAX_FILE_SIZE = 1L << 32;

  private final Supplier<PageCache> storage;
  private final FrameAllocator frames; // null when files get their pages from storage alone
  private final List<PageCache> caches = new ArrayList<>();
  private int pruneAt = 64;
  private final Sleeper sleeper;
  private final LongSupplier clockNs;
  private FileSystem rootFs;
  private DirInode startDir; // where newContext starts; the root unless set
  private final List<DirInode> prefixes = new ArrayList<>(); // -L: looked up under these first
  private final Map<DirInode, DirInode> mountedAt = new HashMap<>(); // mountpoint -> mounted root
  private final Map<DirInode, DirInode> mountpointOf =
      new HashMap<>(); // mounted root -> mountpoint
  private int nextAnonMinor = 1;
  private long nextPipeIno = 1;

  /** A VFS whose files keep their pages in frames from frames. */
  public Vfs(FrameAllocator frames, Sleeper sleeper, LongSupplier clockNs) {
    this(() -> new PageCache(frames), frames, sleeper, clockNs);
  }

  /**
   * @param storage makes each new regular file's page cache (throws OutOfFramesException when no
   *     memory is left, which becomes ENOSPC)
   * @param clockNs virtual time in nanoseconds, for file times
   */
  public Vfs(Supplier<PageCache> storage, Sleeper sleeper, LongSupplier clockNs) {
    this(storage, null, sleeper, clockNs);
  }

  private Vfs(
      Supplier<PageCache> storage, FrameAllocator frames, Sleeper sleeper, LongSupplier clockNs) {
    this.storage = storage;
    this.frames = frames;
    this.sleeper = sleeper;
    this.clockNs = clockNs;
    Tmpfs tmp = newTmpfs("tmpfs");
    tmp.root().setPermissions(0755);
    this.rootFs = tmp;
  }

  public DirInode root() {
    return rootFs.root();
  }

  /** The file system mounted at /. */
  public FileSystem rootFileSystem() {
    return rootFs;
  }

  /**
   * Makes fs the root file system in place of the empty tmpfs the VFS starts with (boot, before
   * anything is made or mounted).
   */
  public void mountRoot(FileSystem fs) {
    if (!mountedAt.isEmpty() || !root().isEmpty()) {
      throw new FsException(Errno.EBUSY);
    }
    rootFs = fs;
  }

  /** A context at the root (or the start directory) with umask 022: what init starts with. */
  public FsContext newContext() {
    FsContext ctx = new FsContext(root());
    if (startDir != null) {
      ctx.setCwd(startDir);
    }
    return ctx;
  }

  /** The working directory newContext gives: init's (popcorn run: the caller's). */
  public void setStartDirectory(String path) {
    Inode at = lookup(new FsContext(root()), path, true);
    if (!(at instanceof DirInode d)) {
      throw new FsException(Errno.ENOTDIR);
    }
    startDir = d;
  }

  /**
   * Absolute paths are looked up under the directory at path first and, when nothing is there, as
   * they are: qemu-user's -L prefix (its path remapping), for popcorn run. Several directories may
   * be given separated by ':', tried in that order.
   */
  public void setLookupPrefix(String paths) {
    List<DirInode> found = new ArrayList<>();
    for (String path : paths.split(":")) {
      if (path.isEmpty()) {
        continue;
      }
      Inode at = lookup(new FsContext(root()), path, true);
      if (!(at instanceof DirInode d)) {
        throw new FsException(Errno.ENOTDIR);
      }
      if (d != root()) {
        found.add(d);
      }
    }
    prefixes.clear();
    prefixes.addAll(found);
  }

  /**
   * The host directory tree under top as a file system whose mapped files use this VFS's frames.
   */
  public HostFs newHostFs(java.nio.file.Path top) {
    return new HostFs(
        top,
        (backing, size) -> {
          if (frames == null) {
            throw new FsException(Errno.ENODEV);
          }
          PageCache cache = new PageCache(frames, backing, size);
          caches.add(cache);
          return cache;
        },
        clockNs);
  }

  public long now() {
    return clockNs.getAsLong();
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  /** A new, unmounted tmpfs with its own anonymous device number (major 0, as Linux gives). */
  public Tmpfs newTmpfs(String type) {
    return new Tmpfs(nextAnonDev(), type, this::newPageCache, clockNs);
  }

  /** A fresh device number for a file system without a device (major 0). */
  public long nextAnonDev() {
    return FileConstants.makedev(0, nextAnonMinor++);
  }

  private PageCache newPageCache() {
    PageCache cache;
    try {
      cache = storage.get();
    } catch (OutOfFramesException e) {
      throw new FsException(Errno.ENOSPC);
    }
    if (caches.size() >= pruneAt) {
      caches.removeIf(PageCache::isReleased);
      pruneAt = Math.max(64, caches.size() * 2);
    }
    caches.add(cache);
    return cache;
  }

  /** The page caches of files that still exist (or are still open or mapped), for the checks. */
  public List<PageCache> pageCaches() {
    caches.removeIf(PageCache::isReleased);
    return List.copyOf(caches);
  }

  /**
   * Mounts fs on the directory at path (absolute), hiding what that directory held; a mount on a
   * mount stacks. EBUSY for the root or a file system mounted already.
   */
  public void mount(String path, FileSystem fs) {
    Inode at = lookup(newContext(), path, true);
    if (!(at instanceof DirInode dir)) {
      throw new FsException(Errno.ENOTDIR);
    }
    if (dir == root() || mountpointOf.containsKey(fs.root())) {
      throw new FsException(Errno.EBUSY);
    }
    mountedAt.put(dir, fs.root());
    mountpointOf.put(fs.root(), dir);
  }

  // ---------------------------------------------------------------- path walk

  /** Where a walk ended: the directory holding the name, the name and the inode (null if none). */
  /** A resolved name; path, when not null, is the name to report (an open through a magic link). */
  record Found(DirInode parent, String name, Inode inode, String path) {
    Found(DirInode parent, String name, Inode inode) {
      this(parent, name, inode, null);
    }
  }

  /** A path split at its last component; last is "." for "/" and "" never occurs. */
  private record Parent(DirInode dir, String last, boolean trailingSlash) {
    boolean lastIsDot() {
      return last.equals(".") || last.equals("..");
    }
  }

  /** The inode path names, relative to ctx's working directory. */
  public Inode lookup(FsContext ctx, String path, boolean followLast) {
    return lookupAt(ctx, ctx.cwd(), path, followLast);
  }

  /** The inode path names, relative to base when path is relative. */
  public Inode lookupAt(FsContext ctx, DirInode base, String path, boolean followLast) {
    return resolve(ctx, base, path, followLast, new int[1]).inode();
  }

  Found resolve(FsContext ctx, DirInode base, String path, boolean followLast, int[] hops) {
    Parent p = walkParent(ctx, base, path, hops);
    Inode node = step(ctx, p.dir(), p.last());
    Found f = new Found(p.dir(), p.last(), node);
    if (followLast || p.trailingSlash()) {
      f = follow(ctx, f, hops);
    }
    if (p.trailingSlash() && !f.inode().isDirectory()) {
      throw new FsException(Errno.ENOTDIR);
    }
    return f;
  }

  private Parent walkParent(FsContext ctx, DirInode base, String path, int[] hops) {
    if (path.isEmpty()) {
      throw new FsException(Errno.ENOENT);
    }
    if (path.length() >= FileConstants.PATH_MAX) {
      throw new FsException(Errno.ENAMETOOLONG);
    }
    DirInode dir = path.charAt(0) == '/' ? ctx.root() : base;
    if (dir == ctx.root() && !prefixes.isEmpty() && ctx.root() == root()) {
      DirInode under = prefixHolding(ctx, path);
      if (under != null) {
        dir = under;
      }
    }
    List<String> parts = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        if (s.length() > FileConstants.NAME_MAX) {
          throw new FsException(Errno.ENAMETOOLONG);
        }
        parts.add(s);
      }
    }
    if (parts.isEmpty()) {
      return new Parent(dir, ".", true);
    }
    for (int i = 0; i < parts.size() - 1; i++) {
      Found f = follow(ctx, new Found(dir, parts.get(i), step(ctx, dir, parts.get(i), true)), hops);
      if (!(f.inode() instanceof DirInode d)) {
        throw new FsException(Errno.ENOTDIR);
      }
      dir = d;
    }
    return new Parent(dir, parts.getLast(), path.endsWith("/"));
  }

  /** The first lookup prefix under which the absolute path names something (qemu's path()). */
  private DirInode prefixHolding(FsContext ctx, String path) {
    String relative = path.replaceFirst("^/+", "");
    if (relative.isEmpty()) {
      return null;
    }
    for (DirInode prefix : prefixes) {
      try {
        resolve(ctx, prefix, relative, false, new int[1]);
        return prefix;
      } catch (FsException e) {
        // Not under this one: the next, or the path as it is.
      }
    }
    return null;
  }

  /** One component: ".", "..", or a name looked up and carried across a mount. */
  private Inode step(FsContext ctx, DirInode dir, String name) {
    return step(ctx, dir, name, false);
  }

  /** As above; onTheWay when name is not the path's last (see DirInode.lookupStep). */
  private Inode step(FsContext ctx, DirInode dir, String name, boolean onTheWay) {
    Inode child = stepOrNull(ctx, dir, name, onTheWay);
    if (child == null) {
      throw new FsException(Errno.ENOENT);
    }
    return child;
  }

  private Inode stepOrNull(FsContext ctx, DirInode dir, String name) {
    return stepOrNull(ctx, dir, name, false);
  }

  /** As above; onTheWay when name is not the path's last (see DirInode.lookupStep). */
  private Inode stepOrNull(FsContext ctx, DirInode dir, String name, boolean onTheWay) {
    if (name.equals(".")) {
      return dir;
    }
    if (name.equals("..")) {
      return dotdot(ctx, dir);
    }
    Inode child = onTheWay ? dir.lookupStep(name) : dir.lookup(name);
    while (child instanceof DirInode d && mountedAt.containsKey(d)) {
      child = mountedAt.get(d);
    }
    return child;
  }

  private DirInode dotdot(FsContext ctx, DirInode dir) {
    while (dir != ctx.root()) {
      DirInode mountpoint = mountpointOf.get(dir);
      if (mountpoint == null) {
        return dir.parent();
      }
      dir = mountpoint;
    }
    return dir;
  }

  private Found follow(FsContext ctx, Found f, int[] hops) {
    if (!(f.inode() instanceof SymlinkInode link)) {
      return f;
    }
    if (++hops[0] > FileConstants.MAX_SYMLINKS) {
      throw new FsException(Errno.ELOOP);
    }
    if (link.isMagic()) {
      return jump(f, link);
    }
    String target = link.target();
    if (target == null || target.isEmpty()) {
      throw new FsException(Errno.ENOENT);
    }
    return resolve(ctx, f.parent(), target, true, hops);
  }

  /** Through a magic link to its open file's inode (Linux's nd_jump_link). */
  private static Found jump(Found f, SymlinkInode link) {
    OpenFile file = link.jumpTarget();
    if (file == null || file.inode() == null) {
      throw new FsException(Errno.ENOENT);
    }
    return new Found(f.parent(), f.name(), file.inode(), file.path());
  }

  /** The absolute path of dir as seen from ctx's root (what getcwd returns). */
  public String pathOf(FsContext ctx, DirInode dir) {
    List<String> names = new ArrayList<>();
    DirInode d = dir;
    while (d != ctx.root()) {
      DirInode mountpoint = mountpointOf.get(d);
      if (mountpoint != null) {
        d = mountpoint;
        continue;
      }
      DirInode parent = d.parent();
      if (parent == d) {
        break; // outside ctx's root: Linux shows the path from the real root
      }
      String name = nameIn(parent, d);
      if (name == null) {
        throw new FsException(Errno.ENOENT);
      }
      names.add(name);
      d = parent;
    }
    if (names.isEmpty()) {
      return "/";
    }
    Collections.reverse(names);
    return "/" + String.join("/", names);
  }

  private static String nameIn(DirInode parent, Inode child) {
    if (child instanceof HostDir h && h.parent() == parent) {
      return h.name();
    }
    for (DirInode.Entry e : parent.entriesFrom(2)) {
      if (e.inode() == child || e.inode().ino() == child.ino() && e.inode().dev() == child.dev()) {
        return e.name();
      }
    }
    return null;
  }

  /** The path an open file reports (/proc/PID/fd, maps); "" when it cannot be named. */
  String pathOf(FsContext ctx, Found f) {
    if (f.path() != null) {
      return f.path();
    }
    try {
      if (f.inode() instanceof DirInode d) {
        return pathOf(ctx, d);
      }
      String dir = pathOf(ctx, f.parent());
      return dir.equals("/") ? "/" + f.name() : dir + "/" + f.name();
    } catch (FsException e) {
      return f.name();
    }
  }

  // ---------------------------------------------------------------- open and read

  /** Opens path relative to ctx's working directory; see {@link #openAt}. */
  public OpenFile open(FsContext ctx, String path, int flags, int mode) {
    return openAt(ctx, ctx.cwd(), path, flags, mode);
  }

  /**
   * Opens (and with O_CREAT creates) the file at path, as openat(2) does; the result holds one
   * reference, which the caller installs in a file table or releases.
   */
  public OpenFile openAt(FsContext ctx, DirInode base, String path, int flags, int mode) {
    if ((flags & FileConstants.O_TMPFILE) == FileConstants.O_TMPFILE) {
      throw new FsException(Errno.EOPNOTSUPP);
    }
    if ((flags & (FileConstants.O_CREAT | FileConstants.O_DIRECTORY))
        == (FileConstants.O_CREAT | FileConstants.O_DIRECTORY)) {
      throw new FsException(Errno.EINVAL); // refused since Linux 6.4
    }
    if ((flags & FileConstants.O_PATH) != 0) {
      flags &=
          FileConstants.O_PATH
              | FileConstants.O_DIRECTORY
              | FileConstants.O_NOFOLLOW
              | FileConstants.O_CLOEXEC;
    }
    int[] hops = new int[1];
    Found f = openFind(ctx, base, path, flags, mode, hops);
    Inode node = f.inode();
    boolean pathOnly = (flags & FileConstants.O_PATH) != 0;
    if ((flags & FileConstants.O_DIRECTORY) != 0 && !node.isDirectory()) {
      throw new FsException(Errno.ENOTDIR);
    }
    if (node.isSymlink() && !pathOnly) {
      throw new FsException(Errno.ELOOP);
    }
    int acc = flags & FileConstants.O_ACCMODE;
    boolean wantsWrite = acc != FileConstants.O_RDONLY || (flags & FileConstants.O_TRUNC) != 0;
    if (!pathOnly && node.isDirectory() && (wantsWrite || (flags & FileConstants.O_CREAT) != 0)) {
      throw new FsException(Errno.EISDIR);
    }
    if (!pathOnly && node instanceof HostFile hf) {
      hf.open(
          acc != FileConstants.O_WRONLY,
          acc != FileConstants.O_RDONLY,
          (flags & FileConstants.O_TRUNC) != 0);
    }
    if (!pathOnly && node instanceof HostDir hd) {
      hd.checkReadable();
    }
    if (!pathOnly && wantsWrite && node instanceof TmpFile file && file.data().isRunning()) {
      throw new FsException(Errno.ETXTBSY); // a running program's file (deny_write_access)
    }
    if (!pathOnly && (flags & FileConstants.O_TRUNC) != 0 && node instanceof TmpFile file) {
      if (file.size() != 0) {
        file.data().truncate(0);
        file.touchModified(now());
      }
    }
    if (!pathOnly && node.type() == FileConstants.S_IFSOCK) {
      throw new FsException(Errno.ENXIO); // a socket's name cannot be opened (no_open)
    }
    byte[] snapshot = null;
    if (!pathOnly && node instanceof ProcFs.ProcFile pf) {
      snapshot = pf.content();
      if (snapshot == null) {
        throw new FsException(Errno.ENOENT);
      }
    }
    return new OpenFile(this, node, flags & ~FileConstants.O_CLOEXEC, pathOf(ctx, f), snapshot);
  }

  private Found openFind(FsContext ctx, DirInode base, String path, int flags, int mode, int[] h) {
    boolean nofollow = (flags & FileConstants.O_NOFOLLOW) != 0;
    if ((flags & FileConstants.O_CREAT) == 0 || (flags & FileConstants.O_PATH) != 0) {
      Found f = resolve(ctx, base, path, !nofollow, h);
      if (f.inode().isSymlink() && (flags & FileConstants.O_PATH) == 0) {
        throw new FsException(Errno.ELOOP);
      }
      return f;
    }
    Parent p = walkParent(ctx, base, path, h);
    if (p.trailingSlash() || p.lastIsDot()) {
      throw new FsException(Errno.EISDIR); // O_CREAT never makes a directory
    }
    Inode node = stepOrNull(ctx, p.dir(), p.last());
    if (node != null && (flags & FileConstants.O_EXCL) != 0) {
      throw new FsException(Errno.EEXIST);
    }
    if (node instanceof SymlinkInode link) {
      if (nofollow) {
        throw new FsException(Errno.ELOOP);
      }
      if (++h[0] > FileConstants.MAX_SYMLINKS) {
        throw new FsException(Errno.ELOOP);
      }
      if (link.isMagic()) {
        if ((flags & FileConstants.O_EXCL) != 0) {
          throw new FsException(Errno.EEXIST);
        }
        return jump(new Found(p.dir(), p.last(), node), link);
      }
      String target = link.target();
      if (target == null || target.isEmpty()) {
        throw new FsException(Errno.ENOENT);
      }
      return openFind(ctx, p.dir(), target, flags, mode, h);
    }
    if (node != null) {
      return new Found(p.dir(), p.last(), node);
    }
    int perm = mode & ~ctx.umask() & 07777;
    if (p.dir() instanceof HostDir hd) {
      return new Found(p.dir(), p.last(), hd.createFile(p.last(), perm));
    }
    TmpFile file = creatable(p.dir(), Errno.EACCES).newFile(perm);
    addName(p.dir(), p.last(), file);
    return new Found(p.dir(), p.last(), file);
  }

  /** An open file on inode with no path walk (the kernel's own opens, pipes). */
  public OpenFile openInode(Inode inode, int flags, String path) {
    return new OpenFile(this, inode, flags & ~FileConstants.O_CLOEXEC, path, null);
  }

  /**
   * The regular file at path that execve runs: EACCES when it is not a regular file or has no
   * execute bit, as Linux refuses to execute it; ETXTBSY for a tmpfs file some open file may write
   * (binfmt's deny_write_access).
   */
  public Inode executable(FsContext ctx, String path) {
    Inode node = lookup(ctx, path, true);
    if (node instanceof HostFile hf && hf.isRegular() && (hf.mode() & 0111) != 0) {
      return hf;
    }
    if (!(node instanceof TmpFile file) || (file.mode() & 0111) == 0) {
      throw new FsException(Errno.EACCES);
    }
    if (file.openForWriting()) {
      throw new FsException(Errno.ETXTBSY);
    }
    return file;
  }

  /** The whole contents of a file {@link #executable} gave; EACCES for any other inode. */
  public static byte[] readAll(Inode executable) {
    if (executable instanceof HostFile hf) {
      return hf.readAll();
    }
    if (!(executable instanceof TmpFile file)) {
      throw new FsException(Errno.EACCES);
    }
    long size = file.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new FsException(Errno.ENOMEM);
    }
    byte[] b = new byte[(int) size];
    file.data().read(0, b, 0, b.length);
    return b;
  }

  // ---------------------------------------------------------------- names

  private Tmpfs creatable(DirInode dir, int errnoWhenNot) {
    if (!(dir.fs() instanceof Tmpfs t) || !dir.writable()) {
      throw new FsException(errnoWhenNot);
    }
    if (dir.nlink() == 0) {
      throw new FsException(Errno.ENOENT); // the directory was removed while we stood in it
    }
    return t;
  }

  private void addName(DirInode dir, String name, Inode inode) {
    dir.link(name, inode);
    dir.touchModified(now());
  }

  private Parent parentForCreate(FsContext ctx, DirInode base, String path) {
    Parent p = walkParent(ctx, base, path, new int[1]);
    if (p.lastIsDot() || stepOrNull(ctx, p.dir(), p.last()) != null) {
      throw new FsException(Errno.EEXIST);
    }
    return p;
  }

  /** mkdirat(2). */
  public DirInode mkdirAt(FsContext ctx, DirInode base, String path, int mode) {
    Parent p = parentForCreate(ctx, base, path);
    if (p.dir() instanceof HostDir hd) {
      return hd.mkdir(p.last(), mode & ~ctx.umask() & 01777);
    }
    Tmpfs fs = creatable(p.dir(), Errno.EPERM);
    Tmpfs.TmpDir dir = fs.newDirectory(mode & ~ctx.umask() & 01777, p.dir());
    addName(p.dir(), p.last(), dir);
    p.dir().addLink();
    return dir;
  }

  /** Makes path and every missing directory above it (boot); existing directories are kept. */
  public DirInode mkdirs(String path, int mode) {
    FsContext ctx = newContext();
    DirInode dir = root();
    for (String name : path.split("/")) {
      if (name.isEmpty()) {
        continue;
      }
      Inode next = stepOrNull(ctx, dir, name);
      if (next == null) {
        next = mkdirAt(ctx, dir, name, mode);
        next.setPermissions(mode);
      }
      if (!(next instanceof DirInode d)) {
        throw new FsException(Errno.ENOTDIR);
      }
      dir = d;
    }
    return dir;
  }

  /** Creates or replaces the regular file at path with data and mode (boot, initramfs). */
  public TmpFile writeFile(String path, byte[] data, int mode) {
    return makeFile(path, mode, cache -> cache.write(0, data, 0, data.length));
  }

  /**
   * Creates or replaces the regular file at path with length bytes of source from offset, filled
   * into its frames only when needed ({@link PageCache#fill}): the initramfs's files.
   */
  public TmpFile writeFile(String path, ReadOnlyBytes source, int offset, int length, int mode) {
    return makeFile(path, mode, cache -> cache.fill(source, offset, length));
  }

  private TmpFile makeFile(String path, int mode, java.util.function.Consumer<PageCache> contents) {
    FsContext ctx = newContext();
    Parent p = walkParent(ctx, root(), path, new int[1]);
    Inode old = stepOrNull(ctx, p.dir(), p.last());
    if (old != null) {
      unlinkAt(ctx, p.dir(), p.last(), old.isDirectory());
    }
    TmpFile file = creatable(p.dir(), Errno.EACCES).newFile(mode);
    file.setPermissions(mode);
    try {
      contents.accept(file.data());
    } catch (OutOfFramesException e) {
      file.data().release();
      throw new FsException(Errno.ENOSPC);
    }
    addName(p.dir(), p.last(), file);
    return file;
  }

  /** symlinkat(2). */
  public SymlinkInode symlinkAt(FsContext ctx, String target, DirInode base, String path) {
    if (target.isEmpty()) {
      throw new FsException(Errno.ENOENT);
    }
    if (target.length() >= FileConstants.PATH_MAX) {
      throw new FsException(Errno.ENAMETOOLONG);
    }
    Parent p = parentForCreate(ctx, base, path);
    if (p.dir() instanceof HostDir hd) {
      return (SymlinkInode) hd.symlink(p.last(), target);
    }
    SymlinkInode link = creatable(p.dir(), Errno.EPERM).newSymlink(target);
    addName(p.dir(), p.last(), link);
    return link;
  }

  /**
   * Makes the inode of a kind outside fs that {@link #mknodAt(FsContext, String, NodeMaker)} adds.
   */
  public interface NodeMaker {
    /** The new inode: in fs, numbered ino, with permission bits perm (umask applied). */
    Inode make(FileSystem fs, long ino, int perm, long nowNs);
  }

  /**
   * mknod of a node whose kind lives outside fs (a socket's name, for bind) at path relative to
   * ctx's working directory, with permissions 0777 less the umask; EEXIST when the name exists.
   */
  public Inode mknodAt(FsContext ctx, String path, NodeMaker maker) {
    Parent p = parentForCreate(ctx, ctx.cwd(), path);
    if (p.trailingSlash()) {
      throw new FsException(Errno.ENOENT);
    }
    Tmpfs fs = creatable(p.dir(), Errno.EPERM);
    Inode node = maker.make(fs, fs.newIno(), 0777 & ~ctx.umask(), now());
    addName(p.dir(), p.last(), node);
    return node;
  }

  /** Adds a device node (devfs). */
  public DeviceInode mknodAt(DirInode dir, String name, CharDevice device, int perm) {
    FsContext ctx = newContext();
    Parent p = parentForCreate(ctx, dir, name);
    DeviceInode node = creatable(p.dir(), Errno.EPERM).newDevice(device, perm);
    addName(p.dir(), p.last(), node);
    return node;
  }

  /** linkat(2): a new name for the inode at oldPath. */
  public void linkAt(
      FsContext ctx,
      DirInode oldBase,
      String oldPath,
      DirInode newBase,
      String newPath,
      boolean follow) {
    Inode node = lookupAt(ctx, oldBase, oldPath, follow);
    linkInode(ctx, node, newBase, newPath);
  }

  /** linkat(2) with AT_EMPTY_PATH: a new name for an open file's inode. */
  public void linkInode(FsContext ctx, Inode node, DirInode newBase, String newPath) {
    if (node.isDirectory()) {
      throw new FsException(Errno.EPERM);
    }
    Parent p = walkParent(ctx, newBase, newPath, new int[1]);
    if (p.lastIsDot() || stepOrNull(ctx, p.dir(), p.last()) != null) {
      throw new FsException(Errno.EEXIST);
    }
    if (p.trailingSlash()) {
      throw new FsException(Errno.ENOENT);
    }
    if (p.dir().fs() != node.fs()) {
      throw new FsException(Errno.EXDEV);
    }
    if (p.dir() instanceof HostDir hd) {
      hd.link(p.last(), node);
      return;
    }
    creatable(p.dir(), Errno.EPERM);
    if (node.nlink() == 0) {
      throw new FsException(Errno.ENOENT);
    }
    addName(p.dir(), p.last(), node);
    node.addLink();
    node.setCtime(now());
  }

  /** unlinkat(2): removes a name, or with removeDir an empty directory. */
  public void unlinkAt(FsContext ctx, DirInode base, String path, boolean removeDir) {
    Parent p = walkParent(ctx, base, path, new int[1]);
    if (removeDir) {
      if (p.last().equals(".")) {
        throw new FsException(
            p.trailingSlash() && path.replace("/", "").isEmpty() ? Errno.EBUSY : Errno.EINVAL);
      }
      if (p.last().equals("..")) {
        throw new FsException(Errno.ENOTEMPTY);
      }
    } else if (p.lastIsDot()) {
      throw new FsException(Errno.EISDIR);
    }
    Inode node = p.dir().lookup(p.last());
    if (node == null) {
      throw new FsException(Errno.ENOENT);
    }
    if (removeDir) {
      if (!(node instanceof DirInode dir)) {
        throw new FsException(Errno.ENOTDIR);
      }
      if (mountedAt.containsKey(dir) || dir == ctx.root()) {
        throw new FsException(Errno.EBUSY);
      }
      if (!dir.isEmpty()) {
        throw new FsException(Errno.ENOTEMPTY);
      }
      if (p.dir() instanceof HostDir hd) {
        hd.remove(p.last(), node);
        return;
      }
      creatable(p.dir(), Errno.EPERM);
      p.dir().unlink(p.last());
      p.dir().touchModified(now());
      p.dir().dropLink();
      dir.setNlink(0);
      return;
    }
    if (node.isDirectory()) {
      throw new FsException(Errno.EISDIR);
    }
    if (p.trailingSlash()) {
      throw new FsException(Errno.ENOTDIR);
    }
    if (p.dir() instanceof HostDir hd) {
      hd.remove(p.last(), node);
      return;
    }
    creatable(p.dir(), Errno.EPERM);
    p.dir().unlink(p.last());
    p.dir().touchModified(now());
    node.setCtime(now());
    node.dropLink();
  }

  /** renameat2(2) with flags RENAME_NOREPLACE or RENAME_EXCHANGE. */
  public void renameAt(
      FsContext ctx,
      DirInode oldBase,
      String oldPath,
      DirInode newBase,
      String newPath,
      int flags) {
    boolean noReplace = (flags & FileConstants.RENAME_NOREPLACE) != 0;
    boolean exchange = (flags & FileConstants.RENAME_EXCHANGE) != 0;
    if ((flags
                & ~(FileConstants.RENAME_NOREPLACE
                    | FileConstants.RENAME_EXCHANGE
                    | FileConstants.RENAME_WHITEOUT))
            != 0
        || (noReplace && exchange)
        || (flags & FileConstants.RENAME_WHITEOUT) != 0) {
      throw new FsException(Errno.EINVAL);
    }
    Parent op = walkParent(ctx, oldBase, oldPath, new int[1]);
    Parent np = walkParent(ctx, newBase, newPath, new int[1]);
    if (op.lastIsDot()) {
      throw new FsException(Errno.EBUSY);
    }
    if (np.lastIsDot()) {
      throw new FsException(noReplace ? Errno.EEXIST : Errno.EBUSY);
    }
    Inode from = op.dir().lookup(op.last());
    if (from == null) {
      throw new FsException(Errno.ENOENT);
    }
    if (op.dir().fs() != np.dir().fs()) {
      throw new FsException(Errno.EXDEV);
    }
    Inode to = np.dir().lookup(np.last());
    if (exchange && to == null) {
      throw new FsException(Errno.ENOENT);
    }
    if (noReplace && to != null) {
      throw new FsException(Errno.EEXIST);
    }
    if (!from.isDirectory() && (op.trailingSlash() || (np.trailingSlash() && !exchange))) {
      throw new FsException(Errno.ENOTDIR);
    }
    if (exchange && to != null && !to.isDirectory() && np.trailingSlash()) {
      throw new FsException(Errno.ENOTDIR);
    }
    if (from == to) {
      return;
    }
    if (isMountpoint(from) || isMountpoint(to)) {
      throw new FsException(Errno.EBUSY);
    }
    if (from instanceof DirInode fd && isAncestor(fd, np.dir())) {
      throw new FsException(Errno.EINVAL);
    }
    if (exchange && to instanceof DirInode td && isAncestor(td, op.dir())) {
      throw new FsException(Errno.EINVAL);
    }
    if (!exchange && to != null) {
      if (from.isDirectory() && !to.isDirectory()) {
        throw new FsException(Errno.ENOTDIR);
      }
      if (!from.isDirectory() && to.isDirectory()) {
        throw new FsException(Errno.EISDIR);
      }
      if (to instanceof DirInode td && !td.isEmpty()) {
        throw new FsException(Errno.ENOTEMPTY);
      }
    }
    if (op.dir() instanceof HostDir from0 && np.dir() instanceof HostDir to0) {
      if (exchange) {
        throw new FsException(Errno.EINVAL); // java.nio cannot swap two names atomically
      }
      from0.rename(op.last(), from, to0, np.last(), to);
      return;
    }
    creatable(op.dir(), Errno.EPERM);
    creatable(np.dir(), Errno.EPERM);
    long now = now();
    if (exchange) {
      op.dir().replace(op.last(), to);
      np.dir().replace(np.last(), from);
      moveDir(from, op.dir(), np.dir());
      moveDir(to, np.dir(), op.dir());
    } else {
      if (to != null) {
        np.dir().replace(np.last(), from);
        if (to instanceof DirInode td) {
          td.setNlink(0);
          np.dir().dropLink();
        } else {
          to.setCtime(now);
          to.dropLink();
        }
      } else {
        np.dir().link(np.last(), from);
      }
      op.dir().unlink(op.last());
      moveDir(from, op.dir(), np.dir());
    }
    from.setCtime(now);
    op.dir().touchModified(now);
    np.dir().touchModified(now);
  }

  private static void moveDir(Inode node, DirInode from, DirInode to) {
    if (node instanceof DirInode d && from != to) {
      to.adopt(d);
      from.dropLink();
      to.addLink();
    }
  }

  private boolean isMountpoint(Inode node) {
    return node instanceof DirInode d && (mountedAt.containsKey(d) || mountpointOf.containsKey(d));
  }

  /** Whether dir is d or lies below it in d's file system. */
  private static boolean isAncestor(DirInode d, DirInode dir) {
    while (true) {
      if (dir == d) {
        return true;
      }
      DirInode up = dir.parent();
      if (up == dir) {
        return false;
      }
      dir = up;
    }
  }

  // ---------------------------------------------------------------- attributes

  /** chmod: the permission bits; procfs refuses. */
  public void chmod(Inode node, int mode) {
    if (node.fs() != null && !(node.fs() instanceof Tmpfs) && !(node instanceof HostInode)) {
      throw new FsException(Errno.EPERM);
    }
    node.setPermissions(mode);
    node.setCtime(now());
  }

  /** truncate and ftruncate on an inode. */
  public void truncate(Inode node, long length) {
    if (node.isDirectory()) {
      throw new FsException(Errno.EISDIR);
    }
    if (node instanceof HostFile hf && hf.isRegular() && length >= 0) {
      hf.truncate(length);
      return;
    }
    if (!(node instanceof TmpFile file) || length < 0) {
      throw new FsException(Errno.EINVAL);
    }
    if (length > MAX_FILE_SIZE) {
      throw new FsException(Errno.EFBIG);
    }
    if (file.data().isRunning()) {
      throw new FsException(Errno.ETXTBSY);
    }
    file.data().truncate(length);
    file.touchModified(now());
  }

  /** A pipe: element 0 reads, element 1 writes; flags may hold O_NONBLOCK. */
  public OpenFile[] pipe(int flags) {
    PipeInode inode = new PipeInode(new Pipe(sleeper), nextPipeIno++, now());
    int status = flags & FileConstants.O_NONBLOCK;
    OpenFile r = openInode(inode, FileConstants.O_RDONLY | status, "pipe:[" + inode.ino() + "]");
    OpenFile w = openInode(inode, FileConstants.O_WRONLY | status, "pipe:[" + inode.ino() + "]");
    return new OpenFile[] {r, w};
  }
}
