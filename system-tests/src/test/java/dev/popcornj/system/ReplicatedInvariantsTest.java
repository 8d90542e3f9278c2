package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.msg.MsgCounters;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.msg.WindowDescriptor;
import dev.popcornj.kernel.platform.PartitionPlan;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded whole-machine scenarios on four kernels: the seed chooses the shell commands the primary
 * sends to the secondaries' consoles, which secondary is crashed through /proc/sysrq-trigger and
 * booted again with kexec, and what runs after. Named invariants, checked at power-off:
 *
 * <ul>
 *   <li>PARTITION_GUARD: every frame a kernel reached through its memory view lies in its partition
 *       or the messaging window; the primary's own view reaches only its partition, the window and
 *       the partitions of the kernels it loads with kexec. Checked against the partition plan, not
 *       against the views' grants.
 *   <li>EXACTLY_ONCE_IN_ORDER: no receiver saw a lost, repeated or reordered chunk (each slot's
 *       sequence number is checked per sender and priority) or a malformed message; between kernels
 *       that stayed up, every message written is either received or still in the receiver's ring.
 *   <li>PANIC_CONTAINED: the crash stops exactly the crashed kernel; every other kernel stays
 *       online, the crashed one is booted again, and the machine powers off normally.
 * </ul>
 */
class ReplicatedInvariantsTest {
  private static final int KERNELS = 4;
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  /** Every frame each accessor reached. */
  private static final class Reached {
    final Map<String, TreeSet<Long>> frames = new TreeMap<>();

    void reached(String accessor, long paddr) {
      frames
          .computeIfAbsent(accessor, a -> new TreeSet<>())
          .add(paddr & ~PhysicalMemory.FRAME_MASK);
    }
  }

  private record Scenario(int victim, String input) {}

  /** The typed session for a seed: commands to secondaries, a crash, a kexec, more commands. */
  private static Scenario scenario(long seed, PartitionPlan plan) {
    SplittableRandom r = new SplittableRandom(seed);
    int victim = 1 + r.nextInt(KERNELS - 1);
    StringBuilder in = new StringBuilder();
    commands(r, in, 3 + r.nextInt(3), 0);
    in.append("echo \"echo c > /proc/sysrq-trigger\" > /dev/vtty").append(victim).append('\n');
    in.append("sleep 1\n");
    in.append("/sbin/kexec --image /boot/popcorn-light.img --initrd /boot/initramfs-light.cpio")
        .append(" --append '")
        .append(plan.kernels().get(victim).cmdline())
        .append("' --base auto --boot\n");
    in.append("sleep 1\n");
    commands(r, in, 2 + r.nextInt(3), 100);
    // The quotes keep the typed line from containing what the rebooted kernel prints.
    in.append("echo \"echo back-'").append(victim).append("'\" > /dev/vtty").append(victim);
    in.append("\nsleep 1\ncat /dev/vtty").append(victim).append(" &\nsleep 1\n");
    in.append("cat /proc/popcorn/kernels\n");
    return new Scenario(victim, in.toString());
  }

  private static void commands(SplittableRandom r, StringBuilder in, int n, int base) {
    for (int i = 0; i < n; i++) {
      int k = 1 + r.nextInt(KERNELS - 1);
      switch (r.nextInt(4)) {
        case 0 -> in.append("echo \"echo k").append(k).append('-').append(base + i);
        case 1 -> in.append("echo \"ls /bin > /dev/null; cat /proc/popcorn/msg");
        case 2 -> in.append("echo \"uname -a; cat /proc/popcorn/kernels");
        default -> in.append("cat /proc/popcorn/msg; echo \"echo ").append(i);
      }
      in.append("\" > /dev/vtty").append(k).append('\n');
      if (r.nextBoolean()) {
        in.append("sleep 1\n");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void invariantsHoldForSeed(long seed) throws Exception {
    MachineDescription desc = MachineFiles.load("default");
    PartitionPlan plan = PartitionPlanner.plan(desc, KERNELS);
    Scenario s = scenario(seed, plan);
    Reached reached = new Reached();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    BootRunner.Result result =
        BootRunner.boot(
            desc,
            Machine.Options.defaults(console).withSeed(seed).withAudit(reached::reached),
            Files.readAllBytes(root.resolve("guest/out/initramfs.cpio")),
            KERNELS,
            Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
            BootRunner.lines(
                new ByteArrayInputStream(s.input().getBytes(StandardCharsets.US_ASCII)), () -> {}),
            diagnostics::add);
    String context =
        "seed "
            + seed
            + ", victim "
            + s.victim()
            + "\ninput:\n"
            + s.input()
            + "\nconsole:\n"
            + console.toString(StandardCharsets.UTF_8)
            + "\ndiagnostics: "
            + diagnostics;
    assertEquals(new Kernel.Outcome.PoweredOff(0), result.outcome(), context);
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("back-" + s.victim()), context);

    panicContained(result.kernels(), s.victim(), context);
    partitionGuard(reached, plan, context);
    exactlyOnceInOrder(result.kernels(), s.victim(), context);
  }

  private static void panicContained(List<Kernel> kernels, int victim, String context) {
    assertEquals(KERNELS + 1, kernels.size(), "PANIC_CONTAINED: instances booted; " + context);
    List<Kernel> panicked = kernels.stream().filter(k -> k.outcome() != null).toList();
    assertEquals(2, panicked.size(), "PANIC_CONTAINED: only the victim and the primary end");
    Kernel crashed =
        panicked.stream().filter(k -> k.config().kernelId() != 0).findFirst().orElseThrow();
    assertEquals(victim, crashed.config().kernelId(), "PANIC_CONTAINED: " + context);
    assertInstanceOf(Kernel.Outcome.Panicked.class, crashed.outcome(), context);
    MessageWindow window = kernels.getFirst().endpoint().window();
    for (Kernel k : kernels) {
      if (k != crashed && k.config().kernelId() != 0) {
        assertNull(k.outcome(), "PANIC_CONTAINED: kernel " + k.config().kernelId() + " stopped");
      }
    }
    for (int id = 1; id < KERNELS; id++) {
      assertEquals(
          KernelState.ONLINE, window.state(id), "PANIC_CONTAINED: kernel " + id + "; " + context);
    }
  }

  private static void partitionGuard(Reached reached, PartitionPlan plan, String context) {
    Region window = plan.messageWindow();
    for (PartitionPlan.Kernel k : plan.kernels()) {
      int id = k.partition().kernelId();
      // Strictly its own partition and the window: kexec's writes into other partitions go
      // through the firmware, never through the primary's own view.
      List<Region> allowed = new ArrayList<>(k.partition().memory());
      allowed.add(window);
      TreeSet<Long> frames = reached.frames.get("kernel " + id);
      assertTrue(frames != null && !frames.isEmpty(), "kernel " + id + " reached no memory");
      for (long f : frames) {
        assertTrue(
            allowed.stream().anyMatch(r -> r.contains(f, PhysicalMemory.FRAME_SIZE)),
            "PARTITION_GUARD: kernel "
                + id
                + " reached frame 0x"
                + Long.toHexString(f)
                + " outside "
                + allowed
                + "; "
                + context);
      }
      if (id != 0) {
        // The firmware wrote this kernel's image and initramfs for the primary's kexec_load: the
        // audit sees those writes, so a kernel reaching across partitions would be seen too.
        TreeSet<Long> firmware = reached.frames.get("firmware");
        assertTrue(
            firmware != null
                && k.partition().memory().stream()
                    .anyMatch(r -> !firmware.subSet(r.base(), r.base() + r.size()).isEmpty()),
            "the firmware's kexec writes into kernel " + id + " were not seen");
      }
    }
  }

  private static void exactlyOnceInOrder(List<Kernel> kernels, int victim, String context) {
    for (Kernel k : kernels) {
      Endpoint e = k.endpoint();
      String who = "kernel " + k.config().kernelId() + ": ";
      assertEquals(0, e.counters().malformedSlots(), "EXACTLY_ONCE_IN_ORDER: " + who + context);
      assertEquals(0, e.malformedMessages(), "EXACTLY_ONCE_IN_ORDER: " + who + context);
    }
    List<Kernel> steady = kernels.stream().filter(k -> k.config().kernelId() != victim).toList();
    assertEquals(KERNELS - 1, steady.size());
    MessageWindow window = steady.getFirst().endpoint().window();
    long checked = 0;
    for (Kernel a : steady) {
      for (Kernel b : steady) {
        if (a == b) {
          continue;
        }
        int from = a.config().kernelId();
        int to = b.config().kernelId();
        MsgCounters.PeerCounters sent = a.endpoint().counters().peer(to);
        MsgCounters.PeerCounters got = b.endpoint().counters().peer(from);
        long inRing = wholeMessagesInRing(window, to, from);
        assertEquals(
            sent.messagesSent(),
            got.messagesReceived() + inRing,
            "EXACTLY_ONCE_IN_ORDER: "
                + from
                + " -> "
                + to
                + " sent "
                + sent.messagesSent()
                + ", received "
                + got.messagesReceived()
                + ", in the ring "
                + inRing
                + "; "
                + context);
        checked += sent.messagesSent();
      }
    }
    assertTrue(checked > 0, "no messages between the kernels that stayed up");
  }

  /** Messages from sender whose last chunk is published in receiver's rings but not consumed. */
  private static long wholeMessagesInRing(MessageWindow window, int receiver, int sender) {
    MemoryView view = window.view();
    long n = 0;
    for (Priority p : Priority.values()) {
      for (long t = window.tail(receiver, p); t < window.ticket(receiver, p); t++) {
        long slot = window.slot(receiver, p, t);
        boolean ready = view.read8(slot + WindowDescriptor.SLOT_READY) != 0;
        int flags = view.read8(slot + WindowDescriptor.SLOT_FLAGS) & 0xff;
        int from = view.read16(slot + WindowDescriptor.SLOT_SENDER) & 0xffff;
        if (ready && from == sender && (flags & WindowDescriptor.FLAG_LAST) != 0) {
          n++;
        }
      }
    }
    return n;
  }
}
