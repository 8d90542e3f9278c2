package dev.popcornj.kernel.run;

import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Isa;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.List;

/**
 * The smallest machine a program can run on: one hart and one RAM range, all of it the partition of
 * the single kernel that runs the program.
 *
 * @param memory the machine's physical memory
 * @param ram the RAM range, which is the kernel's whole partition
 * @param view the kernel's (and its hart's) view of memory
 * @param hart hart 0
 */
public record SingleHartMachine(PhysicalMemory memory, Region ram, MemoryView view, Hart hart) {
  /** Where RAM starts in the physical map, as on most RISC-V boards. */
  public static final long RAM_BASE = 0x8000_0000L;

  public static SingleHartMachine create(Isa isa, long clockHz, long ramBytes) {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(RAM_BASE, ramBytes);
    Region ram = new Region(RAM_BASE, ramBytes);
    MemoryView view = new MemoryView("kernel0", memory, List.of(ram));
    return new SingleHartMachine(memory, ram, view, new Hart(0, isa, clockHz));
  }
}
