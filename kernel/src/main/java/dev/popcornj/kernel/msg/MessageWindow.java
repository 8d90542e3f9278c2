package dev.popcornj.kernel.msg;

import static dev.popcornj.kernel.msg.WindowDescriptor.*;

import dev.popcornj.machine.mem.MemoryView;

/**
 * One kernel's typed access to the shared messaging window (laid out as {@link WindowDescriptor}
 * says): the header, the info table and every kernel's receive rings. It holds no message state of
 * its own; everything it reads or writes is bytes in simulated memory, seen through the owning
 * kernel's {@link MemoryView}.
 *
 * <p>Atomicity: the simulation runs one piece of Java code at a time, so a read-modify-write of a
 * word here cannot interleave with another kernel's. The two methods that rely on that, {@link
 * #claimTickets} and {@link #testAndClearInterruptEnabled}, are named for the atomic instructions
 * they model.
 */
public final class MessageWindow {
  private final MemoryView view;
  private final long base;
  private final int maxKernels;
  private final int rings;
  private final int slots;
  private final long infoBase;
  private final long areasBase;
  private final long areaStride;

  /**
   * Attaches to a window formatted before.
   *
   * @throws IllegalStateException when the bytes at base are not a window of this version or do not
   *     fit in size
   */
  public MessageWindow(MemoryView view, long base, long size) {
    this.view = view;
    this.base = base;
    if (view.read64(base + HDR_MAGIC) != MAGIC) {
      throw new IllegalStateException(
          "no messaging window at 0x" + Long.toHexString(base) + " (bad magic)");
    }
    int version = view.read32(base + HDR_VERSION);
    if (version != VERSION) {
      throw new IllegalStateException("messaging window version " + version + ", want " + VERSION);
    }
    this.maxKernels = view.read32(base + HDR_MAX_KERNELS);
    this.rings = view.read32(base + HDR_RINGS);
    this.slots = view.read32(base + HDR_SLOTS);
    this.infoBase = base + Integer.toUnsignedLong(view.read32(base + HDR_INFO_OFFSET));
    this.areasBase = base + Integer.toUnsignedLong(view.read32(base + HDR_AREAS_OFFSET));
    this.areaStride = view.read64(base + HDR_AREA_STRIDE);
    if (rings != Priority.values().length
        || slots <= 0
        || maxKernels <= 0
        || windowBytes(maxKernels, rings, slots) > size) {
      throw new IllegalStateException("messaging window header does not fit its region");
    }
  }

  /**
   * Lays out an empty window with {@link MsgParams#DEFAULT_RING_SLOTS} slots per ring: every kernel
   * offline, every ring empty, every interrupt disabled. Done once, by whoever boots the primary.
   */
  public static MessageWindow format(MemoryView view, long base, long size, int maxKernels) {
    return format(view, base, size, maxKernels, MsgParams.DEFAULT_RING_SLOTS);
  }

  /** As {@link #format(MemoryView, long, long, int)}, with a chosen ring size. */
  public static MessageWindow format(
      MemoryView view, long base, long size, int maxKernels, int slotsPerRing) {
    int rings = Priority.values().length;
    if (maxKernels <= 0 || maxKernels > 0xffff) {
      throw new IllegalArgumentException("max kernels must be 1..65535, not " + maxKernels);
    }
    if (slotsPerRing <= 0) {
      throw new IllegalArgumentException("slots per ring must be positive");
    }
    if ((base & (LINE - 1)) != 0) {
      throw new IllegalArgumentException("messaging window base must be 64-byte aligned");
    }
    long need = windowBytes(maxKernels, rings, slotsPerRing);
    if (need > size) {
      throw new IllegalArgumentException(
          "messaging window of "
              + size
              + " bytes is too small: "
              + maxKernels
              + " kernels with "
              + slotsPerRing
              + " slots per ring need "
              + need);
    }
    view.writeBytes(base, new byte[(int) need], 0, (int) need);
    view.write32(base + HDR_VERSION, VERSION);
    view.write32(base + HDR_MAX_KERNELS, maxKernels);
    view.write32(base + HDR_RINGS, rings);
    view.write32(base + HDR_SLOTS, slotsPerRing);
    view.write32(base + HDR_INFO_OFFSET, HEADER_SIZE);
    view.write32(base + HDR_AREAS_OFFSET, (int) areasOffset(maxKernels));
    view.write64(base + HDR_AREA_STRIDE, areaBytes(rings, slotsPerRing));
    for (int k = 0; k < maxKernels; k++) {
      long e = base + HEADER_SIZE + (long) k * INFO_ENTRY;
      view.write32(e + INFO_KERNEL_ID, k);
      view.write32(e + INFO_STATE, KernelState.OFFLINE.code());
      long area = base + areasOffset(maxKernels) + k * areaBytes(rings, slotsPerRing);
      for (int r = 0; r < rings; r++) {
        view.write32(area + LINE + r * ringBytes(slotsPerRing) + RING_SLOTS, slotsPerRing);
      }
    }
    // The magic goes last, so a half-formatted window is never taken for a good one.
    view.write64(base + HDR_MAGIC, MAGIC);
    return new MessageWindow(view, base, size);
  }

  public long base() {
    return base;
  }

  public int maxKernels() {
    return maxKernels;
  }

  public int slotsPerRing() {
    return slots;
  }

  // ---- info table -------------------------------------------------------------------------

  private long info(int kernel) {
    return infoBase + (long) kernel * INFO_ENTRY;
  }

  public KernelState state(int kernel) {
    return KernelState.ofCode(view.read32(info(kernel) + INFO_STATE));
  }

  public void setState(int kernel, KernelState state) {
    view.write32(info(kernel) + INFO_STATE, state.code());
  }

  /** Writes this kernel's identity into its own entry. */
  public void publishIdentity(KernelIdentity id) {
    long e = info(id.kernelId());
    view.write32(e + INFO_KERNEL_ID, id.kernelId());
    view.write32(e + INFO_FIRST_HART, id.firstHart());
    view.write64(e + INFO_PARTITION_BASE, id.partitionBase());
    view.write64(e + INFO_PARTITION_SIZE, id.partitionSize());
  }

  public KernelIdentity identity(int kernel) {
    long e = info(kernel);
    return new KernelIdentity(
        kernel,
        view.read32(e + INFO_FIRST_HART),
        view.read64(e + INFO_PARTITION_BASE),
        view.read64(e + INFO_PARTITION_SIZE));
  }

  public long heartbeat(int kernel) {
    return view.read64(info(kernel) + INFO_HEARTBEAT);
  }

  public long checkInTimePs(int kernel) {
    return view.read64(info(kernel) + INFO_CHECKIN_PS);
  }

  /** Bumps a kernel's heartbeat counter and stamps its check-in time. */
  public void beat(int kernel, long nowPs) {
    long e = info(kernel);
    view.write64(e + INFO_HEARTBEAT, view.read64(e + INFO_HEARTBEAT) + 1);
    view.write64(e + INFO_CHECKIN_PS, nowPs);
  }

  // ---- receive areas and rings ----------------------------------------------------------------

  private long area(int kernel) {
    return areasBase + kernel * areaStride;
  }

  private long ring(int kernel, Priority p) {
    return area(kernel) + LINE + p.ring() * ringBytes(slots);
  }

  /** Address of the slot that holds ticket t of a ring. */
  public long slot(int kernel, Priority p, long ticket) {
    long ring = ring(kernel, p);
    int n = view.read32(ring + RING_SLOTS);
    return ring + LINE + Long.remainderUnsigned(ticket, n) * SLOT_SIZE;
  }

  public int ringSlots(int kernel, Priority p) {
    return view.read32(ring(kernel, p) + RING_SLOTS);
  }

  public long ticket(int kernel, Priority p) {
    return view.read64(ring(kernel, p) + RING_TICKET);
  }

  public long tail(int kernel, Priority p) {
    return view.read64(ring(kernel, p) + RING_TAIL);
  }

  /** Receiver only: the slot at the tail has been consumed. */
  public void setTail(int kernel, Priority p, long tail) {
    view.write64(ring(kernel, p) + RING_TAIL, tail);
  }

  /**
   * Models a compare-and-swap loop on the ring's ticket: claims n consecutive tickets if the ring
   * has room for all of them, and returns the first, or -1 (nothing claimed) when it does not.
   */
  public long claimTickets(int kernel, Priority p, int n) {
    long ring = ring(kernel, p);
    long ticket = view.read64(ring + RING_TICKET);
    long tail = view.read64(ring + RING_TAIL);
    int size = view.read32(ring + RING_SLOTS);
    if (n <= 0 || ticket - tail + n > size) {
      return -1;
    }
    view.write64(ring + RING_TICKET, ticket + n);
    return ticket;
  }

  /** Free slots of a ring as a sender sees them. */
  public int room(int kernel, Priority p) {
    long ring = ring(kernel, p);
    long used = view.read64(ring + RING_TICKET) - view.read64(ring + RING_TAIL);
    return (int) Math.max(0, view.read32(ring + RING_SLOTS) - used);
  }

  public boolean interruptEnabled(int kernel) {
    return view.read32(area(kernel) + AREA_INTERRUPT_ENABLED) != 0;
  }

  /** Receiver only: arms or disarms its message interrupt. */
  public void setInterruptEnabled(int kernel, boolean enabled) {
    view.write32(area(kernel) + AREA_INTERRUPT_ENABLED, enabled ? 1 : 0);
  }

  /**
   * Models an atomic swap of the receiver's interrupt-enabled word with 0: true when it was set,
   * and then the caller (and only it) owes the receiver an IPI.
   */
  public boolean testAndClearInterruptEnabled(int kernel) {
    long a = area(kernel) + AREA_INTERRUPT_ENABLED;
    boolean was = view.read32(a) != 0;
    view.write32(a, 0);
    return was;
  }

  public MemoryView view() {
    return view;
  }
}
