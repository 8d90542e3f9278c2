package dev.popcornj.kernel.testing;

import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.List;

/** An address space over a small RAM for tests, counting the TLB shootdowns it asks for. */
public final class TestSpace {
  public static final long RAM_BASE = 0x8000_0000L;

  public final MemoryView view;
  public final FrameAllocator frames;
  public final AddressSpace space;
  public final UserMemory user;
  private int flushes;

  public TestSpace(long ramBytes) {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(RAM_BASE, ramBytes);
    Region ram = new Region(RAM_BASE, ramBytes);
    view = new MemoryView("test", memory, List.of(ram));
    frames = new FrameAllocator(view, ram);
    space = new AddressSpace(frames, () -> flushes++);
    user = new UserMemory(space, view);
  }

  public TestSpace() {
    this(16L << 20);
  }

  public int flushes() {
    return flushes;
  }
}
