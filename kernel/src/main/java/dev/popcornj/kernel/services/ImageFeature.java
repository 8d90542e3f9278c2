package dev.popcornj.kernel.services;

import dev.popcornj.kernel.platform.BootException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An optional part of a kernel, which a kernel image may leave out. What every kernel has is not
 * listed: the scheduler, memory, processes and system calls, the root file system with /dev, the
 * messaging layer, and a console (the UART's, or a virtual one over messages on a secondary).
 *
 * <p>Each service has a fixed bit in the image header's service mask ({@link KernelImage}); the
 * bits never move, so an image written by one build reads the same in another.
 */
public enum ImageFeature {
  /** The 16550 console driver: /dev/console on the machine's UART, Ctrl-A switching. */
  UART_CONSOLE(0, "uart"),
  /** /dev/vttyN: the other kernels' consoles, hosted by the primary. */
  VTTY_HOST(1, "vtty-host"),
  /** kexec_load (104) and popcorn_boot_secondary (1000): booting other kernels. */
  KEXEC(2, "kexec"),
  /** /proc: processes, system files, /proc/popcorn. */
  PROCFS(3, "procfs"),
  /** /proc/sysrq-trigger ('c' crashes the kernel); needs procfs. */
  SYSRQ(4, "sysrq"),
  /** /dev/null, zero, full, random and urandom. */
  MEM_DEVICES(5, "mem-devices");

  /** Every bit a service has: any other bit in an image's mask is unknown. */
  public static final int KNOWN_MASK = (1 << values().length) - 1;

  /** What the primary kernel cannot do without: it drives the UART, hosts and boots the others. */
  public static EnumSet<ImageFeature> primary() {
    return EnumSet.of(UART_CONSOLE, VTTY_HOST, KEXEC);
  }

  private final int bit;
  private final String label;

  ImageFeature(int bit, String label) {
    this.bit = bit;
    this.label = label;
  }

  /** The name dmesg and the documentation use. */
  public String label() {
    return label;
  }

  /** The services as a header mask. */
  public static int mask(Set<ImageFeature> services) {
    int m = 0;
    for (ImageFeature s : services) {
      m |= 1 << s.bit;
    }
    return m;
  }

  /**
   * The services of a header mask.
   *
   * @throws BootException when the mask has a bit no service has
   */
  public static EnumSet<ImageFeature> fromMask(int mask) {
    if ((mask & ~KNOWN_MASK) != 0) {
      throw new BootException(
          "kernel image asks for unknown services (mask 0x"
              + Integer.toHexString(mask & ~KNOWN_MASK)
              + "); this kernel knows 0x"
              + Integer.toHexString(KNOWN_MASK));
    }
    EnumSet<ImageFeature> out = EnumSet.noneOf(ImageFeature.class);
    for (ImageFeature s : values()) {
      if ((mask & (1 << s.bit)) != 0) {
        out.add(s);
      }
    }
    return out;
  }

  /** The labels of services, comma-separated, in declaration order. */
  public static String labels(Set<ImageFeature> services) {
    List<String> out = new ArrayList<>();
    for (ImageFeature s : values()) {
      if (services.contains(s)) {
        out.add(s.label);
      }
    }
    return String.join(", ", out);
  }
}
