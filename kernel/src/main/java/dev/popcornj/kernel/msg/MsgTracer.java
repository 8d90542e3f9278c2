package dev.popcornj.kernel.msg;

/** Hooks the kernel maps onto its trace: one call per message sent, IPI sent and poll. */
public interface MsgTracer {
  /** A whole message of the given payload size was written to kernel to's ring. */
  default void onSent(int to, Priority priority, int type, int bytes, long timePs) {}

  /** An IPI was sent to kernel to. */
  default void onIpi(int to, long timePs) {}

  /** A poll consumed batch slots. */
  default void onPoll(int batch, long timePs) {}

  /** A tracer that records nothing. */
  static MsgTracer none() {
    return new MsgTracer() {};
  }
}
