package dev.popcornj.kernel.proc;

import dev.popcornj.machine.hart.Hart;

/**
 * A task's user-mode register file while it is not on a hart: what a trap saves, what kernel code
 * reads and changes (system-call arguments and result, a signal frame, a new thread's stack), and
 * what is loaded back when the task returns to user mode, on whichever hart it is then.
 *
 * <p>Owned by its task.
 */
public final class Registers {
  public static final int RA = 1;
  public static final int SP = 2;
  public static final int TP = 4;
  public static final int A0 = 10;
  public static final int A7 = 17;

  private final long[] x = new long[32];
  private final long[] f = new long[32];
  private long pc;
  private int fcsr;

  /** Copies the hart's user state in. */
  public void save(Hart hart) {
    for (int i = 1; i < 32; i++) {
      x[i] = hart.x(i);
    }
    for (int i = 0; i < 32; i++) {
      f[i] = hart.f(i);
    }
    pc = hart.pc();
    fcsr = hart.fcsr();
  }

  /** Puts this state on the hart. */
  public void load(Hart hart) {
    for (int i = 1; i < 32; i++) {
      hart.setX(i, x[i]);
    }
    for (int i = 0; i < 32; i++) {
      hart.setF(i, f[i]);
    }
    hart.setPc(pc);
    hart.setFcsr(fcsr);
  }

  public Registers copy() {
    Registers r = new Registers();
    r.copyFrom(this);
    return r;
  }

  public void copyFrom(Registers o) {
    System.arraycopy(o.x, 0, x, 0, 32);
    System.arraycopy(o.f, 0, f, 0, 32);
    pc = o.pc;
    fcsr = o.fcsr;
  }

  public long x(int i) {
    return x[i];
  }

  public void setX(int i, long v) {
    if (i != 0) {
      x[i] = v;
    }
  }

  public long f(int i) {
    return f[i];
  }

  public void setF(int i, long raw) {
    f[i] = raw;
  }

  public long pc() {
    return pc;
  }

  public void setPc(long v) {
    pc = v;
  }

  public int fcsr() {
    return fcsr;
  }

  public void setFcsr(int v) {
    fcsr = v;
  }

  /** Clears everything, as execve leaves a new program's registers. */
  public void clear() {
    java.util.Arrays.fill(x, 0);
    java.util.Arrays.fill(f, 0);
    pc = 0;
    fcsr = 0;
  }
}
