package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.popcornj.cli.Main;
import dev.popcornj.cli.RunCommand;
import dev.popcornj.kernel.run.RunSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration seen from the command line: a program that pins itself to each CPU in turn
 * (guest/tests/ migrate_hop.c) prints under {@code popcorn run --kernels 4} exactly what it prints
 * under qemu-riscv64, and its statistics show that it migrated and ran on all four kernels.
 */
class MigrationRunTest {
  private static final int KERNELS = 4;
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  private record Outcome(int status, String out, String err) {}

  private static Outcome popcorn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunCommand cmd = new RunCommand(new ByteArrayInputStream(new byte[0]), out, err);
    int status = Main.execute(cmd, args);
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode stats(Path dir, String name, String... programAndArgs) throws Exception {
    Path file = dir.resolve(name + ".json");
    List<String> args =
        new ArrayList<>(
            List.of("--kernels", Integer.toString(KERNELS), "--stats", file.toString()));
    args.addAll(List.of(programAndArgs));
    Outcome o = popcorn(args.toArray(String[]::new));
    assertEquals(0, o.status(), name + ": " + o.out() + o.err());
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void migrateHopAgreesWithQemuAndRunsOnEveryKernel(@TempDir Path dir) throws Exception {
    String program = root.resolve("guest/out/migrate_hop").toString();
    GuestDifferentialTest.Reference qemu =
        GuestDifferentialTest.runQemu(
            List.of(program), RunSpec.DEFAULT_ENV, root, Path.of("/dev/null"));
    Path statsFile = dir.resolve("hop.json");
    Outcome o =
        popcorn("--kernels", Integer.toString(KERNELS), "--stats", statsFile.toString(), program);
    String context = "popcorn run --kernels " + KERNELS + ", stderr: " + o.err();
    assertEquals(new String(qemu.stdout(), StandardCharsets.UTF_8), o.out(), "stdout: " + context);
    assertEquals(qemu.status(), o.status(), "exit status: " + context);

    JsonNode hop = new ObjectMapper().readTree(statsFile.toFile());
    assertTrue(hop.get("migrations").asLong() > 0, "migrations: " + hop);
    // Each secondary also runs its own init and shell; a run whose program never leaves the
    // primary shows what that costs, so the hop run must show more on every secondary.
    JsonNode idle =
        stats(dir, "idle", root.resolve("guest/out/busybox/busybox").toString(), "sleep", "1");
    JsonNode byKernel = hop.get("instructions_by_kernel");
    assertEquals(KERNELS, byKernel.size(), hop.toString());
    for (int k = 0; k < KERNELS; k++) {
      long ran = byKernel.get(k).asLong();
      assertTrue(ran > 0, "kernel " + k + " ran nothing: " + hop);
      if (k > 0) {
        long alone = idle.get("instructions_by_kernel").get(k).asLong();
        assertTrue(
            ran > alone,
            "kernel " + k + ": " + ran + " instructions, no more than its own init's " + alone);
      }
    }
  }

  /** popcorn_migrate's errors, on one kernel and on two (guest/popcorn/migrate_errors.c). */
  @Test
  void popcornMigrateAnswersWithLinuxStyleErrors() {
    String program = root.resolve("guest/out/migrate_errors").toString();
    for (int kernels : new int[] {1, 2}) {
      Outcome o = popcorn("--kernels", Integer.toString(kernels), program, "" + kernels);
      String context = kernels + " kernels: " + o.out() + o.err();
      assertEquals(0, o.status(), context);
      List<String> lines = o.out().lines().toList();
      assertEquals(kernels == 1 ? 5 : 9, lines.size(), context);
      for (String line : lines) {
        assertTrue(line.endsWith(" ok"), line + " / " + context);
      }
    }
  }

  /**
   * fork on another kernel than the process's home makes the child there, its origin, with its
   * files kept at the parent's home by a file agent (guest/popcorn/fork_there.c), in both modes.
   */
  @Test
  void aForkOnAnotherKernelMakesTheChildThere(@TempDir Path dir) throws Exception {
    String program = root.resolve("guest/out/fork_there").toString();
    for (String dsm : new String[] {"replicate", "share"}) {
      Path file = dir.resolve(dsm + ".json");
      Outcome o =
          popcorn(
              "--kernels",
              "4",
              "--dsm",
              dsm,
              "--stats",
              file.toString(),
              program,
              "2",
              dir.toString());
      String context = dsm + ": " + o.out() + o.err();
      assertEquals(0, o.status(), context);
      List<String> lines = o.out().lines().toList();
      assertEquals(10, lines.size(), context);
      for (String line : lines) {
        assertTrue(line.endsWith(" ok"), line + " / " + context);
      }
      JsonNode c = new ObjectMapper().readTree(file.toFile()).get("counters");
      // The parent forks four children on kernel 2, and the first of them a child of its own
      // there: five processes whose files are on kernel 0.
      assertEquals(5, c.get("forks_elsewhere").asLong(), context);
      // At least the children's read, write and chdir, and close, write and read, served there.
      assertTrue(c.get("file_agent_calls").asLong() >= 6, context);
      // Replicate mode: the pages kernel 2 holds for the parent (its stack, the code it ran) are
      // copied there, not sent; share mode maps home's frames there, so every page is sent.
      long copied = c.get("fork_pages_copied_there").asLong();
      assertTrue(dsm.equals("replicate") ? copied > 0 : copied == 0, copied + " / " + context);
    }
  }

  /** The statistics count every migration, both ways, with remote calls, faults and latencies. */
  @Test
  void statisticsCountEveryMigrationAndItsLatency(@TempDir Path dir) throws Exception {
    JsonNode s =
        stats(dir, "cost", root.resolve("guest/out/migrate_cost").toString(), "10", "20", "8");
    JsonNode counters = s.get("counters");
    assertEquals(21, counters.get("migrations").asLong(), s.toString());
    assertTrue(counters.get("remote_syscalls").asLong() >= 20, s.toString());
    assertTrue(counters.get("remote_page_faults").asLong() >= 8, s.toString());
    assertTrue(counters.get("migration_latency_ps").asLong() > 0, s.toString());
    assertTrue(counters.get("remote_syscall_latency_ps").asLong() > 0, s.toString());
  }

  /** CPU clocks go on across a round trip to another kernel (guest/popcorn/migrate_clocks.c). */
  @Test
  void cpuClocksGoOnAcrossMigrations() {
    Outcome o = popcorn("--kernels", "2", root.resolve("guest/out/migrate_clocks").toString());
    assertEquals("cpu clocks ok\n", o.out(), o.err());
    assertEquals(0, o.status(), o.err());
  }

  /**
   * A round trip between kernels costs about two quanta of virtual time (messages are seen at the
   * receiver's next boundary): with a tenth of the quantum, a remote call costs far less.
   */
  @Test
  void theQuantumBoundsRemoteLatency(@TempDir Path dir) throws Exception {
    String program = root.resolve("guest/out/migrate_cost").toString();
    long[] perCall = new long[2];
    String[] quanta = {"10000", "1000"};
    for (int i = 0; i < 2; i++) {
      Path file = dir.resolve("q" + i + ".json");
      Outcome o =
          popcorn(
              "--kernels",
              "2",
              "--quantum",
              quanta[i],
              "--stats",
              file.toString(),
              program,
              "2",
              "50",
              "4");
      assertEquals(0, o.status(), o.out() + o.err());
      JsonNode c = new ObjectMapper().readTree(file.toFile()).get("counters");
      perCall[i] = c.get("remote_syscall_latency_ps").asLong() / c.get("remote_syscalls").asLong();
    }
    // 10 us: about 20 us a call; 1 us: a few us.
    assertTrue(perCall[0] >= 10_000_000L, "10 us quantum: " + perCall[0] + " ps a call");
    assertTrue(perCall[1] * 2 < perCall[0], "1 us quantum: " + perCall[1] + " ps a call");
  }

  /** A periodic timer at home keeps firing for a task away (guest/popcorn/migrate_alarm.c). */
  @Test
  void periodicTimersReachATaskAwayFromHome() {
    Outcome o = popcorn("--kernels", "2", root.resolve("guest/out/migrate_alarm").toString());
    assertEquals("alarms away from home ok\n", o.out(), o.err());
    assertEquals(0, o.status(), o.err());
  }
}
