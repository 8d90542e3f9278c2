package dev.popcornj.kernel.mm;

/**
 * Thrown by {@link UserMemory} when the kernel is asked to touch a guest address that is not mapped
 * with the needed permission; the system-call layer turns it into -EFAULT.
 */
public final class BadAddressException extends RuntimeException {
  private final long address;

  public BadAddressException(long address) {
    super("bad guest address 0x" + Long.toHexString(address), null, false, false);
    this.address = address;
  }

  public long address() {
    return address;
  }
}
