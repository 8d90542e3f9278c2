package dev.popcornj.kernel.mm;

/**
 * Thrown when a page must be backed and the frame allocator is empty; the process that needed the
 * page is killed, as Linux's out-of-memory killer would.
 */
public final class OutOfFramesException extends RuntimeException {
  public OutOfFramesException(long vaddr) {
    this("out of physical frames backing 0x" + Long.toHexString(vaddr));
  }

  public OutOfFramesException(String message) {
    super(message, null, false, false);
  }
}
