package dev.popcornj.machine.mem;

/**
 * Thrown when an accessor touches a physical address outside the regions granted to it, or that is
 * not memory at all. Inside the machine this becomes an access-fault trap; a kernel that causes it
 * panics.
 */
public final class MemoryFault extends RuntimeException {
  private final long address;

  public MemoryFault(String accessor, long address) {
    super(accessor + ": physical access outside its partition at " + Region.hex(address));
    this.address = address;
  }

  public long address() {
    return address;
  }
}
