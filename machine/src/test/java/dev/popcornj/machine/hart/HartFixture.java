package dev.popcornj.machine.hart;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hart on flat memory for tests: 32 MiB of RAM at physical 0, of which the hart's view is granted
 * the low 16 MiB; virtual addresses map to the same physical address, page by page, with
 * permissions a test can take away to provoke page faults. The upper 16 MiB is mapped but not
 * granted, so touching it is an access fault.
 */
final class HartFixture {
  static final long RAM = 32L << 20;
  static final long GRANTED = 16L << 20;
  static final long CODE = 0x10000;
  static final long DATA = 0x100000;

  static final int R = 1, W = 2, X = 4, RWX = 7;

  final PhysicalMemory memory = new PhysicalMemory();
  final MemoryView view;
  final Hart hart;

  /** Per-page permissions by virtual page number; pages not listed are RWX. */
  final Map<Long, Integer> perms = new HashMap<>();

  long next = CODE;

  HartFixture() {
    this("rv64gc");
  }

  HartFixture(String isa) {
    memory.addRange(0, RAM);
    view = new MemoryView("test", memory, List.of(new Region(0, GRANTED)));
    hart = new Hart(0, Isa.parse(isa), 1_000_000_000L);
    hart.bind(this::translate, view);
    hart.setPc(CODE);
    hart.setX(Asm.SP, DATA + 0x8000);
  }

  long translate(long vaddr, int access) {
    if (vaddr < 0 || vaddr >= RAM) {
      return AddressTranslator.NO_MAPPING;
    }
    int p = perms.getOrDefault(vaddr >>> 12, RWX);
    int need = access == AddressTranslator.READ ? R : access == AddressTranslator.WRITE ? W : X;
    return (p & need) != 0 ? vaddr : AddressTranslator.NO_MAPPING;
  }

  /** Sets the permissions of the page holding vaddr and flushes the hart's TLB for it. */
  void protect(long vaddr, int p) {
    perms.put(vaddr >>> 12, p);
    hart.flushTlbPage(vaddr);
  }

  /** Appends 32-bit instructions at the assembly cursor. */
  HartFixture asm(int... insns) {
    for (int insn : insns) {
      view.write32(next, insn);
      next += 4;
    }
    return this;
  }

  /** Appends 16-bit compressed instructions at the assembly cursor. */
  HartFixture c(int... halves) {
    for (int h : halves) {
      view.write16(next, (short) h);
      next += 2;
    }
    return this;
  }

  HartFixture at(long addr) {
    next = addr;
    return this;
  }

  /** Runs until a trap (tests end their programs with ecall) and returns it. */
  Trap run() {
    Hart.Stop stop = hart.run(10_000_000);
    if (stop != Hart.Stop.TRAP) {
      throw new AssertionError("expected a trap, run() returned " + stop + " at pc " + hart.pc());
    }
    return hart.trap();
  }

  /** Runs a program that must end at an ecall (the last instruction assembled). */
  void runToEcall() {
    Trap t = run();
    if (t.cause() != TrapCause.ECALL_FROM_U) {
      throw new AssertionError("expected ecall, got " + t);
    }
  }

  long x(int r) {
    return hart.x(r);
  }

  void set(int r, long v) {
    hart.setX(r, v);
  }
}
