package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import java.util.Arrays;

/**
 * A single-threaded process: its address space, open files, signal dispositions and mask, limits,
 * identity, and how it ended.
 *
 * <p>Signals are recorded but handlers are not run: a signal whose action is not to ignore it
 * terminates the process, which is the default action of every signal a single-threaded program
 * meets unexpectedly (SIGSEGV, SIGABRT, SIGPIPE). Owned by the kernel that runs it.
 */
public final class Process {
  /** The identity every process runs with: an ordinary user, not root. */
  public static final int UID = 1000;

  public static final int GID = 1000;

  private final int pid;
  private final String executable;
  private final AddressSpace space;
  private final UserMemory memory;
  private final FileTable files;
  private final Entropy entropy;

  /** Per signal: handler, flags, mask, as rt_sigaction stores them. */
  private final long[][] actions = new long[Signals.NSIG + 1][3];

  private long blocked;
  private long pending;
  private final long[][] limits = new long[RlimitDescriptor.RLIM_NLIMITS][2];
  private int umask = 022;
  private long clearChildTid;
  private long robustList;
  private ExitStatus exit;
  private boolean handlerBypassed;

  public Process(
      int pid,
      String executable,
      AddressSpace space,
      UserMemory memory,
      FileTable files,
      Entropy entropy) {
    this.pid = pid;
    this.executable = executable;
    this.space = space;
    this.memory = memory;
    this.files = files;
    this.entropy = entropy;
    for (long[] l : limits) {
      Arrays.fill(l, RlimitDescriptor.RLIM_INFINITY);
    }
    limits[RlimitDescriptor.RLIMIT_STACK][0] = MemoryLayout.STACK_LIMIT;
    limits[RlimitDescriptor.RLIMIT_NOFILE][0] = FileTable.MAX_FILES;
    limits[RlimitDescriptor.RLIMIT_NOFILE][1] = FileTable.MAX_FILES;
  }

  public int pid() {
    return pid;
  }

  /** The absolute path of the running program, as /proc/self/exe shows it. */
  public String executable() {
    return executable;
  }

  public AddressSpace space() {
    return space;
  }

  public UserMemory memory() {
    return memory;
  }

  public FileTable files() {
    return files;
  }

  public Entropy entropy() {
    return entropy;
  }

  // --- exit

  public boolean isDead() {
    return exit != null;
  }

  public ExitStatus exitStatus() {
    return exit;
  }

  /** exit or exit_group: only the low eight bits of code survive. */
  public void exit(long code) {
    if (exit == null) {
      exit = new ExitStatus.Exited((int) (code & 0xff));
    }
  }

  /**
   * Ends the process by sig regardless of its disposition: SIGKILL, and the synchronous signals of
   * faults, which Linux forces through even when they are ignored or blocked.
   */
  public void kill(int sig, String reason) {
    if (exit == null) {
      exit = new ExitStatus.Killed(sig, reason);
      handlerBypassed |= hasHandler(sig);
    }
  }

  // --- signals

  /** The recorded action of sig: {handler, flags, mask}. */
  public long[] action(int sig) {
    return actions[sig].clone();
  }

  public void setAction(int sig, long handler, long flags, long mask) {
    actions[sig][0] = handler;
    actions[sig][1] = flags;
    actions[sig][2] = mask;
    pending &= ~Signals.bit(sig);
  }

  public long blocked() {
    return blocked;
  }

  /**
   * Sets the signal mask (SIGKILL and SIGSTOP cannot be blocked) and acts on newly unblocked
   * signals.
   */
  public void setBlocked(long mask) {
    blocked = mask & ~(Signals.bit(Signals.SIGKILL) | Signals.bit(Signals.SIGSTOP));
    long deliverable = pending & ~blocked;
    for (int sig = 1; sig <= Signals.NSIG && deliverable != 0; sig++) {
      if ((deliverable & Signals.bit(sig)) != 0) {
        pending &= ~Signals.bit(sig);
        deliverable &= ~Signals.bit(sig);
        act(sig, "sent by kill");
      }
    }
  }

  public long pending() {
    return pending;
  }

  /** A signal sent to this process (kill, tgkill): blocked ones wait, the rest take effect now. */
  public void send(int sig, String reason) {
    if (sig == Signals.SIGKILL) {
      kill(sig, reason);
    } else if ((blocked & Signals.bit(sig)) != 0) {
      pending |= Signals.bit(sig);
    } else {
      act(sig, reason);
    }
  }

  private void act(int sig, String reason) {
    long handler = actions[sig][0];
    if (handler == Signals.SIG_IGN) {
      return;
    }
    if (handler == Signals.SIG_DFL) {
      if (Signals.ignoredByDefault(sig) || isStopSignal(sig)) {
        return;
      }
    }
    kill(sig, reason);
  }

  private static boolean isStopSignal(int sig) {
    return sig == Signals.SIGSTOP || sig == 20 || sig == 21 || sig == 22;
  }

  /**
   * True when the program installed a handler for sig (PopcornJ records it but does not run it).
   */
  public boolean hasHandler(int sig) {
    long h = actions[sig][0];
    return h != Signals.SIG_DFL && h != Signals.SIG_IGN;
  }

  /**
   * True when a signal ended the process although it had a handler installed, which PopcornJ does
   * not run yet; callers report it.
   */
  public boolean handlerBypassed() {
    return handlerBypassed;
  }

  // --- limits, identity, misc

  public long[] limit(int resource) {
    return limits[resource].clone();
  }

  public void setLimit(int resource, long cur, long max) {
    limits[resource][0] = cur;
    limits[resource][1] = max;
  }

  public int umask() {
    return umask;
  }

  public void setUmask(int mask) {
    umask = mask & 0777;
  }

  public long clearChildTid() {
    return clearChildTid;
  }

  public void setClearChildTid(long addr) {
    clearChildTid = addr;
  }

  public long robustList() {
    return robustList;
  }

  public void setRobustList(long head) {
    robustList = head;
  }
}
