package dev.popcornj.kernel.signal;

import static dev.popcornj.kernel.signal.SigInfoDescriptor.*;

import dev.popcornj.kernel.abi.Signals;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The information that travels with one signal (siginfo_t): its number, the cause in si_code and
 * the fields of that cause. Immutable; {@link #encode()} gives the 128 bytes a handler sees.
 */
public record SigInfo(int signo, int errno, int code, Fields fields) {
  // si_code values that say who sent the signal (asm-generic/siginfo.h).
  public static final int SI_USER = 0;
  public static final int SI_KERNEL = 0x80;
  public static final int SI_QUEUE = -1;
  public static final int SI_TIMER = -2;
  public static final int SI_MESGQ = -3;
  public static final int SI_ASYNCIO = -4;
  public static final int SI_SIGIO = -5;
  public static final int SI_TKILL = -6;

  public static final int ILL_ILLOPC = 1;
  public static final int ILL_ILLOPN = 2;
  public static final int ILL_ILLADR = 3;
  public static final int ILL_ILLTRP = 4;
  public static final int ILL_PRVOPC = 5;
  public static final int FPE_INTDIV = 1;
  public static final int SEGV_MAPERR = 1;
  public static final int SEGV_ACCERR = 2;
  public static final int BUS_ADRALN = 1;
  public static final int BUS_ADRERR = 2;
  public static final int BUS_OBJERR = 3;
  public static final int TRAP_BRKPT = 1;
  public static final int TRAP_TRACE = 2;

  public static final int CLD_EXITED = 1;
  public static final int CLD_KILLED = 2;
  public static final int CLD_DUMPED = 3;
  public static final int CLD_TRAPPED = 4;
  public static final int CLD_STOPPED = 5;
  public static final int CLD_CONTINUED = 6;

  /** The member of the siginfo union a cause fills in. */
  public sealed interface Fields {}

  /** kill, tkill, tgkill and signals the kernel raises on its own (SI_KERNEL). */
  public record Sender(int pid, int uid) implements Fields {}

  /** rt_sigqueueinfo and sigqueue: the sender and the value it attached. */
  public record Queued(int pid, int uid, long value) implements Fields {}

  /** A fault the hart took: the address that faulted (or the instruction's, for SIGILL). */
  public record Fault(long addr) implements Fields {}

  /** A POSIX timer expired (SI_TIMER): its id, the overruns since, and the value it was given. */
  public record Timer(int id, int overrun, long value) implements Fields {}

  /** SIGCHLD: which child changed state, how (status), and its CPU times in clock ticks. */
  public record Child(int pid, int uid, int status, long utime, long stime) implements Fields {}

  /** Fields read back from guest memory that this kernel keeps as bytes (rt_sigqueueinfo). */
  public record Raw(byte[] union) implements Fields {}

  public static SigInfo kill(int sig, int senderPid, int senderUid) {
    return new SigInfo(sig, 0, SI_USER, new Sender(senderPid, senderUid));
  }

  public static SigInfo tkill(int sig, int senderPid, int senderUid) {
    return new SigInfo(sig, 0, SI_TKILL, new Sender(senderPid, senderUid));
  }

  /** A signal the kernel sends of its own accord (SIGPIPE on a write, SIGTTOU, SIGKILL on OOM). */
  public static SigInfo kernel(int sig) {
    return new SigInfo(sig, 0, SI_KERNEL, new Sender(0, 0));
  }

  /** A synchronous fault: SIGSEGV/SEGV_MAPERR, SIGBUS/BUS_ADRERR, SIGILL/ILL_ILLOPC and so on. */
  public static SigInfo fault(int sig, int code, long addr) {
    return new SigInfo(sig, 0, code, new Fault(addr));
  }

  /**
   * SIGCHLD for a child that changed state; status is the exit code for CLD_EXITED and the signal
   * number for the others, as in Linux's do_notify_parent.
   */
  public static SigInfo child(int code, int pid, int uid, int status, long utime, long stime) {
    return new SigInfo(Signals.SIGCHLD, 0, code, new Child(pid, uid, status, utime, stime));
  }

  public static SigInfo timer(int sig, int id, int overrun, long value) {
    return new SigInfo(sig, 0, SI_TIMER, new Timer(id, overrun, value));
  }

  public static SigInfo queue(int sig, int senderPid, int senderUid, long value) {
    return new SigInfo(sig, 0, SI_QUEUE, new Queued(senderPid, senderUid, value));
  }

  /** The 128 bytes of siginfo_t, little-endian, unused bytes zero. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(SIGNO, signo).putInt(ERRNO, errno).putInt(CODE, code);
    switch (fields) {
      case Sender s -> b.putInt(PID, s.pid()).putInt(UID, s.uid());
      case Queued q -> b.putInt(PID, q.pid()).putInt(UID, q.uid()).putLong(VALUE, q.value());
      case Fault f -> b.putLong(ADDR, f.addr());
      case Timer t ->
          b.putInt(TIMER_ID, t.id()).putInt(OVERRUN, t.overrun()).putLong(VALUE, t.value());
      case Child c ->
          b.putInt(PID, c.pid())
              .putInt(UID, c.uid())
              .putInt(STATUS, c.status())
              .putLong(UTIME, c.utime())
              .putLong(STIME, c.stime());
      case Raw r -> b.put(FIELDS, r.union(), 0, Math.min(r.union().length, LENGTH - FIELDS));
    }
    return b.array();
  }

  /**
   * A siginfo_t as a program wrote it (rt_sigqueueinfo): the header is read, the union kept as
   * bytes so that the receiver sees exactly what the sender wrote.
   */
  public static SigInfo decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] union = new byte[LENGTH - FIELDS];
    System.arraycopy(bytes, FIELDS, union, 0, union.length);
    return new SigInfo(b.getInt(SIGNO), b.getInt(ERRNO), b.getInt(CODE), new Raw(union));
  }

  /** The sender's pid where the cause has one, else 0. */
  public int senderPid() {
    return switch (fields) {
      case Sender s -> s.pid();
      case Queued q -> q.pid();
      case Child c -> c.pid();
      case Fault f -> 0;
      case Timer t -> 0;
      case Raw r -> ByteBuffer.wrap(r.union()).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    };
  }
}
