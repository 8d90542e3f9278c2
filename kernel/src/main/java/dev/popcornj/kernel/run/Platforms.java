package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.platform.Platform;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.sim.HartDriver;
import dev.popcornj.machine.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** How the firmware cuts a kernel's {@link Platform} out of the machine. */
final class Platforms {
  private Platforms() {}

  /** The capability of the kernel config describes: its harts, its memory, its interrupts. */
  static Platform of(Machine machine, KernelConfig config) {
    List<Hart> harts = new ArrayList<>();
    for (int id : config.hartIds()) {
      harts.add(machine.hart(id));
    }
    Set<Integer> own = new TreeSet<>(config.hartIds());
    InterruptController irq = machine.interrupts();
    Platform.Interrupts interrupts =
        new Platform.Interrupts() {
          @Override
          public void setListener(int hart, InterruptController.Listener listener) {
            irq.setListener(ownHart(hart), listener);
          }

          @Override
          public void clear(int hart, int bit) {
            irq.clear(ownHart(hart), bit);
          }

          @Override
          public void sendIpi(int fromHart, int toHart, long sendPs) {
            irq.sendIpi(ownHart(fromHart), toHart, sendPs);
          }

          private int ownHart(int hart) {
            return Platforms.ownHart(own, config, hart);
          }
        };
    return new Platform(
        machine.description().name(),
        harts,
        machine.memoryView("kernel " + config.kernelId(), config.memory()),
        interrupts,
        machine.simulation(),
        new Platform.Harts() {
          @Override
          public void attach(int hart, HartDriver driver) {
            machine.simulation().attach(ownHart(own, config, hart), driver);
          }

          @Override
          public void detach(int hart) {
            machine.simulation().detach(ownHart(own, config, hart));
          }
        },
        config.kernelId() == 0 ? runLoop(machine.simulation()) : noRunLoop(config.kernelId()),
        machine.options().cost(),
        machine.options().trace(),
        config.console() == KernelConfig.Console.UART ? machine.console() : Optional.empty(),
        machine::nodeOf,
        machine.contents());
  }

  private static int ownHart(Set<Integer> own, KernelConfig config, int hart) {
    if (!own.contains(hart)) {
      throw new IllegalArgumentException(
          "kernel " + config.kernelId() + " does not own hart " + hart);
    }
    return hart;
  }

  private static Platform.RunLoop runLoop(Simulation sim) {
    return new Platform.RunLoop() {
      @Override
      public Simulation.StopReason run(long timeLimitPs, long instructionLimit) {
        return sim.run(timeLimitPs, instructionLimit);
      }

      @Override
      public void powerOff(int status) {
        sim.powerOff(status);
      }

      @Override
      public int powerOffStatus() {
        return sim.powerOffStatus();
      }
    };
  }

  /** A secondary's: the machine is the host's and the primary's to run and to power off. */
  private static Platform.RunLoop noRunLoop(int kernelId) {
    return new Platform.RunLoop() {
      @Override
      public Simulation.StopReason run(long timeLimitPs, long instructionLimit) {
        throw new IllegalStateException("kernel " + kernelId + " does not run the machine");
      }

      @Override
      public void powerOff(int status) {
        throw new IllegalStateException("kernel " + kernelId + " has no power button");
      }

      @Override
      public int powerOffStatus() {
        throw new IllegalStateException("kernel " + kernelId + " does not run the machine");
      }
    };
  }
}
