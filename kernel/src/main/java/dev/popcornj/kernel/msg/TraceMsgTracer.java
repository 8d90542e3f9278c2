package dev.popcornj.kernel.msg;

import dev.popcornj.machine.trace.Trace;

/** Puts one kernel's messaging events in the machine's trace as instants on its messaging hart. */
public final class TraceMsgTracer implements MsgTracer {
  private final Trace trace;
  private final int kernel;
  private final int hart;

  public TraceMsgTracer(Trace trace, int kernel, int hart) {
    this.trace = trace;
    this.kernel = kernel;
    this.hart = hart;
  }

  @Override
  public void onSent(int to, Priority priority, int type, int bytes, long timePs) {
    trace.instant(
        "msg",
        "send",
        kernel,
        hart,
        timePs,
        "\"to\":"
            + to
            + ",\"type\":"
            + type
            + ",\"bytes\":"
            + bytes
            + ",\"priority\":\""
            + priority
            + "\"");
  }

  @Override
  public void onIpi(int to, long timePs) {
    trace.instant("msg", "ipi", kernel, hart, timePs, "\"to\":" + to);
  }

  @Override
  public void onPoll(int batch, long timePs) {
    trace.instant("msg", "poll", kernel, hart, timePs, "\"batch\":" + batch);
  }
}
