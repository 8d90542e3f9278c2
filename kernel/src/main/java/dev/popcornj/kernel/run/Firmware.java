package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.kernel.services.kexec.BootBlock;
import dev.popcornj.kernel.services.kexec.KernelImage;
import dev.popcornj.kernel.services.kexec.SecondaryCommandLine;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine's firmware (M-mode, below every kernel): it boots the primary kernel and, through the
 * SBI hart-start call, secondary kernels. Starting a hart at an address runs the trampoline: read
 * the boot block kexec_load left there, check the kernel image, and boot a new kernel instance on
 * the partition its command line names. The firmware holds the kernels it started so the host can
 * run and stop them; the kernels hold nothing of each other.
 */
public final class Firmware implements Sbi {
  private final Machine machine;
  private final MemoryView memory;
  private final Diagnostics diag;
  private final List<Kernel> kernels = new ArrayList<>();
  private final List<Partition> partitions = new ArrayList<>();
  private final boolean[] started;
  // Kernel ids whose boot the firmware gave up on (a boot step failed).
  private final java.util.Set<Integer> failedBoots = new java.util.TreeSet<>();
  private String lastError = "";
  // Shared windows granted: {owner, to} and the region, in the order granted.
  private final List<Grant> grants = new ArrayList<>();

  private record Grant(int owner, int to, Region region) {}

  private int runKernel = -1;

  public Firmware(Machine machine, Diagnostics diag) {
    this.machine = machine;
    this.diag = diag;
    List<Region> all = new ArrayList<>();
    for (MemoryRange r : machine.description().memory()) {
      all.add(new Region(r.base(), r.size()));
    }
    this.memory = machine.memoryView("firmware", all);
    this.started = new boolean[machine.harts().size()];
  }

  /** The firmware's view of all physical memory. */
  public MemoryView memory() {
    return memory;
  }

  /** Records a kernel the firmware booted itself (the primary) with its partition. */
  public void register(Kernel kernel, Partition partition) {
    kernels.add(kernel);
    partitions.add(partition);
    for (int h : partition.harts()) {
      started[h] = true;
    }
  }

  /**
   * popcorn run --on: kernelId runs the program, so the machine powers off when it cannot: with
   * status 2 when it fails to boot (a bad program, as a one-kernel run reports it), with {@link
   * KernelConfig#STATUS_PANIC} when it panics. Otherwise the primary would wait for it forever.
   */
  public void runOn(int kernelId) {
    runKernel = kernelId;
  }

  public List<Kernel> kernels() {
    return List.copyOf(kernels);
  }

  /** Whether a boot of kernel id was started and failed (the firmware reported why). */
  public boolean failedToBoot(int id) {
    return failedBoots.contains(id);
  }

  @Override
  public String lastError() {
    return lastError;
  }

  @Override
  public long hartStatus(int hartId) {
    if (hartId < 0 || hartId >= started.length) {
      return ERR_INVALID_PARAM;
    }
    return started[hartId] ? HART_STARTED : HART_STOPPED;
  }

  @Override
  public long hartStart(int hartId, long startAddr) {
    if (hartId < 0 || hartId >= started.length) {
      return refuse(ERR_INVALID_PARAM, "no hart " + hartId);
    }
    if (started[hartId]) {
      return refuse(ERR_ALREADY_AVAILABLE, "hart " + hartId + " is already running");
    }
    BootBlock block;
    Partition partition;
    String cmdline;
    KernelImage.Header image;
    try {
      block = BootBlock.read(memory, startAddr);
      image = KernelImage.check(block.image(memory));
      cmdline = block.cmdline(memory);
      partition =
          SecondaryCommandLine.check(cmdline, machine.description(), partitions, windowKernels());
    } catch (BootException e) {
      return refuse(ERR_INVALID_ADDRESS, e.getMessage());
    }
    if (partition.harts().getFirst() != hartId) {
      return refuse(
          ERR_INVALID_PARAM,
          "hart " + hartId + " is not the boot hart of " + partition.harts() + " (present_mask)");
    }
    for (int h : partition.harts()) {
      started[h] = true;
    }
    partitions.add(partition);
    long due =
        machine.simulation().now()
            + machine.options().cost().ipiLatencyPs(0, machine.nodeOf(hartId));
    machine.simulation().events().schedule(due, now -> boot(block, cmdline, partition, image));
    return SUCCESS;
  }

  /** Segments at least this long are placed from the machine's content pool when it holds them. */
  private static final int PLACED_MIN = 64 << 10;

  @Override
  public long writeStoppedMemory(long addr, byte[] data, long memsz) {
    if (memsz < data.length || memsz > Integer.MAX_VALUE || addr < 0 || addr + memsz < addr) {
      return refuse(ERR_INVALID_PARAM, "bad segment size");
    }
    Region target = new Region(addr, Math.max(1, memsz));
    if (!memory.isGranted(addr, Math.max(1, memsz))) {
      return refuse(ERR_INVALID_ADDRESS, target + " is not the machine's memory");
    }
    for (Partition p : partitions) {
      for (Region r : p.memory()) {
        if (r.overlaps(target)) {
          return refuse(ERR_INVALID_ADDRESS, target + " belongs to running kernel " + p.kernelId());
        }
      }
      if (p.messageWindow().isPresent() && p.messageWindow().get().overlaps(target)) {
        return refuse(ERR_INVALID_ADDRESS, target + " is the messaging window");
      }
    }
    long written = data.length;
    ReadOnlyBytes pooled =
        data.length >= PLACED_MIN && (addr & PhysicalMemory.FRAME_MASK) == 0
            ? machine.contents().find(data)
            : null;
    if (pooled != null) {
      // An archive a kernel booted with already (the light initramfs of every secondary after the
      // first): the kernel booted here finds it without reading it, and frames nobody touches take
      // no host memory (MemoryView#place). Other bytes are written, so that a guest loading ever
      // new segments cannot grow the pool: only a kernel's boot adds to it.
      memory.place(addr, pooled);
      written = (data.length + PhysicalMemory.FRAME_MASK) & ~PhysicalMemory.FRAME_MASK;
    } else {
      memory.writeBytes(addr, data, 0, data.length);
    }
    if (memsz > written) {
      byte[] zeros = new byte[(int) (memsz - written)];
      memory.writeBytes(addr + written, zeros, 0, zeros.length);
    }
    return SUCCESS;
  }

  @Override
  public long shareMemory(int owner, long base, long size, int to) {
    Region r;
    try {
      r = new Region(base, size);
    } catch (IllegalArgumentException e) {
      return refuse(ERR_INVALID_PARAM, "empty window");
    }
    Partition from = partitionOf(owner);
    Kernel target = runningKernel(to);
    if (from == null || owner == to) {
      return refuse(ERR_INVALID_PARAM, "kernel " + owner + " cannot share with kernel " + to);
    }
    if (target == null || partitionOf(to) == null) {
      return refuse(ERR_INVALID_PARAM, "kernel " + to + " is not running");
    }
    boolean inside = false;
    for (Region m : from.memory()) {
      inside |= m.contains(base, size);
    }
    if (!inside) {
      return refuse(ERR_INVALID_ADDRESS, r + " is not kernel " + owner + "'s memory");
    }
    for (Grant g : grants) {
      if (g.to() == to && g.region().overlaps(r)) {
        return refuse(ERR_ALREADY_AVAILABLE, r + " is already shared with kernel " + to);
      }
    }
    target.view().grantWindow(r);
    grants.add(new Grant(owner, to, r));
    return SUCCESS;
  }

  @Override
  public long unshareMemory(int owner, long base, long size, int to) {
    for (Grant g : grants) {
      if (g.owner() == owner
          && g.to() == to
          && g.region().base() == base
          && g.region().size() == size) {
        revoke(g);
        grants.remove(g);
        return SUCCESS;
      }
    }
    return refuse(ERR_INVALID_PARAM, "no window at 0x" + Long.toHexString(base) + " for " + to);
  }

  /** The windows granted to kernel to now (what its partition guard allows beyond its own). */
  public List<Region> windowsOf(int to) {
    List<Region> out = new ArrayList<>();
    for (Grant g : grants) {
      if (g.to() == to) {
        out.add(g.region());
      }
    }
    return out;
  }

  private void revoke(Grant g) {
    Kernel k = runningKernel(g.to());
    if (k != null) {
      k.view().revokeWindow(g.region());
    }
    Partition p = partitionOf(g.to());
    if (p != null) {
      for (int h : p.harts()) {
        machine.hart(h).flushTlb(); // no cached translation outlives the grant
      }
    }
  }

  private Partition partitionOf(int kernelId) {
    for (Partition p : partitions) {
      if (p.kernelId() == kernelId) {
        return p;
      }
    }
    return null;
  }

  private Kernel runningKernel(int kernelId) {
    for (Kernel k : kernels) {
      if (k.config().kernelId() == kernelId && k.outcome() == null) {
        return k;
      }
    }
    return null;
  }

  /** The running kernels' messaging window, if any, read from its header. */
  private Optional<MessageWindow> window() {
    for (Partition p : partitions) {
      if (p.messageWindow().isPresent()) {
        Region w = p.messageWindow().get();
        try {
          return Optional.of(new MessageWindow(memory, w.base(), w.size()));
        } catch (IllegalStateException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Integer> windowKernels() {
    return window().map(MessageWindow::maxKernels);
  }

  /** A kernel's harts stopped: its partition can be booted again. */
  private void release(Partition partition) {
    int id = partition.kernelId();
    // Windows it shared or was granted end with it: no kernel keeps a stopped kernel's memory.
    for (Grant g : List.copyOf(grants)) {
      if (g.owner() == id || g.to() == id) {
        revoke(g);
        grants.remove(g);
      }
    }
    partitions.remove(partition);
    for (int h : partition.harts()) {
      started[h] = false;
    }
  }

  private long refuse(long code, String why) {
    lastError = why;
    return code;
  }

  /**
   * The trampoline on the new kernel's boot hart: build the kernel instance and boot it. What the
   * image header says (its kind and services) reaches the kernel as boot parameters, after the
   * loader's, so a command line cannot override the header.
   */
  private void boot(
      BootBlock block, String cmdline, Partition partition, KernelImage.Header image) {
    List<Region> regions = new ArrayList<>(partition.memory());
    partition.messageWindow().ifPresent(regions::add);
    String initrd =
        " "
            + image.bootParams()
            + " initrd=0x"
            + Long.toHexString(block.initrdAddr())
            + ",0x"
            + Long.toHexString(block.initrdLen())
            + " "
            + HostLimits.forThisHost(partition.memoryBytes(), machine.description().memoryBytes())
                .plusMemory(block.initrdLen())
                .bootWords();
    // Kernel parameters come before "--"; what follows belongs to init.
    String full = BootParams.withKernelWords(cmdline, initrd);
    KernelConfig config =
        new KernelConfig(
            partition.kernelId(),
            full,
            partition.harts(),
            regions,
            machine.options().seed() + 7919L * partition.kernelId(),
            Map.of(),
            "/init",
            "/init",
            List.of(),
            List.of("HOME=/", "TERM=linux"),
            KernelConfig.Stdio.console(() -> {}),
            KernelConfig.Console.VIRTUAL,
            diag.prefixed("kernel " + partition.kernelId() + ": "),
            machine.description(),
            this);
    Kernel k = null;
    try {
      k = new Kernel(Platforms.of(machine, config), config);
      Kernel booting = k;
      // A kernel that panics or halts stops its harts (as SBI hart_stop), so its partition can be
      // booted again.
      k.setOnStop(
          () -> {
            release(partition);
            if (partition.kernelId() == runKernel
                && booting.outcome() instanceof Kernel.Outcome.Panicked) {
              machine.simulation().powerOff(KernelConfig.STATUS_PANIC);
            }
          });
      k.boot();
      kernels.add(k);
    } catch (RuntimeException e) {
      // Whatever went wrong (a refused parameter, no init, a bug in a boot step) is this
      // kernel's alone: the machine and the other kernels go on.
      String why = e instanceof BootException ? e.getMessage() : "kernel bug during boot: " + e;
      diag.report("kernel " + partition.kernelId() + " failed to boot: " + why);
      if (k != null) {
        try {
          k.abandonBoot(why);
        } catch (RuntimeException again) {
          diag.report("kernel " + partition.kernelId() + " left its boot uncleanly: " + again);
        }
      }
      markDownIfBooting(partition.kernelId());
      failedBoots.add(partition.kernelId());
      release(partition);
      if (partition.kernelId() == runKernel) {
        machine.simulation().powerOff(2);
      }
    }
  }

  /**
   * A kernel that failed after it wrote BOOTING into the info table never checks in: its entry
   * reads DOWN, as after a panic, so its peers see it is not coming.
   */
  private void markDownIfBooting(int kernelId) {
    window()
        .filter(w -> kernelId < w.maxKernels() && w.state(kernelId) == KernelState.BOOTING)
        .ifPresent(w -> w.setState(kernelId, KernelState.DOWN));
  }

  /** Ends every kernel's tasks: the machine is done. */
  public void shutdown() {
    for (Kernel k : kernels) {
      k.shutdown();
    }
  }
}
