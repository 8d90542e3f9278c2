package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real network programs on one kernel's loopback interface, as a user runs them with `popcorn run`:
 * busybox's httpd serves a file on 127.0.0.1, busybox's wget fetches it over TCP, and busybox's
 * netstat, ifconfig and route read the connection and the interface back from /proc/net and the
 * interface ioctls. Invariants: the page arrives byte for byte; netstat shows the listener and the
 * finished connection in TIME_WAIT; ifconfig shows lo as Linux configures it; two runs print the
 * same bytes (determinism, with the kernel's own time and sequence numbers).
 */
class LoopbackNetworkTest {
  private static final long TIMEOUT_SECONDS = 300;

  private static String run(Path root, Path dir, String script)
      throws IOException, InterruptedException {
    String busybox = root.resolve("guest/out/busybox/busybox").toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xss16m",
            "-jar",
            root.resolve("cli/target/popcorn.jar").toString(),
            "run",
            busybox,
            "sh",
            "-c",
            script.replace("BB", busybox)));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "popcorn run did not end");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void httpdServesWgetOverLoopbackAndNetstatSeesIt() throws Exception {
    Path root = Guest.root();
    Guest.build();
    Path dir = root.resolve("system-tests/target/loopback-net");
    Files.createDirectories(dir);
    String page = "<p>served by busybox httpd over PopcornJ's loopback</p>\n";
    Files.writeString(dir.resolve("index.html"), page);
    String script =
        "BB httpd -p 127.0.0.1:47191 -h "
            + dir
            + " && BB wget -q -O - http://127.0.0.1:47191/index.html"
            + " && BB netstat -tan && BB ifconfig lo && BB route -n";
    String first = run(root, dir, script);
    assertTrue(first.startsWith(page), first);
    assertTrue(
        first.contains(
            "tcp        0      0 127.0.0.1:47191         0.0.0.0:*               LISTEN"),
        first);
    assertTrue(
        first.matches("(?s).*127\\.0\\.0\\.1:\\d+ +127\\.0\\.0\\.1:\\d+ +TIME_WAIT.*"),
        first); // either end may close first
    assertTrue(first.contains("lo        Link encap:Local Loopback"), first);
    assertTrue(first.contains("inet addr:127.0.0.1  Mask:255.0.0.0"), first);
    assertTrue(first.contains("UP LOOPBACK RUNNING  MTU:65536"), first);
    assertTrue(first.contains("Kernel IP routing table"), first);
    assertEquals(first, run(root, dir, script), "a second run printed other bytes");
  }
}
