package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `popcorn run` on the host's files finds riscv64 programs where a program starts them: PopcornJ's
 * own root (busybox and its links) is looked up first by default, so /bin/sh in a shell's command,
 * in system(3) or in xargs is busybox's and not the host's own (which a riscv64 machine cannot
 * run), while the host's other files stay visible.
 */
class RiscvRootTest {
  private static Path root;

  @BeforeAll
  static void build() throws Exception {
    root = Guest.build();
  }

  private static String popcorn(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xss16m", "-jar", root.resolve("cli/target/popcorn.jar").toString()));
    cmd.add("run");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("popcorn run did not end: " + out);
    }
    return out + "status " + p.exitValue();
  }

  @Test
  void aShellStartedByTheProgramIsPopcornJsRiscvShell() throws Exception {
    String busybox = root.resolve("guest/out/busybox/busybox").toString();
    assertEquals("nested\nstatus 0", popcorn("", busybox, "sh", "-c", "/bin/sh -c 'echo nested'"));
    // xargs starts /bin/echo for each batch: busybox's echo from PopcornJ's root.
    assertEquals("a b\nstatus 0", popcorn("a\nb\n", busybox, "xargs", "/bin/echo"));
    // The host's files are still there: this test's own source, read through the host file system.
    String self =
        root.resolve("system-tests/src/test/java/dev/popcornj/system/RiscvRootTest.java")
            .toString();
    assertEquals(
        "class RiscvRootTest {\nstatus 0",
        popcorn("", busybox, "grep", "^class RiscvRootTest", self));
  }
}
