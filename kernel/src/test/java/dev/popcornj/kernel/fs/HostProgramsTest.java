package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.mm.PageCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's copies of host programs: one per file as it is on the host, kept a while. */
class HostProgramsTest {
  @TempDir Path host;
  private final FsFixture fx = new FsFixture();
  private Vfs vfs;
  private FsContext ctx;
  private HostPrograms programs;

  @BeforeEach
  void mountTheTempDirectoryAsRoot() {
    vfs = fx.vfs;
    vfs.mountRoot(vfs.newHostFs(host));
    ctx = vfs.newContext();
    programs = new HostPrograms(fx.t.frames);
  }

  private Path program(String name, byte[] bytes) throws IOException {
    Path p = host.resolve(name);
    Files.write(p, bytes);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + seed);
    }
    return b;
  }

  private static byte[] contents(PageCache c) {
    byte[] b = new byte[(int) c.size()];
    c.read(0, b, 0, b.length);
    return b;
  }

  @Test
  void oneCopyStandsForAFileUntilTheHostChangesIt() throws IOException {
    Path p = program("prog", bytes(10_000, 1));
    assertNull(programs.copyOf(vfs.executable(ctx, "/prog")), "run once: copied into its process");
    PageCache first = programs.copyOf(vfs.executable(ctx, "/prog"));
    assertArrayEquals(bytes(10_000, 1), contents(first));
    assertSame(first, programs.copyOf(vfs.executable(ctx, "/prog")), "the same file: one copy");

    Files.write(p, bytes(10_000, 2)); // same size, new contents and times
    Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 5));
    assertNull(programs.copyOf(vfs.executable(ctx, "/prog")), "the new file runs once");
    PageCache second = programs.copyOf(vfs.executable(ctx, "/prog"));
    assertNotSame(first, second);
    assertArrayEquals(bytes(10_000, 2), contents(second));
    assertArrayEquals(bytes(10_000, 1), contents(first), "what runs keeps its copy");
  }

  @Test
  void keepsTheProgramsRunMostRecently() throws IOException {
    for (int i = 0; i <= HostPrograms.KEPT; i++) {
      program("p" + i, bytes(5_000, i));
    }
    programs.copyOf(vfs.executable(ctx, "/p0"));
    PageCache p0 = programs.copyOf(vfs.executable(ctx, "/p0"));
    long free = fx.t.frames.framesFree();
    for (int i = 1; i <= HostPrograms.KEPT; i++) {
      programs.copyOf(vfs.executable(ctx, "/p" + i));
      programs.copyOf(vfs.executable(ctx, "/p" + i));
    }
    assertEquals(HostPrograms.KEPT, programs.size());
    assertTrue(p0.isReleased(), "the least recently run, mapped by nobody, is freed");
    assertEquals(free - 2L * (HostPrograms.KEPT - 1), fx.t.frames.framesFree());
    assertNull(programs.copyOf(vfs.executable(ctx, "/p0")), "forgotten: run once again");
    assertNotSame(p0, programs.copyOf(vfs.executable(ctx, "/p0")), "then kept again");
  }

  @Test
  void givesNoCopyOfAFileInTheKernelsMemory() throws IOException {
    Files.createDirectory(host.resolve("tmp"));
    vfs.mount("/tmp", vfs.newTmpfs("tmpfs"));
    vfs.writeFile("/tmp/prog", bytes(100, 3), 0755);
    assertNull(programs.copyOf(vfs.executable(ctx, "/tmp/prog")));
  }

  @Test
  void copiesTakeAtMostAQuarterOfTheFreeMemory() throws IOException {
    long free = fx.t.frames.framesFree();
    int big = (int) (free / HostPrograms.SHARE + 1) * 4096;
    program("big", bytes(big, 4));
    program("small", bytes(4096, 5));
    for (int i = 0; i < 3; i++) {
      assertNull(programs.copyOf(vfs.executable(ctx, "/big")), "run " + i + ": too large to keep");
    }
    programs.copyOf(vfs.executable(ctx, "/small"));
    assertTrue(programs.copyOf(vfs.executable(ctx, "/small")) != null, "a small one is kept");
    assertEquals(free - 1, fx.t.frames.framesFree());
  }
}
