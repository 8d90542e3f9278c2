package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** statx through the C library against java.nio's lstat, on the host the tests run on. */
class HostStatTest {
  @TempDir Path host;

  @Test
  void isAvailableOnTheLinuxHostsPopcornjRunsOn() {
    // the test JVM gets --enable-native-access like the launcher's; on Linux with glibc (every CI
    // and developer host) the fast path must be the one tested below
    assertTrue(HostStat.AVAILABLE, "statx through the C library");
  }

  @Test
  void agreesWithJavaNioOnEveryKindOfFile() throws IOException {
    Path file = Files.writeString(host.resolve("file"), "twelve bytes");
    Path dir = Files.createDirectory(host.resolve("dir"));
    Path link = Files.createSymbolicLink(host.resolve("link"), Path.of("file"));
    Path dangling = Files.createSymbolicLink(host.resolve("dangling"), Path.of("nowhere"));
    for (Path p : new Path[] {file, dir, link, dangling, Path.of("/dev/null"), host}) {
      assertEquals(HostFs.readAttrs(p), HostStat.lstat(p), p.toString());
    }
    String accented = "été ✓";
    if (Charset.forName(System.getProperty("sun.jnu.encoding")).newEncoder().canEncode(accented)) {
      // a host name beyond ASCII, where the locale lets the JVM name one at all
      Path named = Files.writeString(host.resolve(accented), "x");
      assertEquals(HostFs.readAttrs(named), HostStat.lstat(named));
    }
  }

  @Test
  void aMissingFileIsNullAndOtherFailuresAreTheirErrno() throws IOException {
    assertNull(HostStat.lstat(host.resolve("missing")));
    Path file = Files.writeString(host.resolve("file"), "x");
    FsException e = assertThrows(FsException.class, () -> HostStat.lstat(file.resolve("below")));
    assertEquals(Errno.name(Errno.ENOTDIR), Errno.name(e.errno()));
    FsException longName =
        assertThrows(FsException.class, () -> HostStat.lstat(host.resolve("n".repeat(300))));
    assertEquals(Errno.name(Errno.ENAMETOOLONG), Errno.name(longName.errno()));
  }

  @Test
  void packsDeviceNumbersAsTheCLibraryDoes() {
    assertEquals(0x0801, HostStat.makedev(8, 1));
    assertEquals(0xfe00, HostStat.makedev(254, 0));
    assertEquals(0x1000_1230_0045L, HostStat.makedev(0x1000, 0x12345));
    assertEquals(0xffff_f000_000f_ff00L, HostStat.makedev(0xffff_ffff, 0));
  }
}
