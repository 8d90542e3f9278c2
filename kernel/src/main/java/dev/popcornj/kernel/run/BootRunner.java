package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.BootException;
import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.syscall.Diagnostics;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Boots a machine the way its firmware would: puts the initramfs at the top of the first memory
 * range, boots the primary kernel on every hart with the machine's command line plus {@code
 * initrd=}, and runs it with the console attached to the host. Host input reaches the console as
 * typed bytes whenever the guest waits for the terminal; after the last input comes end of file
 * (^D), and the machine powers off when init asks it to.
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
  }

  /** How often the typist looks for input while the guest is busy: every 10 ms of virtual time. */
  private static final long POLL_PS = 10_000_000_000L;

  /** How a boot ended, with the status the CLI exits with. */
  public record Result(Kernel.Outcome outcome, int status, long instructions, long virtualPs) {}

  private static final byte EOF_CHAR = 4;

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
    Machine machine = new Machine(desc, options);
    MemoryRange first = desc.memory().getFirst();
    long size = (initramfs.length + PhysicalMemory.FRAME_SIZE - 1) & ~PhysicalMemory.FRAME_MASK;
    long initrd = first.base() + first.size() - size;
    if (size * 2 > first.size()) {
      throw new BootException(
          "the initramfs (" + (initramfs.length >> 10) + "K) does not fit in " + first.name());
    }
    List<Region> memory = new ArrayList<>();
    List<Integer> harts = new ArrayList<>();
    for (MemoryRange r : desc.memory()) {
      memory.add(new Region(r.base(), r.size()));
    }
    desc.harts().forEach(h -> harts.add(h.id()));
    machine.memoryView("firmware", memory).writeBytes(initrd, initramfs, 0, initramfs.length);
    String cmdline =
        (desc.bootCommandLine()
                + " initrd=0x"
                + Long.toHexString(initrd)
                + ",0x"
                + Long.toHexString(initramfs.length))
            .trim();
    KernelConfig.Stdio console =
        new KernelConfig.Stdio() {
          @Override
          public void install(FileTable files, Vfs vfs) {
            for (int fd = 0; fd < 3; fd++) {
              OpenFile f = vfs.open(vfs.newContext(), "/dev/console", 2, 0);
              files.installAt(fd, f, false);
            }
          }

          @Override
          public void flush() {
            machine.console().ifPresent(Uart::flush);
          }
        };
    KernelConfig config =
        new KernelConfig(
            0,
            cmdline,
            harts,
            memory,
            options.seed(),
            Map.of(),
            "/init",
            "/init",
            List.of(),
            List.of("HOME=/", "TERM=linux"),
            console,
            true,
            diag);
    Kernel kernel = new Kernel(machine, config);
    kernel.boot();
    Typist typist = new Typist(kernel, machine, keyboard);
    Kernel.Outcome outcome;
    typist.arm();
    try {
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
      kernel.shutdown();
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
    return new Result(outcome, status, instret, time);
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
    private boolean armed;
    private boolean endSent;

    Typist(Kernel kernel, Machine machine, Keyboard keyboard) {
      this.kernel = kernel;
      this.machine = machine;
      this.uart = machine.console().orElseThrow();
      this.keyboard = keyboard;
    }

    /** The guest waits for input and nothing else can happen: type, waiting for the host. */
    boolean typeWaiting() {
      if (endSent) {
        return false;
      }
      byte[] typed = keyboard.next();
      type(typed);
      arm();
      return true;
    }

    private void type(byte[] typed) {
      long now = machine.simulation().now();
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
      boolean waiting = kernel.console() != null && kernel.console().waitingForInput();
      byte[] typed = keyboard.poll(waiting);
      if (typed != null) {
        type(typed);
      } else if (waiting && keyboard.ended()) {
        type(null);
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
