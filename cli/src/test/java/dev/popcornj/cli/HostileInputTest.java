package dev.popcornj.cli;

import static dev.popcornj.cli.MachineCommandTest.assertOneLineUserError;
import static dev.popcornj.cli.MachineCommandTest.popcorn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.popcornj.cli.MachineCommandTest.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10, hostile input: every failure a user can reach ends as one line on stderr with status 2
 * (or 70 for a bug), never a stack trace, an OutOfMemoryError or a hang. Nothing here boots.
 */
class HostileInputTest {
  @TempDir Path dir;

  private static final String MACHINE =
      """
      cmdline = "CMDLINE"
      [[harts]]
      ids = "0-1"
      isa = "ISA"
      clock = "CLOCK"
      [[memory]]
      base = 0x8000_0000
      size = "SIZE"
      [[devices]]
      id = "uart0"
      kind = "uart"
      vendor-device = "1b36:0002"
      mmio = 0x1000_0000
      irq = 10
      """;

  private Path machine(String cmdline, String isa, String clock, String size) throws IOException {
    return Files.writeString(
        dir.resolve("m.toml"),
        MACHINE
            .replace("CMDLINE", cmdline)
            .replace("ISA", isa)
            .replace("CLOCK", clock)
            .replace("SIZE", size));
  }

  @Test
  void devicesAsInputFilesAreRefusedInOneLine() {
    assumeTrue(Files.exists(Path.of("/dev/zero")));
    String device =
        "popcorn: /dev/zero: not a regular file (a device, pipe or socket); give a file";
    assertEquals(device, assertOneLineUserError(popcorn("machine", "check", "/dev/zero")));
    assertEquals(device, assertOneLineUserError(popcorn("boot", "--machine", "/dev/zero")));
    assertEquals(device, assertOneLineUserError(popcorn("boot", "--initramfs", "/dev/zero")));
  }

  /**
   * --record and --replay: files that cannot be written or replayed are one line, before a boot.
   */
  @Test
  void recordAndReplayFilesThatCannotBeUsedAreRefusedInOneLine() throws IOException {
    Path initramfs = Files.write(dir.resolve("i.cpio"), new byte[512]);
    String[] boot = {"boot", "--kernels", "1", "--initramfs", initramfs.toString()};
    assertEquals(
        "popcorn: --record and --replay: give one of them",
        assertOneLineUserError(popcorn(with(boot, "--record", "a", "--replay", "b"))));
    Path noDir = dir.resolve("no/such/dir/run.log");
    assertTrue(
        assertOneLineUserError(popcorn(with(boot, "--record", noDir.toString())))
            .startsWith("popcorn: --record " + noDir + ": cannot write: "));
    assertEquals(
        "popcorn: --replay /dev/zero: not a regular file (a device, pipe or socket); give a file",
        assertOneLineUserError(popcorn(with(boot, "--replay", "/dev/zero"))));
    Path empty = Files.write(dir.resolve("empty.log"), new byte[0]);
    assertEquals(
        "popcorn: --replay "
            + empty
            + ": line 1: not a PopcornJ host input log (no 'popcorn-host-input')",
        assertOneLineUserError(popcorn(with(boot, "--replay", empty.toString()))));
    Path other =
        Files.writeString(
            dir.resolve("other.log"), "popcorn-host-input 1\nsetup seed 9\nbegin\nend 0\n");
    assertTrue(
        assertOneLineUserError(popcorn(with(boot, "--replay", other.toString())))
            .contains("recorded with "),
        "a recording of another boot");
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /** A sparse 3 GiB file: refused by its size, so the test reads nothing. */
  @Test
  void aHugeInitramfsIsRefusedByItsSize() throws IOException {
    Path big = dir.resolve("big.cpio");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    assertEquals(
        "popcorn: " + big + ": larger than 256 MiB, the most an initramfs may be",
        assertOneLineUserError(popcorn("boot", "--initramfs", big.toString())));
  }

  @ParameterizedTest
  @CsvSource({"0", "-1"})
  void bootAndPartitionRefuseKernelCountsBelowOne(String kernels) {
    assertOneLineUserError(popcorn("boot", "--kernels", kernels));
    assertOneLineUserError(popcorn("partition", "--kernels", kernels));
  }

  /** What check accepts, boot can boot: both refuse these machines with the same one line. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "             | rv64imafdc | 2GHz | 4TiB   | memory: 4 TiB of RAM in all",
        "             | rv64imafdc | 2GHz | 8TiB   | memory: 8 TiB of RAM in all",
        "             | rv64imafdc | 1Hz  | 256MiB | harts: hart 0 runs at 1 Hz",
        "             | rv64imac   | 2GHz | 256MiB | harts: hart 0 boots the primary kernel",
        "             | rv64i      | 2GHz | 256MiB | harts: hart 0 boots the primary kernel",
        "popcorn_msg=0x80000000,0x100000 | rv64imafdc | 2GHz | 256MiB | cmdline: popcorn_msg=",
      })
  void checkAndBootRefuseAMachineThatCannotBoot(
      String cmdline, String isa, String clock, String size, String reason) throws IOException {
    Path f = machine(cmdline == null ? "" : cmdline, isa, clock, size);
    String check = assertOneLineUserError(popcorn("machine", "check", f.toString()));
    assertTrue(check.startsWith("popcorn: " + f + ": " + reason), check);
    assertEquals(check, assertOneLineUserError(popcorn("boot", "--machine", f.toString())));
  }

  @Test
  void namesWithControlCharactersArePrintedEscaped() throws IOException {
    Path f = dir.resolve("evil\u001b[2Jname.toml");
    Files.writeString(f, MACHINE.replace("CMDLINE", "").replace("ISA", "rv64gc"));
    Run r = popcorn("machine", "check", f.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("evil\\u001b[2Jname.toml"), r.err());
    assertTrue(!r.err().contains("\u001b"), r.err());
  }

  static final class Buggy implements Command {
    private final Throwable bug;

    Buggy(Throwable bug) {
      this.bug = bug;
    }

    @Override
    public Cli.Spec spec() {
      return new Cli.Spec("buggy");
    }

    @Override
    public int call(Cli.Invocation invocation) throws Exception {
      if (bug instanceof Error e) {
        throw e;
      }
      throw (Exception) bug;
    }
  }

  /** A bug is status 70 and one line naming the file that holds its stack trace. */
  @ParameterizedTest
  @CsvSource({"state", "memory"})
  void anInternalErrorIsOneLineAndStatusSeventy(String kind) throws IOException {
    Throwable bug =
        kind.equals("state")
            ? new IllegalStateException("broken invariant")
            : new OutOfMemoryError("Java heap space");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.execute(new Buggy(bug), new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(70, status, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    Matcher m =
        Pattern.compile(
                "popcorn: internal error \\(a bug in PopcornJ\\): .*"
                    + Pattern.quote(bug.getMessage())
                    + "; details in (\\S+)\n")
            .matcher(err.toString());
    assertTrue(m.matches(), err.toString());
    Path details = Path.of(m.group(1));
    try {
      assertTrue(Files.readString(details).contains("at dev.popcornj.cli.HostileInputTest"));
    } finally {
      Files.deleteIfExists(details);
    }
  }
}
