package dev.popcornj.kernel.fs;

/**
 * Who opens or controls a device: the calling process's id, process group and session, which a
 * terminal checks for its controlling-terminal and job-control rules.
 */
public record DeviceCaller(int pid, int pgid, int sid) {
  /** A session leader: the process whose id is its session's. */
  public boolean sessionLeader() {
    return pid == sid;
  }
}
