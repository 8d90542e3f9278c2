package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VfsTest {
  private final FsFixture fx = new FsFixture();
  private final Vfs vfs = fx.vfs;
  private final FsContext ctx = fx.ctx;

  private static void fails(int errno, Executable op) {
    FsException e = assertThrows(FsException.class, op);
    assertEquals(errno, e.errno(), "errno");
  }

  private Inode look(String path) {
    return vfs.lookup(ctx, path, true);
  }

  private void mkdir(String path) {
    vfs.mkdirAt(ctx, ctx.cwd(), path, 0777);
  }

  private void symlink(String target, String path) {
    vfs.symlinkAt(ctx, target, ctx.cwd(), path);
  }

  private void unlink(String path) {
    vfs.unlinkAt(ctx, ctx.cwd(), path, false);
  }

  private void rmdir(String path) {
    vfs.unlinkAt(ctx, ctx.cwd(), path, true);
  }

  private void rename(String from, String to, int flags) {
    vfs.renameAt(ctx, ctx.cwd(), from, ctx.cwd(), to, flags);
  }

  @Test
  void dotAndDotDotStayInsideTheRoot() {
    mkdir("/a");
    mkdir("/a/b");
    assertSame(vfs.root(), look("/.."));
    assertSame(vfs.root(), look("/a/b/../../../.."));
    assertSame(look("/a"), look("/a/b/.."));
    assertSame(look("/a/b"), look("//a///b/."));
    ctx.setCwd((DirInode) look("/a"));
    assertSame(look("/a/b"), look("b"));
    assertSame(vfs.root(), look(".."));
    Inode b = look("/a/b");
    ctx.setRoot((DirInode) look("/a"));
    assertSame(b, look("/b"), "/ is the new root");
    assertSame(ctx.root(), look("../.."));
    assertEquals("/b", vfs.pathOf(ctx, (DirInode) look("b")));
  }

  @Test
  void symlinksAreFollowedExceptLastWhenAsked() {
    mkdir("/d");
    fx.create("/d/f", "x");
    symlink("/d", "/abs");
    symlink("d/f", "/rel");
    symlink("../d", "/d/up");
    symlink("nowhere", "/dangling");
    assertSame(look("/d/f"), look("/abs/f"));
    assertSame(look("/d/f"), look("/rel"));
    assertSame(look("/d"), look("/d/up/up/up"));
    assertTrue(vfs.lookup(ctx, "/rel", false).isSymlink());
    fails(Errno.ENOENT, () -> look("/dangling"));
    assertTrue(vfs.lookup(ctx, "/dangling", false).isSymlink());
    symlink("/loop2", "/loop1");
    symlink("/loop1", "/loop2");
    fails(Errno.ELOOP, () -> look("/loop1"));
    fails(Errno.ELOOP, () -> look("/loop1/x"));
  }

  @Test
  void fortyLinksAreFineAndFortyOneAreNot() {
    fx.create("/l0", "");
    for (int i = 1; i <= 41; i++) {
      symlink("l" + (i - 1), "/l" + i);
    }
    assertTrue(look("/l40").isRegular());
    fails(Errno.ELOOP, () -> look("/l41"));
  }

  @Test
  void trailingSlashesNeedDirectories() {
    fx.create("/f", "x");
    mkdir("/d");
    symlink("d", "/ld");
    symlink("f", "/lf");
    fails(Errno.ENOTDIR, () -> look("/f/"));
    fails(Errno.ENOTDIR, () -> look("/f/."));
    fails(Errno.ENOTDIR, () -> vfs.lookup(ctx, "/lf/", false));
    assertSame(look("/d"), vfs.lookup(ctx, "/ld/", false), "a slash follows the last link");
    fails(
        Errno.EISDIR,
        () -> vfs.open(ctx, "/new/", FileConstants.O_CREAT | FileConstants.O_WRONLY, 0644));
    fails(Errno.ENOTDIR, () -> unlink("/f/"));
    mkdir("/e/");
    assertTrue(look("/e").isDirectory());
  }

  @Test
  void namesAndPathsHaveLimits() {
    String name = "n".repeat(FileConstants.NAME_MAX);
    fx.create("/" + name, "");
    fails(Errno.ENAMETOOLONG, () -> look("/" + name + "n"));
    fails(Errno.ENAMETOOLONG, () -> look("/" + "a/".repeat(FileConstants.PATH_MAX / 2)));
    fails(Errno.ENOENT, () -> look(""));
    fails(Errno.ENOENT, () -> look("/missing/x"));
  }

  @Test
  void mkdirUnlinkAndRmdirFailAsLinuxDoes() {
    mkdir("/d");
    fx.create("/d/f", "x");
    fails(Errno.EEXIST, () -> mkdir("/d"));
    fails(Errno.EEXIST, () -> mkdir("/"));
    fails(Errno.EEXIST, () -> mkdir("/d/."));
    symlink("nowhere", "/dangling");
    fails(Errno.EEXIST, () -> mkdir("/dangling"));
    fails(Errno.ENOENT, () -> mkdir("/x/y"));
    fails(Errno.ENOTDIR, () -> mkdir("/d/f/y"));
    fails(Errno.ENOTEMPTY, () -> rmdir("/d"));
    fails(Errno.ENOTDIR, () -> rmdir("/d/f"));
    fails(Errno.EISDIR, () -> unlink("/d"));
    fails(Errno.EINVAL, () -> rmdir("/d/."));
    fails(Errno.ENOTEMPTY, () -> rmdir("/d/.."));
    fails(Errno.EBUSY, () -> rmdir("/"));
    int rootLinks = vfs.root().nlink();
    unlink("/d/f");
    DirInode d = (DirInode) look("/d");
    rmdir("/d");
    assertEquals(0, d.nlink());
    assertEquals(rootLinks - 1, vfs.root().nlink());
    fails(Errno.ENOENT, () -> look("/d"));
    ctx.setCwd(d);
    fails(Errno.ENOENT, () -> fx.create("new", ""));
    fails(Errno.ENOENT, () -> vfs.pathOf(ctx, d));
  }

  @Test
  void modesTakeTheUmask() {
    mkdir("/d");
    assertEquals(FileConstants.S_IFDIR | 0755, look("/d").mode());
    ctx.setUmask(077);
    OpenFile f = vfs.open(ctx, "/f", FileConstants.O_CREAT | FileConstants.O_WRONLY, 0666);
    assertEquals(FileConstants.S_IFREG | 0600, f.inode().mode());
    assertEquals(fx.nowNs, f.inode().mtimeNs());
  }

  @Test
  void openHonoursCreateExclTruncAndDirectoryFlags() {
    fx.create("/f", "hello");
    fails(
        Errno.EEXIST,
        () -> vfs.open(ctx, "/f", FileConstants.O_CREAT | FileConstants.O_EXCL, 0644));
    symlink("/f", "/lf");
    fails(
        Errno.EEXIST,
        () -> vfs.open(ctx, "/lf", FileConstants.O_CREAT | FileConstants.O_EXCL, 0644));
    fails(Errno.ELOOP, () -> vfs.open(ctx, "/lf", FileConstants.O_NOFOLLOW, 0));
    OpenFile p = vfs.open(ctx, "/lf", FileConstants.O_PATH | FileConstants.O_NOFOLLOW, 0);
    assertTrue(p.inode().isSymlink());
    assertEquals(-Errno.EBADF, p.read(new byte[1], 0, 1));
    fails(Errno.ENOTDIR, () -> vfs.open(ctx, "/f", FileConstants.O_DIRECTORY, 0));
    fails(
        Errno.EINVAL,
        () -> vfs.open(ctx, "/g", FileConstants.O_DIRECTORY | FileConstants.O_CREAT, 0));
    fails(Errno.EISDIR, () -> vfs.open(ctx, "/", FileConstants.O_WRONLY, 0));
    fails(Errno.EISDIR, () -> vfs.open(ctx, "/", FileConstants.O_CREAT, 0));
    assertEquals("hello", FsFixture.readAll(vfs.open(ctx, "/lf", 0, 0)));
    OpenFile t = vfs.open(ctx, "/f", FileConstants.O_WRONLY | FileConstants.O_TRUNC, 0);
    assertEquals(0, t.inode().size());
    symlink("/made", "/tomake");
    vfs.open(ctx, "/tomake", FileConstants.O_CREAT | FileConstants.O_WRONLY, 0644);
    assertTrue(look("/made").isRegular(), "O_CREAT through a dangling link makes its target");
  }

  @Test
  void appendWritesAtTheEnd() {
    fx.create("/f", "abc");
    OpenFile a = vfs.open(ctx, "/f", FileConstants.O_WRONLY | FileConstants.O_APPEND, 0);
    a.setOffset(0);
    a.write(FsFixture.bytes("de"), 0, 2);
    assertEquals("abcde", FsFixture.readAll(vfs.open(ctx, "/f", 0, 0)));
  }

  @Test
  void anUnlinkedOpenFileKeepsItsDataUntilTheLastClose() {
    long before = fx.t.frames.framesInUse();
    OpenFile f = fx.create("/f", "data");
    assertEquals(before + 1, fx.t.frames.framesInUse());
    unlink("/f");
    fails(Errno.ENOENT, () -> look("/f"));
    assertEquals(0, f.inode().nlink());
    assertEquals("data", FsFixture.readAll(f));
    f.release();
    assertEquals(before, fx.t.frames.framesInUse(), "frames given back");
  }

  @Test
  void hardLinksCountNames() {
    OpenFile f = fx.create("/f", "x");
    f.release();
    vfs.linkAt(ctx, ctx.cwd(), "/f", ctx.cwd(), "/g", false);
    assertSame(look("/f"), look("/g"));
    assertEquals(2, look("/f").nlink());
    fails(Errno.EEXIST, () -> vfs.linkAt(ctx, ctx.cwd(), "/f", ctx.cwd(), "/g", false));
    mkdir("/d");
    fails(Errno.EPERM, () -> vfs.linkAt(ctx, ctx.cwd(), "/d", ctx.cwd(), "/d2", false));
    unlink("/f");
    assertEquals(1, look("/g").nlink());
    vfs.mkdirs("/dev", 0755);
    vfs.mount("/dev", new DevFs(vfs, b -> {}).fileSystem());
    fails(Errno.EXDEV, () -> vfs.linkAt(ctx, ctx.cwd(), "/g", ctx.cwd(), "/dev/g", false));
    fails(Errno.EXDEV, () -> rename("/g", "/dev/g", 0));
  }

  @Test
  void renameReplacesMovesAndExchanges() {
    fx.create("/a", "A").release();
    fx.create("/b", "B").release();
    mkdir("/d");
    mkdir("/e");
    fx.create("/e/x", "").release();
    fails(Errno.EEXIST, () -> rename("/a", "/b", FileConstants.RENAME_NOREPLACE));
    fails(Errno.EINVAL, () -> rename("/a", "/b", 3));
    fails(Errno.ENOENT, () -> rename("/a", "/c", FileConstants.RENAME_EXCHANGE));
    fails(Errno.EISDIR, () -> rename("/a", "/d", 0));
    fails(Errno.ENOTDIR, () -> rename("/d", "/a", 0));
    fails(Errno.ENOTEMPTY, () -> rename("/d", "/e", 0));
    fails(Errno.EINVAL, () -> rename("/d", "/d/sub", 0));
    fails(Errno.ENOTDIR, () -> rename("/a/", "/z", 0));
    fails(Errno.EBUSY, () -> rename("/d/.", "/z", 0));
    rename("/a", "/b", FileConstants.RENAME_EXCHANGE);
    assertEquals("B", FsFixture.readAll(vfs.open(ctx, "/a", 0, 0)));
    rename("/a", "/b", 0);
    assertEquals("B", FsFixture.readAll(vfs.open(ctx, "/b", 0, 0)));
    fails(Errno.ENOENT, () -> look("/a"));
    DirInode d = (DirInode) look("/d");
    int rootLinks = vfs.root().nlink();
    rename("/d", "/e/d", 0);
    assertSame(d, look("/e/d"));
    assertSame(look("/e"), look("/e/d/.."));
    assertEquals(rootLinks - 1, vfs.root().nlink());
    assertEquals("/e/d", vfs.pathOf(ctx, d));
    rename("/b", "/b", 0);
    assertTrue(look("/b").isRegular());
  }

  @Test
  void mountsAreCrossedBothWays() {
    vfs.mkdirs("/proc", 0555);
    vfs.mkdirs("/tmp", 0555);
    ProcFs proc = new ProcFs(vfs, FsFixture.fakeProc());
    vfs.mount("/proc", proc);
    assertSame(proc.root(), look("/proc"));
    assertSame(vfs.root(), look("/proc/.."));
    assertSame(vfs.root(), look("/proc/1/../.."));
    assertEquals("/proc/1", vfs.pathOf(ctx, (DirInode) look("/proc/1")));
    fails(Errno.EBUSY, () -> rmdir("/proc"));
    fails(Errno.EBUSY, () -> vfs.mount("/tmp", proc));
  }

  @Test
  void readAllWantsAnExecutableRegularFile() {
    fails(Errno.ENOENT, () -> vfs.writeFile("/bin/x", new byte[] {1, 2, 3}, 0755));
    vfs.mkdirs("/bin", 0755);
    vfs.writeFile("/bin/x", new byte[] {1, 2, 3}, 0755);
    vfs.writeFile("/bin/data", new byte[] {1}, 0644);
    assertArrayEquals(new byte[] {1, 2, 3}, Vfs.readAll(vfs.executable(ctx, "/bin/x")));
    fails(Errno.EACCES, () -> Vfs.readAll(vfs.executable(ctx, "/bin/data")));
    fails(Errno.EACCES, () -> Vfs.readAll(vfs.executable(ctx, "/bin")));
    fails(Errno.ENOENT, () -> Vfs.readAll(vfs.executable(ctx, "/bin/none")));
  }

  @Test
  void aRunningProgramsFileIsNotWrittenAndAFileOpenForWritingDoesNotRun() {
    vfs.mkdirs("/bin", 0755);
    vfs.writeFile("/bin/x", new byte[] {1, 2, 3}, 0755);
    OpenFile w = vfs.open(ctx, "/bin/x", FileConstants.O_WRONLY, 0);
    fails(Errno.ETXTBSY, () -> vfs.executable(ctx, "/bin/x"));
    OpenFile r = vfs.open(ctx, "/bin/x", FileConstants.O_RDONLY, 0);
    w.release();
    TmpFile file = (TmpFile) vfs.executable(ctx, "/bin/x");
    r.release();

    // A process runs it: its segments are mapped as the loader maps them.
    AddressSpace space = new AddressSpace(fx.t.frames, () -> {});
    space.map(
        new Vma(
            0x10000,
            0x11000,
            Prot.RX,
            Vma.Kind.IMAGE,
            MappableFile.program(file.data(), "/bin/x", file.ino()),
            0,
            false,
            null));
    fails(Errno.ETXTBSY, () -> vfs.open(ctx, "/bin/x", FileConstants.O_WRONLY, 0));
    fails(Errno.ETXTBSY, () -> vfs.open(ctx, "/bin/x", FileConstants.O_RDWR, 0));
    fails(
        Errno.ETXTBSY,
        () -> vfs.open(ctx, "/bin/x", FileConstants.O_RDONLY | FileConstants.O_TRUNC, 0));
    fails(Errno.ETXTBSY, () -> vfs.truncate(file, 0));
    assertEquals(3, file.size(), "nothing was truncated");
    vfs.open(ctx, "/bin/x", FileConstants.O_RDONLY, 0).release();
    vfs.executable(ctx, "/bin/x");
    // A mapping that is not a loaded program's does not hold the file.
    space.map(
        new Vma(
            0x10000,
            0x11000,
            Prot.R,
            Vma.Kind.FILE,
            MappableFile.program(file.data(), "/bin/x", file.ino()),
            0,
            false,
            null));
    vfs.open(ctx, "/bin/x", FileConstants.O_RDWR, 0).release();
    space.release();
    vfs.open(ctx, "/bin/x", FileConstants.O_WRONLY | FileConstants.O_TRUNC, 0).release();
    assertEquals(0, file.size());
  }

  @Test
  void directoriesListInCreationOrderWithResumablePositions() {
    mkdir("/d");
    for (String n : List.of("c", "a", "b")) {
      fx.create("/d/" + n, "").release();
    }
    DirInode d = (DirInode) look("/d");
    List<String> names = new ArrayList<>();
    for (DirInode.Entry e : d.entriesFrom(0)) {
      names.add(e.name());
    }
    assertEquals(List.of("c", "a", "b"), names);
    long afterC = d.entriesFrom(0).get(0).nextPos();
    unlink("/d/c");
    assertEquals("a", d.entriesFrom(afterC).get(0).name(), "removing a seen name shifts nothing");
    assertNull(d.lookup("c"));
  }

  @Test
  void truncateAndChmod() {
    OpenFile f = fx.create("/f", "hello");
    fx.nowNs += 5;
    vfs.truncate(f.inode(), 2);
    assertEquals(2, f.inode().size());
    assertEquals(fx.nowNs, f.inode().mtimeNs());
    fails(Errno.EINVAL, () -> vfs.truncate(f.inode(), -1));
    fails(Errno.EISDIR, () -> vfs.truncate(vfs.root(), 0));
    fails(Errno.EFBIG, () -> vfs.truncate(f.inode(), Vfs.MAX_FILE_SIZE + 1));
    vfs.chmod(f.inode(), 04711);
    assertEquals(FileConstants.S_IFREG | 04711, f.inode().mode());
  }
}
