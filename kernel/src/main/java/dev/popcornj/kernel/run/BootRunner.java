package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.PartitionPlan;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.kernel.services.kexec.KernelImage;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Boots a machine the way its firmware would: puts the initramfs at the top of the first memory
 * range, boots the primary kernel on every hart with the machine's command line plus {@code
 * initrd=}, and runs it with the console attached to the host. Host input reaches the console as
 * typed bytes whenever the guest waits for the terminal; after the last input comes end of file
 * (^D), and the machine powers off when init asks it to.
 *
 * <p>The primary is booted as a full kernel: the firmware starts it directly, without an image
 * header, and the kernel takes that as {@code popcorn-full}. A {@code popcorn_image=light} in the
 * machine's command line makes the primary refuse to boot, since a light image has no UART driver,
 * virtual TTY host or kexec.
 */
public final class BootRunner {
  /** Where the console's input comes from. */
  @FunctionalInterface
  public interface Keyboard {
    /** The next chunk to type, waiting for it; null at the end of input. */
    byte[] next();

    /**
     * What to type now without waiting for the host, or null; guestWaiting says whether the guest
     * waits for the terminal (piped input types its next line only then).
     */
    default byte[] poll(boolean guestWaiting) {
      return null;
    }

    /** True once {@link #next} returned the end of input. */
    default boolean ended() {
      return false;
    }

    /** True once the user asked to leave (the machine powers off at once). */
    default boolean quitRequested() {
      return false;
    }

    /**
     * True when the session ends with this input, as piped input to {@code popcorn boot} does: a
     * guest that has not read the console for {@link #UNREAD_GRACE_PS} of virtual time gets the
     * next line anyway (typed ahead, as a user would) or, after the last, end of file; once input
     * has ended, that long without a read powers the machine off.
     */
    default boolean endsWithInput() {
      return false;
    }
  }

  /** How long a guest may leave the console unread before piped input moves on: 10 s virtual. */
  public static final long UNREAD_GRACE_PS = 10_000_000_000_000L;

  /**
   * Piped input: in, a line at a time, each typed when the guest waits for the terminal; beforeRead
   * runs before each read (to show output first).
   */
  public static Keyboard lines(java.io.InputStream in, Runnable beforeRead) {
    return lines(in, beforeRead, false);
  }

  /** As {@link #lines(java.io.InputStream, Runnable)}; see {@link Keyboard#endsWithInput}. */
  public static Keyboard lines(java.io.InputStream in, Runnable beforeRead, boolean endsWithInput) {
    return new Keyboard() {
      private boolean ended;

      @Override
      public byte[] next() {
        if (ended) {
          return null;
        }
        beforeRead.run();
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try {
          int c;
          while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
              break;
            }
          }
        } catch (java.io.IOException e) {
          // A broken input ends it, like end of file.
        }
        ended = line.size() == 0;
        return ended ? null : line.toByteArray();
      }

      @Override
      public byte[] poll(boolean guestWaiting) {
        return guestWaiting ? next() : null;
      }

      @Override
      public boolean ended() {
        return ended;
      }

      @Override
      public boolean endsWithInput() {
        return endsWithInput;
      }
    };
  }

  /** How often the typist looks for input while the guest is busy: every 10 ms of virtual time. */
  private static final long POLL_PS = 10_000_000_000L;

  /**
   * How a boot ended, with the status the CLI exits with; kernels holds every kernel instance that
   * booted, in boot order (a kernel that panicked and was booted again appears twice).
   */
  public record Result(
      Kernel.Outcome outcome,
      int status,
      long instructions,
      long virtualPs,
      List<Kernel> kernels) {}

  private static final byte EOF_CHAR = 4;

  /** Where a full kernel's root keeps the keys that may log in as root over SSH. */
  public static final String AUTHORIZED_KEYS = "/root/.ssh/authorized_keys";

  private BootRunner() {}

  /**
   * Boots and runs until power-off, a panic, or a guest that sleeps forever after its input ended.
   *
   * @throws BootException when the kernel cannot boot (bad parameters, no init)
   */
  public static Result boot(
      MachineDescription desc,
      Machine.Options options,
      byte[] initramfs,
      Keyboard keyboard,
      Diagnostics diag) {
    return boot(desc, options, initramfs, 1, null, keyboard, diag);
  }

  /**
   * Boots kernels kernels (1 = only the primary on the whole machine). With more, the machine is
   * partitioned by {@link PartitionPlanner}; the primary gets the full kernel image, the light one
   * and lightInitramfs in /boot, and /etc/popcorn/kernels with one line "ID CMDLINE" per secondary,
   * which its init boots with kexec.
   *
   * @throws BootException when the kernel cannot boot or the machine cannot be partitioned so
   */
  public static Result boot(
      MachineDescription desc,
      Machine.Options options,
      byte[] initramfs,
      int kernels,
      byte[] lightInitramfs,
      Keyboard keyboard,
      Diagnostics diag) {
    return boot(desc, options, initramfs, kernels, lightInitramfs, null, keyboard, diag);
  }

  /**
   * A program to run on a secondary kernel instead of its shell ({@code popcorn run --on}): put in
   * that kernel's initramfs at path and started as its init; the console shows that kernel from the
   * start, and the machine powers off with the program's status when it ends.
   */
  public record Program(int on, String path, byte[] image, List<String> args) {}

  /**
   * What a boot may add to the kernels it starts: host ports forwarded to guest ports ({@link
   * HostForwarder}), the kernels booted full rather than light (from fullInitramfs), an
   * authorized_keys file for root in every full kernel, and where host input comes from (live,
   * recorded or replayed: {@link HostBoundary}; null is live).
   */
  public record Extras(
      List<HostForwarder.Rule> forwards,
      java.util.Set<Integer> fullKernels,
      byte[] fullInitramfs,
      byte[] authorizedKeys,
      HostBoundary boundary) {
    public static final Extras NONE = new Extras(List.of(), java.util.Set.of(), null, null);

    public Extras {
      forwards = List.copyOf(forwards);
      fullKernels = java.util.Set.copyOf(fullKernels);
    }

    /** With the host's input live. */
    public Extras(
        List<HostForwarder.Rule> forwards,
        java.util.Set<Integer> fullKernels,
        byte[] fullInitramfs,
        byte[] authorizedKeys) {
      this(forwards, fullKernels, fullInitramfs, authorizedKeys, null);
    }
  }

  /** As above, with an optional program to run on a secondary. */
  public static Result boot(
      MachineDescription desc,
      Machine.Options options,
      byte[] initramfs,
      int kernels,
      byte[] lightInitramfs,
      Program program,
      Keyboard keyboard,
      Diagnostics diag) {
    return boot(
        desc,
        options,
        new Archive(initramfs),
        kernels,
        lightInitramfs,
        program,
        Extras.NONE,
        keyboard,
        diag);
  }

  /**
   * The primary's initramfs, handed over once. The array becomes the machine's read-only pooled
   * copy of the archive, placed in the primary's memory, where the kernel unpacks it without
   * another copy: the host holds the archive (50 MiB for the default one) once. The caller must not
   * change the array after handing it over.
   */
  public static final class Archive {
    private byte[] bytes;

    public Archive(byte[] bytes) {
      this.bytes = java.util.Objects.requireNonNull(bytes, "initramfs");
    }

    /** The archive's bytes, before the boot takes them. */
    public byte[] bytes() {
      if (bytes == null) {
        throw new IllegalStateException("the initramfs was handed to a boot already");
      }
      return bytes;
    }

    private byte[] take() {
      byte[] b = bytes();
      bytes = null;
      return b;
    }
  }

  /** As above, with extras and the primary's initramfs handed over (see {@link Archive}). */
  public static Result boot(
      MachineDescription desc,
      Machine.Options options,
      Archive archive,
      int kernels,
      byte[] lightInitramfs,
      Program program,
      Extras extras,
      Keyboard keyboard,
      Diagnostics diag) {
    if (program != null && (program.on() < 1 || program.on() >= kernels)) {
      throw new BootException(
          "--on " + program.on() + ": must name a secondary kernel, 1.." + (kernels - 1));
    }
    for (int k : extras.fullKernels()) {
      if (k < 1 || k >= kernels) {
        throw new BootException(
            "--full " + k + ": must name a secondary kernel, 1.." + (kernels - 1));
      }
    }
    if (!extras.fullKernels().isEmpty() && extras.fullInitramfs() == null) {
      throw new BootException("booting full secondaries needs the full initramfs");
    }
    Machine machine = new Machine(desc, options);
    Firmware firmware = new Firmware(machine, diag);
    if (program != null) {
      firmware.runOn(program.on());
    }
    Partition primary;
    String baseCmdline;
    Map<String, byte[]> files = new HashMap<>();
    files.put("/boot/popcorn-full.img", KernelImage.build(KernelImage.Kind.FULL));
    files.put("/boot/popcorn-light.img", KernelImage.build(KernelImage.Kind.LIGHT));
    if (kernels > 1) {
      if (lightInitramfs == null) {
        throw new BootException("booting secondaries needs the light initramfs");
      }
      PartitionPlan plan = PartitionPlanner.plan(desc, kernels);
      primary = plan.kernels().getFirst().partition();
      baseCmdline = plan.kernels().getFirst().cmdline();
      StringBuilder table = new StringBuilder();
      for (PartitionPlan.Kernel k : plan.kernels().subList(1, plan.kernels().size())) {
        table.append(k.partition().kernelId()).append(' ');
        if (extras.fullKernels().contains(k.partition().kernelId())) {
          table.append("full "); // init boots it with the full image and initramfs
        }
        table.append(k.cmdline());
        if (program != null && k.partition().kernelId() == program.on()) {
          table.append(" popcorn_run init=").append(BootParams.quote(program.path()));
          if (!program.args().isEmpty()) {
            table.append(" --");
            for (String arg : program.args()) {
              table.append(' ').append(BootParams.quote(arg));
            }
          }
        }
        table.append('\n');
      }
      files.put("/etc/popcorn/kernels", table.toString().getBytes(StandardCharsets.US_ASCII));
      byte[] light = lightInitramfs;
      if (program != null) {
        light = CpioAppend.withFile(light, program.path(), program.image(), 0755);
        baseCmdline = baseCmdline + " popcorn_console=" + program.on();
      }
      files.put("/boot/initramfs-light.cpio", light);
      if (extras.fullInitramfs() != null) {
        byte[] full = extras.fullInitramfs();
        if (extras.authorizedKeys() != null) {
          full = CpioAppend.withFile(full, AUTHORIZED_KEYS, extras.authorizedKeys(), 0600);
        }
        files.put("/boot/initramfs-full.cpio", full);
      }
      MessageWindow.format(
          firmware.memory(), plan.messageWindow().base(), plan.messageWindow().size(), kernels);
    } else {
      List<Region> all = new ArrayList<>();
      for (MemoryRange r : desc.memory()) {
        all.add(new Region(r.base(), r.size()));
      }
      List<Integer> harts = new ArrayList<>();
      desc.harts().forEach(h -> harts.add(h.id()));
      primary = new Partition(0, harts, all, desc.devices(), Optional.empty(), 0);
      baseCmdline = desc.bootCommandLine();
    }
    if (extras.authorizedKeys() != null) {
      files.put(AUTHORIZED_KEYS, extras.authorizedKeys());
    }
    Region first = primary.memory().getFirst();
    byte[] initramfs = archive.take();
    int initrdLength = initramfs.length;
    long size = (initrdLength + PhysicalMemory.FRAME_SIZE - 1) & ~PhysicalMemory.FRAME_MASK;
    long initrd = first.base() + first.size() - size;
    if (size * 2 > first.size()) {
      throw new BootException(
          "the initramfs (" + (initrdLength >> 10) + "K) does not fit in the primary's memory");
    }
    // Handed over, the archive's array becomes the machine's pooled copy, placed in the primary's
    // memory without a copy; the kernel unpacks it from there (MemoryView#place).
    firmware.memory().place(initrd, machine.contents().adopt(initramfs));
    initramfs = null;
    String cmdline =
        (baseCmdline
                + " initrd=0x"
                + Long.toHexString(initrd)
                + ",0x"
                + Long.toHexString(initrdLength)
                + " "
                + HostLimits.forThisHost(primary.memoryBytes(), desc.memoryBytes())
                    .plusMemory(initrdLength)
                    .bootWords())
            .trim();
    List<Region> memory = new ArrayList<>(primary.memory());
    primary.messageWindow().ifPresent(memory::add);
    KernelConfig.Stdio console =
        KernelConfig.Stdio.console(() -> machine.console().ifPresent(Uart::flush));
    KernelConfig config =
        new KernelConfig(
            0,
            cmdline,
            primary.harts(),
            memory,
            options.seed(),
            files,
            "/init",
            "/init",
            List.of(),
            List.of("HOME=/", "TERM=linux"),
            console,
            KernelConfig.Console.UART,
            diag,
            desc,
            firmware);
    Kernel kernel = new Kernel(Platforms.of(machine, config), config);
    HostBoundary boundary = extras.boundary() != null ? extras.boundary() : HostBoundary.live();
    boundary.attach(machine.simulation());
    keyboard = boundary.keyboard(keyboard);
    kernel.boot();
    firmware.register(kernel, primary);
    Typist typist = new Typist(kernel, machine, keyboard, diag);
    Kernel.Outcome outcome;
    HostForwarder forwarder = null;
    typist.arm();
    try {
      forwarder = forwarder(machine, kernel, extras, boundary, diag);
      while (true) {
        outcome = kernel.run(Long.MAX_VALUE, Long.MAX_VALUE);
        if (keyboard.quitRequested()) {
          outcome = new Kernel.Outcome.PoweredOff(0);
          break;
        }
        if (!(outcome instanceof Kernel.Outcome.Deadlocked)) {
          break;
        }
        if (kernel.console() == null || !kernel.console().waitingForInput()) {
          diag.report("every task sleeps and nothing can wake one: powering off");
          break;
        }
        if (!typist.typeWaiting()) {
          diag.report("the guest still reads the console after end of input: powering off");
          break;
        }
      }
    } finally {
      if (forwarder != null) {
        forwarder.close();
      }
      firmware.shutdown();
    }
    long instret = 0;
    long time = 0;
    for (var h : machine.harts()) {
      instret += h.instret();
      time = Math.max(time, h.timePs());
    }
    int status =
        switch (outcome) {
          case Kernel.Outcome.PoweredOff p -> p.status();
          case Kernel.Outcome.Panicked p -> KernelConfig.STATUS_PANIC;
          default -> 1;
        };
    return new Result(outcome, status, instret, time, firmware.kernels());
  }

  private static HostForwarder forwarder(
      Machine machine, Kernel kernel, Extras extras, HostBoundary boundary, Diagnostics diag) {
    if (extras.forwards().isEmpty() || kernel.outcome() != null) {
      return null;
    }
    try {
      List<HostForwarder.Rule> rules = extras.forwards();
      HostForwarder f =
          new HostForwarder(
              machine.simulation(), kernel.inet(), rules, boundary.hostSide(rules, diag));
      f.start();
      return f;
    } catch (IllegalArgumentException e) {
      throw new BootException(e.getMessage());
    }
  }

  /**
   * Types host input into the console. The guest waiting for the terminal (a reader blocked, no
   * input buffered) gets the next chunk; while some CPU is busy or a timer is pending, the typist
   * also looks every {@link #POLL_PS} of virtual time, so a command typed after {@code sleep 5 &}
   * runs beside it and a key (^C) reaches a busy guest. After the last input comes end of file
   * (^D), once.
   */
  private static final class Typist {
    private final Kernel kernel;
    private final Machine machine;
    private final Uart uart;
    private final Keyboard keyboard;
    private final Diagnostics diag;
    private boolean armed;
    private boolean endSent;
    // Virtual time the guest last waited for the console or was typed at.
    private long lastReadPs;

    Typist(Kernel kernel, Machine machine, Keyboard keyboard, Diagnostics diag) {
      this.kernel = kernel;
      this.machine = machine;
      this.uart = machine.console().orElseThrow();
      this.keyboard = keyboard;
      this.diag = diag;
    }

    /** The guest waits for input and nothing else can happen: type, waiting for the host. */
    boolean typeWaiting() {
      if (endSent) {
        return false;
      }
      uart.flush();
      byte[] typed = keyboard.next();
      type(typed);
      arm();
      return true;
    }

    private void type(byte[] typed) {
      long now = machine.simulation().now();
      lastReadPs = now;
      if (typed == null) {
        if (!endSent) {
          endSent = true;
          uart.inject(new byte[] {EOF_CHAR}, now);
        }
        return;
      }
      uart.inject(typed, now);
    }

    void arm() {
      if (armed) {
        return;
      }
      armed = true;
      machine.simulation().events().schedule(machine.simulation().now() + POLL_PS, now -> tick());
    }

    private void tick() {
      armed = false;
      // What the guest wrote reaches the host while it runs, not only when it next reads.
      uart.flush();
      long now = machine.simulation().now();
      boolean waiting = kernel.console() != null && kernel.console().waitingForInput();
      if (waiting) {
        lastReadPs = now;
      }
      byte[] typed = keyboard.poll(waiting);
      if (typed != null) {
        type(typed);
      } else if (waiting && keyboard.ended()) {
        type(null);
      } else if (keyboard.endsWithInput() && now - lastReadPs >= UNREAD_GRACE_PS) {
        if (endSent) {
          diag.report(
              "input ended and the guest has not read the console for "
                  + UNREAD_GRACE_PS / 1_000_000_000_000L
                  + " s (virtual): powering off");
          machine.simulation().powerOff(0);
          return;
        }
        type(keyboard.next());
      }
      if (keyboard.quitRequested()) {
        machine.simulation().powerOff(0);
        return;
      }
      boolean busy = !machine.simulation().events().isEmpty();
      for (var cpu : kernel.scheduler().cpus()) {
        busy |= !cpu.idle();
      }
      if (busy) {
        arm();
      }
    }
  }
}
