package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcFsTest {
  private final FsFixture fx = new FsFixture();
  private final Vfs vfs = fx.vfs;

  ProcFsTest() {
    vfs.mkdirs("/proc", 0555);
    vfs.mount("/proc", new ProcFs(vfs, FsFixture.fakeProc()));
  }

  private List<String> list(String path) {
    List<String> names = new ArrayList<>();
    for (DirInode.Entry e : ((DirInode) vfs.lookup(fx.ctx, path, true)).entriesFrom(0)) {
      names.add(e.name());
    }
    return names;
  }

  private String read(String path) {
    return FsFixture.readAll(vfs.open(fx.ctx, path, FileConstants.O_RDONLY, 0));
  }

  @Test
  void theRootListsSystemFilesSelfAndProcesses() {
    assertEquals(
        List.of("cpuinfo", "meminfo", "popcorn", "version", "self", "1", "42"), list("/proc"));
    assertEquals(List.of("kernels"), list("/proc/popcorn"));
    assertEquals(
        List.of("cmdline", "comm", "environ", "maps", "stat", "status", "cwd", "exe"),
        list("/proc/1"));
  }

  @Test
  void filesAreMadeFromTheSourceAtOpen() {
    assertEquals("[meminfo]\n", read("/proc/meminfo"));
    assertEquals("[popcorn/kernels]\n", read("/proc/popcorn/kernels"));
    assertEquals("stat of 42\n", read("/proc/self/stat"));
    assertEquals("maps of 1\n", read("/proc/1/maps"));
    Inode stat = vfs.lookup(fx.ctx, "/proc/1/stat", true);
    assertEquals(FileConstants.S_IFREG | 0444, stat.mode());
    assertEquals(0, stat.size());
    assertEquals(stat.ino(), vfs.lookup(fx.ctx, "/proc/1/stat", true).ino(), "stable numbers");
  }

  @Test
  void linksPointWhereTheSourceSays() {
    assertEquals("42", ((SymlinkInode) vfs.lookup(fx.ctx, "/proc/self", false)).target());
    assertEquals("/sbin/init", ((SymlinkInode) vfs.lookup(fx.ctx, "/proc/1/exe", false)).target());
    assertTrue(vfs.lookup(fx.ctx, "/proc/self/cwd", true) == vfs.root());
  }

  @Test
  void missingProcessesAndWritesFail() {
    assertEquals(
        Errno.ENOENT,
        assertThrows(FsException.class, () -> vfs.lookup(fx.ctx, "/proc/7/stat", true)).errno());
    assertEquals(
        Errno.ENOENT,
        assertThrows(FsException.class, () -> vfs.lookup(fx.ctx, "/proc/042", true)).errno());
    byte[] b = {1};
    assertEquals(
        -Errno.EIO,
        vfs.open(fx.ctx, "/proc/meminfo", FileConstants.O_WRONLY, 0).write(b, 0, 1),
        "root opens it; the write fails");
    assertEquals(
        -Errno.EINVAL, vfs.open(fx.ctx, "/proc/1/stat", FileConstants.O_RDWR, 0).write(b, 0, 1));
    assertEquals(
        Errno.EACCES,
        assertThrows(
                FsException.class,
                () ->
                    vfs.open(
                        fx.ctx, "/proc/new", FileConstants.O_CREAT | FileConstants.O_WRONLY, 0644))
            .errno());
    assertEquals(
        Errno.EPERM,
        assertThrows(FsException.class, () -> vfs.mkdirAt(fx.ctx, fx.ctx.cwd(), "/proc/d", 0755))
            .errno());
  }
}
