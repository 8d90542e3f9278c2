package dev.popcornj.kernel.services.kexec;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.services.ImageFeature;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.mem.Region;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * kexec_load (104) and PopcornJ's popcorn_boot_secondary (1000): how the primary boots a secondary
 * kernel, as Popcorn does. kexec_load checks everything first — the segments, the boot block at the
 * entry address, the image header and command line it points to, everything that command line says
 * ({@link SecondaryCommandLine}: CPUs and memory that exist and that no running kernel owns, the
 * shared messaging window and an id it has room for) — and only then copies the segments into the
 * target partition's memory. popcorn_boot_secondary starts the target's boot hart there through the
 * firmware (SBI hart start); the firmware's trampoline runs the image. Refusals are logged with
 * their reason (dmesg). A kernel whose image leaves out {@link ImageFeature#KEXEC} does not start
 * the kexec service: both calls return -ENOSYS, reported like any unimplemented call. The segments
 * reach the target's memory through the firmware, which alone may write memory outside a running
 * kernel's partition.
 *
 * <p>Owned by one kernel instance.
 */
final class KexecCalls {
  static final int MAX_SEGMENTS = Param.KEXEC_MAX_SEGMENTS;
  private static final long MAX_SEGMENT = Param.KEXEC_MAX_SEGMENT;
  private static final long PAGE = MemoryLayout.PAGE_SIZE;

  private record Segment(byte[] data, long mem, long memsz) {
    boolean contains(long addr, long len) {
      return addr >= mem && addr + len <= mem + data.length;
    }
  }

  private final KernelLog log;
  private final Diagnostics diagnostics;
  private final Sbi sbi;
  private final MachineDescription deviceTree;
  private final Partition own;
  private final List<Partition> booted = new ArrayList<>();
  private final Map<Integer, KernelImage.Header> bootedImages = new TreeMap<>();
  private long loadedEntry = -1;
  private Partition loadedPartition;
  private KernelImage.Header loadedImage;
  private Optional<Integer> windowKernels = Optional.empty();
  private String lastRefusal = "";

  /**
   * @param sbi the firmware, which starts harts and alone may write a stopped partition's memory
   * @param deviceTree the machine, as the firmware describes it
   * @param own this kernel's partition
   */
  KexecCalls(
      KernelLog log,
      Diagnostics diagnostics,
      Sbi sbi,
      MachineDescription deviceTree,
      Partition own) {
    this.log = log;
    this.diagnostics = diagnostics;
    this.sbi = sbi;
    this.deviceTree = deviceTree;
    this.own = own;
  }

  /** The messaging window this kernel shares, by how many kernels it has room for. */
  void setWindowKernels(Optional<Integer> kernels) {
    windowKernels = kernels;
  }

  private long refuse(int errno, String why) {
    lastRefusal = why;
    log.log("kexec: refused: " + why);
    diagnostics.report("kexec: refused: " + why);
    return -errno;
  }

  long kexecLoad(Task t, long entry, long nr, long segs, long flags) {
    if (flags != 0 || nr < 1 || nr > MAX_SEGMENTS) {
      return refuse(Errno.EINVAL, "flags must be 0 and segments 1.." + MAX_SEGMENTS);
    }
    UserMemory m = t.process().memory();
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < nr; i++) {
      long at = segs + 32L * i;
      long buf = m.read64(at);
      long bufsz = m.read64(at + 8);
      long mem = m.read64(at + 16);
      long memsz = m.read64(at + 24);
      if (bufsz < 0 || memsz < bufsz || memsz > MAX_SEGMENT || (mem & (PAGE - 1)) != 0) {
        return refuse(Errno.EINVAL, "segment " + i + " has bad sizes or alignment");
      }
      segments.add(new Segment(m.read(buf, (int) bufsz), mem, memsz));
    }
    return load(segments, entry);
  }

  /**
   * Loads images handed to the kernel rather than a process's segments, as Linux's kexec_file_load
   * does: the layout /sbin/kexec --base auto makes (boot block, image, initramfs and command line,
   * each on a page boundary, from the start of the partition the command line names), then
   * everything kexec_load checks. Returns the entry address for {@link #bootSecondary}, or -errno.
   */
  long loadImages(byte[] image, byte[] initrd, String cmdline) {
    Partition target;
    try {
      target = SecondaryCommandLine.check(cmdline, deviceTree, running(), windowKernels);
    } catch (BootException e) {
      return refuse(Errno.EINVAL, e.getMessage());
    }
    byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
    long base = target.memory().getFirst().base();
    long imageAt = base + PAGE;
    long initrdAt = initrd.length > 0 ? pageUp(imageAt + image.length) : 0;
    long afterInitrd =
        initrd.length > 0 ? pageUp(initrdAt + initrd.length) : pageUp(imageAt + image.length);
    long cmdAt = cmd.length > 0 ? afterInitrd : 0;
    BootBlock block =
        new BootBlock(imageAt, image.length, initrdAt, initrd.length, cmdAt, cmd.length);
    List<Segment> segments = new ArrayList<>();
    segments.add(new Segment(block.encode(), base, PAGE));
    segments.add(new Segment(image, imageAt, pageUp(image.length)));
    if (initrd.length > 0) {
      segments.add(new Segment(initrd, initrdAt, pageUp(initrd.length)));
    }
    if (cmd.length > 0) {
      segments.add(new Segment(cmd, cmdAt, pageUp(cmd.length + 1L)));
    }
    long r = load(segments, base);
    return r < 0 ? r : base;
  }

  /** Why the last call was refused, as dmesg shows it. */
  String lastRefusal() {
    return lastRefusal;
  }

  private static long pageUp(long n) {
    return (n + PAGE - 1) & -PAGE;
  }

  /** kexec_load once the segments are in kernel memory: check everything, then copy them. */
  private long load(List<Segment> segments, long entry) {
    byte[] raw = bytesAt(segments, entry, BootBlock.LENGTH);
    if (raw == null) {
      return refuse(
          Errno.EINVAL, "no segment holds the entry address 0x" + Long.toHexString(entry));
    }
    BootBlock block;
    try {
      block = BootBlock.decode(raw, entry);
    } catch (BootException e) {
      return refuse(Errno.EINVAL, e.getMessage());
    }
    byte[] imageBytes = bytesAt(segments, block.imageAddr(), (int) block.imageLen());
    if (imageBytes == null) {
      return refuse(Errno.EINVAL, "the boot block's kernel image is not in a segment");
    }
    KernelImage.Header image;
    try {
      image = KernelImage.check(imageBytes);
    } catch (BootException e) {
      return refuse(Errno.EINVAL, e.getMessage());
    }
    byte[] cmd = bytesAt(segments, block.cmdlineAddr(), (int) block.cmdlineLen());
    if (cmd == null) {
      return refuse(Errno.EINVAL, "the boot block's command line is not in a segment");
    }
    String cmdline = new String(cmd, StandardCharsets.US_ASCII);
    Partition target;
    try {
      target = SecondaryCommandLine.check(cmdline, deviceTree, running(), windowKernels);
    } catch (BootException e) {
      return refuse(Errno.EINVAL, e.getMessage());
    }
    for (Segment s : segments) {
      Region r = new Region(s.mem, (s.memsz + PAGE - 1) & -PAGE);
      boolean inside = false;
      for (Region p : target.memory()) {
        inside |= r.base() >= p.base() && r.end() <= p.end();
      }
      if (!inside) {
        return refuse(
            Errno.EADDRNOTAVAIL, "segment at " + r + " is outside the target kernel's memory");
      }
    }
    for (Segment s : segments) {
      long r = sbi.writeStoppedMemory(s.mem, s.data, s.memsz);
      if (r != Sbi.SUCCESS) {
        return refuse(Errno.EADDRNOTAVAIL, "firmware: " + sbi.lastError());
      }
    }
    loadedEntry = entry;
    loadedPartition = target;
    loadedImage = image;
    log.log(
        "kexec: loaded kernel "
            + target.kernelId()
            + " ("
            + image.name()
            + ") at 0x"
            + Long.toHexString(entry));
    return 0;
  }

  long bootSecondary(long entry) {
    if (loadedPartition == null || entry != loadedEntry) {
      return refuse(Errno.EINVAL, "nothing loaded at 0x" + Long.toHexString(entry));
    }
    Partition p = loadedPartition;
    long r = sbi.hartStart(p.harts().getFirst(), entry);
    if (r != Sbi.SUCCESS) {
      return refuse(
          r == Sbi.ERR_ALREADY_AVAILABLE ? Errno.EBUSY : Errno.EINVAL,
          "firmware: " + sbi.lastError());
    }
    booted.add(p);
    bootedImages.put(p.kernelId(), loadedImage);
    loadedPartition = null;
    loadedImage = null;
    loadedEntry = -1;
    log.log("kexec: kernel " + p.kernelId() + " starting on hart " + p.harts().getFirst());
    return p.kernelId();
  }

  /** The image this kernel last booted kernel k from, if it booted k. */
  Optional<KernelImage.Header> imageOf(int k) {
    return Optional.ofNullable(bootedImages.get(k));
  }

  /** The harts of kernel k as this kernel booted it, or null when it did not boot k. */
  List<Integer> hartsOf(int k) {
    for (int i = booted.size() - 1; i >= 0; i--) {
      if (booted.get(i).kernelId() == k) {
        return booted.get(i).harts();
      }
    }
    return null;
  }

  /**
   * This kernel's partition and those of the secondaries it booted whose boot hart still runs, as
   * the firmware reports it: a kernel that panicked or halted frees its partition, one being
   * started does not.
   */
  private List<Partition> running() {
    List<Partition> out = new ArrayList<>();
    out.add(own);
    for (Partition p : booted) {
      if (sbi.hartStatus(p.harts().getFirst()) != Sbi.HART_STOPPED) {
        out.add(p);
      }
    }
    return out;
  }

  private static byte[] bytesAt(List<Segment> segments, long addr, int len) {
    for (Segment s : segments) {
      if (s.contains(addr, len)) {
        byte[] out = new byte[len];
        System.arraycopy(s.data, (int) (addr - s.mem), out, 0, len);
        return out;
      }
    }
    return null;
  }
}
