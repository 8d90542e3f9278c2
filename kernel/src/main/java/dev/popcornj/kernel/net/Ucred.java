package dev.popcornj.kernel.net;

/** The credentials a socket records of the process that made or connected it (struct ucred). */
public record Ucred(int pid, int uid, int gid) {
  /** What SO_PEERCRED gives with no peer: pid 0 and the overflow ids, as cred_to_ucred does. */
  public static final Ucred NONE = new Ucred(0, 65534, 65534);
}
