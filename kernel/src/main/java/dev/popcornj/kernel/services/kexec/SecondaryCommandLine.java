package dev.popcornj.kernel.services.kexec;

import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.platform.KernelParams;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.PartitionParams;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Optional;

/**
 * What a secondary kernel's command line must say, checked before anything is built: by kexec_load
 * before it copies a segment, and again by the firmware's trampoline before it builds the kernel. A
 * secondary takes a partition no running kernel owns ({@link PartitionParams#resolve}); its console
 * and its check-in travel over the messaging window the running kernels share, so it names that
 * window and an id the window has room for; and its own parameters are ones a kernel can use
 * ({@link KernelParams}).
 */
public final class SecondaryCommandLine {
  private SecondaryCommandLine() {}

  /**
   * @param running the partitions of the kernels up (the primary's among them)
   * @param windowKernels how many kernels the shared messaging window has room for; empty when the
   *     running kernels have no window
   * @return the partition the command line asks for
   * @throws BootException with one line saying what is refused and why
   */
  public static Partition check(
      String cmdline,
      MachineDescription machine,
      List<Partition> running,
      Optional<Integer> windowKernels) {
    BootParams params = BootParams.parse(cmdline);
    PartitionParams asked = PartitionParams.from(params);
    KernelParams.from(params);
    Partition target = asked.resolve(machine, running);
    Optional<Region> shared = running.stream().flatMap(p -> p.messageWindow().stream()).findFirst();
    if (shared.isEmpty() || windowKernels.isEmpty()) {
      throw new BootException(
          "popcorn_id="
              + target.kernelId()
              + ": the running kernels have no messaging window for a secondary to talk over"
              + " (boot with --kernels 2 or more)");
    }
    Region w = shared.get();
    if (target.messageWindow().isEmpty()) {
      throw new BootException(
          "popcorn_msg: missing; a secondary's console and check-in travel over the messaging"
              + " window, add popcorn_msg="
              + Region.hex(w.base())
              + ","
              + Region.hex(w.size()));
    }
    int kernels = windowKernels.get();
    if (target.kernelId() >= kernels) {
      throw new BootException(
          "popcorn_id="
              + target.kernelId()
              + ": the messaging window has room for kernels 0.."
              + (kernels - 1));
    }
    return target;
  }
}
