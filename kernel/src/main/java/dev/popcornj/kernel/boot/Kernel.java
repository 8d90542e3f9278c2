package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.DevFs;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.HostPrograms;
import dev.popcornj.kernel.fs.Initramfs;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.ProcFs;
import dev.popcornj.kernel.fs.SysFs;
import dev.popcornj.kernel.fs.TmpFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelIdentity;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageHandler;
import dev.popcornj.kernel.msg.MessageType;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.msg.TraceMsgTracer;
import dev.popcornj.kernel.msg.Watchdog;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.ProcNet;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.platform.KernelParams;
import dev.popcornj.kernel.platform.PartitionParams;
import dev.popcornj.kernel.platform.Platform;
import dev.popcornj.kernel.proc.AffinityMigration;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Futexes;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.KernelControl;
import dev.popcornj.kernel.proc.Kill;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.OtherKernels;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.ProgramBytes;
import dev.popcornj.kernel.proc.ProgramFiles;
import dev.popcornj.kernel.proc.RemoteSignal;
import dev.popcornj.kernel.proc.SignalDelivery;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.proc.ThisKernel;
import dev.popcornj.kernel.proc.WholeSystem;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.services.ImageFeature;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;
import dev.popcornj.kernel.services.ServiceCounters;
import dev.popcornj.kernel.services.kexec.KernelImage;
import dev.popcornj.kernel.services.kexec.KexecService;
import dev.popcornj.kernel.services.migration.MigrationService;
import dev.popcornj.kernel.services.power.PowerService;
import dev.popcornj.kernel.services.ssi.SsiService;
import dev.popcornj.kernel.services.vnet.VnetService;
import dev.popcornj.kernel.services.vtty.VirtualConsole;
import dev.popcornj.kernel.services.vtty.VttyService;
import dev.popcornj.kernel.syscall.SyscallHandler;
import dev.popcornj.kernel.syscall.SystemCalls;
import dev.popcornj.kernel.trap.TaskLoop;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.EventTime;
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

  private final Platform platform;
  private final KernelConfig config;
  private final BootParams params;
  private final KernelLog log;
  private final Diagnostics diagnostics;
  private final Trace trace;
  private final CostModel cost;
  private final EventTime sim;
  private final List<Hart> harts = new ArrayList<>();
  private KernelImage.Header image;
  private MemoryView view;
  private Vfs vfs;
  private HostPrograms hostPrograms; // copies of the host programs execve ran
  private DevFs devfs;
  private dev.popcornj.kernel.tty.DevPts devpts;
  private ConsoleDriver console;
  private VirtualConsole virtualConsole;
  private Endpoint endpoint;
  private Watchdog watchdog;
  private final List<PopcornService> services = new ArrayList<>();
  private VttyService vtty;
  private KexecService kexec;
  private PowerService power;
  private SsiService ssi;
  private final java.util.Map<String, java.util.function.Supplier<String>> popcornFiles =
      new java.util.TreeMap<>();
  private final java.util.Map<String, List<String>> declaredParams = new java.util.TreeMap<>();
  private final ServiceCounters counters = new ServiceCounters();
  private FrameAllocator frames;
  private Scheduler scheduler;
  private ProcessTable table = new ProcessTable(Param.MIN_THREADS); // sized by setTaskLimit
  private Entropy entropy;
  private Lifecycle lifecycle;
  private Signalling signalling;
  private Kill kill;
  private WholeSystem system;
  private ProcFiles procFiles;
  private SignalDelivery signalDelivery;
  private SystemCalls syscalls;
  private InetStack inet;
  private VnetService vnet;
  private Futexes futexes;
  private TaskLoop taskLoop;
  private MigrationService migration;
  private Process init;
  private Outcome outcome;
  private boolean debugInvariants;
  private long poweredOffAtPs = -1;

  public Kernel(Platform platform, KernelConfig config) {
    this.platform = platform;
    this.config = config;
    this.params = BootParams.parse(config.cmdline());
    this.sim = platform.time();
    this.cost = platform.cost();
    this.trace = platform.trace();
    this.diagnostics = config.diagnostics();
    this.log = new KernelLog(() -> scheduler == null ? sim.now() : scheduler.now());
  }

  /**
   * Boots: each step one line, as the kernel log shows them.
   *
   * @throws BootException when a step cannot be done (bad parameters, no init)
   */
  public void boot() {
    boot(true);
  }

  /**
   * Boots all but init, which {@link #startHeldInit} starts later: {@code popcorn run --kernels K}
   * starts its program on the primary once the secondaries it boots are up.
   *
   * @throws BootException when a step cannot be done (bad parameters)
   */
  public void bootHoldingInit() {
    boot(false);
  }

  /**
   * Starts the init that {@link #bootHoldingInit} held back.
   *
   * @throws BootException when init cannot run (its cause the program's {@link
   *     BadProgramException}, if that is what failed)
   */
  public void startHeldInit() {
    if (init != null) {
      throw new IllegalStateException("init runs already");
    }
    startInit();
  }

  private void boot(boolean withInit) {
    log.log("PopcornJ " + Param.RELEASE + " (riscv64) on " + platform.machineName());
    log.log("Kernel command line: " + params.cmdline());
    debugInvariants = params.flag("debug_invariants");
    readImage(); //                what the kernel image starts and leaves out
    takePresentCpus(); //          the harts this kernel runs on
    takeMemory(); //               its partition of physical memory
    startPageAllocator(); //       frames for page tables, user pages, files
    setTaskLimit(); //             threads-max, from memory and from what the host can back
    startScheduler(); //           run queues, timers, the baton
    mountFileSystems(); //         tmpfs root, /dev, /proc, /tmp
    startConsole(); //             the UART as a terminal, /dev/console
    unpackInitramfs(); //          the root file system's contents
    startMessaging(); //           the window shared with the other kernels
    installInterrupts(); //        UART and message IPIs on this kernel's harts
    startProcessLayer(); //        system calls, signals, exec
    startServices(); //            the Popcorn services this image and role call for
    if (withInit) {
      startInit(); //              the first process
    }
    bringUpCpus(); //              startup IPIs to the partition's other harts
    checkIn(); //                  tell the other kernels this one is up
  }

  /**
   * The image's services decide which later steps run. The primary (kernel 0) drives the UART,
   * hosts the other kernels' consoles and boots them, so an image without those cannot be it.
   */
  private void readImage() {
    image = KernelImage.Header.fromBootParams(params);
    log.log("image: " + image.name() + " " + Param.RELEASE);
    if (config.kernelId() == 0 && !image.services().containsAll(ImageFeature.primary())) {
      java.util.Set<ImageFeature> lacking = ImageFeature.primary();
      lacking.retainAll(image.missing());
      throw new BootException(
          "image "
              + image.name()
              + " cannot boot the primary kernel: it leaves out "
              + ImageFeature.labels(lacking)
              + ", which the primary needs (boot it from a full image)");
    }
    if (!image.missing().isEmpty()) {
      log.log("image " + image.name() + ": without " + ImageFeature.labels(image.missing()));
    }
  }

  private void takePresentCpus() {
    harts.addAll(platform.harts());
    system = new WholeSystem(config.kernelId(), ownCpus(), machineHarts());
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

  /** This kernel's CPUs as the single system image numbers them: by hart id. */
  private List<GlobalCpu> ownCpus() {
    List<GlobalCpu> cpus = new ArrayList<>();
    for (Hart h : harts) {
      cpus.add(new GlobalCpu(h.id(), config.kernelId(), h.isa().canonical()));
    }
    return cpus;
  }

  /** Every hart of the machine, as the firmware describes it; this kernel's when it does not. */
  private List<Integer> machineHarts() {
    List<Integer> ids = new ArrayList<>();
    if (config.deviceTree() != null) {
      config.deviceTree().harts().forEach(h -> ids.add(h.id()));
    }
    harts.forEach(h -> ids.add(h.id()));
    return ids;
  }

  private void takeMemory() {
    view = platform.memory();
    long total = 0;
    for (Region r : config.memory()) {
      total += r.size();
      log.log("memory: " + r);
    }
    log.log("Memory: " + (total >> 10) + "K available");
  }

  private void startPageAllocator() {
    Region r = config.memory().getFirst();
    // frames_max: the frames the host heap can back (the runner works it out); beyond them the
    // allocator fails as if memory were full, and the guest meets the OOM killer.
    long framesMax = params.number("frames_max", Long.MAX_VALUE);
    if (framesMax < 1) {
      throw new BootException("frames_max=" + framesMax + ": must be at least 1");
    }
    long[] initrd = initrd();
    if (initrd != null
        && initrd[1] > 0
        && initrd[0] >= r.base()
        && initrd[0] + initrd[1] <= r.end()) {
      // The archive's frames stay out of the pool until it is unpacked (unpackInitramfs).
      long from = MemoryLayout.pageDown(initrd[0]);
      Region held = new Region(from, MemoryLayout.pageUp(initrd[0] + initrd[1]) - from);
      frames = new FrameAllocator(view, r, framesMax, held);
    } else {
      frames = new FrameAllocator(view, r, framesMax);
    }
    log.log(
        "page allocator: "
            + frames.framesFree()
            + " frames of 4K in "
            + r
            + (framesMax < Long.MAX_VALUE ? " (frames_max=" + framesMax + ")" : ""));
  }

  /**
   * threads-max as Linux derives it from memory, lowered to threads_max= when the runner says the
   * host can back fewer tasks; init's RLIMIT_NPROC is half of it, as Linux sets it.
   */
  private void setTaskLimit() {
    int fromMemory = Param.threadsMaxFor(totalMemory());
    long fromHost = params.number("threads_max", Integer.MAX_VALUE);
    if (fromHost < Param.MIN_THREADS) {
      throw new BootException(
          "threads_max=" + fromHost + ": must be at least " + Param.MIN_THREADS);
    }
    table = new ProcessTable((int) Math.min(fromMemory, fromHost), config.kernelId());
    log.log(
        "fork: threads-max "
            + table.threadsMax()
            + " (memory allows "
            + fromMemory
            + (fromHost < Integer.MAX_VALUE ? ", the host " + fromHost : "")
            + ")");
  }

  private void startScheduler() {
    long slicePs = KernelParams.from(params).sliceUs() * 1_000_000L;
    scheduler = new Scheduler(sim, harts, slicePs, cost.contextSwitchPs());
    // The boot CPU runs now; the others come up when the boot CPU's startup IPI reaches them.
    var boot = scheduler.cpus().getFirst();
    platform.hartControl().attach(boot.hart().id(), boot);
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
    // Files are stamped from the realtime clock: the boot epoch plus virtual time since boot.
    long epochNs = epochSeconds() * 1_000_000_000L;
    vfs = new Vfs(frames, scheduler, () -> epochNs + scheduler.now() / 1000);
    hostPrograms = new HostPrograms(frames);
    KernelConfig.HostFiles host = config.hostFiles();
    if (host != null) {
      mountHostRoot(host);
    }
    DevFs dev =
        new DevFs(
            vfs,
            bytes -> entropy.nextBytes(bytes, 0, bytes.length),
            image.has(ImageFeature.MEM_DEVICES));
    devfs = dev;
    devpts = new dev.popcornj.kernel.tty.DevPts(vfs, ptyHost());
    dev.registerCharDevice("ptmx", devpts.ptmx());
    if (host == null) {
      vfs.mkdirs("/dev", 0755);
      vfs.mkdirs("/proc", 0555);
      vfs.mkdirs("/sys", 0555);
      vfs.mkdirs("/tmp", 01777);
    }
    // On the host's files /tmp is the host's, as under qemu-riscv64: programs and data there (the
    // usual place for a user's scratch files) stay reachable, and files written there stay.
    mountIfThere("/dev", dev.fileSystem());
    mountIfThere("/dev/pts", devpts.fileSystem());
    procFiles =
        new ProcFiles(
            scheduler,
            table,
            vfs,
            frames,
            totalMemory(),
            params.cmdline(),
            image.has(ImageFeature.SYSRQ) ? () -> panic("sysrq triggered crash") : null,
            popcornFiles,
            system);
    if (image.has(ImageFeature.PROCFS)) {
      mountIfThere("/proc", new ProcFs(vfs, procFiles));
    }
    mountIfThere("/sys", new SysFs(vfs, new SysFiles(system)));
    log.log(
        "VFS: "
            + (host == null ? "tmpfs root" : "host's " + host.root() + " as root")
            + ", devtmpfs on /dev"
            + (image.has(ImageFeature.PROCFS) ? ", proc on /proc" : "")
            + ", sysfs on /sys");
    if (host != null) {
      startInHostDirectories(host);
    }
  }

  /** The realtime clock at boot in seconds since 1970: popcorn_epoch=SECONDS, or the default. */
  private long epochSeconds() {
    return params.number("popcorn_epoch", Param.DEFAULT_EPOCH_SECONDS);
  }

  /** The host's directory tree as the root file system (popcorn run), in place of a tmpfs. */
  private void mountHostRoot(KernelConfig.HostFiles host) {
    try {
      vfs.mountRoot(vfs.newHostFs(host.root()));
    } catch (FsException e) {
      throw new BootException(
          "host directory " + host.root() + ": cannot be the root: " + Errno.name(e.errno()));
    }
  }

  /** -L's prefix and init's working directory, in the host's tree. */
  private void startInHostDirectories(KernelConfig.HostFiles host) {
    if (host.prefix() != null) {
      try {
        vfs.setLookupPrefix(host.prefix());
      } catch (FsException e) {
        throw new BootException(
            "prefix " + host.prefix() + ": not a directory: " + Errno.name(e.errno()));
      }
    }
    if (host.cwd() != null) {
      try {
        vfs.setStartDirectory(host.cwd());
      } catch (FsException e) {
        log.log("cwd " + host.cwd() + " not reachable (" + Errno.name(e.errno()) + "); init at /");
      }
    }
  }

  /** Mounts fs on path; on a host root a directory that is not there is left without it. */
  private void mountIfThere(String path, dev.popcornj.kernel.fs.FileSystem fs) {
    try {
      vfs.mount(path, fs);
    } catch (FsException e) {
      if (config.hostFiles() == null) {
        throw e;
      }
      log.log("VFS: no " + path + " in the host's tree (" + Errno.name(e.errno()) + ")");
    }
  }

  private void startConsole() {
    switch (config.console()) {
      case NONE -> devfs.registerCharDevice("tty", devpts.controllingTerminal(null));
      case UART -> {
        int shown = KernelParams.from(params).consoleKernel();
        if (shown != 0 && PartitionParams.from(params).messageWindow().isEmpty()) {
          throw new BootException(
              "popcorn_console="
                  + shown
                  + ": this kernel runs alone (no popcorn_msg= window), so there is no other"
                  + " kernel's console to show; leave popcorn_console out");
        }
        console =
            ConsoleDriver.attach(
                platform.console().orElseThrow(() -> new BootException("no UART for the console")),
                this::signalProcessGroup,
                scheduler,
                sim,
                devfs,
                shown);
        routeDevTty(console.tty());
        log.log("console [ttyS0] enabled: " + console.describe());
      }
      case VIRTUAL -> {
        virtualConsole =
            new VirtualConsole(
                this::signalProcessGroup, scheduler, devfs, params.flag("popcorn_run"));
        routeDevTty(virtualConsole.tty());
        log.log("console [vtty" + config.kernelId() + "] enabled: virtual TTY to the primary");
      }
    }
  }

  /** /dev/tty: the caller's pseudo-terminal when its session has one, else this console. */
  private void routeDevTty(dev.popcornj.kernel.tty.Tty tty) {
    devpts.addTerminal(tty);
    vfs.unlinkAt(vfs.newContext(), devfs.fileSystem().root(), "tty", false);
    devfs.registerCharDevice("tty", devpts.controllingTerminal(tty));
  }

  private void unpackInitramfs() {
    long[] initrd = initrd();
    if (initrd != null) {
      try {
        // Kernels booted from equal archives share one read-only host copy of the files' bytes,
        // read where the loader left them.
        ReadOnlyBytes archive = platform.contents().intern(view, initrd[0], (int) initrd[1]);
        int entries = Initramfs.unpack(archive, vfs);
        log.log("Unpacked initramfs: " + entries + " entries, " + (initrd[1] >> 10) + "K");
        long freed = frames.releaseHeld();
        log.log("Freeing initrd memory: " + freed * 4 + "K");
      } catch (Initramfs.MalformedArchiveException e) {
        throw new BootException("initramfs: " + e.getMessage());
      }
    }
    if (config.hostFiles() != null) {
      return; // programs come from the host's tree; nothing is written to it
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
    int id = config.kernelId();
    int firstHart = harts.getFirst().id();
    endpoint =
        new Endpoint(
            new KernelIdentity(id, firstHart, part.base(), part.size()),
            view,
            window.base(),
            window.size(),
            scheduler::now,
            (to, sendPs) ->
                platform
                    .interrupts()
                    .sendIpi(firstHart, endpoint.window().identity(to).firstHart(), sendPs),
            (timePs, action) -> sim.events().schedule(timePs, now -> action.run()));
    // A slot's line travels from the sender's node to this kernel's messaging hart's node.
    MessageWindow info = endpoint.window();
    endpoint.setLineCost(
        (from, to) ->
            cost.lineLatencyPs(
                nodeOf(info.identity(from).firstHart()), nodeOf(info.identity(to).firstHart())));
    if (trace.enabled()) {
      endpoint.setTracer(new TraceMsgTracer(trace, id, firstHart));
      trace.nameProcess(id, "kernel " + id);
    }
    watchdog =
        new Watchdog(
            endpoint,
            scheduler::now,
            (timePs, action) -> sim.events().schedule(timePs, now -> contained(action)),
            log::log);
    popcornFiles.put(
        "kernels",
        () ->
            KernelsFile.render(
                endpoint.window(),
                k -> k == id ? config.hartIds() : bootedHarts(k),
                k -> imageOf(k).map(i -> i.kind().label()).orElse(null)));
    popcornFiles.put("msg", endpoint::render);
    int kernels = endpoint.window().maxKernels();
    int shown = KernelParams.from(params).consoleKernel();
    if (console != null && shown >= kernels) {
      throw new BootException(
          "popcorn_console=" + shown + ": the messaging window has kernels 0.." + (kernels - 1));
    }
    log.log(
        "popcorn: messaging window "
            + window
            + ", "
            + endpoint.window().maxKernels()
            + " kernels at most");
  }

  /** The node of a hart named in the info table; a hart the machine lacks counts as node 0. */
  private int nodeOf(int hart) {
    try {
      return platform.nodeOfHart().applyAsInt(hart);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private void installInterrupts() {
    var irq = platform.interrupts();
    for (Hart h : harts) {
      irq.setListener(h.id(), (hart, bits) -> contained(() -> onInterrupt(irq, hart, bits)));
    }
  }

  private void onInterrupt(Platform.Interrupts irq, int hart, long bits) {
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
      if (endpoint != null && !watchdog.stopped()) {
        endpoint.onInterrupt();
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
      panic("kernel bug in interrupt context: " + e, null, e);
    }
  }

  private void bringUpCpus() {
    if (harts.size() > 1) {
      log.log("smp: Bringing up secondary CPUs ...");
    }
    for (var cpu : scheduler.cpus().subList(1, harts.size())) {
      platform.interrupts().sendIpi(harts.getFirst().id(), cpu.hart().id(), sim.now());
    }
  }

  /** A startup IPI reached an offline CPU of this kernel: it comes up and takes work. */
  private void onlineCpu(dev.popcornj.kernel.sched.Cpu cpu) {
    cpu.setOnline(true);
    long now = sim.now();
    if (cpu.hart().timePs() < now) {
      cpu.hart().advanceTimePs(now - cpu.hart().timePs());
    }
    platform.hartControl().attach(cpu.hart().id(), cpu);
    log.log("CPU" + cpu.index() + " (hart " + cpu.hart().id() + "): online");
  }

  private void checkIn() {
    if (endpoint != null) {
      endpoint.checkIn();
      watchdog.start();
      log.log("popcorn: kernel " + config.kernelId() + " checked in");
    }
  }

  /**
   * Builds the services this kernel runs, by its image's features and its role, and starts each
   * through its own context; a registration that clashes with another's stops the boot.
   */
  private void startServices() {
    boolean primary = config.kernelId() == 0;
    if (primary && image.has(ImageFeature.VTTY_HOST)) {
      vtty = VttyService.host(scheduler);
    } else if (virtualConsole != null) {
      vtty = VttyService.console(virtualConsole);
    }
    if (vtty != null) {
      services.add(vtty);
    }
    if (image.has(ImageFeature.KEXEC)) {
      kexec =
          new KexecService(
              log,
              diagnostics,
              config.sbi(),
              config.deviceTree(),
              PartitionParams.from(params).resolve(config.deviceTree(), List.of()));
      services.add(kexec);
    }
    power = new PowerService(primary ? this::powerOff : null);
    services.add(power);
    if (endpoint != null) {
      ssi = new SsiService(scheduler, thisKernel());
      services.add(ssi);
      vnet = new VnetService(inet, config.seed());
      services.add(vnet);
    }
    migration =
        new MigrationService(
            lifecycle,
            table,
            scheduler,
            signalling,
            syscalls,
            cost,
            trace,
            system,
            (timePs, action) ->
                sim.events().schedule(Math.max(timePs, sim.now()), now -> contained(action)),
            config.sbi());
    services.add(migration);
    MigrationService m = migration;
    taskLoop.setDepartures(
        new TaskLoop.Departures() {
          @Override
          public void depart(Task t) {
            m.depart(t);
          }

          @Override
          public void stopped(Task t, int sig) {
            m.stopped(t, sig);
          }
        });
    for (PopcornService s : services) {
      try {
        s.start(new Context(s.name()));
      } catch (IllegalArgumentException e) {
        throw new BootException("service " + s.name() + ": " + e.getMessage());
      }
    }
    if (endpoint != null) {
      endpoint.addPeerListener(
          new dev.popcornj.kernel.msg.PeerListener() {
            @Override
            public void onPeerUp(int k) {
              services.forEach(s -> s.onPeerUp(k));
            }

            @Override
            public void onPeerGone(int k, KernelState state) {
              services.forEach(s -> s.onPeerGone(k, state));
            }
          });
    }
    if (vnet != null && vnet.device() != null) {
      nameOnNetwork();
    }
    if (vtty != null && console != null) {
      vtty.setOnOutput(console::onVttyOutput);
      console.setVttys(vtty);
    }
    if (!services.isEmpty()) {
      popcornFiles.put("services", this::servicesText);
    }
    List<String> names = new ArrayList<>();
    services.forEach(s -> names.add(s.name()));
    log.log("popcorn: services " + String.join(", ", names));
  }

  /** On the virtual network the kernel is kernelN, and /etc/hosts names every kernel. */
  private void nameOnNetwork() {
    syscalls.setHostname("kernel" + config.kernelId());
    if (config.hostFiles() == null) {
      vfs.mkdirs("/etc", 0755);
      vfs.writeFile(
          "/etc/hosts",
          VnetService.hosts(vnet.kernels()).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          0644);
    }
  }

  /** What one service may add to this kernel: see {@link ServiceContext}. */
  private final class Context implements ServiceContext {
    private final String owner;

    Context(String owner) {
      this.owner = owner;
    }

    @Override
    public int kernelId() {
      return config.kernelId();
    }

    @Override
    public KernelLog log() {
      return log;
    }

    @Override
    public java.util.Optional<String> param(String name) {
      declaredParams.computeIfAbsent(owner, o -> new ArrayList<>()).add(name);
      return params.get(name);
    }

    @Override
    public boolean flag(String name) {
      declaredParams.computeIfAbsent(owner, o -> new ArrayList<>()).add(name);
      return params.flag(name);
    }

    @Override
    public java.util.Optional<Endpoint> endpoint() {
      return java.util.Optional.ofNullable(endpoint);
    }

    @Override
    public <M extends KernelMessage> void message(MessageType<M> type, MessageHandler handler) {
      if (endpoint == null) {
        throw new IllegalArgumentException("message " + type.name() + " needs the messaging layer");
      }
      endpoint.register(owner, type, handler);
    }

    @Override
    public void syscall(int nr, String name, SyscallHandler handler) {
      syscalls.add(nr, name, handler);
    }

    @Override
    public void procFile(String name, java.util.function.Supplier<String> text) {
      if (popcornFiles.putIfAbsent(name, text) != null) {
        throw new IllegalArgumentException("/proc/popcorn/" + name + " is taken");
      }
    }

    @Override
    public void device(String name, CharDevice device) {
      devfs.registerCharDevice(name, device);
    }

    @Override
    public void counter(String name, java.util.function.LongSupplier value) {
      counters.register(owner, name, value);
    }

    @Override
    public void otherKernels(OtherKernels view) {
      system.setOthers(owner, view);
    }

    @Override
    public void affinityMigration(AffinityMigration migration) {
      system.setAffinityMigration(owner, migration);
    }
  }

  /** The statistics this kernel's services registered, for the run's statistics. */
  public ServiceCounters counters() {
    return counters;
  }

  /** What this kernel answers the others about itself, for the single-system-image service. */
  private ThisKernel thisKernel() {
    return new ThisKernel() {
      @Override
      public List<GlobalCpu> cpus() {
        return system.ownCpus();
      }

      @Override
      public long memoryBytes() {
        return totalMemory();
      }

      @Override
      public Census census() {
        return procFiles.census();
      }

      @Override
      public String processFile(int pid, String name) {
        return procFiles.ownProcessFile(pid, name);
      }

      @Override
      public long signal(RemoteSignal signal) {
        return kill.deliver(signal);
      }
    };
  }

  /** /proc/popcorn files the services added, by name. */
  java.util.Map<String, java.util.function.Supplier<String>> popcornFiles() {
    return java.util.Collections.unmodifiableMap(popcornFiles);
  }

  /** /proc/popcorn/services: each service with the boot parameters it reads. */
  String servicesText() {
    StringBuilder b = new StringBuilder("SERVICE  PARAMETERS\n");
    for (PopcornService s : services) {
      List<String> p = declaredParams.getOrDefault(s.name(), List.of());
      b.append(String.format("%-8s %s%n", s.name(), p.isEmpty() ? "-" : String.join(" ", p)));
    }
    return b.toString();
  }

  /**
   * A signal the host sent the machine (the popcorn process of a run got SIGINT, SIGTERM, ...): to
   * init's process group, where the program of a run and its children are, as qemu-riscv64 passes
   * it to its program.
   */
  public void signalFromHost(int sig) {
    contained(
        () -> {
          if (init != null && !init.zombie() && !init.exiting()) {
            signalProcessGroup(init.pgid(), sig);
          }
        });
  }

  /** What a pseudo-terminal asks of the kernel: its signals, and which session a group is in. */
  private dev.popcornj.kernel.tty.TtyHost ptyHost() {
    return new dev.popcornj.kernel.tty.TtyHost() {
      @Override
      public void onSignalProcessGroup(int pgrp, int sig) {
        signalProcessGroup(pgrp, sig);
      }

      @Override
      public void onSignalProcess(int pid, int sig) {
        Process p = table.process(pid);
        if (p != null && !p.zombie()) {
          signalling.sendToProcess(p, sig, dev.popcornj.kernel.signal.SigInfo.kernel(sig));
        }
      }

      @Override
      public int sessionOfGroup(int pgrp) {
        for (Process p : table.group(pgrp)) {
          return p.sid();
        }
        return -1;
      }
    };
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

  /** The image kernel k runs, when this kernel knows it: its own, or one it booted. */
  java.util.Optional<KernelImage.Header> imageOf(int k) {
    if (k == config.kernelId()) {
      return java.util.Optional.of(image);
    }
    return kexec == null ? java.util.Optional.empty() : kexec.imageOf(k);
  }

  /**
   * Boots a secondary kernel from images the host hands this one ({@code popcorn run --kernels K}),
   * as its kexec_load and popcorn_boot_secondary would; see {@link KexecService#bootImages}.
   *
   * @return the new kernel's id
   * @throws BootException when this kernel has no kexec or kexec refuses
   */
  public int kexecSecondary(byte[] image, byte[] initramfs, String cmdline) {
    if (kexec == null) {
      throw new BootException("image " + image().name() + " has no kexec to boot other kernels");
    }
    return kexec.bootImages(image, initramfs, cmdline);
  }

  /** The harts of kernel k when this kernel booted it, else null. */
  List<Integer> bootedHarts(int k) {
    return kexec == null ? null : kexec.hartsOf(k);
  }

  /** This kernel's end of the messaging layer, or null when it runs alone. */
  public Endpoint endpoint() {
    return endpoint;
  }

  private void startProcessLayer() {
    signalling = new Signalling(scheduler, !params.flag("popcorn_run"));
    futexes = new Futexes(scheduler);
    lifecycle =
        new Lifecycle(
            table,
            scheduler,
            frames,
            vfs,
            programs(),
            new Lifecycle.ExecEnvironment(view, harts.getFirst().isa().hwcap(), entropy),
            signalling,
            futexes,
            control);
    signalDelivery = new SignalDelivery(signalling, scheduler);
    kill = new Kill(table, signalling, lifecycle::init, system);
    syscalls =
        new SystemCalls(
            vfs,
            scheduler,
            table,
            lifecycle,
            signalling,
            signalDelivery,
            futexes,
            entropy,
            log,
            diagnostics,
            control,
            new SystemCalls.MemoryUse() {
              @Override
              public long totalBytes() {
                return totalMemory();
              }

              @Override
              public long usedBytes() {
                return frames.framesInUse() * MemoryLayout.PAGE_SIZE;
              }
            },
            kill,
            system);
    syscalls.setEpochSeconds(epochSeconds());
    inet = InetStack.withLoopback(scheduler::now, control::at, vfs.sleeper()); // lo, 127.0.0.1/8
    syscalls.setInetStack(inet);
    procFiles.putNetFile("dev", () -> ProcNet.dev(inet));
    procFiles.putNetFile("tcp", () -> ProcNet.tcp(inet));
    procFiles.putNetFile("udp", () -> ProcNet.udp(inet));
    procFiles.putNetFile("route", () -> ProcNet.route(inet));
    procFiles.putNetFile("snmp", () -> ProcNet.snmp(inet));
    procFiles.putNetFile("tcp6", ProcNet::tcp6);
    procFiles.setHostname(syscalls::hostname);
    procFiles.putNetFile("udp6", ProcNet::udp6);
    taskLoop =
        new TaskLoop(
            config.kernelId(),
            scheduler,
            view,
            lifecycle,
            signalling,
            signalDelivery,
            syscalls,
            cost,
            trace,
            log,
            diagnostics);
    lifecycle.setTaskBody(taskLoop::run);
    scheduler.setHooks(
        e -> signalling.mustInterrupt(Task.of(e)), (e, ex) -> onTaskFailure(Task.of(e), ex));
    log.log("syscalls: Linux riscv64 ABI");
  }

  private void startInit() {
    // init= and the words after -- on the command line choose init and its arguments, as in Linux.
    String path = params.get("init").orElse(config.initPath());
    List<String> argv = new ArrayList<>();
    argv.add(params.get("init").orElse(config.initArgv0()));
    argv.addAll(params.initArgs().isEmpty() ? config.initArgs() : params.initArgs());
    try {
      init = lifecycle.spawnInit(path, argv, config.initEnv(), config.stdio()::install);
    } catch (ErrnoException e) {
      throw new BootException("cannot run init " + path + ": " + Errno.name(e.errno()));
    } catch (BadProgramException e) {
      throw new BootException("cannot run init " + path + ": " + e.getMessage(), e);
    }
    log.log("Run " + path + " as init process");
  }

  private void onTaskFailure(Task t, Throwable e) {
    panic("kernel bug in " + t + ": " + e, t, e);
  }

  /**
   * Stops this kernel. The primary's panic powers the machine off; a secondary's stops only its own
   * CPUs, so its peers and the machine go on (containment). The task running now, if any, is the
   * one the report shows.
   */
  public void panic(String reason) {
    panic(reason, Task.current(scheduler), null);
  }

  /**
   * Stops this kernel after reporting, as Linux's oops does, the task that was running with its
   * registers and, for a bug in PopcornJ (cause not null), the Java stack: to dmesg, to the
   * diagnostics (stderr) and as a panic event in the trace.
   */
  private void panic(String reason, Task task, Throwable cause) {
    int cpu = task == null ? -1 : task.cpu();
    List<String> report = PanicReport.lines(reason, task, cpu, cause);
    for (String line : report) {
      log.log(line);
    }
    diagnostics.report("kernel panic: " + reason);
    for (String line : report.subList(1, report.size())) {
      diagnostics.report("  " + line);
    }
    if (trace.enabled()) {
      int hart = cpu >= 0 && cpu < harts.size() ? harts.get(cpu).id() : harts.getFirst().id();
      trace.instant(
          "kernel",
          "panic",
          config.kernelId(),
          hart,
          sim.now(),
          "\"reason\":"
              + dev.popcornj.machine.trace.ChromeTrace.quote(reason)
              + (task == null ? "" : ",\"tid\":" + task.tid()));
    }
    if (outcome == null) {
      outcome = new Outcome.Panicked(reason);
    }
    if (config.kernelId() == 0) {
      platform.runLoop().powerOff(KernelConfig.STATUS_PANIC);
      return;
    }
    stopSecondary(KernelState.DOWN);
  }

  /**
   * A secondary stops alone: its CPUs halt, the info table shows it DOWN (crashed) or OFFLINE
   * (halted in order), and the firmware may boot its partition again.
   */
  private void stopSecondary(KernelState state) {
    stopCpus();
    if (watchdog != null) {
      watchdog.stop(state);
    }
    onStop.run();
  }

  /**
   * The firmware gave up on this kernel's boot (a refused parameter, no init, a bug in a boot
   * step): the CPUs and tasks boot had started stop, so its partition can be booted again. Its
   * info-table entry is the firmware's to settle: this kernel never checked in.
   */
  public void abandonBoot(String reason) {
    log.log("boot failed: " + reason);
    stopCpus();
    shutdown();
  }

  private void stopCpus() {
    if (scheduler != null) {
      scheduler.halt();
    }
    // Detach between rounds: the simulation may be iterating over its harts right now.
    sim.events()
        .schedule(
            sim.now(),
            at -> {
              for (Hart h : harts) {
                platform.hartControl().detach(h.id());
              }
            });
  }

  private Runnable onStop = () -> {};

  /** What the process layer may ask of this kernel, and nothing more. */
  private final KernelControl control =
      new KernelControl() {
        @Override
        public int kernelId() {
          return config.kernelId();
        }

        @Override
        public void at(long atPs, Runnable action) {
          sim.events().schedule(Math.max(atPs, sim.now()), now -> contained(action));
        }

        @Override
        public void initExited(int waitStatus) {
          int status = Lifecycle.shellStatus(waitStatus);
          if (onInitExitedInRunMode(status)) {
            return;
          }
          if (config.kernelId() != 0) {
            // A secondary has no power button: its init dying is fatal to that kernel alone.
            panic("Attempted to kill init! exitcode=0x" + Integer.toHexString(waitStatus));
            return;
          }
          powerOff(status);
        }

        @Override
        public void powerOff(int status) {
          Kernel.this.powerOff(status);
        }

        @Override
        public void debugCheck(String when) {
          Kernel.this.debugCheck(when);
        }
      };

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
    // The primary has the power button: its program's end powers the machine off at once.
    if (!params.flag("popcorn_run") || endpoint == null || config.kernelId() == 0) {
      return false;
    }
    if (vtty != null) {
      vtty.flush();
    }
    power.requestPowerOff(shellStatus);
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

  /** The virtual TTY service: the host side on the primary, the console side on a secondary. */
  public VttyService vtty() {
    return vtty;
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
    platform.runLoop().powerOff(status);
  }

  /**
   * Runs the machine until it powers off, the kernel panics, a limit is reached, or nothing can run
   * ({@link Outcome.Deadlocked}: every task sleeps with no timer pending; more input may wake one,
   * so the caller may run again). Call {@link #shutdown} when done.
   */
  public Outcome run(long timeLimitPs, long instructionLimit) {
    scheduler.setInstructionLimit(instructionLimit);
    Simulation.StopReason why = platform.runLoop().run(timeLimitPs, instructionLimit);
    if (outcome != null) {
      return outcome;
    }
    return switch (why) {
      case ALL_IDLE -> new Outcome.Deadlocked();
      case TIME_LIMIT, INSTRUCTION_LIMIT -> new Outcome.LimitReached();
      case POWER_OFF -> new Outcome.PoweredOff(platform.runLoop().powerOffStatus());
    };
  }

  /**
   * Ends every task's kernel stack (also those of tasks that left the process table on their way to
   * another kernel) and flushes init's output: the kernel is done.
   */
  public void shutdown() {
    if (lifecycle != null) {
      lifecycle.discardStacks();
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

  public MemoryView view() {
    return view;
  }

  public FrameAllocator frames() {
    return frames;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /** The kernel's IPv4 stack (host port forwarding opens connections from it). */
  public InetStack inet() {
    return inet;
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

  /**
   * Programs for execve, from the file system as the calling process sees it. A tmpfs program's
   * segments are mapped from its file's pages; a host program's from the kernel's copy of it
   * ({@link HostPrograms}), so that the host changing the file under a running program does not
   * change the program; bytes are copied in when no copy can be made. On the host's files, the
   * program handed to the kernel (popcorn run's, whose bytes the command already read) runs as
   * qemu-riscv64 runs it: without its execute bit, and where the guest's tree does not show it; the
   * programs it starts get Linux's checks.
   */
  public ProgramFiles programs() {
    return (caller, path) -> {
      try {
        FsContext ctx = caller.fsContext();
        String abs = path.startsWith("/") ? path : vfs.pathOf(ctx, ctx.cwd()) + "/" + path;
        if (path.equals("/proc/self/exe")) {
          abs = caller.executable();
        }
        abs = abs.replace("//", "/");
        Inode file;
        try {
          file = vfs.executable(ctx, path);
        } catch (FsException e) {
          byte[] given = config.hostFiles() == null ? null : config.extraFiles().get(path);
          if (given == null || (e.errno() != Errno.ENOENT && e.errno() != Errno.EACCES)) {
            throw e;
          }
          return new ProgramFiles.Program(abs, given);
        }
        PageCache pages = file instanceof TmpFile t ? t.data() : hostPrograms.copyOf(file);
        if (pages == null) {
          return new ProgramFiles.Program(abs, Vfs.readAll(file));
        }
        return new ProgramFiles.Program(
            abs, inPlace(pages), MappableFile.program(pages, abs, file.ino()));
      } catch (FsException e) {
        throw new ErrnoException(e.errno());
      }
    };
  }

  /** A program's bytes in the kernel's memory, read from its pages as the loader asks for them. */
  private static ProgramBytes inPlace(PageCache pages) {
    return new ProgramBytes() {
      @Override
      public long length() {
        return pages.size();
      }

      @Override
      public void read(long offset, byte[] dst, int off, int length) {
        pages.read(offset, dst, off, length);
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
    return taskLoop == null ? 0 : taskLoop.pageFaultsServed();
  }

  public long totalMemory() {
    long total = 0;
    for (Region r : config.memory()) {
      total += r.size();
    }
    return total;
  }
}
