package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.platform.Platform;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.irq.InterruptController;
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
            if (!own.contains(hart)) {
              throw new IllegalArgumentException(
                  "kernel " + config.kernelId() + " does not own hart " + hart);
            }
            return hart;
          }
        };
    return new Platform(
        machine.description().name(),
        harts,
        machine.memoryView("kernel " + config.kernelId(), config.memory()),
        interrupts,
        machine.simulation(),
        machine.options().cost(),
        machine.options().trace(),
        config.console() == KernelConfig.Console.UART ? machine.console() : Optional.empty(),
        machine::nodeOf);
  }
}
