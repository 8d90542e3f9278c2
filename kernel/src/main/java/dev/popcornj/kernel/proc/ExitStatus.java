package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Signals;

/** How a process ended: by exit or exit_group with a status, or killed by a signal. */
public sealed interface ExitStatus {
  /** The status a shell would show: the low 8 bits of the exit code, or 128 + the signal. */
  int shellStatus();

  /** The process called exit or exit_group; code is already reduced to its low 8 bits. */
  record Exited(int code) implements ExitStatus {
    @Override
    public int shellStatus() {
      return code;
    }
  }

  /** The process was killed by signal; reason says why, for diagnostics. */
  record Killed(int signal, String reason) implements ExitStatus {
    @Override
    public int shellStatus() {
      return 128 + signal;
    }

    @Override
    public String toString() {
      return "killed by " + Signals.name(signal) + " (" + reason + ")";
    }
  }
}
