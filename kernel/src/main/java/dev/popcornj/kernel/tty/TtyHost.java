package dev.popcornj.kernel.tty;

/** What a terminal needs from the kernel around it: sending the job-control signals. */
public interface TtyHost {
  /**
   * Sends sig to every process in process group pgrp (SIGINT, SIGQUIT, SIGTSTP from the keyboard,
   * SIGWINCH on a resize), as the kernel would from interrupt context: it must not block.
   */
  void onSignalProcessGroup(int pgrp, int sig);

  /**
   * Whether the caller may make pgrp the terminal's foreground group (TIOCSPGRP): 0, -ESRCH when no
   * such group exists, -EPERM when it belongs to another session. The default accepts all.
   */
  default int checkForegroundGroup(int pgrp) {
    return 0;
  }

  /** Sends sig to process pid (a hangup's SIGHUP and SIGCONT to the session leader). */
  default void onSignalProcess(int pid, int sig) {}

  /** The session process group pgrp belongs to; -1 when no such group exists. */
  default int sessionOfGroup(int pgrp) {
    return -1;
  }
}
