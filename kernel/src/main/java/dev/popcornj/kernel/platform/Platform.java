package dev.popcornj.kernel.platform;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.mem.ContentPool;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.sim.EventTime;
import dev.popcornj.machine.sim.HartDriver;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.trace.Trace;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * What the firmware hands a kernel of the machine, and all it may reach of it: its own harts, a
 * view of its own memory (its partition plus the shared windows), interrupts on its own harts, the
 * event queue and clock, its harts' CPU loops, the cost model and the trace, the console UART when
 * it drives one, and the run loop and power button only for the kernel the host runs. Never the
 * machine itself: granting memory, starting harts and loading other partitions are the firmware's
 * ({@link Sbi}).
 *
 * @param machineName the machine description's name, for the boot log
 * @param harts the kernel's harts, its CPUs in order
 * @param nodeOfHart the NUMA node of any hart of the machine (what the device tree says)
 * @param contents the host's single copies of read-only contents (the initramfs archive a kernel
 *     unpacks: kernels booted from equal archives hold one copy between them)
 */
public record Platform(
    String machineName,
    List<Hart> harts,
    MemoryView memory,
    Interrupts interrupts,
    EventTime time,
    Harts hartControl,
    RunLoop runLoop,
    CostModel cost,
    Trace trace,
    Optional<Uart> console,
    IntUnaryOperator nodeOfHart,
    ContentPool contents) {
  public Platform {
    harts = List.copyOf(harts);
  }

  /** Attaching the kernel's CPU loops to its own harts (and detaching them when it stops). */
  public interface Harts {
    void attach(int hart, HartDriver driver);

    void detach(int hart);
  }

  /**
   * The machine's run loop and power button, which only the kernel the host runs (the primary, or
   * the one kernel of a run) gets in working order: a secondary has no power button, and the host
   * drives the machine through the primary.
   */
  public interface RunLoop {
    /** Runs the machine until it powers off, goes idle or reaches a limit. */
    Simulation.StopReason run(long timeLimitPs, long instructionLimit);

    /** Powers the machine off with status. */
    void powerOff(int status);

    /** The status the machine powered off with. */
    int powerOffStatus();
  }

  /**
   * Interrupts as one kernel may use them: listen and clear on its own harts, send IPIs from them.
   */
  public interface Interrupts {
    void setListener(int hart, InterruptController.Listener listener);

    void clear(int hart, int bit);

    void sendIpi(int fromHart, int toHart, long sendPs);
  }
}
