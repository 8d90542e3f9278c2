package dev.popcornj.kernel.msg;

/**
 * Implemented by the kernel: run an action later, at virtual time timePs, in the context of this
 * kernel (its softirq or timer path). The messaging layer uses it to continue a poll that ran out
 * of budget and to retry queued sends that found a ring full.
 */
@FunctionalInterface
public interface Deferrer {
  void callAt(long timePs, Runnable action);
}
