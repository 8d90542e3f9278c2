package dev.popcornj.kernel.proc;

/**
 * What a pending signal carries to its handler's siginfo_t: the code saying where it came from and
 * the fields that code defines (sender pid and uid; fault address; child pid and status).
 */
public record SignalInfo(int sig, int code, int pid, int uid, long addr, int status) {
  public static SignalInfo user(int sig, int senderPid) {
    return new SignalInfo(sig, Signalling.SI_USER, senderPid, Process.UID, 0, 0);
  }

  public static SignalInfo tkill(int sig, int senderPid) {
    return new SignalInfo(sig, Signalling.SI_TKILL, senderPid, Process.UID, 0, 0);
  }

  public static SignalInfo kernel(int sig) {
    return new SignalInfo(sig, Signalling.SI_KERNEL, 0, 0, 0, 0);
  }

  public static SignalInfo fault(int sig, int code, long addr) {
    return new SignalInfo(sig, code, 0, 0, addr, 0);
  }

  public static SignalInfo child(int sig, int code, int pid, int status) {
    return new SignalInfo(sig, code, pid, Process.UID, 0, status);
  }
}
