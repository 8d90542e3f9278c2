package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.signal.SigInfo;

/**
 * A signal for a process or a thread that another kernel answers for (the origin of its id): what
 * kill, tkill, tgkill and the rt_sig*queueinfo calls send there. The origin checks and delivers it
 * as if it had been sent there, and answers with the call's result.
 *
 * @param pid the process (kill, rt_sigqueueinfo) or the thread group it must be in (tgkill,
 *     rt_tgsigqueueinfo); 0 for any (tkill)
 * @param tid the thread (tkill, tgkill, rt_tgsigqueueinfo); 0 for the whole process
 * @param sig the signal, 0 to check only that the target exists
 * @param info the siginfo that travels with it (its sender's global pid)
 */
public record RemoteSignal(int pid, int tid, int sig, SigInfo info) {
  public RemoteSignal {
    if (pid < 0 || tid < 0 || (pid == 0 && tid == 0)) {
      throw new IllegalArgumentException("signal target pid " + pid + " tid " + tid);
    }
    java.util.Objects.requireNonNull(info, "info");
  }

  /** The id whose origin serves the signal: the thread's, or the process's. */
  public int target() {
    return tid != 0 ? tid : pid;
  }
}
