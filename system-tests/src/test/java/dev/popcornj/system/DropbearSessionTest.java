package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An SSH session with Dropbear at both ends, inside one PopcornJ kernel and without a network: the
 * full image's root (guest/out/rootfs-full, copied) under `popcorn run --root`, where dbclient
 * reaches `dropbear -i` through guest/helpers/sockpair (a socketpair on the server's descriptors 0
 * and 1, as inetd gives). It covers what SSH into a kernel needs besides TCP and a terminal: key
 * exchange, the host key made at first use (-R), a login by an authorized key and the refusal of
 * another, a command's output, error stream and exit status, and scp both ways.
 */
class DropbearSessionTest {
  /** A guard against a hang, not a check of speed. */
  private static final long TIMEOUT_SECONDS = 600;

  /**
   * The client run as scp's -S program: the session's key, any host key, the server as proxy. The
   * key is not at dbclient's default path (~/.ssh/id_dropbear), which it would offer on every
   * login, the stranger's too.
   */
  private static final String SSH =
      "#!/bin/sh\n"
          + "exec dbclient -y -i /root/.ssh/session_key"
          + " -J '/usr/bin/sockpair /usr/sbin/dropbear -i -R' \"$@\"\n";

  private static final String SCRIPT =
      """
      cd /root
      dropbearkey -t ed25519 -f .ssh/session_key >key.out 2>/dev/null
      grep '^ssh-ed25519 ' key.out >.ssh/authorized_keys
      dropbearkey -t ed25519 -f stranger >/dev/null 2>&1
      echo "== command"
      dbclient -y -i .ssh/session_key -J '/usr/bin/sockpair /usr/sbin/dropbear -i -R' root@kernel \
        'echo "session: $(id) in $(pwd) with $SHELL"; echo "to stderr" >&2; exit 7'
      echo "command status $?"
      echo "== stranger"
      dbclient -y -i stranger -J '/usr/bin/sockpair /usr/sbin/dropbear -i -R' root@kernel \
        'echo stranger got in'
      echo "stranger status $?"
      echo "== scp"
      scp -S /root/ssh in.bin root@kernel:/tmp/copied.bin
      echo "scp in $?"
      scp -S /root/ssh root@kernel:/tmp/copied.bin back.bin
      echo "scp out $?"
      echo "== host key"
      dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key | grep ^Fingerprint
      """;

  private static final Pattern ACCEPTED =
      Pattern.compile("\\(ssh-ed25519 fingerprint (SHA256:[A-Za-z0-9+/]{43})\\)");

  @Test
  void dbclientLogsInToDropbearRunsACommandAndCopiesBothWays() throws Exception {
    Path root = Guest.build();
    Path base = root.resolve("system-tests/target/dropbear-session");
    Path image = base.resolve("root");
    if (Files.exists(base)) {
      shell(List.of("rm", "-rf", base.toString()));
    }
    Files.createDirectories(base);
    // cp -a keeps the image's symbolic links (each program of Dropbear and busybox is one).
    shell(List.of("cp", "-a", root.resolve("guest/out/rootfs-full").toString(), image.toString()));
    Files.copy(root.resolve("guest/out/sockpair"), image.resolve("usr/bin/sockpair"));
    image.resolve("usr/bin/sockpair").toFile().setExecutable(true);
    Files.writeString(image.resolve("root/ssh"), SSH);
    image.resolve("root/ssh").toFile().setExecutable(true);
    byte[] data = new byte[100_000];
    new Random(14).nextBytes(data);
    Files.write(image.resolve("root/in.bin"), data);

    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xss16m",
            "-jar",
            root.resolve("cli/target/popcorn.jar").toString(),
            "run",
            "-d",
            "unimp",
            "--root",
            image.toString(),
            "--env",
            "HOME=/root",
            image.resolve("bin/busybox").toString(),
            "sh",
            "-c",
            SCRIPT);
    ProcessBuilder pb = new ProcessBuilder(command).directory(base.toFile());
    File out = base.resolve("stdout").toFile();
    File err = base.resolve("stderr").toFile();
    pb.redirectOutput(out).redirectError(err);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("the session did not end");
    }
    String stdout = Files.readString(out.toPath(), StandardCharsets.ISO_8859_1);
    String stderr = Files.readString(err.toPath(), StandardCharsets.ISO_8859_1);
    String shown = "--- stdout\n" + stdout + "--- stderr\n" + stderr;
    assertEquals(0, p.exitValue(), shown);
    assertTrue(!stderr.contains("unimplemented system call"), "a call is missing:\n" + shown);

    // The command ran as root in root's home with its shell; its stderr and status came back.
    assertTrue(
        stdout.contains(
            "== command\nsession: uid=0(root) gid=0(root) in /root with /bin/sh\n"
                + "command status 7\n"),
        shown);
    assertTrue(stderr.contains("to stderr\n"), shown);
    // Another key does not log in.
    assertTrue(stdout.contains("== stranger\nstranger status 1\n"), shown);
    assertTrue(!stdout.contains("stranger got in"), shown);
    // scp copied the bytes in and back out again.
    assertTrue(stdout.contains("== scp\nscp in 0\nscp out 0\n"), shown);
    assertArrayEquals(data, Files.readAllBytes(image.resolve("root/back.bin")), "scp's copy");
    // The server made its host key at the first connection, and that is the key the client saw.
    Matcher m = ACCEPTED.matcher(stderr);
    assertTrue(m.find(), shown);
    String hostKey = m.group(1);
    while (m.find()) {
      assertEquals(hostKey, m.group(1), "the host key changed between connections\n" + shown);
    }
    assertTrue(stdout.endsWith("== host key\nFingerprint: " + hostKey + "\n"), shown);
  }

  private static void shell(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), command + " failed:\n" + log);
  }
}
