package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.proc.Task;

/**
 * A system call a service adds to the table: it runs on the calling task's kernel stack with the
 * raw register arguments and returns the value for a0 (a negative errno on failure), or {@link
 * dev.popcornj.kernel.abi.Syscalls#NO_RESULT}. A bad guest pointer may throw as in any handler; the
 * table turns it into -EFAULT.
 */
@FunctionalInterface
public interface SyscallHandler {
  long call(Task t, long a0, long a1, long a2, long a3, long a4, long a5);
}
