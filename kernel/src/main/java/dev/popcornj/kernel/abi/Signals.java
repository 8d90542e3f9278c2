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
  public static final int SIGCHLD = 17;
  public static final int SIGCONT = 18;
  public static final int SIGSTOP = 19;
  public static final int SIGURG = 23;
  public static final int SIGWINCH = 28;

  /** Highest signal number, including the real-time ones. */
  public static final int NSIG = 64;

  /** Size in bytes of the kernel's sigset_t, which rt_sig* calls check against. */
  public static final int SIGSET_SIZE = 8;

  public static final long SIG_DFL = 0;
  public static final long SIG_IGN = 1;

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

  /** The bit of sig in a sigset_t. */
  public static long bit(int sig) {
    return 1L << (sig - 1);
  }
}
