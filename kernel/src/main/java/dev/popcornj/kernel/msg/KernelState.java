package dev.popcornj.kernel.msg;

/** Life-cycle state of a kernel instance, as its info table entry records it. */
public enum KernelState {
  OFFLINE(0),
  BOOTING(1),
  ONLINE(2),
  DOWN(3);

  private final int code;

  KernelState(int code) {
    this.code = code;
  }

  /** The value stored in the info table. */
  public int code() {
    return code;
  }

  /** The state for a stored value; anything unknown reads as OFFLINE. */
  public static KernelState ofCode(int code) {
    for (KernelState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return OFFLINE;
  }
}
