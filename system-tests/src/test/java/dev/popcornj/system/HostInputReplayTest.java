package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code popcorn boot --record FILE} and {@code --replay FILE}: a boot of two kernels whose console
 * gets piped lines and whose port forward gets a host TCP connection (to busybox {@code nc -l -e
 * cat} on the primary, which echoes the 200 kB the host sends) is recorded; the replay, with no
 * stdin and no host socket, gives the same run. Invariants:
 *
 * <ul>
 *   <li>ECHO: the host client got its bytes back through the forward while recording.
 *   <li>SAME: the replay's console output and --trace file are byte for byte the recording's.
 *   <li>REFUSED: a damaged, truncated or mismatched replay file, or one that is not a log, is one
 *       line on stderr and exit status 2.
 * </ul>
 *
 * <p>While the host client connects, a busy loop keeps the guest's CPU running, so virtual time
 * passes at the guest's pace rather than at the idle forwarder's and the typist's grace for an
 * unread console (10 s of virtual time) cannot end the session first; nothing asserts on host time.
 */
class HostInputReplayTest {
  /**
   * What the host client sends and gets back: more than the forwarder holds for the guest at once
   * and more than the host may leave untaken, so both directions wait for the other side.
   */
  private static final byte[] MESSAGE = message(200_000);

  private static byte[] message(int n) {
    byte[] m = new byte[n];
    for (int i = 0; i < n; i++) {
      m[i] = (byte) ('a' + (i * 7 + i / 1000) % 26);
    }
    return m;
  }

  @TempDir Path dir;

  @BeforeAll
  static void buildGuest() throws Exception {
    Guest.build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Console input the test writes as it goes: read() waits for it, as a pipe does. */
  private static final class Typed extends InputStream {
    private final LinkedBlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();

    void type(String s) {
      for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
        bytes.add(b & 0xff);
      }
    }

    void end() {
      bytes.add(-1);
    }

    @Override
    public int read() throws IOException {
      try {
        int b = bytes.take();
        if (b < 0) {
          bytes.add(-1);
        }
        return b;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private List<String> options(int port, Path trace) {
    return Guest.bootArgs(
        "--kernels", "2", "--forward", port + ":0:7000", "--trace", trace.toString());
  }

  /**
   * One exchange through the forward, written on a second host thread while this one reads: the
   * echo, or nothing when the guest did not take the connection.
   */
  private static byte[] echo(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(120));
      Thread writer =
          new Thread(
              () -> {
                try {
                  s.getOutputStream().write(MESSAGE);
                  s.shutdownOutput();
                } catch (IOException e) {
                  // refused: the reader sees the end at once
                }
              },
              "host-client-writer");
      writer.start();
      byte[] got = s.getInputStream().readAllBytes();
      writer.join();
      return got;
    } catch (IOException e) {
      return new byte[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new byte[0];
    }
  }

  @Test
  void aRecordedBootWithConsoleAndHostConnectionReplaysTheSame() throws Exception {
    int port = freePort();
    Path log = dir.resolve("input.log");
    Typed stdin = new Typed();
    stdin.type("(while :; do :; done) & nc -l -p 7000 -e cat; kill $!; echo nc-status=$?\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> recordArgs = options(port, dir.resolve("first.json"));
    recordArgs.addAll(List.of("--record", log.toString()));
    int[] status = {-1};
    Thread boot =
        new Thread(
            () ->
                status[0] =
                    Main.execute(
                        new BootCommand(stdin, out, err, false), recordArgs.toArray(String[]::new)),
            "popcorn-boot");
    boot.setDaemon(true);
    boot.start();
    byte[] got = new byte[0];
    try {
      // Until the guest's nc listens, the forward's connections are refused (closed at once).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (got.length == 0 && boot.isAlive() && System.nanoTime() < deadline) {
        got = echo(port);
        if (got.length == 0) {
          Thread.sleep(20);
        }
      }
    } finally {
      stdin.type("echo done\n");
      stdin.end();
      boot.join(TimeUnit.SECONDS.toMillis(300));
    }
    String console = out.toString(StandardCharsets.UTF_8);
    String why = "\nconsole:\n" + console + "\nstderr:\n" + err;
    assertEquals(0, status[0], "the recorded boot powers off normally" + why);
    assertArrayEquals(MESSAGE, got, "ECHO: the host client's bytes came back" + why);
    assertTrue(console.contains("nc-status=0"), "the guest's nc ended" + why);
    String recorded = Files.readString(log);
    assertTrue(recorded.contains(" data "), "the host's bytes are recorded");
    assertTrue(recorded.contains(" drained "), "the host's pace is recorded");

    ByteArrayOutputStream replayOut = new ByteArrayOutputStream();
    ByteArrayOutputStream replayErr = new ByteArrayOutputStream();
    List<String> replayArgs = options(port, dir.resolve("second.json"));
    replayArgs.addAll(List.of("--replay", log.toString()));
    int replayed =
        Main.execute(
            new BootCommand(new ByteArrayInputStream(new byte[0]), replayOut, replayErr, false),
            replayArgs.toArray(String[]::new));
    assertEquals(0, replayed, "the replay powers off normally\nstderr:\n" + replayErr);
    assertArrayEquals(out.toByteArray(), replayOut.toByteArray(), "SAME: console output");
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("first.json")),
        Files.readAllBytes(dir.resolve("second.json")),
        "SAME: trace");

    // Now replay files that cannot be replayed, through the command's own error handling.
    String text = Files.readString(log);
    refused(replayArgs, "--replay", dir.resolve("nothing.log").toString(), "no such file");
    Files.writeString(dir.resolve("cut.log"), text.substring(0, text.length() / 2));
    refused(replayArgs, "--replay", dir.resolve("cut.log").toString(), "truncated");
    Files.writeString(dir.resolve("junk.log"), "GIF89a\u0000\u0001\n");
    refused(replayArgs, "--replay", dir.resolve("junk.log").toString(), "not a PopcornJ");
    Files.writeString(dir.resolve("bad.log"), text.replaceFirst("\nf ([0-9]+) ", "\nf $1x "));
    refused(replayArgs, "--replay", dir.resolve("bad.log").toString(), "is not a number");
    List<String> otherSeed = new ArrayList<>(replayArgs);
    otherSeed.addAll(List.of("--seed", "5"));
    refused(otherSeed, "--replay", log.toString(), "recorded with seed 0, this boot has 5");
    // A well-formed file whose input comes a picosecond late: the run went another way.
    String moved =
        java.util.regex.Pattern.compile("\nf ([0-9]+) ([0-9]+) ")
            .matcher(text)
            .replaceFirst(m -> "\nf " + m.group(1) + " " + (Long.parseLong(m.group(2)) + 1) + " ");
    Files.writeString(dir.resolve("moved.log"), moved);
    refused(replayArgs, "--replay", dir.resolve("moved.log").toString(), "another way");
  }

  /** The command with args (its --replay replaced by file) fails in one line with status 2. */
  private static void refused(List<String> args, String option, String file, String reason) {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      a.add(args.get(i));
      if (args.get(i).equals(option)) {
        a.add(file);
        i++;
      }
    }
    StringWriter err = new StringWriter();
    int status =
        Main.execute(
            new BootCommand(
                new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(),
                new ByteArrayOutputStream(),
                false),
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            a.toArray(String[]::new));
    String line = err.toString();
    assertEquals(2, status, file + ": " + line);
    assertTrue(line.startsWith("popcorn: --replay "), line);
    assertTrue(line.contains(reason), "'" + reason + "' in: " + line);
    assertEquals(1, line.strip().split("\n").length, "one line: " + line);
  }
}
