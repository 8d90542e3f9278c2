package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.signal.SigInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where kill, tkill, tgkill and the rt_sig*queueinfo calls send their signal, after the calls have
 * checked their arguments: to a process or thread of this kernel, or, when the id's origin is
 * another kernel, to that kernel, which sends it as if it had been made there and answers with the
 * result (Popcorn's remote signals). Results are 0 or -errno.
 *
 * <p>Owned by one kernel instance.
 */
public final class Kill {
  private final ProcessTable table;
  private final Signalling signals;
  private final Supplier<Process> init;
  private final WholeSystem system;

  /**
   * @param init this kernel's init, which kill(-1) spares
   */
  public Kill(ProcessTable table, Signalling signals, Supplier<Process> init, WholeSystem system) {
    this.table = table;
    this.signals = signals;
    this.init = init;
    this.system = system;
  }

  /** kill(pid > 0) and rt_sigqueueinfo: sig (0: only check) to process pid, wherever it answers. */
  public long toProcess(int pid, int sig, SigInfo info) {
    if (!table.originatesHere(pid)) {
      return system.others().signal(new RemoteSignal(pid, 0, sig, info));
    }
    return deliver(new RemoteSignal(pid, 0, sig, info));
  }

  /** tkill (tgid 0) and tgkill, rt_tgsigqueueinfo: sig to thread tid, wherever it answers. */
  public long toThread(int tgid, int tid, int sig, SigInfo info) {
    if (!table.originatesHere(tid)) {
      return system.others().signal(new RemoteSignal(tgid, tid, sig, info));
    }
    return deliver(new RemoteSignal(tgid, tid, sig, info));
  }

  /**
   * kill(-1): every process of this kernel but its init and the caller. Only this kernel's: the
   * single system image carries a signal to one process or thread at its origin, and does not
   * broadcast kill(-1) to the other kernels (Linux would reach every process the caller may
   * signal).
   */
  public long toEveryone(Process caller, int sig, SigInfo info) {
    List<Process> targets = new ArrayList<>();
    for (Process p : table.processes()) {
      if (p != init.get() && p != caller && !p.zombie()) {
        targets.add(p);
      }
    }
    return send(targets, sig, info);
  }

  /**
   * kill(0) and kill(-pgid): every process of group pgid on this kernel. Only this kernel's, as for
   * kill(-1): a group is not looked for on the other kernels.
   */
  public long toGroup(int pgid, int sig, SigInfo info) {
    return send(table.group(pgid), sig, info);
  }

  private long send(List<Process> targets, int sig, SigInfo info) {
    if (targets.isEmpty()) {
      return -Errno.ESRCH;
    }
    for (Process p : targets) {
      signals.sendToProcess(p, sig, info);
    }
    return 0;
  }

  /**
   * Sends s to a process or thread in this kernel's table, with the checks Linux makes there: the
   * target exists (ESRCH), and a thread is in the group named (ESRCH). A zombie takes no signal but
   * exists. This is where a signal forwarded from another kernel is sent.
   */
  public long deliver(RemoteSignal s) {
    if (s.tid() == 0) {
      Process p = table.process(s.pid());
      if (p == null) {
        return -Errno.ESRCH;
      }
      signals.sendToProcess(p, s.sig(), s.info());
      return 0;
    }
    Task t = table.task(s.tid());
    if (t == null || (s.pid() != 0 && t.process().pid() != s.pid())) {
      return -Errno.ESRCH;
    }
    signals.sendToThread(t, s.sig(), s.info());
    return 0;
  }
}
