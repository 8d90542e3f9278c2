/* popcorn.h: PopcornJ's own system calls, for guest programs (C, glibc, riscv64).
 *
 * The same program runs under qemu-riscv64 and on a Linux without them: there every call here
 * fails with ENOSYS, so a program can test for PopcornJ by calling one.
 *
 *   long popcorn_boot_secondary(unsigned long entry)                            system call 1000
 *     Boots what kexec_load (system call 104) put at the physical address entry on the first CPU
 *     of the partition its command line names; returns the new kernel's id, or -1 with errno.
 *     Only kernels whose image has kexec answer it (see guest/userland/kexec.c for the layout).
 *
 *   long popcorn_migrate(int kernel, unsigned flags, pid_t pid)                 system call 1001
 *     a0 = kernel   the destination kernel's id (0 is the primary)
 *     a1 = flags    0; no flag is defined yet
 *     a2 = pid      0: the calling thread; otherwise every thread of process pid
 *     Moves the thread (or the process) to kernel, where it goes on with its registers, signal
 *     state, credentials, working directory and umask; its memory, files and other resources
 *     stay at its origin kernel, which serves them. Moving back to the origin resumes the original
 *     task (back-migration). Returns 0 on success: for the calling thread, once it runs on kernel.
 *     Errors (-1 and errno):
 *       EINVAL     no such kernel, or flags not 0
 *       EHOSTDOWN  kernel is down (crashed, halted or not booted)
 *       ESRCH      no process pid
 *       EBUSY      the process cannot move now (it shares its memory with another process:
 *                  vfork, or clone with CLONE_VM but not CLONE_THREAD)
 *
 * sched_setaffinity(2) to CPUs of another kernel migrates the calling thread there too, and
 * sched_getcpu(3) then reports the new CPU. */
#ifndef POPCORNJ_POPCORN_H
#define POPCORNJ_POPCORN_H

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define __NR_popcorn_boot_secondary 1000
#define __NR_popcorn_migrate 1001

/* Boots the kernel kexec_load left at entry; its id, or -1 with errno. */
static inline long popcorn_boot_secondary(unsigned long entry) {
  return syscall(__NR_popcorn_boot_secondary, entry);
}

/* Moves the calling thread to kernel; 0 once it runs there, or -1 with errno. */
static inline int popcorn_migrate(int kernel, unsigned flags) {
  return (int)syscall(__NR_popcorn_migrate, (long)kernel, (unsigned long)flags, 0L);
}

/* Moves every thread of process pid to kernel (pid 0: the calling thread); 0 or -1 with errno. */
static inline int popcorn_migrate_process(pid_t pid, int kernel, unsigned flags) {
  return (int)syscall(__NR_popcorn_migrate, (long)kernel, (unsigned long)flags, (long)pid);
}

#endif
