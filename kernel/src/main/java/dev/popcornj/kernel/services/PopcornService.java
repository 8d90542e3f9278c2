package dev.popcornj.kernel.services;

import dev.popcornj.kernel.msg.KernelState;

/**
 * One Popcorn service on one kernel instance (the virtual TTYs, kexec, power-off for run mode, and
 * those to come: single system image, migration, distributed memory, the virtual network). Each
 * lives in a package of its own under {@code services}, depends only on the kernel's core packages,
 * and adds what it brings through one {@link ServiceContext} at boot: its message types with their
 * decoders, its system calls, its /proc/popcorn files, its devices and the boot parameters it
 * reads. The kernel's composition root decides which services a kernel runs (by its image and its
 * role) and tells them of peers coming and going.
 *
 * <p>Owned by one kernel instance; its handlers run in that kernel's poll or on its tasks' stacks.
 */
public interface PopcornService {
  /** The service's name, as logs and registration errors show it (such as "vtty"). */
  String name();

  /** Registers everything the service adds and starts it; called once, at boot. */
  void start(ServiceContext context);

  /** Kernel k checked in with this one. */
  default void onPeerUp(int k) {}

  /**
   * Kernel k went away: {@link KernelState#DOWN} after a panic or a silent heartbeat, {@link
   * KernelState#OFFLINE} after it halted in order. Requests to it have already failed.
   */
  default void onPeerGone(int k, KernelState state) {}
}
