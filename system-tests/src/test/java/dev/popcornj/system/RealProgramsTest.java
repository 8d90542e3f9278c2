package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real third-party programs, as a user runs them: Debian's Lua interpreter and SQLite shell and
 * SQLite's speedtest1 (built by scripts/guest-thirdparty) run under qemu-riscv64 and under `popcorn
 * run` as host processes, on host files in a working directory of their own, and the two must agree
 * on stdout, stderr and exit status of every step and, at the end, on the name and bytes of every
 * file the steps left in that directory (the SQLite databases among them).
 *
 * <p>The inputs are guest/thirdparty/: Lua scripts (strings, tables, closures, coroutines, integer
 * and float math, dates in a fixed TZ, host file I/O, stdin) and SQL sessions (schema, CSV import,
 * joins, aggregates, window functions, transactions, errors, .dump, a backup, a write-ahead-log
 * database). speedtest1 runs with --verify, whose hash covers every result; the seconds it prints
 * per test are host or virtual time and are cut off before comparing. Each run's directory is under
 * system-tests/target/real-programs, not under /tmp, which popcorn run keeps for its own tmpfs.
 */
class RealProgramsTest {
  /** A guard against a hang, not a check of speed: no step comes near it. */
  private static final long STEP_TIMEOUT_SECONDS = 600;

  /** Variables of the host that would change what the programs do; both runners drop them. */
  private static final List<String> UNSET =
      List.of(
          "LUA_INIT",
          "LUA_INIT_5_4",
          "LUA_PATH",
          "LUA_PATH_5_4",
          "LUA_CPATH",
          "LUA_CPATH_5_4",
          "SQLITE_HISTORY",
          "JAVA_TOOL_OPTIONS",
          "_JAVA_OPTIONS",
          "JDK_JAVA_OPTIONS");

  private static Path root;
  private static Path programs;
  private static Path inputs;

  @BeforeAll
  static void buildPrograms() throws IOException, InterruptedException {
    root = Guest.root();
    programs = root.resolve("guest/out/thirdparty");
    inputs = root.resolve("guest/thirdparty");
    // Reuses the cached build (scripts/test has already run it); builds from the sources otherwise.
    Process build =
        new ProcessBuilder(root.resolve("scripts/guest-thirdparty").toString(), programs.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, build.waitFor(), "scripts/guest-thirdparty failed:\n" + log);
  }

  /** One run of the program: its arguments, the input file on its stdin (or none), its status. */
  private record Step(List<String> args, String stdin, int status) {
    static Step of(int status, String stdin, String... args) {
      return new Step(List.of(args), stdin, status);
    }
  }

  /** Steps run in order in one directory holding the program and the input files. */
  private record Case(String name, String program, List<String> files, List<Step> steps) {}

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (String script :
        List.of("strings", "tables", "coroutines", "math", "os", "files", "stdin")) {
      int status =
          switch (script) {
            case "files" -> 3; // os.exit(3)
            case "stdin" -> 1; // an uncaught error
            default -> 0;
          };
      cases.add(
          new Case(
              "lua " + script,
              "lua",
              List.of(script + ".lua", "words.txt", "stdin.input"),
              List.of(Step.of(status, "stdin.input", script + ".lua", "words.txt"))));
    }
    cases.add(
        new Case(
            "sqlite3 shop",
            "sqlite3",
            List.of("create.sql", "query.sql", "products.csv", "wal.sql"),
            List.of(
                Step.of(1, "create.sql", "shop.db"), // two statements fail on purpose
                Step.of(1, "query.sql", "shop.db"), // and one here
                Step.of(
                    0,
                    null,
                    "-batch",
                    "-header",
                    "-csv",
                    "backup.db",
                    "SELECT name, count(*) FROM order_lines GROUP BY name ORDER BY 2 DESC, 1"),
                Step.of(0, "wal.sql", "wal.db"))));
    for (String[] set : new String[][] {{"main", "3"}, {"cte", "5"}, {"orm", "5"}, {"fp", "1"}}) {
      cases.add(
          new Case(
              "speedtest1 " + set[0] + " --size " + set[1],
              "speedtest1",
              List.of(),
              List.of(
                  Step.of(
                      0, null, "--testset", set[0], "--size", set[1], "--verify", "speed.db"))));
    }
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> realProgramsAgreeWithQemu() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Case c) throws Exception {
    Path base =
        root.resolve("system-tests/target/real-programs").resolve(c.name().replace(' ', '-'));
    Run qemu = runAll(c, base, "qemu");
    // The reference itself must do what the inputs mean, or an agreement would prove nothing.
    assertEquals(
        c.steps().stream().map(Step::status).toList(),
        qemu.statuses(),
        c.name() + " under qemu-riscv64:\n" + qemu.transcript());
    assertTrue(
        !qemu.transcript().contains("--- stdout\n--- stderr"),
        "a step wrote nothing under qemu-riscv64:\n" + qemu.transcript());
    Run popcorn = runAll(c, base, "popcorn");
    assertEquals(
        qemu.transcript(),
        popcorn.transcript(),
        c.name() + ": popcorn run differs from qemu-riscv64");
  }

  /** What the steps of a case did: their streams, statuses and files, and the statuses alone. */
  private record Run(String transcript, List<Integer> statuses) {}

  /** Runs every step of c under runner in a fresh directory. */
  private static Run runAll(Case c, Path base, String runner) throws Exception {
    Path dir = base.resolve(runner);
    Path streams = base.resolve(runner + "-streams");
    deleteTree(base.resolve(runner));
    deleteTree(streams);
    Files.createDirectories(dir);
    Files.createDirectories(streams);
    Files.copy(programs.resolve(c.program()), dir.resolve(c.program()));
    dir.resolve(c.program()).toFile().setExecutable(true);
    for (String f : c.files()) {
      Files.copy(inputs.resolve(f), dir.resolve(f));
    }
    StringBuilder transcript = new StringBuilder();
    List<Integer> statuses = new ArrayList<>();
    int n = 0;
    for (Step step : c.steps()) {
      List<String> command = new ArrayList<>();
      if (runner.equals("qemu")) {
        command.add("qemu-riscv64");
      } else {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
            List.of("-Xss16m", "-jar", root.resolve("cli/target/popcorn.jar").toString(), "run"));
      }
      command.add("./" + c.program());
      command.addAll(step.args());
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      Map<String, String> env = pb.environment();
      UNSET.forEach(env::remove);
      env.put("HOME", dir.toString()); // so no ~/.sqliterc of the host's is read
      env.put("POPCORNJ_REAL_TEST", "yes");
      // Local time by a POSIX rule with summer time: the same on every host, no zone file read.
      env.put("TZ", "EET-2EEST,M3.5.0/3,M10.5.0/4");
      File out = streams.resolve(n + ".stdout").toFile();
      File err = streams.resolve(n + ".stderr").toFile();
      pb.redirectOutput(out).redirectError(err);
      if (step.stdin() != null) {
        pb.redirectInput(dir.resolve(step.stdin()).toFile());
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      Process p = pb.start();
      if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(runner + ": " + command + " did not end");
      }
      transcript
          .append("$ ")
          .append(c.program())
          .append(' ')
          .append(String.join(" ", step.args()))
          .append(step.stdin() == null ? "" : " < " + step.stdin())
          .append("\n--- stdout\n")
          .append(withoutSeconds(Files.readString(out.toPath(), StandardCharsets.ISO_8859_1)))
          .append("--- stderr\n")
          .append(Files.readString(err.toPath(), StandardCharsets.ISO_8859_1))
          .append("--- status ")
          .append(p.exitValue())
          .append('\n');
      statuses.add(p.exitValue());
      n++;
    }
    transcript.append("--- files\n");
    for (Map.Entry<String, String> e : files(dir).entrySet()) {
      transcript.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    return new Run(transcript.toString(), statuses);
  }

  /** speedtest1's per-test seconds (".... 0.123s" at the end of a line), which are not output. */
  private static String withoutSeconds(String out) {
    return out.replaceAll("(?m) +[0-9]+\\.[0-9]+s$", "");
  }

  /** Every regular file under dir, by relative name, with its size and SHA-256. */
  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(p);
        files.put(dir.relativize(p).toString(), bytes.length + " " + sha256(bytes));
      }
    }
    return files;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
