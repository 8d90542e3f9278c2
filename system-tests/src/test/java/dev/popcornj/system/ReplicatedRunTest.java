package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.Main;
import dev.popcornj.cli.RunCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code popcorn run --kernels K}: without --on the program runs on the primary once the other
 * kernels are up, and sees the host as a one-kernel run does; with {@code --on N} it runs as init
 * of secondary kernel N, booted with kexec by the primary, its console the command's stdin and
 * stdout. Either way the command exits with the program's status.
 */
class ReplicatedRunTest {
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunCommand cmd =
        new RunCommand(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, err);
    int status = Main.execute(cmd, args);
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** PROG ARGS run as init of kernel on of kernels, with no input. */
  private static Outcome runOn(int kernels, int on, String... progAndArgs) {
    String[] args = new String[4 + progAndArgs.length];
    args[0] = "--kernels";
    args[1] = Integer.toString(kernels);
    args[2] = "--on";
    args[3] = Integer.toString(on);
    System.arraycopy(progAndArgs, 0, args, 4, progAndArgs.length);
    return run("", args);
  }

  /**
   * On the primary of K kernels a program gets what it gets on one kernel: the same stdout, stderr
   * and status for the same arguments, input, environment, working directory and host files.
   */
  @Test
  void aProgramOnThePrimaryBehavesAsOnOneKernel() {
    String[][] programs = {
      {"", root.resolve("guest/out/args_env").toString(), "two words", ""},
      {"zebra\napple\n", root.resolve("guest/out/sort_stdin").toString()},
      {"", root.resolve("guest/out/exit_code").toString()},
      {"", root.resolve("guest/out/migrate_hop").toString()},
      {
        "",
        busybox(),
        "sh",
        "-c",
        "pwd; echo \"$FOO\"; echo to stderr >&2; cat "
            + root.resolve("guest/tests/wc.stdin")
            + " | wc -l; exit 3"
      },
    };
    for (String[] p : programs) {
      String[] command = java.util.Arrays.copyOfRange(p, 1, p.length);
      Outcome one = run(p[0], withOptions(command, "--env", "FOO=bar"));
      Outcome four = run(p[0], withOptions(command, "--env", "FOO=bar", "--kernels", "4"));
      assertEquals(one, four, String.join(" ", command));
    }
  }

  private static String[] withOptions(String[] command, String... options) {
    String[] args = new String[options.length + command.length];
    System.arraycopy(options, 0, args, 0, options.length);
    System.arraycopy(command, 0, args, options.length, command.length);
    return args;
  }

  /** --stats of a program on the primary: the one-kernel figures, summed, and by kernel. */
  @Test
  void statsOfAProgramOnThePrimaryCountEveryKernel(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path stats = dir.resolve("s.json");
    Outcome o =
        run(
            "",
            "--kernels",
            "3",
            "--stats",
            stats.toString(),
            root.resolve("guest/out/exit_code").toString());
    assertEquals(42, o.status(), o.err());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats.toFile());
    assertEquals(3, json.get("kernels").asInt());
    assertEquals("default", json.get("machine").asText());
    assertEquals(42, json.get("exit_status").asInt());
    var byKernel = json.get("instructions_by_kernel");
    assertEquals(3, byKernel.size(), json.toString());
    long sum = 0;
    for (var n : byKernel) {
      assertTrue(n.asLong() > 0, "every kernel ran its init: " + json);
      sum += n.asLong();
    }
    assertEquals(json.get("instructions").asLong(), sum);
    for (String counter : new String[] {"migrations", "remote_syscalls", "page_transfers"}) {
      assertTrue(json.get(counter).asLong() >= 0, counter + " in " + json);
    }
  }

  /** --on 0 names the primary: the same as leaving --on out. */
  @Test
  void onZeroIsThePrimary() {
    String hello = root.resolve("guest/out/hello").toString();
    assertEquals(run("", "--kernels", "2", hello), run("", "--kernels", "2", "--on", "0", hello));
  }

  @Test
  void aProgramOnASecondaryGetsItsStreamsAndGivesItsStatus() {
    Outcome o = runOn(4, 2, root.resolve("guest/out/exit_code").toString());
    assertEquals(42, o.status(), o.err());
    assertTrue(o.out().contains("atexit: registered first, runs last"), o.out() + o.err());
  }

  @Test
  void stdinReachesTheProgram() {
    Outcome o =
        run(
            "zebra\napple\n",
            "--kernels",
            "3",
            "--on",
            "1",
            root.resolve("guest/out/sort_stdin").toString());
    assertEquals(0, o.status(), o.err());
    int apple = o.out().indexOf("apple");
    int zebra = o.out().indexOf("zebra");
    assertTrue(apple >= 0 && zebra > apple, o.out());
  }

  /** Arguments travel on the kernel command line, quoted as Linux reads quotes there. */
  @Test
  void argumentsWithSpacesAndEmptyOnesArriveWhole() {
    Outcome o =
        runOn(3, 1, root.resolve("guest/out/args_env").toString(), "two words", "", "--", "x=\ty");
    assertEquals(0, o.status(), o.out() + o.err());
    assertTrue(o.out().contains("argc=5"), o.out());
    assertTrue(o.out().contains("argv[1]=\"two words\" (len 9)"), o.out());
    assertTrue(o.out().contains("argv[2]=\"\" (len 0)"), o.out());
    assertTrue(o.out().contains("argv[3]=\"--\" (len 2)"), o.out());
    assertTrue(o.out().contains("argv[4]=\"x=\ty\" (len 4)"), o.out());
  }

  @Test
  void anArgumentWithAQuoteIsRefused() {
    Outcome o = runOn(3, 1, root.resolve("guest/out/args_env").toString(), "a\"b");
    assertEquals(2, o.status(), o.out() + o.err());
    assertTrue(o.err().contains("cannot carry quotes"), o.err());
  }

  /** The light image's kernel runs programs but has no kexec: kexec_load answers ENOSYS. */
  @Test
  void aLightSecondaryAnswersKexecWithEnosys() {
    String kexec = root.resolve("guest/out/userland/kexec").toString();
    Outcome o = runOn(3, 1, kexec, "--image", kexec, "--base", "1000");
    assertEquals(1, o.status(), o.out() + o.err());
    assertTrue(o.out().contains("kexec: kexec_load: Function not implemented"), o.out() + o.err());
    // PopcornJ's notices stay off the program's stderr unless asked for, as qemu's -d unimp.
    assertFalse(o.err().contains("unimplemented system call"), o.err());
    Outcome logged =
        run(
            "",
            "-d",
            "unimp",
            "--kernels",
            "3",
            "--on",
            "1",
            kexec,
            "--image",
            kexec,
            "--base",
            "1000");
    assertTrue(logged.err().contains("unimplemented system call kexec_load (104)"), logged.err());
  }

  /** Its /dev has the console and nothing of what the light image leaves out. */
  @Test
  void aLightSecondaryHasNoVttysNorMemoryDevices() {
    Outcome o = runOn(3, 2, busybox(), "ls", "/dev");
    assertEquals(0, o.status(), o.out() + o.err());
    assertTrue(o.out().contains("console"), o.out());
    for (String absent : new String[] {"vtty", "null", "zero", "urandom"}) {
      assertFalse(o.out().contains(absent), absent + " in " + o.out());
    }
  }

  /** /proc/popcorn/kernels of a light secondary names its own image. */
  @Test
  void aLightSecondaryShowsItsImage() {
    Outcome o = runOn(3, 1, busybox(), "cat", "/proc/popcorn/kernels");
    assertEquals(0, o.status(), o.out() + o.err());
    String mine = o.out().lines().filter(l -> l.startsWith("1 ")).findFirst().orElse("");
    assertTrue(mine.endsWith(" light"), o.out());
    String primary = o.out().lines().filter(l -> l.startsWith("0 ")).findFirst().orElse("");
    assertTrue(primary.endsWith(" -"), "a kernel it did not boot: " + o.out());
  }

  private static String busybox() {
    return root.resolve("guest/out/busybox/busybox").toString();
  }

  @Test
  void onMustNameASecondary() {
    Outcome o = runOn(4, 4, root.resolve("guest/out/hello").toString());
    assertEquals(2, o.status());
    assertTrue(o.err().contains("--on 4"), o.err());
    assertEquals(2, run("", "--on", "1", root.resolve("guest/out/hello").toString()).status());
  }

  /**
   * A program that panics its kernel ends the run with the panic's status; the primary used to wait
   * for it forever. The timeout only guards the test run against that hang.
   */
  @Test
  @org.junit.jupiter.api.Timeout(
      value = 300,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aProgramThatPanicsItsKernelEndsTheRun() {
    Outcome o = runOn(3, 2, busybox(), "sh", "-c", "echo c > /proc/sysrq-trigger");
    assertEquals(70, o.status(), o.out() + o.err());
    assertTrue(o.err().contains("kernel 2: kernel panic: sysrq triggered crash"), o.err());
    // The report names the task that wrote to sysrq-trigger and shows its registers.
    assertTrue(o.err().contains("kernel 2:   CPU: "), o.err());
    assertTrue(
        o.err().matches("(?s).*kernel 2:   epc : [0-9a-f]{16} ra : [0-9a-f]{16}.*"), o.err());
  }

  @Test
  void aBadProgramIsRefusedBeforeBooting() {
    Outcome o = runOn(3, 2, root.resolve("guest/userland/init.c").toString());
    assertEquals(2, o.status(), o.out() + o.err());
    assertEquals(
        "popcorn: " + root.resolve("guest/userland/init.c") + ": not an ELF file\n", o.err());
  }

  @Test
  void aTraceOfAReplicatedRunIsWritten(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path trace = dir.resolve("t.json");
    Outcome o =
        run(
            "",
            "--kernels",
            "3",
            "--on",
            "2",
            "--trace",
            trace.toString(),
            root.resolve("guest/out/hello").toString());
    assertEquals(0, o.status(), o.err());
    var events = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trace.toFile());
    assertTrue(events.get("traceEvents").size() > 0);
  }
}
