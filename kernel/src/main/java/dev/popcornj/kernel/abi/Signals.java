package dev.popcornj.kernel.abi;

import java.util.List;

/**
 * Linux signal numbers (asm-generic/signal.h) with their names and default actions, and the
 * constants of rt_sigaction and rt_sigprocmask.
 */
public final class Signals {
  public static final int SIGHUP = 1;
  public static final int SIGINT = 2;
  public static final int SIGQUIT = 3;
  public static final int SIGILL = 4;
  public static final int SIGTRAP = 5;
  public static final int SIGABRT = 6;
  public static final int SIGBUS = 7;
  public static final int SIGFPE = 8;
  public static final int SIGKILL = 9;
  public static final int SIGUSR1 = 10;
  public static final int SIGSEGV = 11;
  public static final int SIGUSR2 = 12;
  public static final int SIGPIPE = 13;
  public static final int SIGALRM = 14;
  public static final int SIGTERM = 15;
  public static final int SIGSTKFLT = 16;
  public static final int SIGCHLD = 17;
  public static final int SIGCONT = 18;
  public static final int SIGSTOP = 19;
  public static final int SIGTSTP = 20;
  public static final int SIGTTIN = 21;
  public static final int SIGTTOU = 22;
  public static final int SIGURG = 23;
  public static final int SIGXCPU = 24;
  public static final int SIGXFSZ = 25;
  public static final int SIGVTALRM = 26;
  public static final int SIGPROF = 27;
  public static final int SIGWINCH = 28;
  public static final int SIGIO = 29;
  public static final int SIGPWR = 30;
  public static final int SIGSYS = 31;

  /** First real-time signal as the kernel numbers them (glibc reserves 32 and 33 for itself). */
  public static final int SIGRTMIN = 32;

  /** Highest signal number, including the real-time ones. */
  public static final int NSIG = 64;

  /** Size in bytes of the kernel's sigset_t, which rt_sig* calls check against. */
  public static final int SIGSET_SIZE = 8;

  public static final long SIG_DFL = 0;
  public static final long SIG_IGN = 1;

  /** sa_flags bits (asm-generic/signal-defs.h and signal.h). */
  public static final long SA_NOCLDSTOP = 0x1;

  public static final long SA_NOCLDWAIT = 0x2;
  public static final long SA_SIGINFO = 0x4;
  public static final long SA_UNSUPPORTED = 0x400;
  public static final long SA_EXPOSE_TAGBITS = 0x800;

  /**
   * Defined by libcs for riscv64 but not by its kernel: riscv64 has no sa_restorer field and
   * returns from handlers through the vDSO, so the kernel clears this bit like any unknown one.
   */
  public static final long SA_RESTORER = 0x0400_0000L;

  public static final long SA_ONSTACK = 0x0800_0000L;
  public static final long SA_RESTART = 0x1000_0000L;
  public static final long SA_NODEFER = 0x4000_0000L;
  public static final long SA_RESETHAND = 0x8000_0000L;

  /**
   * The flags the riscv64 kernel keeps in a sigaction (UAPI_SA_FLAGS); rt_sigaction clears the
   * others so that a program can detect which flags this kernel knows.
   */
  public static final long SA_KNOWN_FLAGS =
      SA_NOCLDSTOP
          | SA_NOCLDWAIT
          | SA_SIGINFO
          | SA_ONSTACK
          | SA_RESTART
          | SA_NODEFER
          | SA_RESETHAND
          | SA_EXPOSE_TAGBITS;

  /** stack_t ss_flags values (sigaltstack). */
  public static final int SS_ONSTACK = 1;

  public static final int SS_DISABLE = 2;
  public static final int SS_AUTODISARM = 1 << 31;

  /** Smallest alternate stack sigaltstack accepts, and the size programs are told to use. */
  public static final int MINSIGSTKSZ = 2048;

  public static final int SIGSTKSZ = 8192;

  public static final int SIG_BLOCK = 0;
  public static final int SIG_UNBLOCK = 1;
  public static final int SIG_SETMASK = 2;

  private static final List<String> NAMES =
      List.of(
          "",
          "SIGHUP",
          "SIGINT",
          "SIGQUIT",
          "SIGILL",
          "SIGTRAP",
          "SIGABRT",
          "SIGBUS",
          "SIGFPE",
          "SIGKILL",
          "SIGUSR1",
          "SIGSEGV",
          "SIGUSR2",
          "SIGPIPE",
          "SIGALRM",
          "SIGTERM",
          "SIGSTKFLT",
          "SIGCHLD",
          "SIGCONT",
          "SIGSTOP",
          "SIGTSTP",
          "SIGTTIN",
          "SIGTTOU",
          "SIGURG",
          "SIGXCPU",
          "SIGXFSZ",
          "SIGVTALRM",
          "SIGPROF",
          "SIGWINCH",
          "SIGIO",
          "SIGPWR",
          "SIGSYS");

  private Signals() {}

  /** The signal's name, such as SIGSEGV, or SIGRTMIN+n for the real-time ones. */
  public static String name(int sig) {
    if (sig > 0 && sig < NAMES.size()) {
      return NAMES.get(sig);
    }
    return sig >= 32 && sig <= NSIG ? "SIGRTMIN+" + (sig - 32) : "signal " + sig;
  }

  /** True when the default action of sig is to ignore it (the others terminate or stop). */
  public static boolean ignoredByDefault(int sig) {
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
  }

  /** Signals that can be neither caught, ignored nor blocked. */
  public static final long UNBLOCKABLE = (1L << (SIGKILL - 1)) | (1L << (SIGSTOP - 1));

  /** The bit of sig in a sigset_t. */
  public static long bit(int sig) {
    return 1L << (sig - 1);
  }
}
