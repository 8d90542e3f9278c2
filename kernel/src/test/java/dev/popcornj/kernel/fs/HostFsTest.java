package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class HostFsTest {
  @TempDir Path host;
  private final FsFixture fx = new FsFixture();
  private Vfs vfs;
  private FsContext ctx;
  private HostFs hostFs;

  @BeforeEach
  void mountTheTempDirectoryAsRoot() throws IOException {
    Files.writeString(host.resolve("hello.txt"), "hello, host");
    Files.createDirectories(host.resolve("dir/sub"));
    Files.writeString(host.resolve("dir/b"), "b");
    Files.writeString(host.resolve("dir/a"), "a");
    vfs = fx.vfs;
    hostFs = vfs.newHostFs(host);
    vfs.mountRoot(hostFs);
    ctx = vfs.newContext();
  }

  private static void fails(int errno, Executable op) {
    FsException e = assertThrows(FsException.class, op);
    assertEquals(Errno.name(errno), Errno.name(e.errno()));
  }

  @Test
  void mapsJavaNioFailuresToLinuxErrno() {
    int denied = Errno.EPERM;
    assertEquals(Errno.ENOENT, HostFs.errno(new NoSuchFileException("f"), denied));
    assertEquals(Errno.EPERM, HostFs.errno(new AccessDeniedException("f"), denied));
    assertEquals(Errno.EACCES, HostFs.errno(new AccessDeniedException("f"), Errno.EACCES));
    assertEquals(Errno.EEXIST, HostFs.errno(new FileAlreadyExistsException("f"), denied));
    assertEquals(Errno.ENOTEMPTY, HostFs.errno(new DirectoryNotEmptyException("f"), denied));
    assertEquals(Errno.ENOTDIR, HostFs.errno(new NotDirectoryException("f"), denied));
    assertEquals(Errno.EXDEV, HostFs.errno(new AtomicMoveNotSupportedException("a", "b", "x"), 0));
    assertEquals(
        Errno.ELOOP,
        HostFs.errno(new FileSystemException("f", null, "Too many levels of symbolic links"), 0));
    assertEquals(
        Errno.ENAMETOOLONG,
        HostFs.errno(new FileSystemException("f", null, "File name too long"), 0));
    assertEquals(
        Errno.EISDIR, HostFs.errno(new FileSystemException("f", null, "Is a directory"), 0));
    assertEquals(Errno.EIO, HostFs.errno(new FileSystemException("f", null, "something else"), 0));
    assertEquals(Errno.EIO, HostFs.errno(new IOException("disk on fire"), 0));
  }

  @Test
  void readsHostFilesWithTheirAttributes() throws IOException {
    OpenFile f = vfs.open(ctx, "/hello.txt", FileConstants.O_RDONLY, 0);
    assertEquals("hello, host", FsFixture.readAll(f));
    Inode n = f.inode();
    assertEquals(Files.getAttribute(host.resolve("hello.txt"), "unix:ino"), n.ino());
    assertEquals(Files.getAttribute(host.resolve("hello.txt"), "unix:dev"), n.dev());
    assertEquals(11, n.size());
    assertEquals(FileConstants.S_IFREG, n.type());
    assertSame(n, vfs.lookup(ctx, "/dir/../hello.txt", true), "one inode per host file");
    f.release();
  }

  @Test
  void listsDirectoriesSortedByName() {
    DirInode dir = (DirInode) vfs.lookup(ctx, "/dir", true);
    List<String> names = dir.entriesFrom(2).stream().map(DirInode.Entry::name).toList();
    assertEquals(List.of("a", "b", "sub"), names);
    assertEquals(
        List.of("b", "sub"), dir.entriesFrom(3).stream().map(DirInode.Entry::name).toList());
    assertEquals("/dir/sub", vfs.pathOf(ctx, (DirInode) vfs.lookup(ctx, "/dir/sub", true)));
  }

  @Test
  void failsAsLinuxDoes() {
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/missing", true));
    fails(Errno.ENOTDIR, () -> vfs.lookup(ctx, "/hello.txt/x", true));
    fails(Errno.EISDIR, () -> vfs.open(ctx, "/dir", FileConstants.O_WRONLY, 0));
    fails(Errno.EEXIST, () -> vfs.mkdirAt(ctx, ctx.cwd(), "/dir", 0755));
    fails(Errno.ENOTEMPTY, () -> vfs.unlinkAt(ctx, ctx.cwd(), "/dir", true));
    fails(Errno.ENOTDIR, () -> vfs.unlinkAt(ctx, ctx.cwd(), "/hello.txt", true));
    fails(Errno.EISDIR, () -> vfs.unlinkAt(ctx, ctx.cwd(), "/dir", false));
    fails(Errno.EINVAL, () -> vfs.renameAt(ctx, ctx.cwd(), "/dir", ctx.cwd(), "/dir/sub/x", 0));
    fails(Errno.ENAMETOOLONG, () -> vfs.lookup(ctx, "/" + "n".repeat(300), true));
    fails(
        Errno.EEXIST,
        () ->
            vfs.open(
                ctx,
                "/hello.txt",
                FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_WRONLY,
                0644));
  }

  @Test
  void followsHostSymlinksAndFindsLoops() throws IOException {
    Files.createSymbolicLink(host.resolve("link"), Path.of("hello.txt"));
    Files.createSymbolicLink(host.resolve("abs"), Path.of("/dir/a"));
    Files.createSymbolicLink(host.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(host.resolve("loop2"), Path.of("loop1"));
    assertSame(vfs.lookup(ctx, "/hello.txt", true), vfs.lookup(ctx, "/link", true));
    // An absolute target is the guest's path: it stays inside the mounted tree.
    assertSame(vfs.lookup(ctx, "/dir/a", true), vfs.lookup(ctx, "/abs", true));
    assertEquals("hello.txt", ((SymlinkInode) vfs.lookup(ctx, "/link", false)).target());
    fails(Errno.ELOOP, () -> vfs.lookup(ctx, "/loop1", true));
    // ".." at the root stays at the root, as a chroot's does.
    assertSame(vfs.root(), vfs.lookup(ctx, "/../..", true));
  }

  @Test
  void createsRenamesLinksAndRemovesOnTheHost() throws IOException {
    OpenFile f = vfs.open(ctx, "/new.txt", FileConstants.O_CREAT | FileConstants.O_RDWR, 0640);
    byte[] b = "written".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(7, f.write(b, 0, b.length));
    f.release();
    assertEquals("written", Files.readString(host.resolve("new.txt")));
    assertEquals(0640, vfs.lookup(ctx, "/new.txt", true).mode() & 0777);
    vfs.renameAt(ctx, ctx.cwd(), "/new.txt", ctx.cwd(), "/dir/moved", 0);
    assertEquals("written", Files.readString(host.resolve("dir/moved")));
    vfs.linkAt(ctx, ctx.cwd(), "/dir/moved", ctx.cwd(), "/twin", true);
    assertEquals(2, vfs.lookup(ctx, "/twin", true).nlink());
    vfs.unlinkAt(ctx, ctx.cwd(), "/dir/moved", false);
    assertEquals(1, vfs.lookup(ctx, "/twin", true).nlink());
    vfs.mkdirAt(ctx, ctx.cwd(), "/made", 0700);
    assertEquals(true, Files.isDirectory(host.resolve("made")));
    vfs.unlinkAt(ctx, ctx.cwd(), "/made", true);
    assertEquals(false, Files.exists(host.resolve("made")));
    vfs.truncate(vfs.lookup(ctx, "/twin", true), 3);
    assertEquals("wri", Files.readString(host.resolve("twin")));
  }

  @Test
  void mappedPagesComeFromTheHostFileAndGoBack() throws IOException {
    OpenFile f = vfs.open(ctx, "/hello.txt", FileConstants.O_RDWR, 0);
    var cache = f.pageCache();
    assertNotNull(cache);
    byte[] got = new byte[5];
    cache.read(0, got, 0, 5);
    assertArrayEquals("hello".getBytes(StandardCharsets.ISO_8859_1), got);
    cache.write(0, "HELLO".getBytes(StandardCharsets.ISO_8859_1), 0, 5);
    cache.writeBack();
    assertEquals("HELLO, host", Files.readString(host.resolve("hello.txt")));
    f.release();
  }

  @Test
  void lookupPrefixIsTriedFirstForAbsolutePaths() throws IOException {
    Files.createDirectories(host.resolve("prefix/dir"));
    Files.writeString(host.resolve("prefix/dir/a"), "from the prefix");
    vfs.setLookupPrefix("/prefix");
    OpenFile f = vfs.open(ctx, "/dir/a", FileConstants.O_RDONLY, 0);
    assertEquals("from the prefix", FsFixture.readAll(f));
    f.release();
    OpenFile g = vfs.open(ctx, "/dir/b", FileConstants.O_RDONLY, 0);
    assertEquals("b", FsFixture.readAll(g), "not under the prefix: the path as it is");
    g.release();
  }

  @Test
  void directoriesOnTheWayStandForAWhileTheLastNameIsAlwaysAskedFor() throws IOException {
    Files.writeString(host.resolve("dir/sub/x"), "x");
    vfs.lookup(ctx, "/dir/sub/x", true);
    long before = hostFs.hostLookups();
    vfs.lookup(ctx, "/dir/sub/x", true);
    assertEquals(1, hostFs.hostLookups() - before, "only x, not dir and sub");
    Files.delete(host.resolve("dir/sub/x"));
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/dir/sub/x", true));
    fx.nowNs += HostFs.STEP_TTL_NS;
    before = hostFs.hostLookups();
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/dir/sub/x", true));
    assertEquals(3, hostFs.hostLookups() - before, "dir, sub and x once their time is up");
  }

  @Test
  void aStepNotFoundStandsAWhileUnlessTheKernelMakesIt() throws IOException {
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/later/x", true));
    Files.createDirectories(host.resolve("later"));
    Files.writeString(host.resolve("later/x"), "x");
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/later/x", true));
    fx.nowNs += HostFs.STEP_TTL_NS;
    assertNotNull(vfs.lookup(ctx, "/later/x", true), "made on the host: seen once its time is up");
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/mine/y", true));
    vfs.mkdirAt(ctx, ctx.cwd(), "/mine", 0755);
    vfs.open(ctx, "/mine/y", FileConstants.O_CREAT | FileConstants.O_RDWR, 0644).release();
    assertNotNull(vfs.lookup(ctx, "/mine/y", true), "made by the kernel: seen at once");
  }

  @Test
  void pastItsFirstLookupsTheCLibraryAnswersAsJavaNioDid() throws IOException {
    Inode before = vfs.lookup(ctx, "/hello.txt", true);
    while (hostFs.hostLookups() <= HostFs.NIO_LOOKUPS) {
      fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/missing", true));
    }
    assertTrue(HostStat.AVAILABLE);
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/missing", true));
    fails(Errno.ENOTDIR, () -> vfs.lookup(ctx, "/hello.txt/below", true));
    Inode after = vfs.lookup(ctx, "/hello.txt", true);
    assertSame(before, after, "the same host file, the same inode");
    assertEquals(11, after.size());
    assertEquals(Files.getAttribute(host.resolve("hello.txt"), "unix:ino"), after.ino());
    assertEquals(FileConstants.S_IFDIR, vfs.lookup(ctx, "/dir/sub", true).type());
  }

  @Test
  void whatTheKernelDoesToNamesDropsTheirStepsAtOnce() throws IOException {
    Files.writeString(host.resolve("dir/sub/x"), "x");
    vfs.lookup(ctx, "/dir/sub/x", true);
    vfs.renameAt(ctx, ctx.cwd(), "/dir/sub", ctx.cwd(), "/dir/moved", 0);
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/dir/sub/x", true));
    assertEquals("x", FsFixture.readAll(vfs.open(ctx, "/dir/moved/x", FileConstants.O_RDONLY, 0)));
    vfs.mkdirAt(ctx, ctx.cwd(), "/dir/sub", 0755);
    fails(Errno.ENOENT, () -> vfs.lookup(ctx, "/dir/sub/x", true));
    vfs.unlinkAt(ctx, ctx.cwd(), "/dir/sub", true);
    vfs.symlinkAt(ctx, "moved", ctx.cwd(), "/dir/sub");
    assertEquals(
        "x",
        FsFixture.readAll(vfs.open(ctx, "/dir/sub/x", FileConstants.O_RDONLY, 0)),
        "sub is now a link to moved");
  }

  /** execve reads a program into the kernel: a host file past the limit is refused unread. */
  @Test
  void aProgramFileLargerThanTheExecLimitIsRefusedWithEnomem() throws IOException {
    Path big = host.resolve("big");
    try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(dev.popcornj.kernel.param.Param.MAX_EXEC_BYTES + 1); // sparse: no host disk
    }
    Files.setPosixFilePermissions(
        big, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    fails(Errno.ENOMEM, () -> Vfs.readAll(vfs.executable(ctx, "/big")));
    Files.writeString(host.resolve("small"), "#!");
    Files.setPosixFilePermissions(
        host.resolve("small"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(2, Vfs.readAll(vfs.executable(ctx, "/small")).length);
  }
}
