package dev.popcornj.machine.desc;

import dev.popcornj.machine.hart.Isa;

/**
 * What a machine must be for PopcornJ to boot it, beyond a well-formed file: the limits of the
 * model (host memory per frame, the slowest clock) and what the firmware and the primary kernel's
 * userland need. {@link MachineFiles} applies these to every machine a user names, so {@code
 * popcorn machine check}, {@code boot}, {@code run --kernels} and {@code partition} agree: a
 * machine that check accepts boots, and one that cannot boot is refused with one line.
 *
 * <ul>
 *   <li>At most {@link #MAX_MEMORY_BYTES} of RAM in all: memory is sparse, but the model keeps a
 *       few bytes of host memory for each 4 KiB frame, and the kernels more.
 *   <li>Every hart clocked at {@link #MIN_CLOCK_HZ} or more: the kernel's timer tick and costs are
 *       set for real clocks, and on a slower hart they leave the guest a handful of instructions
 *       between ticks (at 1 Hz a boot spins for minutes of host time).
 *   <li>The boot hart, the lowest hart id, has {@link #BOOT_ISA}: the firmware starts the primary
 *       kernel on it, and the guest userland (init, the shell, the tools) is built for rv64gc.
 *   <li>The command line does not name the messaging window ({@code popcorn_msg=}): only the
 *       partitioner sets it, for a window it has formatted (see popcorn partition).
 * </ul>
 */
public final class MachineLimits {
  private MachineLimits() {}

  /** The most RAM a machine may have in all. */
  public static final long MAX_MEMORY_BYTES = 64L << 30;

  /** The slowest hart clock. */
  public static final long MIN_CLOCK_HZ = 1_000_000L;

  /** What the boot hart must implement. */
  public static final Isa BOOT_ISA = Isa.parse("rv64imafdc");

  /** Returns the machine when it can boot; otherwise refuses it with the first rule broken. */
  public static MachineDescription check(MachineDescription m) throws MachineFileException {
    if (m.memoryBytes() > MAX_MEMORY_BYTES) {
      throw new MachineFileException(
          m.source(),
          "memory",
          Quantities.formatSize(m.memoryBytes())
              + " of RAM in all; PopcornJ models at most "
              + Quantities.formatSize(MAX_MEMORY_BYTES));
    }
    for (HartDescription h : m.harts()) {
      if (h.clockHz() < MIN_CLOCK_HZ) {
        throw new MachineFileException(
            m.source(),
            "harts",
            "hart "
                + h.id()
                + " runs at "
                + Quantities.formatFrequency(h.clockHz())
                + "; a hart's clock must be at least "
                + Quantities.formatFrequency(MIN_CLOCK_HZ));
      }
    }
    HartDescription boot = m.harts().getFirst();
    Isa isa = boot.isa();
    if (!(isa.m() && isa.a() && isa.f() && isa.d() && isa.c())) {
      throw new MachineFileException(
          m.source(),
          "harts",
          "hart "
              + boot.id()
              + " boots the primary kernel, whose userland is built for "
              + BOOT_ISA.canonical()
              + ", but it is "
              + isa.canonical()
              + "; give the lowest hart isa = \""
              + BOOT_ISA.canonical()
              + "\"");
    }
    for (String word : m.bootCommandLine().split(" +")) {
      if (word.equals("--")) {
        break;
      }
      if (word.equals("popcorn_msg") || word.startsWith("popcorn_msg=")) {
        throw new MachineFileException(
            m.source(),
            "cmdline",
            "popcorn_msg= is set by the partitioner for the window it formats (see popcorn"
                + " partition); leave it out of a machine's command line");
      }
    }
    return m;
  }
}
