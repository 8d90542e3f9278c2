package dev.popcornj.kernel.msg;

/** Told when a peer kernel checks in, and when it goes down or halts; runs in the kernel's poll. */
public interface PeerListener {
  void onPeerUp(int kernel);

  /** state is {@link KernelState#DOWN} (crashed, or silent) or {@link KernelState#OFFLINE}. */
  void onPeerGone(int kernel, KernelState state);
}
