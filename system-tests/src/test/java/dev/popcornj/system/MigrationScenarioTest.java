package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.proc.PidSpace;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded migration scenarios on {@code popcorn boot --kernels 4}: the primary's shell starts a few
 * sleepers and a program that hops over every kernel by itself, then, as the seed says, moves the
 * sleepers between kernels with the migrate tool (back home too), looks at them in /proc, kills
 * one, and crashes one secondary while sleepers run there. The test keeps its own model of where
 * each sleeper is. Named invariants:
 *
 * <ul>
 *   <li>WHERE_IT_SHOULD_BE: /proc/PID/status on the primary says the kernel the model says
 *       (Kernel:) and the primary as Origin, and ps lists every sleeper still alive.
 *   <li>SIGNALS_REACH_IT: kill of a migrated sleeper from the primary ends it, and wait gives 143.
 *   <li>NOTHING_LOST_ON_PANIC: a sleeper on the crashed kernel is killed by SIGKILL at home (wait
 *       gives 137); the others go on; migrate to the crashed kernel fails.
 *   <li>ONE_LIVE_COPY (at power-off, on the kernels' state): every task away from home has exactly
 *       one running copy, on the kernel its home names, and every running copy's home has it away
 *       there; no other kernel holds its id.
 *   <li>PIDS_UNIQUE: a live id appears on one kernel, or on two as a home and its running copy, and
 *       each home task's id lies in its kernel's range.
 *   <li>SINGLE_WRITER and DIRECTORY_MATCHES_PAGE_TABLES: every page a running copy holds is listed
 *       for its kernel in home's page directory; a page written there (the writer's) is present
 *       nowhere else, and a page with readers is present at home too.
 *   <li>FRAMES_ACCOUNTED: every kernel still up passes its own invariant checks (frames held match
 *       the spaces and caches that hold them, page maps within areas).
 *   <li>HOPPER: the program that migrates itself (migrate_basic) prints all its verdicts ok.
 * </ul>
 *
 * <p>Property {@code migration.seeds}: a count from 1 or a comma list (default 3).
 */
class MigrationScenarioTest {
  private static final int KERNELS = 4;
  private static final int SLEEPERS = 4;
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  static Stream<Long> seeds() {
    String p = System.getProperty("migration.seeds", "3");
    if (p.contains(",")) {
      return Arrays.stream(p.split(",")).map(String::trim).map(Long::parseLong);
    }
    return LongStream.rangeClosed(1, Long.parseLong(p.trim())).boxed();
  }

  /** The typed session and the model's expectations. */
  private record Scenario(
      String input, int[] where, boolean[] killed, int crashed, List<String> log) {}

  private static Scenario scenario(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder in = new StringBuilder();
    List<String> log = new ArrayList<>();
    int[] where = new int[SLEEPERS];
    boolean[] killed = new boolean[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++) {
      in.append("sleep 1000 & S").append(i).append("=$!\n");
    }
    in.append("/usr/tests/migrate_basic 4 > /tmp/hopper.out & H=$!\n");
    int crashed = -1;
    int steps = 8 + r.nextInt(6);
    for (int s = 0; s < steps; s++) {
      int i = r.nextInt(SLEEPERS);
      int choice = r.nextInt(10);
      if (choice < 6) {
        int k = r.nextInt(KERNELS);
        in.append("migrate $S").append(i).append(' ').append(k).append('\n');
        if (!killed[i] && k != crashed) {
          where[i] = k;
        }
        log.add("migrate " + i + " " + k);
      } else if (choice < 8) {
        in.append("grep ^Kernel /proc/$S").append(i).append("/status\n");
        log.add("status " + i);
      } else if (choice == 8 && crashed < 0) {
        // The hopper visits every kernel: it finishes before one goes down.
        in.append("wait $H; cat /tmp/hopper.out\n");
        crashed = 1 + r.nextInt(KERNELS - 1);
        in.append("echo 'echo c > /proc/sysrq-trigger' > /dev/vtty").append(crashed).append('\n');
        in.append("sleep 1\n");
        for (int j = 0; j < SLEEPERS; j++) {
          if (!killed[j] && where[j] == crashed) {
            killed[j] = true;
            in.append("wait $S").append(j).append("; echo lost").append(j).append("=$?\n");
            in.append("kill -0 $S").append(j).append(" 2>/dev/null; echo gone").append(j);
            in.append("=$?\n");
          }
        }
        log.add("crash " + crashed);
      } else if (!killed[i]) {
        killed[i] = true;
        in.append("kill $S").append(i).append("; wait $S").append(i);
        in.append("; echo killed").append(i).append("=$?\n");
        log.add("kill " + i);
      }
    }
    in.append("sleep 1\n");
    for (int i = 0; i < SLEEPERS; i++) {
      if (!killed[i]) {
        in.append("echo at").append(i).append("=$(grep -E '^(Kernel|Origin)' /proc/$S");
        in.append(i).append("/status | tr -d '\\t' | tr '\\n' ' ')\n");
        in.append("echo listed").append(i).append("=$(ps | grep -c \"^ *$S").append(i);
        in.append(" \")\n");
      }
    }
    if (crashed > 0) {
      in.append("migrate $$ ").append(crashed).append("; echo to-crashed=$?\n");
    }
    if (crashed < 0) {
      in.append("wait $H; cat /tmp/hopper.out\n");
    }
    return new Scenario(in.toString(), where, killed, crashed, log);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void migrationKeepsOneSystem(long seed) throws Exception {
    keepsOneSystem(seed, MachineFiles.load("default"));
  }

  /**
   * The same scenario in share mode (popcorn_dsm=share on every kernel): the migrated tasks' pages
   * stay in windows of the primary's memory, which their kernels map.
   */
  @ParameterizedTest(name = "seed {0}")
  @org.junit.jupiter.params.provider.ValueSource(longs = {2})
  void migrationKeepsOneSystemSharingWindows(long seed) throws Exception {
    keepsOneSystem(seed, MachineFiles.load("default").withBootWords("popcorn_dsm=share"));
  }

  private void keepsOneSystem(long seed, MachineDescription desc) throws Exception {
    Scenario s = scenario(seed);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    BootRunner.Result result =
        BootRunner.boot(
            desc,
            Machine.Options.defaults(console).withSeed(seed),
            Files.readAllBytes(root.resolve("guest/out/initramfs.cpio")),
            KERNELS,
            Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
            BootRunner.lines(
                new ByteArrayInputStream(s.input().getBytes(StandardCharsets.UTF_8)),
                () -> {},
                true),
            diagnostics::add);
    String out = console.toString(StandardCharsets.UTF_8);
    String why =
        "\nseed "
            + seed
            + " "
            + s.log()
            + "\ninput:\n"
            + s.input()
            + "\ndiagnostics: "
            + diagnostics
            + "\nconsole (last 6000):\n"
            + out.substring(Math.max(0, out.length() - 6000));
    assertEquals(0, result.status(), "the machine powers off normally" + why);

    for (int i = 0; i < SLEEPERS; i++) {
      if (s.killed()[i]) {
        String lost = value(out, "lost" + i);
        String killed = value(out, "killed" + i);
        // The shell may reap a job killed meanwhile before wait asks (then wait says 127, and
        // its job report said Killed, which is ash's word for SIGKILL).
        boolean lostToPanic =
            lost.equals("137") || (lost.equals("127") && out.contains("Killed   "));
        assertTrue(
            lostToPanic || killed.equals("143"),
            "NOTHING_LOST_ON_PANIC / SIGNALS_REACH_IT: sleeper " + i + why);
        if (!killed.equals("143")) {
          assertEquals("1", value(out, "gone" + i), "NOTHING_LOST_ON_PANIC: " + i + why);
        }
      } else {
        assertEquals(
            "Kernel:" + s.where()[i] + " Origin:0",
            value(out, "at" + i),
            "WHERE_IT_SHOULD_BE: sleeper " + i + why);
        assertEquals("1", value(out, "listed" + i), "WHERE_IT_SHOULD_BE: ps, sleeper " + i + why);
      }
    }
    if (s.crashed() > 0) {
      assertEquals("1", value(out, "to-crashed"), "NOTHING_LOST_ON_PANIC: migrate refused" + why);
    }
    for (String verdict :
        List.of("pid ok", "heap ok", "file ok", "signals ok", "fork ok", "pipe ok")) {
      assertTrue(out.contains("\n" + verdict), "HOPPER: " + verdict + why);
    }

    List<Kernel> up = new ArrayList<>();
    Map<Integer, Kernel> byId = new HashMap<>();
    for (Kernel k : result.kernels()) {
      if (k.outcome() == null || !(k.outcome() instanceof Kernel.Outcome.Panicked)) {
        up.add(k);
        byId.put(k.config().kernelId(), k);
      }
    }
    int away = checkOneLiveCopy(up, byId, why);
    int remote = 0;
    for (int i = 0; i < SLEEPERS; i++) {
      if (!s.killed()[i] && s.where()[i] != 0) {
        remote++;
      }
    }
    assertEquals(remote, away, "ONE_LIVE_COPY: tasks away from home at power-off" + why);
    for (Kernel k : up) {
      try {
        k.checkInvariants();
      } catch (IllegalStateException e) {
        fail("FRAMES_ACCOUNTED: kernel " + k.config().kernelId() + ": " + e.getMessage() + why);
      }
    }
  }

  /**
   * STOP_AND_CONTINUE: a task stopped where it runs away from home is stopped for its parent at
   * home (State T, and the shell's job reads Stopped), SIGCONT sent at home continues it there, and
   * it still dies of SIGTERM.
   */
  @org.junit.jupiter.api.Test
  void aMigratedTaskStopsAndContinues() throws Exception {
    String input =
        String.join(
            "\n",
            "sleep 100 & P=$!",
            "migrate $P 2",
            "sleep 1",
            "kill -STOP $P",
            "sleep 1",
            "echo stopped=$(grep ^State /proc/$P/status | cut -f2 | cut -c1)",
            "jobs",
            "kill -CONT $P",
            "sleep 1",
            "echo continued=$(grep ^State /proc/$P/status | cut -f2 | cut -c1)",
            "echo where=$(grep ^Kernel /proc/$P/status | cut -f2)",
            "kill $P",
            "sleep 1",
            "kill -0 $P 2>/dev/null; echo gone=$?",
            "");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    BootRunner.Result result =
        BootRunner.boot(
            MachineFiles.load("default"),
            Machine.Options.defaults(console),
            Files.readAllBytes(root.resolve("guest/out/initramfs.cpio")),
            KERNELS,
            Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
            BootRunner.lines(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), () -> {}, true),
            d -> {});
    String out = console.toString(StandardCharsets.UTF_8);
    assertEquals(0, result.status(), out);
    assertEquals("T", value(out, "stopped"), "STOP_AND_CONTINUE: stopped" + out);
    assertTrue(out.contains("Stopped (signal)"), "STOP_AND_CONTINUE: the shell's job" + out);
    assertEquals("S", value(out, "continued"), "STOP_AND_CONTINUE: continued" + out);
    assertEquals("2", value(out, "where"), "STOP_AND_CONTINUE: still on kernel 2" + out);
    assertEquals("1", value(out, "gone"), "STOP_AND_CONTINUE: SIGTERM ended it" + out);
  }

  private static boolean live(Task t) {
    return t.state() != SchedEntity.State.DEAD;
  }

  /** Checks ONE_LIVE_COPY, PIDS_UNIQUE and SINGLE_WRITER; returns the tasks found away. */
  private static int checkOneLiveCopy(List<Kernel> up, Map<Integer, Kernel> byId, String why) {
    int away = 0;
    Map<Integer, List<Integer>> holders = new HashMap<>();
    for (Kernel k : up) {
      int id = k.config().kernelId();
      for (Task t : k.table().tasks()) {
        if (!live(t)) {
          continue;
        }
        holders.computeIfAbsent(t.tid(), x -> new ArrayList<>()).add(id);
        int origin = t.process().guestOf();
        if (origin < 0) {
          assertEquals(
              id, PidSpace.originOf(t.tid()), "PIDS_UNIQUE: " + t + " on kernel " + id + why);
        }
        if (t.away() >= 0) {
          away++;
          Kernel there = byId.get(t.away());
          assertTrue(there != null, "ONE_LIVE_COPY: " + t + " away on a kernel that is down" + why);
          Task copy = there.table().task(t.tid());
          assertTrue(
              copy != null && live(copy) && copy.process().guestOf() == id,
              "ONE_LIVE_COPY: " + t + " has no running copy on kernel " + t.away() + why);
          checkPages(t, id, copy, t.away(), why);
        }
        if (origin >= 0) {
          Kernel home = byId.get(origin);
          assertTrue(home != null, "ONE_LIVE_COPY: " + t + " outlived its home " + origin + why);
          Task h = home.table().task(t.tid());
          assertTrue(
              h != null && h.away() == id,
              "ONE_LIVE_COPY: " + t + " runs on " + id + " but home does not say so" + why);
        }
      }
    }
    for (var e : holders.entrySet()) {
      List<Integer> kernels = e.getValue();
      assertTrue(
          kernels.size() == 1
              || (kernels.size() == 2 && kernels.contains(PidSpace.originOf(e.getKey()))),
          "PIDS_UNIQUE: id " + e.getKey() + " live on kernels " + kernels + why);
    }
    return away;
  }

  /**
   * SINGLE_WRITER and DIRECTORY_MATCHES_PAGE_TABLES between home and one copy: a page the copy
   * holds is in home's directory for it, writable there exactly when it is the writer; a page
   * someone writes is present nowhere else; a page with readers is at home too.
   */
  private static void checkPages(Task home, int homeId, Task copy, int copyId, String why) {
    AddressSpace hs = home.process().space();
    AddressSpace cs = copy.process().space();
    Map<Long, AddressSpace.Copies> dir = hs.copies();
    if (cs.foreign()) {
      // Share mode, SHARED_FRAME: the copy maps home's own frame, listed in the directory, with no
      // more permission than home's entry.
      var read = dev.popcornj.machine.hart.AddressTranslator.READ;
      var write = dev.popcornj.machine.hart.AddressTranslator.WRITE;
      for (long page : cs.presentPages()) {
        String at = "0x" + Long.toHexString(page) + " on kernel " + copyId;
        AddressSpace.Copies c = dir.get(page);
        assertTrue(
            c != null && c.has(copyId),
            "DIRECTORY_MATCHES_PAGE_TABLES: " + at + " not in home's directory" + why);
        assertEquals(
            hs.translate(page, read), cs.translate(page, read), "SHARED_FRAME: " + at + why);
        long w = cs.translate(page, write);
        assertTrue(
            w == AddressSpace.NO_MAPPING || w == hs.translate(page, write),
            "SHARED_FRAME: " + at + " writable there, not at home" + why);
      }
      return;
    }
    Set<Long> atHome = new HashSet<>(hs.presentPages());
    for (var e : dir.entrySet()) {
      long page = e.getKey();
      assertEquals(
          !e.getValue().writer(),
          atHome.contains(page),
          "SINGLE_WRITER: 0x" + Long.toHexString(page) + " " + e.getValue() + " at home" + why);
    }
    for (long page : cs.presentPages()) {
      AddressSpace.Copies c = dir.get(page);
      String at = "0x" + Long.toHexString(page) + " on kernel " + copyId;
      assertTrue(
          c != null && c.has(copyId),
          "DIRECTORY_MATCHES_PAGE_TABLES: " + at + " not in home's directory" + why);
      boolean writable =
          cs.translate(page, dev.popcornj.machine.hart.AddressTranslator.WRITE)
              != AddressSpace.NO_MAPPING;
      assertTrue(
          !writable || c.writer(),
          "SINGLE_WRITER: " + at + " writable but home lists readers " + c + why);
      assertTrue(
          !atHome.contains(page) || !c.writer(),
          "SINGLE_WRITER: " + at + " written there and present on kernel " + homeId + why);
    }
  }

  /** The rest of the output line that starts with NAME= (not the typed command's echo). */
  private static String value(String console, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(.*)$").matcher(console);
    return m.find() ? m.group(1).strip() : "(no " + name + "= line)";
  }
}
