package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.kernel.run.HostBoundary;
import dev.popcornj.kernel.run.HostForwarder;
import dev.popcornj.kernel.run.HostInputLog;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.trace.ChromeTrace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH from the host into a secondary, as {@code popcorn boot --kernels 4 --full 2 --forward
 * PORT:2:22 --ssh-key KEY} sets it up: the host's OpenSSH client, with a key ssh-keygen made,
 * reaches Dropbear on kernel 2 through the host port forward and the virtual network. Invariants:
 *
 * <ul>
 *   <li>LOGIN: {@code ssh root@127.0.0.1 uname -n} prints kernel2 (the key from --ssh-key is root's
 *       authorized_keys on the full secondary, whose init started dropbear).
 *   <li>COPY: a file copied in with {@code scp -O} has the same checksum there, and copied out
 *       again is byte for byte the same.
 *   <li>TTY: {@code ssh -tt} logs in with a shell on a pseudo-terminal (/dev/pts/0).
 *   <li>DOWN: a session whose kernel panics ends (the forward resets it).
 *   <li>REFUSED: a forward to a port nobody listens on closes the host connection.
 *   <li>REPLAY: the whole session, recorded ({@link HostBoundary#recording}) and replayed without
 *       host sockets, gives the same console output, trace and virtual time.
 * </ul>
 *
 * <p>The boot runs on a host thread of the test (outside the simulation, as the CLI's is); the
 * console's keyboard types nothing and asks to power off once the checks are done.
 */
class SshIntoKernelTest {
  private static final long SSH_TIMEOUT_SECONDS = 900;

  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String run(Path dir, List<String> command) throws Exception {
    return run(dir, command, new java.io.File("/dev/null"));
  }

  private static String run(Path dir, List<String> command, java.io.File input) throws Exception {
    return run(dir, command, input, 0);
  }

  private static String run(Path dir, List<String> command, java.io.File input, int status)
      throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(input))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(SSH_TIMEOUT_SECONDS, TimeUnit.SECONDS), "did not end: " + command);
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(status, p.exitValue(), command + ":\n" + text);
    return text;
  }

  private static List<String> ssh(String tool, int port, Path key, String... rest) {
    List<String> c = new ArrayList<>();
    c.add(tool);
    c.add(tool.equals("ssh") ? "-p" : "-P");
    c.add(Integer.toString(port));
    if (tool.equals("scp")) {
      c.add("-O");
    }
    Collections.addAll(
        c,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        "-i",
        key.toString());
    Collections.addAll(c, rest);
    return c;
  }

  @Test
  void theHostLogsIntoKernel2AndCopiesFilesBothWays() throws Exception {
    Path root = Guest.build();
    Path key = dir.resolve("key");
    run(dir, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
    int port = freePort();
    int closed = freePort();
    CountDownLatch done = new CountDownLatch(1);
    BootRunner.Keyboard keyboard =
        new BootRunner.Keyboard() {
          @Override
          public byte[] next() {
            try {
              done.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          }

          @Override
          public boolean quitRequested() {
            return done.getCount() == 0;
          }
        };
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    StringWriter trace = new StringWriter();
    List<String> diagnostics = Collections.synchronizedList(new ArrayList<>());
    BootRunner.Result[] result = new BootRunner.Result[1];
    Throwable[] failure = new Throwable[1];
    StringWriter recorded = new StringWriter();
    HostInputLog.Writer recording = new HostInputLog.Writer(recorded, Map.of("test", "ssh"));
    Thread boot =
        new Thread(
            () -> {
              try {
                result[0] =
                    boot(
                        port,
                        closed,
                        console,
                        trace,
                        HostBoundary.recording(recording),
                        keyboard,
                        diagnostics);
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "popcorn-boot");
    boot.setDaemon(true);
    boot.start();
    String why = "";
    try {
      // The forwards listen once the primary booted; its init boots the secondaries first.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SSH_TIMEOUT_SECONDS);
      while (!console.toString(StandardCharsets.UTF_8).contains("starting /bin/sh")) {
        assertTrue(boot.isAlive() && System.nanoTime() < deadline, "no shell: " + console);
        Thread.sleep(100);
      }
      String name = run(dir, ssh("ssh", port, key, "root@127.0.0.1", "uname", "-n"));
      assertEquals("kernel2", name.strip(), "LOGIN");

      byte[] data = new byte[50_000];
      new java.util.SplittableRandom(3).nextBytes(data);
      Files.write(dir.resolve("in.bin"), data);
      run(dir, ssh("scp", port, key, "in.bin", "root@127.0.0.1:/tmp/in.bin"));
      String sum = run(dir, ssh("ssh", port, key, "root@127.0.0.1", "md5sum", "/tmp/in.bin"));
      String local = run(dir, List.of("md5sum", "in.bin"));
      assertEquals(local.split(" ")[0], sum.split(" ")[0], "COPY: in");
      run(dir, ssh("scp", port, key, "root@127.0.0.1:/tmp/in.bin", "out.bin"));
      assertArrayEquals(data, Files.readAllBytes(dir.resolve("out.bin")), "COPY: out");

      // An interactive login: a pseudo-terminal for the shell, fed what is typed.
      Files.writeString(dir.resolve("typed"), "echo on-$(tty)\nexit\n");
      String session =
          run(dir, ssh("ssh", port, key, "-tt", "root@127.0.0.1"), dir.resolve("typed").toFile());
      assertTrue(session.contains("on-/dev/pts/0"), "TTY: " + session);

      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), closed)) {
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(SSH_TIMEOUT_SECONDS));
        InputStream in = s.getInputStream();
        assertEquals(-1, in.read(), "REFUSED: the host side is closed");
      } catch (java.net.SocketException e) {
        // a reset is a clean close too
      }

      // Kernel 2 panics under its own session: the forward's connection is reset at once, and ssh
      // ends with its error status rather than waiting out TCP's retransmissions.
      run(
          dir,
          ssh("ssh", port, key, "root@127.0.0.1", "echo c > /proc/sysrq-trigger"),
          new java.io.File("/dev/null"),
          255);
    } finally {
      why = "\nconsole:\n" + console.toString(StandardCharsets.UTF_8) + "\n" + diagnostics;
      done.countDown();
      boot.join(TimeUnit.SECONDS.toMillis(120));
    }
    assertEquals(null, failure[0], "the boot failed" + why);
    assertTrue(result[0] != null, "the boot ended" + why);

    // REPLAY: the session again from its recording, with no host socket: the same run.
    recording.close();
    HostBoundary replay = HostBoundary.replaying(HostInputLog.read(recorded.toString()), false);
    ByteArrayOutputStream replayConsole = new ByteArrayOutputStream();
    StringWriter replayTrace = new StringWriter();
    BootRunner.Result again =
        boot(port, closed, replayConsole, replayTrace, replay, () -> null, new ArrayList<>());
    assertEquals(null, replay.divergence(), "REPLAY: the run went as recorded");
    assertEquals(
        console.toString(StandardCharsets.UTF_8),
        replayConsole.toString(StandardCharsets.UTF_8),
        "REPLAY: console output");
    assertTrue(trace.toString().equals(replayTrace.toString()), "REPLAY: the trace differs");
    assertEquals(result[0].virtualPs(), again.virtualPs(), "REPLAY: virtual time");
  }

  /** The boot of this test: four kernels, kernel 2 full, two forwards; input through boundary. */
  private BootRunner.Result boot(
      int port,
      int closed,
      ByteArrayOutputStream console,
      StringWriter trace,
      HostBoundary boundary,
      BootRunner.Keyboard keyboard,
      List<String> diagnostics)
      throws IOException {
    Path root = Guest.root();
    ChromeTrace chrome = new ChromeTrace(trace);
    try {
      return BootRunner.boot(
          MachineFiles.load("default"),
          Machine.Options.defaults(console).withTrace(chrome),
          new BootRunner.Archive(Files.readAllBytes(root.resolve("guest/out/initramfs.cpio"))),
          4,
          Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
          null,
          new BootRunner.Extras(
              List.of(new HostForwarder.Rule(port, 2, 22), new HostForwarder.Rule(closed, 2, 23)),
              Set.of(2),
              Files.readAllBytes(root.resolve("guest/out/initramfs-full.cpio")),
              Files.readAllBytes(dir.resolve("key.pub")),
              boundary),
          keyboard,
          diagnostics::add);
    } catch (dev.popcornj.machine.desc.MachineFileException e) {
      throw new IOException(e);
    } finally {
      chrome.close();
    }
  }
}
