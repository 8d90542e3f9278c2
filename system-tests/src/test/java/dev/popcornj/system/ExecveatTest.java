package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * execveat under `popcorn run` (guest/helpers/reexec): glibc's fexecve of a program's own
 * descriptor, opened with O_CLOEXEC, as an SSH server re-executes itself for each connection; a
 * path relative to a directory descriptor; and Linux's errors for an empty path without
 * AT_EMPTY_PATH (ENOENT), a closed descriptor (EBADF) and an unknown flag (EINVAL). qemu-riscv64
 * 7.2 has no execveat, so the lines expected are Linux's, written here.
 */
class ExecveatTest {
  @Test
  void fexecveRunsTheProgramAgainAndRefusalsAreLinuxs() throws Exception {
    Path root = Guest.build("out/reexec");
    Path dir = root.resolve("system-tests/target/execveat");
    Files.createDirectories(dir);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xss16m",
            "-jar",
            root.resolve("cli/target/popcorn.jar").toString(),
            "run",
            "-d",
            "unimp",
            root.resolve("guest/out/reexec").toString());
    File out = dir.resolve("stdout").toFile();
    File err = dir.resolve("stderr").toFile();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out)
            .redirectError(err)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("reexec did not end");
    }
    String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8);
    assertEquals(
        """
        fexecve: child ran, descriptor 3 closed
        fexecve: exit 7
        relative: child ran, descriptor 3 closed
        relative: exit 7
        empty path without AT_EMPTY_PATH: -1 No such file or directory
        empty path without AT_EMPTY_PATH: exit 0
        closed descriptor: -1 Bad file descriptor
        closed descriptor: exit 0
        unknown flag: -1 Invalid argument
        unknown flag: exit 0
        """,
        Files.readString(out.toPath(), StandardCharsets.UTF_8),
        "stderr:\n" + stderr);
    assertEquals("", stderr);
    assertEquals(0, p.exitValue());
  }
}
