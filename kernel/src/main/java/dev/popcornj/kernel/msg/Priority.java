package dev.popcornj.kernel.msg;

/** Message priority; each has its own ring in a receive area, polled in this order. */
public enum Priority {
  HIGH,
  NORMAL;

  /** Index of this priority's ring in a receive area. */
  public int ring() {
    return ordinal();
  }
}
