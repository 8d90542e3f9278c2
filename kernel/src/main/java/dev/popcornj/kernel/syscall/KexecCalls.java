package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.boot.BootBlock;
import dev.popcornj.kernel.boot.BootException;
import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelImage;
import dev.popcornj.kernel.boot.Partition;
import dev.popcornj.kernel.boot.PartitionParams;
import dev.popcornj.kernel.boot.Sbi;
import dev.popcornj.kernel.boot.Service;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * kexec_load (104) and PopcornJ's popcorn_boot_secondary (1000): how the primary boots a secondary
 * kernel, as Popcorn does. kexec_load checks everything first — the segments, the boot block at the
 * entry address, the image header and command line it points to, the partition that command line
 * asks for (CPUs and memory that exist and that no running kernel owns) — and only then copies the
 * segments into the target partition's memory. popcorn_boot_secondary starts the target's boot hart
 * there through the firmware (SBI hart start); the firmware's trampoline runs the image. Refusals
 * are logged with their reason (dmesg). A kernel whose image leaves out {@link Service#KEXEC} has
 * neither call: both return -ENOSYS, reported like any unimplemented call.
 *
 * <p>Owned by one kernel instance.
 */
final class KexecCalls {
  static final int MAX_SEGMENTS = 16;
  private static final long MAX_SEGMENT = 64L << 20;
  private static final long PAGE = 4096;

  private record Segment(byte[] data, long mem, long memsz) {
    boolean contains(long addr, long len) {
      return addr >= mem && addr + len <= mem + data.length;
    }
  }

  private final Kernel kernel;
  private final List<Partition> booted = new ArrayList<>();
  private long loadedEntry = -1;
  private Partition loadedPartition;
  private KernelImage.Header loadedImage;

  KexecCalls(Kernel kernel) {
    this.kernel = kernel;
  }

  private long refuse(int errno, String why) {
    kernel.log().log("kexec: refused: " + why);
    kernel.diagnostics().report("kexec: refused: " + why);
    return -errno;
  }

  long kexecLoad(Task t, long entry, long nr, long segs, long flags) {
    if (!kernel.image().has(Service.KEXEC)) {
      return SystemCalls.UNIMPLEMENTED;
    }
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
      target = PartitionParams.parse(cmdline).resolve(kernel.config().deviceTree(), running());
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
    MemoryView view = kernel.view();
    for (Segment s : segments) {
      Region r = new Region(s.mem, (s.memsz + PAGE - 1) & -PAGE);
      view.grant(r);
      try {
        view.writeBytes(s.mem, s.data, 0, s.data.length);
        byte[] zeros = new byte[(int) (s.memsz - s.data.length)];
        view.writeBytes(s.mem + s.data.length, zeros, 0, zeros.length);
      } finally {
        view.revoke(r);
      }
    }
    loadedEntry = entry;
    loadedPartition = target;
    loadedImage = image;
    kernel.log().log(
        "kexec: loaded kernel "
            + target.kernelId()
            + " ("
            + image.name()
            + ") at 0x"
            + Long.toHexString(entry));
    return 0;
  }

  long bootSecondary(Task t, long entry) {
    if (!kernel.image().has(Service.KEXEC)) {
      return SystemCalls.UNIMPLEMENTED;
    }
    if (loadedPartition == null || entry != loadedEntry) {
      return refuse(Errno.EINVAL, "nothing loaded at 0x" + Long.toHexString(entry));
    }
    Partition p = loadedPartition;
    long r = kernel.config().sbi().hartStart(p.harts().getFirst(), entry);
    if (r != Sbi.SUCCESS) {
      return refuse(
          r == Sbi.ERR_ALREADY_AVAILABLE ? Errno.EBUSY : Errno.EINVAL,
          "firmware: " + kernel.config().sbi().lastError());
    }
    booted.add(p);
    kernel.noteBooted(p.kernelId(), loadedImage);
    loadedPartition = null;
    loadedImage = null;
    loadedEntry = -1;
    kernel.log().log("kexec: kernel " + p.kernelId() + " starting on hart " + p.harts().getFirst());
    return p.kernelId();
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
    out.add(PartitionParams.from(kernel.params()).resolve(kernel.config().deviceTree(), List.of()));
    for (Partition p : booted) {
      if (kernel.config().sbi().hartStatus(p.harts().getFirst()) != Sbi.HART_STOPPED) {
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
