package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.platform.PartitionPlan;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.mem.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded chaos on four kernels. For each seed, the primary's shell is typed a sequence of random
 * guest programs and hostile actions ({@link Action}): console floods into secondaries' consoles
 * (text, binary, and output nobody reads), panics through sysrq, kexec of secondaries with mostly
 * valid and some invalid parameters, fork storms, signal storms and migrations (programs that hop
 * over the kernels, processes moved with the migrate tool). At the end, every secondary is asked to
 * echo a marker. Named invariants:
 *
 * <ul>
 *   <li>JVM_ALIVE: no exception escapes the run, no kernel panics with a kernel bug (a host
 *       exception turned into a panic), and the run ends by power-off or by the virtual-time bound.
 *   <li>CONTAINED: only kernels the scenario attacked (a panic or a kexec aimed at them) stop; the
 *       primary never does, and every kernel still up at the end answers its marker command.
 *   <li>ONLINE: every kernel still up at the end reads {@code online} in /proc/popcorn/kernels and
 *       in the messaging window.
 *   <li>SIGNALS_ACCOUNTED: a program on the primary that sends itself 10,000 signals of each kind
 *       after the chaos sees every one handled (none lost, queued values summed right).
 *   <li>MEMORY_BOUND: the model's own buffers stay bounded (each console backlog at most its
 *       capacity, counted in /proc/popcorn/vtty), touched frames stay within the machine's RAM, and
 *       the host heap after a GC stays under a bound derived from touched frames (printed).
 * </ul>
 *
 * <p>Properties: {@code chaos.seeds} (a count from 1, or a comma list) and {@code chaos.actions}
 * (comma list of action names, or {@code all}).
 */
class ChaosTest {
  private static final int KERNELS = 4;

  /** Virtual-time bound: the typist's 10 ms ticks after which the machine is powered off. */
  private static final int TICK_LIMIT = 30_000;

  /** What the primary's shell can do to the machine. */
  enum Action {
    /** A short program from /usr/tests on the primary, or a few commands on a secondary. */
    GUEST_PROGRAM,
    /** Text written into /dev/vttyN many times; the secondary's shell reads it as commands. */
    CONSOLE_FLOOD,
    /** A binary file written into /dev/vttyN many times. */
    BINARY_FLOOD,
    /** A secondary prints binaries to its console; nobody on the primary reads them. */
    OUTPUT_FLOOD,
    /** sysrq 'c' on a secondary. */
    PANIC,
    /** kexec of a secondary with valid parameters (refused while it is up). */
    KEXEC,
    /**
     * kexec with invalid parameters: the id of a running kernel, memory of another partition or
     * beyond RAM, missing popcorn_msg, CPUs of another kernel, garbage image or initramfs.
     */
    KEXEC_INVALID,
    /** kexec with popcorn_id outside the messaging window: refused by kexec_load, nothing built. */
    KEXEC_ID_OUTSIDE_WINDOW,
    /** Many short processes at once, bounded, on the primary or a secondary. */
    FORK_STORM,
    /**
     * An unbounded fork bomb on the primary, which meets threads-max and churns at it until the
     * run's virtual-time bound: it holds, but takes about two minutes of host time a seed here, so
     * it is left out of the default list (TaskLimitsTest covers bombs under a small heap in CI);
     * -Dchaos.actions=all runs it.
     */
    FORK_BOMB,
    /** Signals rained on processes: /usr/tests/signal_storm, kill of every process of a kernel. */
    SIGNAL_STORM,
    /**
     * Processes moved between kernels: a program that hops over every kernel by itself, sleepers
     * moved with the migrate tool (to kernels that may be down, or go down later), a process moved
     * by sched_setaffinity.
     */
    MIGRATION,
  }

  /** The actions a default run draws from: every kind but the slow fork bomb. */
  static final Set<Action> DEFAULT_ACTIONS = EnumSet.complementOf(EnumSet.of(Action.FORK_BOMB));

  private static final String[] PROGRAMS = {
    "hello",
    "fork_wait",
    "pipe_basic",
    "threads_basic",
    "sig_chld",
    "mmap",
    "orphan",
    "sig_mask",
    "unix_stream",
    "futex",
    "timers",
    "poll_pipe"
  };

  private static final String[] SECONDARY_COMMANDS = {
    "ls /bin", "ps", "uname -a", "cat /proc/popcorn/kernels", "dmesg", "cat /proc/popcorn/msg"
  };

  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  static Stream<Long> seeds() {
    String p = System.getProperty("chaos.seeds", "4");
    if (p.contains(",")) {
      return Arrays.stream(p.split(",")).map(String::trim).map(Long::parseLong);
    }
    return LongStream.rangeClosed(1, Long.parseLong(p.trim())).boxed();
  }

  static Set<Action> actions() {
    String p = System.getProperty("chaos.actions", "");
    if (p.isBlank()) {
      return DEFAULT_ACTIONS;
    }
    if (p.equals("all")) {
      return EnumSet.allOf(Action.class);
    }
    Set<Action> set = EnumSet.noneOf(Action.class);
    for (String a : p.split(",")) {
      set.add(Action.valueOf(a.trim()));
    }
    return set;
  }

  /** The typed session for a seed and the kernels it may stop. */
  record Scenario(String input, Set<Integer> attacked, List<String> log) {}

  static Scenario scenario(long seed, Set<Action> allowed, PartitionPlan plan) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Action> kinds = List.copyOf(allowed);
    StringBuilder in = new StringBuilder();
    Set<Integer> attacked = new TreeSet<>();
    List<Integer> crashed = new ArrayList<>(); // by the scenario's panics, not yet kexec'ed again
    List<String> log = new ArrayList<>();
    int steps = 6 + r.nextInt(5);
    for (int i = 0; i < steps; i++) {
      Action a = kinds.get(r.nextInt(kinds.size()));
      int k = 1 + r.nextInt(KERNELS - 1);
      boolean kexec = a.name().startsWith("KEXEC");
      if (kexec && !crashed.isEmpty() && r.nextInt(4) != 0) {
        k = crashed.get(r.nextInt(crashed.size()));
      }
      if (a == Action.PANIC && !crashed.contains(k)) {
        crashed.add(k);
      } else if (a == Action.KEXEC) {
        crashed.remove(Integer.valueOf(k));
      }
      log.add(a + " " + k);
      switch (a) {
        case GUEST_PROGRAM -> {
          if (r.nextBoolean()) {
            in.append("/usr/tests/")
                .append(PROGRAMS[r.nextInt(PROGRAMS.length)])
                .append(" < /dev/null > /dev/null\n");
          } else {
            toConsole(
                in,
                k,
                SECONDARY_COMMANDS[r.nextInt(SECONDARY_COMMANDS.length)]
                    + "; "
                    + SECONDARY_COMMANDS[r.nextInt(SECONDARY_COMMANDS.length)]);
          }
        }
        case CONSOLE_FLOOD -> {
          in.append("cat");
          for (int n = 2 + r.nextInt(8); n > 0; n--) {
            in.append(" /proc/cpuinfo /etc/popcorn/kernels /proc/popcorn/msg");
          }
          in.append(" > /dev/vtty").append(k).append('\n');
        }
        case BINARY_FLOOD -> {
          in.append("cat");
          for (int n = 1 + r.nextInt(4); n > 0; n--) {
            in.append(r.nextBoolean() ? " /bin/ls" : " /boot/popcorn-full.img /bin/true");
          }
          in.append(" > /dev/vtty").append(k).append('\n');
        }
        case OUTPUT_FLOOD -> {
          StringBuilder c = new StringBuilder("cat");
          for (int n = 1 + r.nextInt(6); n > 0; n--) {
            c.append(" /bin/sh");
          }
          toConsole(in, k, c.toString());
          in.append("sleep 1\n");
        }
        case PANIC -> {
          attacked.add(k);
          toConsole(in, k, "echo c > /proc/sysrq-trigger");
          in.append("sleep 1\n");
        }
        case KEXEC -> {
          attacked.add(k);
          boolean full = r.nextInt(3) == 0;
          kexec(in, full, full, plan.kernels().get(k).cmdline());
        }
        case KEXEC_INVALID -> {
          attacked.add(k);
          invalidKexec(r, in, plan, k);
        }
        case KEXEC_ID_OUTSIDE_WINDOW -> {
          attacked.add(k);
          long[] ids = {KERNELS + 5L, 63, 64, 1000, -1, 1L << 32};
          String cmdline =
              plan.kernels()
                  .get(k)
                  .cmdline()
                  .replace("popcorn_id=" + k, "popcorn_id=" + ids[r.nextInt(ids.length)]);
          kexec(in, false, false, cmdline);
        }
        case FORK_STORM -> {
          StringBuilder c = new StringBuilder();
          for (int n = 8 + r.nextInt(20); n > 0; n--) {
            c.append(r.nextBoolean() ? "true & " : "sleep 0 & ");
          }
          c.append("wait");
          if (r.nextBoolean()) {
            in.append(c).append('\n');
          } else {
            toConsole(in, k, c.toString());
          }
        }
        case FORK_BOMB -> {
          in.append("echo 'sh /tmp/bomb & sh /tmp/bomb' > /tmp/bomb\n");
          in.append("sh /tmp/bomb &\nsleep 1\n");
        }
        case MIGRATION -> {
          in.append("/usr/tests/migrate_basic 4 > /dev/null 2>&1 &\n");
          // A short sleeper: a later fork storm's wait waits for it too.
          in.append("sleep 5 & M=$!; migrate $M ").append(k).append("\n");
          in.append("migrate $M ").append(r.nextInt(KERNELS)).append(" 2>/dev/null\n");
          if (r.nextBoolean()) {
            in.append("kill $M\n");
          }
          in.append("/usr/tests/migrate_hop > /dev/null 2>&1 &\n");
        }
        case SIGNAL_STORM -> {
          if (r.nextBoolean()) {
            in.append("/usr/tests/signal_storm > /dev/null\n");
          } else {
            String[] sigs = {"-USR1", "-HUP", "-TERM", "-INT", "-CHLD", "-USR2"};
            StringBuilder c = new StringBuilder("sleep 5 & sleep 5 & ");
            for (int n = 4 + r.nextInt(8); n > 0; n--) {
              c.append("kill ").append(sigs[r.nextInt(sigs.length)]).append(" -1; ");
            }
            // The kernel's own init: the first pid of its range (pid 1 is the primary's).
            c.append("kill -KILL ").append(k << 16 | 1);
            toConsole(in, k, c.toString());
            in.append("sleep 1\n");
          }
        }
      }
    }
    // The end: every secondary echoes a marker (the quotes keep the typed line from holding it).
    // A ^C first: binary typed into ash can leave a quote open, and ash then reads every later
    // line as more of the same command until an interrupt drops it.
    in.append("sleep 2\n");
    for (int k = 1; k < KERNELS; k++) {
      in.append("printf '\\n\\003\\n' > /dev/vtty").append(k).append('\n');
      toConsole(in, k, "echo alive-'" + k + "'");
    }
    in.append("sleep 3\n/usr/tests/signal_storm; echo storm-status $?\n");
    in.append("cat /proc/popcorn/kernels\ncat /proc/popcorn/vtty\n");
    return new Scenario(in.toString(), attacked, log);
  }

  private static void toConsole(StringBuilder in, int k, String command) {
    in.append("echo \"").append(command).append("\" > /dev/vtty").append(k).append('\n');
  }

  private static void kexec(StringBuilder in, boolean fullImage, boolean fullInitrd, String line) {
    in.append("/sbin/kexec --image /boot/popcorn-")
        .append(fullImage ? "full" : "light")
        .append(".img --initrd /boot/initramfs-")
        .append(fullInitrd ? "full" : "light")
        .append(".cpio --append '")
        .append(line)
        .append("' --base auto --boot\nsleep 1\n");
  }

  private static void invalidKexec(
      SplittableRandom r, StringBuilder in, PartitionPlan plan, int k) {
    String line = plan.kernels().get(k).cmdline();
    int other = 1 + (k % (KERNELS - 1));
    switch (r.nextInt(7)) {
      case 0 -> // the id of a running kernel: the primary or another secondary
          kexec(
              in,
              false,
              false,
              line.replace("popcorn_id=" + k, "popcorn_id=" + (r.nextBoolean() ? 0 : other)));
      case 1 -> // memory of another partition
          kexec(
              in,
              false,
              false,
              line.replaceAll(
                  "memmap=\\S+@\\S+",
                  plan.kernels()
                      .get(r.nextBoolean() ? 0 : other)
                      .cmdline()
                      .replaceAll(".*(memmap=\\S+@\\S+).*", "$1")));
      case 2 -> // memory beyond RAM
          kexec(in, false, false, line.replaceAll("memmap=\\S+@\\S+", "memmap=256M@0x400000000"));
      case 3 -> // no messaging window
          kexec(in, false, false, line.replaceAll("popcorn_msg=\\S+", ""));
      case 4 -> // the CPUs of another kernel
          kexec(in, false, false, line.replaceAll("present_mask=\\S+", "present_mask=0-1"));
      case 5 -> // a garbage image
          in.append("/sbin/kexec --image /bin/ls --initrd /boot/initramfs-light.cpio --append '")
              .append(line)
              .append("' --base auto --boot\nsleep 1\n");
      default -> // a garbage initramfs
          in.append("/sbin/kexec --image /boot/popcorn-light.img --initrd /etc/motd --append '")
              .append(line)
              .append("' --base auto --boot\nsleep 1\n");
    }
  }

  /** Types the scenario's lines when the guest waits; powers off after the tick limit. */
  private static final class BoundedKeyboard implements BootRunner.Keyboard {
    private final BootRunner.Keyboard lines;
    private int ticks;
    boolean limitReached;

    BoundedKeyboard(String input) {
      lines =
          BootRunner.lines(
              new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)),
              () -> {});
    }

    @Override
    public byte[] next() {
      return lines.next();
    }

    @Override
    public byte[] poll(boolean guestWaiting) {
      if (++ticks >= TICK_LIMIT) {
        limitReached = true;
      }
      return lines.poll(guestWaiting);
    }

    @Override
    public boolean ended() {
      return lines.ended();
    }

    @Override
    public boolean quitRequested() {
      return limitReached;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void chaosIsContained(long seed) throws Exception {
    MachineDescription desc = MachineFiles.load("default");
    PartitionPlan plan = PartitionPlanner.plan(desc, KERNELS);
    Scenario s = scenario(seed, actions(), plan);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    BoundedKeyboard keyboard = new BoundedKeyboard(s.input());
    StringBuilder context = new StringBuilder();
    context.append("seed ").append(seed).append(", actions ").append(s.log());
    BootRunner.Result result;
    try {
      result =
          BootRunner.boot(
              desc,
              Machine.Options.defaults(console).withSeed(seed),
              Files.readAllBytes(root.resolve("guest/out/initramfs.cpio")),
              KERNELS,
              Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
              keyboard,
              diagnostics::add);
    } catch (Throwable e) {
      throw new AssertionError(
          "JVM_ALIVE: the run threw; " + context + "\ninput:\n" + s.input(), e);
    }
    String out = console.toString(StandardCharsets.UTF_8);
    context
        .append("\ninput:\n")
        .append(s.input())
        .append("\ndiagnostics: ")
        .append(diagnostics)
        .append("\nconsole (last 8000 chars):\n")
        .append(out.substring(Math.max(0, out.length() - 8000)));
    String why = context.toString();

    jvmAlive(result, keyboard, why);
    Set<Integer> up = contained(result.kernels(), s.attacked(), why);
    online(result.kernels(), up, out, why);
    signalsAccounted(out, why);
    memoryBound(result, out, why);
    System.out.println(
        "chaos seed "
            + seed
            + ": "
            + s.log()
            + ", up at the end "
            + up
            + (keyboard.limitReached ? ", stopped at the bound" : ", powered off")
            + ", "
            + result.instructions()
            + " instructions");
  }

  private static void jvmAlive(BootRunner.Result result, BoundedKeyboard keyboard, String why) {
    if (!keyboard.limitReached) {
      assertEquals(new Kernel.Outcome.PoweredOff(0), result.outcome(), "JVM_ALIVE: " + why);
    }
    for (Kernel k : result.kernels()) {
      if (k.outcome() instanceof Kernel.Outcome.Panicked p) {
        assertTrue(
            !p.reason().startsWith("kernel bug"),
            "JVM_ALIVE: kernel " + k.config().kernelId() + " " + p + "; " + why);
      }
    }
  }

  /** Checks that only attacked kernels stopped; returns the ids of the secondaries still up. */
  private static Set<Integer> contained(List<Kernel> kernels, Set<Integer> attacked, String why) {
    Kernel primary = kernels.getFirst();
    assertEquals(0, primary.config().kernelId());
    TreeMap<Integer, Kernel> latest = new TreeMap<>();
    for (Kernel k : kernels) {
      int id = k.config().kernelId();
      if (k.outcome() != null && id != 0 && !attacked.contains(id)) {
        fail("CONTAINED: kernel " + id + " was not attacked but ended " + k.outcome() + "; " + why);
      }
      latest.put(id, k);
    }
    MessageWindow window = primary.endpoint().window();
    Set<Integer> up = new TreeSet<>();
    for (int id = 1; id < KERNELS; id++) {
      Kernel k = latest.get(id);
      if (k != null && k.outcome() == null) {
        up.add(id);
      } else {
        assertTrue(attacked.contains(id), "CONTAINED: kernel " + id + " is not up; " + why);
      }
    }
    for (int id : up) {
      byte[] backlog = primary.vtty().takeOutput(id, Integer.MAX_VALUE);
      String text = new String(backlog, StandardCharsets.ISO_8859_1);
      assertTrue(
          text.contains("alive-" + id),
          "CONTAINED: kernel "
              + id
              + " did not answer its marker; its console ends with:\n"
              + text.substring(Math.max(0, text.length() - 2000))
              + "\n"
              + why);
    }
    return up;
  }

  private static void online(List<Kernel> kernels, Set<Integer> up, String out, String why) {
    MessageWindow window = kernels.getFirst().endpoint().window();
    int at = out.lastIndexOf("cat /proc/popcorn/kernels");
    assertTrue(at >= 0, "ONLINE: /proc/popcorn/kernels was not shown; " + why);
    Matcher m = Pattern.compile("(?m)^(\\d+)\\s+(\\w+)").matcher(out.substring(at));
    TreeMap<Integer, String> shown = new TreeMap<>();
    while (m.find()) {
      shown.putIfAbsent(Integer.parseInt(m.group(1)), m.group(2));
    }
    assertEquals("online", shown.get(0), "ONLINE: kernel 0 in " + shown + "; " + why);
    for (int id : up) {
      assertEquals("online", shown.get(id), "ONLINE: kernel " + id + " in " + shown + "; " + why);
      assertEquals(KernelState.ONLINE, window.state(id), "ONLINE: kernel " + id + "; " + why);
    }
  }

  /**
   * SIGNALS_ACCOUNTED: after the storm, a program on the primary that sends itself 10,000 of each
   * kind of signal (raise, kill, queued real-time, queued while blocked) sees its handler run for
   * every one, with the values of queued signals summed right and its mask and pending set clean.
   */
  private static void signalsAccounted(String out, String why) {
    int at = out.lastIndexOf("/usr/tests/signal_storm; echo storm-status");
    assertTrue(at >= 0, "SIGNALS_ACCOUNTED: the storm was not run; " + why);
    String tail = out.substring(at);
    Matcher handled = Pattern.compile("handled (\\d+) of (\\d+)").matcher(tail);
    int kinds = 0;
    while (handled.find()) {
      kinds++;
      assertEquals(
          handled.group(2),
          handled.group(1),
          "SIGNALS_ACCOUNTED: " + handled.group() + " after the chaos; " + why);
    }
    assertEquals(4, kinds, "SIGNALS_ACCOUNTED: the storm's counts; " + why);
    assertTrue(tail.contains("storm-status 0"), "SIGNALS_ACCOUNTED: the storm failed; " + why);
  }

  private static void memoryBound(BootRunner.Result result, String out, String why) {
    int at = out.lastIndexOf("KERNEL  WAITING  DROPPED");
    assertTrue(at >= 0, "MEMORY_BOUND: /proc/popcorn/vtty was not shown; " + why);
    Matcher m = Pattern.compile("(?m)^(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(out.substring(at));
    long waiting = 0;
    while (m.find()) {
      long w = Long.parseLong(m.group(2));
      assertTrue(w <= CONSOLE_BACKLOG, "MEMORY_BOUND: console backlog " + w + " bytes; " + why);
      waiting += w;
    }
    PhysicalMemory memory = result.kernels().getFirst().view().memory();
    long ram = memory.ranges().stream().mapToLong(r -> r.size()).sum();
    long touched = memory.touchedFrames() * PhysicalMemory.FRAME_SIZE;
    assertTrue(touched <= ram, "MEMORY_BOUND: touched " + touched + " > RAM " + ram + "; " + why);
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long bound = 2 * touched + (KERNELS - 1) * CONSOLE_BACKLOG + HEAP_BASELINE;
    System.out.printf(
        "MEMORY_BOUND: heap after GC %d MiB, bound %d MiB (2 x touched frames %d MiB + %d"
            + " backlogs of %d MiB + baseline %d MiB); console bytes waiting %d%n",
        heap >> 20,
        bound >> 20,
        touched >> 20,
        KERNELS - 1,
        CONSOLE_BACKLOG >> 20,
        HEAP_BASELINE >> 20,
        waiting);
    assertTrue(heap < bound, "MEMORY_BOUND: heap " + heap + " >= " + bound + "; " + why);
  }

  /** ConsoleBacklog.CAPACITY: what the primary keeps of one secondary's unread console output. */
  private static final long CONSOLE_BACKLOG = 2L << 20;

  /**
   * The JVM, the test harness, decoded code and kernel structures, independent of guest memory.
   * After the whole system-test suite has run in the same JVM the heap after a GC is about 100 MiB,
   * so a machine that outlives its run (as parked task stacks once kept 320 MiB of finished runs
   * reachable) crosses it.
   */
  private static final long HEAP_BASELINE = 192L << 20;
}
