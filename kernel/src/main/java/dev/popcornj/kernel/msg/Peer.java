package dev.popcornj.kernel.msg;

/** What one kernel knows of another: its identity and its state as last seen. */
public record Peer(KernelIdentity identity, KernelState state) {
  public int kernelId() {
    return identity.kernelId();
  }
}
