package dev.popcornj.kernel.services.kexec;

import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;
import dev.popcornj.machine.desc.MachineDescription;
import java.util.List;
import java.util.Optional;

/**
 * Booting secondary kernels, as Popcorn does with kexec: the system calls kexec_load (104) and
 * popcorn_boot_secondary (1000), over the boot block and image format the firmware reads ({@link
 * BootBlock}, {@link KernelImage}). Started on kernels whose image has the kexec feature.
 *
 * <p>Owned by one kernel instance.
 */
public final class KexecService implements PopcornService {
  private final KexecCalls calls;

  public KexecService(
      KernelLog log,
      Diagnostics diagnostics,
      Sbi sbi,
      MachineDescription deviceTree,
      Partition own) {
    this.calls = new KexecCalls(log, diagnostics, sbi, deviceTree, own);
  }

  @Override
  public String name() {
    return "kexec";
  }

  @Override
  public void start(ServiceContext context) {
    calls.setWindowKernels(context.endpoint().map(e -> e.window().maxKernels()));
    context.syscall(
        Syscalls.KEXEC_LOAD,
        "kexec_load",
        (t, a0, a1, a2, a3, a4, a5) -> calls.kexecLoad(t, a0, a1, a2, a3));
    context.syscall(
        Syscalls.POPCORN_BOOT_SECONDARY,
        "popcorn_boot_secondary",
        (t, a0, a1, a2, a3, a4, a5) -> calls.bootSecondary(a0));
  }

  /**
   * Boots a secondary kernel from images handed to this kernel instead of a process's memory: how
   * the primary of {@code popcorn run --kernels K} brings up the others before its program starts.
   * The images are laid out and checked as kexec_load does ({@link KexecCalls#loadImages}) and the
   * kernel started as popcorn_boot_secondary does; it boots once the firmware's IPI reaches it.
   *
   * @return the new kernel's id
   * @throws BootException with the reason when kexec refuses (also in dmesg and the diagnostics)
   */
  public int bootImages(byte[] image, byte[] initrd, String cmdline) {
    long entry = calls.loadImages(image, initrd, cmdline);
    long id = entry < 0 ? entry : calls.bootSecondary(entry);
    if (id < 0) {
      throw new BootException(calls.lastRefusal());
    }
    return (int) id;
  }

  /** The image this kernel booted kernel k from, when it booted k. */
  public Optional<KernelImage.Header> imageOf(int k) {
    return calls.imageOf(k);
  }

  /** The harts of kernel k, when this kernel booted it; else null. */
  public List<Integer> hartsOf(int k) {
    return calls.hartsOf(k);
  }
}
