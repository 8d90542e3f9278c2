package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.fs.DevFs;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.Initramfs;
import dev.popcornj.kernel.fs.ProcFs;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.ProgramFiles;
import dev.popcornj.kernel.proc.SignalDelivery;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.proc.TaskLoop;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.syscall.Diagnostics;
import dev.popcornj.kernel.syscall.SystemCalls;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel instance: the object graph built at boot from its boot parameters, over the harts and
 * memory it was given. {@link #boot} reads as the table of contents of a boot; after it, the
 * simulation runs the kernel's CPUs until the machine powers off.
 *
 * <p>Everything here belongs to this instance alone: no static state, no reference to another
 * kernel's objects.
 */
public final class Kernel {
  /** How a run of the kernel ended. */
  public sealed interface Outcome {
    /** init asked to power off (reboot(2)), or ended in run mode; status is its shell status. */
    record PoweredOff(int status) implements Outcome {}

    /** The kernel panicked; the machine stopped. */
    record Panicked(String reason) implements Outcome {}

    /** Nothing could run any more and nothing was pending: every task sleeps forever. */
    record Deadlocked() implements Outcome {}

    /** The run hit its limit of instructions or virtual time. */
    record LimitReached() implements Outcome {}
  }

  /** The release uname reports; glibc needs at least 3.2 on riscv64. */
  public static final String RELEASE = "6.1.0-popcornj";

  private final Machine machine;
  private final KernelConfig config;
  private final BootParams params;
  private final KernelLog log;
  private final Diagnostics diagnostics;
  private final Trace trace;
  private final CostModel cost;
  private final Simulation sim;
  private final List<Hart> harts = new ArrayList<>();
  private KernelImage.Header image;
  private final java.util.Map<Integer, KernelImage.Header> bootedImages = new java.util.HashMap<>();
  private MemoryView view;
  private Vfs vfs;
  private DevFs devfs;
  private ConsoleDriver console;
  private VirtualConsole virtualConsole;
  private Messaging messaging;
  private final java.util.Map<Integer, VttyDevice> vttys = new java.util.HashMap<>();
  private FrameAllocator frames;
  private Scheduler scheduler;
  private final ProcessTable table = new ProcessTable();
  private Entropy entropy;
  private Lifecycle lifecycle;
  private Signalling signalling;
  private SignalDelivery signalDelivery;
  private SystemCalls syscalls;
  private TaskLoop taskLoop;
  private Process init;
  private Outcome outcome;
  private long pageFaults;
  private boolean debugInvariants;
  private long poweredOffAtPs = -1;

  public Kernel(Machine machine, KernelConfig config) {
    this.machine = machine;
    this.config = config;
    this.params = BootParams.parse(config.cmdline());
    this.sim = machine.simulation();
    this.cost = machine.options().cost();
    this.trace = machine.options().trace();
    this.diagnostics = config.diagnostics();
    this.log = new KernelLog(() -> scheduler == null ? sim.now() : scheduler.now());
  }

  /**
   * Boots: each step one line, as the kernel log shows them.
   *
   * @throws BootException when a step cannot be done (bad parameters, no init)
   */
  public void boot() {
    log.log("PopcornJ " + RELEASE + " (riscv64) on " + machine.description().name());
    log.log("Kernel command line: " + params.cmdline());
    debugInvariants = params.flag("debug_invariants");
    readImage(); //                what the kernel image starts and leaves out
    takePresentCpus(); //          the harts this kernel runs on
    takeMemory(); //               its partition of physical memory
    startPageAllocator(); //       frames for page tables, user pages, files
    startScheduler(); //           run queues, timers, the baton
    mountFileSystems(); //         tmpfs root, /dev, /proc, /tmp
    startConsole(); //             the UART as a terminal, /dev/console
    unpackInitramfs(); //          the root file system's contents
    startMessaging(); //           the window shared with the other kernels, vTTYs
    installInterrupts(); //        UART and message IPIs on this kernel's harts
    startProcessLayer(); //        system calls, signals, exec
    startInit(); //                the first process
    bringUpCpus(); //              startup IPIs to the partition's other harts
    checkIn(); //                  tell the other kernels this one is up
  }

  /**
   * The image's services decide which later steps run. The primary (kernel 0) drives the UART,
   * hosts the other kernels' consoles and boots them, so an image without those cannot be it.
   */
  private void readImage() {
    image = KernelImage.Header.fromBootParams(params);
    log.log("image: " + image.name() + " " + RELEASE);
    if (config.kernelId() == 0 && !image.services().containsAll(Service.primary())) {
      java.util.Set<Service> lacking = Service.primary();
      lacking.retainAll(image.missing());
      throw new BootException(
          "image "
              + image.name()
              + " cannot boot the primary kernel: it leaves out "
              + Service.labels(lacking)
              + ", which the primary needs (boot it from a full image)");
    }
    if (!image.missing().isEmpty()) {
      log.log("image " + image.name() + ": without " + Service.labels(image.missing()));
    }
  }

  private void takePresentCpus() {
    for (int id : config.hartIds()) {
      Hart h = machine.hart(id);
      harts.add(h);
    }
    log.log(
        "smp: "
            + harts.size()
            + " CPU"
            + (harts.size() == 1 ? "" : "s")
            + " (harts "
            + config.hartIds()
            + "), isa "
            + harts.get(0).isa().canonical());
  }

  private void takeMemory() {
    view = machine.memoryView("kernel " + config.kernelId(), config.memory());
    long total = 0;
    for (Region r : config.memory()) {
      total += r.size();
      log.log("memory: " + r);
    }
    log.log("Memory: " + (total >> 10) + "K available");
  }

  private void startPageAllocator() {
    Region r = config.memory().getFirst();
    long[] initrd = initrd();
    if (initrd != null && initrd[0] >= r.base() && initrd[0] < r.end()) {
      // Frames come from the larger side of the initramfs (the firmware puts it at the top of the
      // primary's memory, kexec near the bottom of a secondary's).
      long below = (initrd[0] - r.base()) & ~0xfffL;
      long above = (initrd[0] + initrd[1] + 0xfff) & ~0xfffL;
      r =
          below >= r.end() - above
              ? new Region(r.base(), below)
              : new Region(above, r.end() - above);
    }
    frames = new FrameAllocator(view, r);
    log.log("page allocator: " + frames.framesFree() + " frames of 4K in " + r);
  }

  private void startScheduler() {
    long slicePs = params.number("sched_slice_us", 3000) * 1_000_000L;
    scheduler = new Scheduler(sim, harts, slicePs, cost.contextSwitchPs());
    // The boot CPU runs now; the others come up when the boot CPU's startup IPI reaches them.
    var boot = scheduler.cpus().getFirst();
    sim.attach(boot.hart().id(), boot);
    for (var cpu : scheduler.cpus().subList(1, harts.size())) {
      cpu.setOnline(false);
    }
    entropy = new Entropy(config.seed());
    log.log("sched: " + harts.size() + " run queues, timeslice " + slicePs / 1_000_000 + "us");
  }

  /** initrd=ADDR,SIZE: where the loader put the initramfs archive, or null. */
  private long[] initrd() {
    String v = params.get("initrd").orElse(null);
    if (v == null) {
      return null;
    }
    String[] parts = v.split(",");
    try {
      long addr = Long.decode(parts[0]);
      long size = Long.decode(parts[1]);
      if (!view.isGranted(addr, size)) {
        throw new BootException("initrd=" + v + " lies outside this kernel's memory");
      }
      return new long[] {addr, size};
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new BootException("initrd=" + v + ": expected initrd=ADDRESS,SIZE");
    }
  }

  private void mountFileSystems() {
    vfs = new Vfs(frames, scheduler, () -> scheduler.now() / 1000);
    DevFs dev =
        new DevFs(
            vfs,
            bytes -> entropy.nextBytes(bytes, 0, bytes.length),
            image.has(Service.MEM_DEVICES));
    devfs = dev;
    vfs.mkdirs("/dev", 0755);
    vfs.mkdirs("/proc", 0555);
    vfs.mkdirs("/tmp", 01777);
    vfs.mount("/dev", dev.fileSystem());
    if (image.has(Service.PROCFS)) {
      vfs.mount("/proc", new ProcFs(vfs, new ProcFiles(this)));
    }
    log.log(
        "VFS: tmpfs root, devtmpfs on /dev" + (image.has(Service.PROCFS) ? ", proc on /proc" : ""));
  }

  private void startConsole() {
    switch (config.console()) {
      case NONE -> {}
      case UART -> {
        console = ConsoleDriver.attach(this, machine, devfs);
        log.log("console [ttyS0] enabled: " + console.describe());
      }
      case VIRTUAL -> {
        virtualConsole = new VirtualConsole(this, devfs);
        log.log("console [vtty" + config.kernelId() + "] enabled: virtual TTY to the primary");
      }
    }
  }

  private void unpackInitramfs() {
    long[] initrd = initrd();
    if (initrd != null) {
      byte[] archive = new byte[(int) initrd[1]];
      view.readBytes(initrd[0], archive, 0, archive.length);
      try {
        int entries = Initramfs.unpack(archive, vfs);
        log.log("Unpacked initramfs: " + entries + " entries, " + (initrd[1] >> 10) + "K");
      } catch (Initramfs.MalformedArchiveException e) {
        throw new BootException("initramfs: " + e.getMessage());
      }
    }
    for (var f : new java.util.TreeMap<>(config.extraFiles()).entrySet()) {
      String path = f.getKey();
      int slash = path.lastIndexOf('/');
      if (slash > 0) {
        vfs.mkdirs(path.substring(0, slash), 0755);
      }
      vfs.writeFile(path, f.getValue(), 0755);
    }
  }

  private void startMessaging() {
    PartitionParams pp = PartitionParams.from(params);
    if (pp.messageWindow().isEmpty()) {
      return;
    }
    Region window = pp.messageWindow().get();
    Region part = config.memory().getFirst();
    messaging = new Messaging(this, machine, window, part);
    if (config.kernelId() == 0 && image.has(Service.VTTY_HOST)) {
      for (int k = 1; k < messaging.endpoint().window().maxKernels(); k++) {
        VttyDevice d = new VttyDevice(this, k);
        vttys.put(k, d);
        devfs.registerCharDevice("vtty" + k, d);
      }
    }
    log.log(
        "popcorn: messaging window "
            + window
            + ", "
            + messaging.endpoint().window().maxKernels()
            + " kernels at most");
  }

  private void installInterrupts() {
    var irq = machine.interrupts();
    for (Hart h : harts) {
      irq.setListener(h.id(), (hart, bits) -> contained(() -> onInterrupt(irq, hart, bits)));
    }
  }

  private void onInterrupt(dev.popcornj.machine.irq.InterruptController irq, int hart, long bits) {
    if (scheduler.halted()) {
      return;
    }
    if ((bits & (1L << dev.popcornj.machine.irq.InterruptController.EXTERNAL)) != 0) {
      irq.clear(hart, dev.popcornj.machine.irq.InterruptController.EXTERNAL);
      if (console != null) {
        console.onInterrupt();
      }
    }
    if ((bits & (1L << dev.popcornj.machine.irq.InterruptController.SOFTWARE)) != 0) {
      irq.clear(hart, dev.popcornj.machine.irq.InterruptController.SOFTWARE);
      for (var cpu : scheduler.cpus()) {
        if (cpu.hart().id() == hart && !cpu.online()) {
          onlineCpu(cpu);
          return;
        }
      }
      if (messaging != null) {
        messaging.onInterrupt();
      }
    }
  }

  /**
   * Runs kernel code outside any task (an interrupt handler, a timer): an exception there is a
   * kernel bug and panics this kernel only, never the machine or another kernel.
   */
  public void contained(Runnable action) {
    if (scheduler.halted()) {
      return;
    }
    try {
      action.run();
    } catch (RuntimeException e) {
      panic("kernel bug in interrupt context: " + e);
    }
  }

  private void bringUpCpus() {
    if (harts.size() > 1) {
      log.log("smp: Bringing up secondary CPUs ...");
    }
    for (var cpu : scheduler.cpus().subList(1, harts.size())) {
      machine.interrupts().sendIpi(harts.getFirst().id(), cpu.hart().id(), sim.now());
    }
  }

  /** A startup IPI reached an offline CPU of this kernel: it comes up and takes work. */
  private void onlineCpu(dev.popcornj.kernel.sched.Cpu cpu) {
    cpu.setOnline(true);
    long now = sim.now();
    if (cpu.hart().timePs() < now) {
      cpu.hart().advanceTimePs(now - cpu.hart().timePs());
    }
    sim.attach(cpu.hart().id(), cpu);
    log.log("CPU" + cpu.index() + " (hart " + cpu.hart().id() + "): online");
  }

  private void checkIn() {
    if (messaging != null) {
      messaging.checkIn(machine);
      log.log("popcorn: kernel " + config.kernelId() + " checked in");
    }
  }

  /** Output arrived from kernel k's console (primary only). */
  void onVttyOutput(int k) {
    VttyDevice d = vttys.get(k);
    if (d != null) {
      d.onOutput();
    }
    if (console != null) {
      console.onVttyOutput(k);
    }
  }

  /** A terminal's ^C, ^\\ or ^Z: sig to every process of group pgrp. */
  public void signalProcessGroup(int pgrp, int sig) {
    for (Process p : table.group(pgrp)) {
      signalling.sendToProcess(p, sig, dev.popcornj.kernel.signal.SigInfo.kernel(sig));
    }
  }

  /** What this kernel's image starts; set by the first step of {@link #boot}. */
  public KernelImage.Header image() {
    return image;
  }

  /** Kernel k was booted by this one (kexec) from image: /proc/popcorn/kernels shows its kind. */
  public void noteBooted(int k, KernelImage.Header booted) {
    bootedImages.put(k, booted);
  }

  /** The image kernel k runs, when this kernel knows it: its own, or one it booted. */
  public java.util.Optional<KernelImage.Header> imageOf(int k) {
    return java.util.Optional.ofNullable(k == config.kernelId() ? image : bootedImages.get(k));
  }

  /** The messaging layer, or null when this kernel runs alone. */
  public Messaging messaging() {
    return messaging;
  }

  private void startProcessLayer() {
    signalling = new Signalling(this);
    lifecycle = new Lifecycle(this);
    signalDelivery = new SignalDelivery(this);
    syscalls = new SystemCalls(this);
    taskLoop = new TaskLoop(this);
    scheduler.setHooks(signalling::mustInterrupt, this::onTaskFailure);
    log.log("syscalls: Linux riscv64 ABI");
  }

  private void startInit() {
    // init= and the words after -- on the command line choose init and its arguments, as in Linux.
    String path = params.get("init").orElse(config.initPath());
    List<String> argv = new ArrayList<>();
    argv.add(params.get("init").orElse(config.initArgv0()));
    argv.addAll(params.initArgs().isEmpty() ? config.initArgs() : params.initArgs());
    init = lifecycle.spawnInit(path, argv, config.initEnv(), config.stdio());
    log.log("Run " + path + " as init process");
  }

  private void onTaskFailure(Task t, Throwable e) {
    panic("kernel bug in " + t + ": " + e);
  }

  /**
   * Stops this kernel. The primary's panic powers the machine off; a secondary's stops only its own
   * CPUs, so its peers and the machine go on (containment).
   */
  public void panic(String reason) {
    log.log("Kernel panic - not syncing: " + reason);
    diagnostics.report("kernel panic: " + reason);
    if (outcome == null) {
      outcome = new Outcome.Panicked(reason);
    }
    if (config.kernelId() == 0) {
      sim.powerOff(KernelConfig.STATUS_PANIC);
      return;
    }
    stopSecondary(KernelState.DOWN);
  }

  /**
   * A secondary stops alone: its CPUs halt, the info table shows it DOWN (crashed) or OFFLINE
   * (halted in order), and the firmware may boot its partition again.
   */
  private void stopSecondary(KernelState state) {
    scheduler.halt();
    // Detach between rounds: the simulation may be iterating over its harts right now.
    sim.events()
        .schedule(
            sim.now(),
            at -> {
              for (Hart h : harts) {
                sim.detach(h.id());
              }
            });
    if (messaging != null) {
      messaging.stop(state);
    }
    onStop.run();
  }

  private Runnable onStop = () -> {};

  /**
   * What else happens when this secondary stops, by a panic or by reboot(2) (its peers are told by
   * the messaging layer).
   */
  public void setOnStop(Runnable r) {
    onStop = r;
  }

  /**
   * With {@code popcorn_run}, a secondary runs one program as init for `popcorn run --on`: when it
   * ends, the kernel asks the primary to power the machine off with its status, and stops. Returns
   * false when the kernel is not in that mode.
   */
  public boolean onInitExitedInRunMode(int shellStatus) {
    if (!params.flag("popcorn_run") || messaging == null) {
      return false;
    }
    if (virtualConsole != null) {
      virtualConsole.flushToPrimary();
    }
    messaging.requestPowerOff(shellStatus);
    log.log("popcorn: run finished with status " + shellStatus);
    scheduler.halt();
    return true;
  }

  /** The virtual time at which this kernel powered the machine off, or -1. */
  public long poweredOffAtPs() {
    return poweredOffAtPs;
  }

  /** The outcome so far: null while the kernel runs. */
  public Outcome outcome() {
    return outcome;
  }

  /** The virtual console of a secondary kernel, or null. */
  public VirtualConsole virtualConsole() {
    return virtualConsole;
  }

  /**
   * With the boot parameter {@code debug_invariants}, checks the kernel's invariants (as
   * CONFIG_DEBUG_VM would) and panics on the first broken one; called at every process exit and at
   * power-off.
   */
  public void debugCheck(String when) {
    if (!debugInvariants) {
      return;
    }
    try {
      checkInvariants();
    } catch (IllegalStateException e) {
      panic("invariant broken " + when + ": " + e.getMessage());
    }
  }

  /** reboot(2) with power off, or init ended in run mode. */
  public void powerOff(int status) {
    debugCheck("at power-off");
    if (outcome == null) {
      poweredOffAtPs = scheduler.now();
      outcome = new Outcome.PoweredOff(status);
      log.log(config.kernelId() == 0 ? "reboot: Power down" : "reboot: System halted");
    }
    if (config.kernelId() != 0) {
      // A secondary has no power button: it halts its own CPUs and the machine goes on.
      if (!scheduler.halted()) {
        stopSecondary(KernelState.OFFLINE);
      }
      return;
    }
    sim.powerOff(status);
  }

  /**
   * Runs the machine until it powers off, the kernel panics, a limit is reached, or nothing can run
   * ({@link Outcome.Deadlocked}: every task sleeps with no timer pending; more input may wake one,
   * so the caller may run again). Call {@link #shutdown} when done.
   */
  public Outcome run(long timeLimitPs, long instructionLimit) {
    scheduler.setInstructionLimit(instructionLimit);
    Simulation.StopReason why = sim.run(timeLimitPs, instructionLimit);
    if (outcome != null) {
      return outcome;
    }
    return switch (why) {
      case ALL_IDLE -> new Outcome.Deadlocked();
      case TIME_LIMIT, INSTRUCTION_LIMIT -> new Outcome.LimitReached();
      case POWER_OFF -> new Outcome.PoweredOff(sim.powerOffStatus());
    };
  }

  /** Ends every task's kernel stack and flushes init's output: the kernel is done. */
  public void shutdown() {
    for (Task t : table.tasks()) {
      if (t.stack() != null) {
        t.stack().discard();
      }
    }
    config.stdio().flush();
  }

  /**
   * Checks the kernel's own invariants: every address space's areas and page tables, the frame
   * accounting over all spaces and page caches, and the run queues.
   *
   * @throws IllegalStateException naming the first broken rule
   */
  public void checkInvariants() {
    List<dev.popcornj.kernel.mm.AddressSpace> spaces = lifecycle.liveSpaces();
    for (var space : spaces) {
      space.checkInvariants();
    }
    dev.popcornj.kernel.mm.FrameAccounting.check(frames, spaces, vfs.pageCaches());
    scheduler.checkInvariants();
  }

  // --- what the kernel's parts reach through it

  public KernelConfig config() {
    return config;
  }

  public BootParams params() {
    return params;
  }

  public KernelLog log() {
    return log;
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }

  public Trace trace() {
    return trace;
  }

  public CostModel cost() {
    return cost;
  }

  public Simulation simulation() {
    return sim;
  }

  public MemoryView view() {
    return view;
  }

  public FrameAllocator frames() {
    return frames;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public ProcessTable table() {
    return table;
  }

  public Entropy entropy() {
    return entropy;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  public Signalling signalling() {
    return signalling;
  }

  public SignalDelivery signalDelivery() {
    return signalDelivery;
  }

  public SystemCalls syscalls() {
    return syscalls;
  }

  public TaskLoop taskLoop() {
    return taskLoop;
  }

  /** Programs for execve, from the file system as the calling process sees it. */
  public ProgramFiles programs() {
    return (caller, path) -> {
      try {
        FsContext ctx = caller.fsContext();
        byte[] image = vfs.readAll(ctx, path);
        String abs = path.startsWith("/") ? path : vfs.pathOf(ctx, ctx.cwd()) + "/" + path;
        if (path.equals("/proc/self/exe")) {
          abs = caller.executable();
        }
        return new ProgramFiles.Program(abs.replace("//", "/"), image);
      } catch (FsException e) {
        throw new ErrnoException(e.errno());
      }
    };
  }

  public Vfs vfs() {
    return vfs;
  }

  /** The console terminal, or null when the kernel runs without one. */
  public ConsoleDriver console() {
    return console;
  }

  /** The harts this kernel runs on, its CPUs in order. */
  public List<Hart> harts() {
    return List.copyOf(harts);
  }

  public Process init() {
    return init;
  }

  /** Page faults served for user memory (by the hart or by kernel copies), for statistics. */
  public long pageFaultsServed() {
    return pageFaults;
  }

  public void countPageFaults(long n) {
    pageFaults += n;
  }

  public long totalMemory() {
    long total = 0;
    for (Region r : config.memory()) {
      total += r.size();
    }
    return total;
  }
}
