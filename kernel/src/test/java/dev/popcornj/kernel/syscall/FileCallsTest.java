package dev.popcornj.kernel.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.FsFixture;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileCallsTest {
  private static final long BUF = 0x1000_0000L;
  private static final long PATH = BUF + 0x3000;
  private static final long PATH2 = BUF + 0x3800;
  private static final int CWD = FileConstants.AT_FDCWD;

  private final FsFixture fx = new FsFixture();
  private final FileTable table = new FileTable();
  private int sigpipes;
  private final FileCalls calls =
      new FileCalls(
          fx.vfs,
          new FileCalls.Caller() {
            @Override
            public UserMemory memory() {
              return fx.t.user;
            }

            @Override
            public FileTable files() {
              return table;
            }

            @Override
            public FsContext fs() {
              return fx.ctx;
            }

            @Override
            public void raiseSigpipe() {
              sigpipes++;
            }
          });

  FileCallsTest() {
    fx.t.space.map(BUF, 8 * MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
  }

  private long path(String p) {
    put(PATH, p);
    return PATH;
  }

  private long path2(String p) {
    put(PATH2, p);
    return PATH2;
  }

  private void put(long addr, String s) {
    fx.t.user.write(addr, (s + "\0").getBytes(StandardCharsets.ISO_8859_1));
  }

  private String get(long addr, int n) {
    return new String(fx.t.user.read(addr, n), StandardCharsets.ISO_8859_1);
  }

  private long u64(long addr) {
    return fx.t.user.read64(addr);
  }

  private int u32(long addr) {
    return fx.t.user.read32(addr);
  }

  private int u16(long addr) {
    return fx.t.user.read32(addr) & 0xffff;
  }

  private long create(String p, String contents) {
    long fd =
        calls.openat(
            CWD,
            path(p),
            FileConstants.O_CREAT | FileConstants.O_RDWR | FileConstants.O_TRUNC,
            0644);
    put(BUF, contents);
    assertEquals(contents.length(), calls.write(fd, BUF, contents.length()));
    return fd;
  }

  @Test
  void statHasTheAsmGenericLayout() {
    fx.nowNs = 1_234_567_890_123_456_789L;
    long fd = create("/f", "hello");
    assertEquals(0, calls.fstat(fd, BUF));
    assertEquals(fx.vfs.root().dev(), u64(BUF));
    assertEquals(table.get(fd).inode().ino(), u64(BUF + 8));
    assertEquals(FileConstants.S_IFREG | 0644, u32(BUF + 16), "st_mode at 16");
    assertEquals(1, u32(BUF + 20), "st_nlink at 20");
    assertEquals(0, u32(BUF + 24), "st_uid");
    assertEquals(5, u64(BUF + 48), "st_size at 48");
    assertEquals(4096, u32(BUF + 56), "st_blksize at 56");
    assertEquals(8, u64(BUF + 64), "st_blocks at 64: one page in 512-byte units");
    assertEquals(1_234_567_890L, u64(BUF + 72), "st_atime at 72");
    assertEquals(123_456_789L, u64(BUF + 80), "st_atime_nsec at 80");
    assertEquals(1_234_567_890L, u64(BUF + 88), "st_mtime at 88");
    assertEquals(1_234_567_890L, u64(BUF + 104), "st_ctime at 104");
    assertEquals(0, calls.newfstatat(CWD, path("/f"), BUF + 200, 0));
    assertEquals(get(BUF, 128), get(BUF + 200, 128));
    assertEquals(0, calls.newfstatat(fd, path(""), BUF + 200, FileConstants.AT_EMPTY_PATH));
    assertEquals(get(BUF, 128), get(BUF + 200, 128));
    assertEquals(-Errno.ENOENT, calls.newfstatat(fd, path(""), BUF, 0));
    assertEquals(-Errno.EINVAL, calls.newfstatat(CWD, path("/f"), BUF, 1));
  }

  @Test
  void statxHasItsLayout() {
    create("/f", "abc");
    assertEquals(0, calls.statx(CWD, path("/f"), 0, 0x7ff, BUF));
    assertEquals(0x7ff, u32(BUF), "stx_mask");
    assertEquals(FileConstants.S_IFREG | 0644, u16(BUF + 28), "stx_mode at 28");
    assertEquals(3, u64(BUF + 40), "stx_size at 40");
    assertEquals(fx.vfs.lookup(fx.ctx, "/f", true).ino(), u64(BUF + 32));
    fx.vfs.mkdirs("/dev", 0755);
    fx.vfs.mount("/dev", new dev.popcornj.kernel.fs.DevFs(fx.vfs, b -> {}).fileSystem());
    assertEquals(0, calls.statx(CWD, path("/dev/urandom"), 0, 0x7ff, BUF));
    assertEquals(1, u32(BUF + 128), "rdev major at 128");
    assertEquals(9, u32(BUF + 132), "rdev minor at 132");
    assertEquals(FileConstants.S_IFCHR | 0666, u16(BUF + 28));
    assertEquals(-Errno.EINVAL, calls.statx(CWD, path("/f"), 0x6000, 0x7ff, BUF));
  }

  @Test
  void getdentsWritesDirent64RecordsAndResumes() {
    assertEquals(0, calls.mkdirat(CWD, path("/d"), 0755));
    create("/d/file", "");
    assertEquals(0, calls.symlinkat(path2("file"), CWD, path("/d/link")));
    long fd = calls.openat(CWD, path("/d"), FileConstants.O_DIRECTORY, 0);
    assertEquals(-Errno.EINVAL, calls.getdents64(fd, BUF, 10), "too small for one record");
    assertEquals(24, calls.getdents64(fd, BUF, 24 + 23), "only \".\" fits");
    assertEquals(fx.vfs.lookup(fx.ctx, "/d", true).ino(), u64(BUF));
    assertEquals(1, u64(BUF + 8), "d_off");
    assertEquals(24, u16(BUF + 16), "d_reclen: 19 + 2 rounded up to 8");
    assertEquals(FileConstants.DT_DIR, fx.t.user.read(BUF + 18, 1)[0]);
    assertEquals(".\0", get(BUF + 19, 2));
    long n = calls.getdents64(fd, BUF, 4096);
    assertEquals(24 + 24 + 24, n, "\"..\", \"file\" and \"link\": 19 + 5 rounds up to 24");
    assertEquals("..", get(BUF + 19, 2));
    assertEquals("file", get(BUF + 24 + 19, 4));
    assertEquals(FileConstants.DT_REG, fx.t.user.read(BUF + 24 + 18, 1)[0]);
    assertEquals(FileConstants.DT_LNK, fx.t.user.read(BUF + 48 + 18, 1)[0]);
    assertEquals(0, calls.getdents64(fd, BUF, 4096), "end of directory");
    assertEquals(0, calls.lseek(fd, 0, FileConstants.SEEK_SET));
    assertEquals(24 + 24 + 24 + 24, calls.getdents64(fd, BUF, 4096));
    long file = calls.openat(CWD, path("/d/file"), 0, 0);
    assertEquals(-Errno.ENOTDIR, calls.getdents64(file, BUF, 4096));
    assertEquals(-Errno.EISDIR, calls.read(fd, BUF, 10));
  }

  @Test
  void readWriteSeekAndPositionedIo() {
    long fd = create("/f", "hello world");
    assertEquals(6, calls.lseek(fd, 6, FileConstants.SEEK_SET));
    assertEquals(5, calls.read(fd, BUF + 100, 64));
    assertEquals("world", get(BUF + 100, 5));
    assertEquals(0, calls.read(fd, BUF + 100, 64));
    assertEquals(4, calls.pread64(fd, BUF + 200, 4, 1));
    assertEquals("ello", get(BUF + 200, 4));
    assertEquals(11, calls.lseek(fd, 0, FileConstants.SEEK_CUR), "pread leaves the offset");
    put(BUF, "J");
    assertEquals(1, calls.pwrite64(fd, BUF, 1, 0));
    assertEquals(1, calls.lseek(fd, -10, FileConstants.SEEK_END));
    assertEquals(-Errno.EINVAL, calls.lseek(fd, -100, FileConstants.SEEK_CUR));
    assertEquals(-Errno.EINVAL, calls.lseek(fd, 0, 7));
    assertEquals(-Errno.EINVAL, calls.pread64(fd, BUF, 1, -1));
    assertEquals(-Errno.EINVAL, calls.pread64(fd, BUF, 1, Long.MAX_VALUE - 1));
    assertEquals(0, calls.ftruncate(fd, 2));
    assertEquals(0, calls.lseek(fd, 0, FileConstants.SEEK_SET));
    assertEquals(2, calls.read(fd, BUF + 300, 64));
    assertEquals("Je", get(BUF + 300, 2));
    assertEquals(-Errno.EBADF, calls.read(99, BUF, 1));
    long ro = calls.openat(CWD, path("/f"), FileConstants.O_RDONLY, 0);
    assertEquals(-Errno.EBADF, calls.write(ro, BUF, 1));
    assertEquals(-Errno.EINVAL, calls.ftruncate(ro, 0));
    assertThrows(BadAddressException.class, () -> calls.read(ro, 0x10, 1));
  }

  @Test
  void vectorsGatherAndScatter() {
    long fd = create("/f", "");
    put(BUF + 512, "ab");
    put(BUF + 600, "cde");
    fx.t.user.write64(BUF, BUF + 512);
    fx.t.user.write64(BUF + 8, 2);
    fx.t.user.write64(BUF + 16, BUF + 600);
    fx.t.user.write64(BUF + 24, 3);
    assertEquals(5, calls.writev(fd, BUF, 2));
    fx.t.user.write64(BUF + 8, 3);
    fx.t.user.write64(BUF + 24, 10);
    assertEquals(5, calls.preadv(fd, BUF, 2, 0));
    assertEquals("abc", get(BUF + 512, 3));
    assertEquals("de", get(BUF + 600, 2));
    assertEquals(-Errno.EINVAL, calls.readv(fd, BUF, -1));
  }

  @Test
  void pipesCarryBytesAndABrokenOneRaisesSigpipe() {
    assertEquals(0, calls.pipe2(BUF, FileConstants.O_CLOEXEC));
    int r = u32(BUF);
    int w = u32(BUF + 4);
    assertEquals(0, r);
    assertEquals(1, w);
    assertEquals(FileConstants.FD_CLOEXEC, calls.fcntl(w, FileConstants.F_GETFD, 0));
    put(BUF + 100, "ping");
    assertEquals(4, calls.write(w, BUF + 100, 4));
    assertEquals(0, calls.ioctl(r, FileConstants.FIONREAD, BUF + 200));
    assertEquals(4, u32(BUF + 200));
    assertEquals(4, calls.read(r, BUF + 300, 100));
    assertEquals(-Errno.ESPIPE, calls.lseek(r, 0, FileConstants.SEEK_SET));
    assertEquals(-Errno.ERESTARTSYS, calls.read(r, BUF + 300, 100), "empty: the wait is cut");
    assertEquals(0, calls.fcntl(r, FileConstants.F_SETFL, FileConstants.O_NONBLOCK));
    assertEquals(FileConstants.O_NONBLOCK, calls.fcntl(r, FileConstants.F_GETFL, 0));
    assertEquals(-Errno.EAGAIN, calls.read(r, BUF + 300, 100));
    assertEquals(0, calls.close(r));
    assertEquals(-Errno.EPIPE, calls.write(w, BUF + 100, 4));
    assertEquals(1, sigpipes);
    assertEquals(-Errno.EINVAL, calls.pipe2(BUF, 1));
    assertEquals(-Errno.EFAULT, calls.pipe2(0x10, 0));
    assertEquals(1, table.count(), "a failed pipe2 leaves no descriptors");
  }

  @Test
  void descriptorsDupAndCarryFlags() {
    long fd = create("/f", "x");
    assertEquals(1, calls.dup(fd));
    assertEquals(10, calls.dup3(fd, 10, FileConstants.O_CLOEXEC));
    assertEquals(FileConstants.FD_CLOEXEC, calls.fcntl(10, FileConstants.F_GETFD, 0));
    assertEquals(-Errno.EINVAL, calls.dup3(fd, fd, 0));
    assertEquals(-Errno.EBADF, calls.dup3(fd, FileTable.MAX_FILES, 0));
    assertEquals(11, calls.fcntl(fd, FileConstants.F_DUPFD, 11));
    assertEquals(
        FileConstants.O_RDWR | FileConstants.O_LARGEFILE,
        calls.fcntl(fd, FileConstants.F_GETFL, 0));
    assertEquals(
        0, calls.fcntl(fd, FileConstants.F_SETFL, FileConstants.O_APPEND | FileConstants.O_RDONLY));
    assertEquals(
        FileConstants.O_RDWR | FileConstants.O_APPEND | FileConstants.O_LARGEFILE,
        calls.fcntl(1, FileConstants.F_GETFL, 0),
        "F_SETFL changes only status flags, and descriptors share them");
    assertEquals(0, calls.fcntl(fd, FileConstants.F_SETLK, BUF));
    assertEquals(-Errno.EINVAL, calls.fcntl(fd, 9999, 0));
    assertEquals(-Errno.ENOTTY, calls.ioctl(fd, FileConstants.TCGETS, BUF));
    assertEquals(0, calls.ioctl(fd, FileConstants.FIOCLEX, 0));
    assertEquals(FileConstants.FD_CLOEXEC, calls.fcntl(fd, FileConstants.F_GETFD, 0));
    assertEquals(0, calls.close(fd));
    assertEquals(-Errno.EBADF, calls.close(fd));
  }

  @Test
  void namesAndDirectories() {
    assertEquals(0, calls.mkdirat(CWD, path("/d"), 0777));
    assertEquals(-Errno.EEXIST, calls.mkdirat(CWD, path("/d"), 0777));
    assertEquals(0, calls.chdir(path("/d")));
    assertEquals(3, calls.getcwd(BUF, 100));
    assertEquals("/d\0", get(BUF, 3));
    assertEquals(-Errno.ERANGE, calls.getcwd(BUF, 2));
    create("rel", "x");
    long dirfd = calls.openat(CWD, path("/"), FileConstants.O_PATH | FileConstants.O_DIRECTORY, 0);
    assertEquals(0, calls.faccessat(dirfd, path("d/rel"), FileConstants.R_OK | FileConstants.W_OK));
    assertEquals(-Errno.EACCES, calls.faccessat(dirfd, path("d/rel"), FileConstants.X_OK));
    assertEquals(0, calls.fchmodat(dirfd, path("d/rel"), 0755));
    assertEquals(0, calls.faccessat(dirfd, path("d/rel"), FileConstants.X_OK));
    assertEquals(0, calls.symlinkat(path2("rel"), CWD, path("ln")));
    assertEquals(3, calls.readlinkat(CWD, path("ln"), BUF, 64));
    assertEquals("rel", get(BUF, 3));
    assertEquals(2, calls.readlinkat(CWD, path("ln"), BUF, 2), "truncated, no NUL");
    assertEquals(-Errno.EINVAL, calls.readlinkat(CWD, path("rel"), BUF, 64));
    assertEquals(0, calls.linkat(CWD, path("rel"), CWD, path2("hard"), 0));
    assertEquals(0, calls.renameat2(CWD, path("hard"), dirfd, path2("top"), 0));
    assertEquals(0, calls.newfstatat(CWD, path("/top"), BUF, 0));
    assertEquals(2, u32(BUF + 20), "two names");
    assertEquals(0, calls.unlinkat(CWD, path("/top"), 0));
    assertEquals(-Errno.ENOTEMPTY, calls.unlinkat(CWD, path("/d"), FileConstants.AT_REMOVEDIR));
    assertEquals(-Errno.EINVAL, calls.unlinkat(CWD, path("/d"), 1));
    assertEquals(0, calls.fchdir(dirfd));
    assertEquals(2, calls.getcwd(BUF, 100));
    assertEquals(-Errno.ENOTDIR, calls.chdir(path("/d/rel")));
    put(PATH, "a".repeat(FileConstants.PATH_MAX));
    assertEquals(-Errno.ENAMETOOLONG, calls.openat(CWD, PATH, 0, 0));
    assertEquals(022, calls.umask(077));
    assertEquals(077, calls.umask(022));
  }

  @Test
  void utimensatSetsOrKeepsEachTime() {
    long fd = create("/f", "");
    fx.t.user.write64(BUF, 100);
    fx.t.user.write64(BUF + 8, 5);
    fx.t.user.write64(BUF + 16, 0);
    fx.t.user.write64(BUF + 24, FileConstants.UTIME_OMIT);
    long mtime = table.get(fd).inode().mtimeNs();
    assertEquals(0, calls.utimensat(CWD, path("/f"), BUF, 0));
    assertEquals(100_000_000_005L, table.get(fd).inode().atimeNs());
    assertEquals(mtime, table.get(fd).inode().mtimeNs());
    fx.t.user.write64(BUF + 8, 1_000_000_000L);
    assertEquals(-Errno.EINVAL, calls.utimensat(CWD, path("/f"), BUF, 0));
    fx.nowNs += 77;
    assertEquals(0, calls.utimensat(fd, 0, 0, 0));
    assertEquals(fx.nowNs, table.get(fd).inode().mtimeNs());
  }

  @Test
  void locksAdviceAllocationAndCloseRange() {
    long fd = create("/f", "ab");
    assertEquals(0, calls.flock(fd, FileConstants.LOCK_EX | FileConstants.LOCK_NB));
    assertEquals(-Errno.EINVAL, calls.flock(fd, 3));
    assertEquals(0, calls.fadvise64(fd, 0, 0, 4));
    assertEquals(0, calls.fallocate(fd, 0, 100, 28));
    assertEquals(0, calls.newfstatat(CWD, path("/f"), BUF, 0));
    assertEquals(128, u64(BUF + 48), "grown to offset + length");
    assertEquals(0, calls.fallocate(fd, 0, 0, 1));
    assertEquals(0, calls.fstat(fd, BUF));
    assertEquals(128, u64(BUF + 48), "never shrinks");
    assertEquals(-Errno.EOPNOTSUPP, calls.fallocate(fd, 3, 0, 1));
    assertEquals(1, calls.dup(fd));
    assertEquals(2, calls.dup(fd));
    assertEquals(0, calls.closeRange(1, 2, FileConstants.CLOSE_RANGE_CLOEXEC));
    assertEquals(FileConstants.FD_CLOEXEC, calls.fcntl(2, FileConstants.F_GETFD, 0));
    assertEquals(0, calls.closeRange(1, 0xffffffffL, 0));
    assertEquals(1, table.count());
    assertEquals(-Errno.EINVAL, calls.closeRange(3, 2, 0));
  }
}
