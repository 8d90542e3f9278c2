package dev.popcornj.kernel.services.migration;

import dev.popcornj.kernel.abi.Syscalls;

/**
 * Where a system call of a task running away from home is served. What the task carries with it
 * (its registers, signal state, CPU placement, the clocks every kernel shares) is served where it
 * runs; what lives at home (files, pipes, sockets, ttys, the cwd, the family and wait, futexes,
 * timers, the address space's areas) is served there, on the task's behalf, by its kernel stack at
 * home; a few calls can only be made at home and take the task there first.
 */
final class CallPlaces {
  private CallPlaces() {}

  /** Where a call is served. */
  enum Place {
    /** Where the task runs. */
    LOCAL,
    /** At home, on the task's behalf; the result comes back. */
    FORWARD,
    /** At home, then here as well (the signal dispositions both sides keep). */
    BOTH,
    /** The task goes home and makes the call there (it replaces or copies the whole process). */
    HOME
  }

  static Place of(long nr) {
    return switch ((int) nr) {
      case Syscalls.GETPID,
          Syscalls.GETTID,
          Syscalls.GETUID,
          Syscalls.GETEUID,
          Syscalls.GETGID,
          Syscalls.GETEGID,
          Syscalls.CLOCK_GETTIME,
          Syscalls.CLOCK_GETRES,
          Syscalls.GETTIMEOFDAY,
          Syscalls.NANOSLEEP,
          Syscalls.CLOCK_NANOSLEEP,
          Syscalls.RESTART_SYSCALL,
          Syscalls.SCHED_YIELD,
          Syscalls.GETCPU,
          Syscalls.SCHED_GETAFFINITY,
          Syscalls.SCHED_SETAFFINITY,
          Syscalls.RT_SIGPROCMASK,
          Syscalls.SIGALTSTACK,
          Syscalls.RT_SIGRETURN,
          Syscalls.RT_SIGPENDING,
          Syscalls.RT_SIGSUSPEND,
          Syscalls.RT_SIGTIMEDWAIT,
          Syscalls.SET_TID_ADDRESS,
          Syscalls.SET_ROBUST_LIST,
          Syscalls.GET_ROBUST_LIST,
          Syscalls.EXIT,
          Syscalls.EXIT_GROUP,
          Syscalls.GETRANDOM,
          Syscalls.RSEQ,
          Syscalls.MEMBARRIER,
          Syscalls.UNAME,
          Syscalls.RISCV_HWPROBE,
          Syscalls.RISCV_FLUSH_ICACHE,
          MigrationService.POPCORN_MIGRATE ->
          Place.LOCAL;
      case Syscalls.RT_SIGACTION -> Place.BOTH;
      case Syscalls.CLONE, Syscalls.CLONE3, Syscalls.EXECVE, Syscalls.EXECVEAT -> Place.HOME;
      default -> Place.FORWARD;
    };
  }

  /**
   * Whether call nr works on files, the cwd or umask, or the process group and session (which the
   * terminal's job control sees with the files): for a process forked on another kernel than its
   * parent's home, where its file agent serves it (see {@link FileAgents}).
   */
  static boolean onFiles(long nr) {
    return switch ((int) nr) {
      case Syscalls.SETPGID,
          Syscalls.GETPGID,
          Syscalls.GETSID,
          Syscalls.SETSID,
          Syscalls.GETCWD,
          Syscalls.EVENTFD2,
          Syscalls.EPOLL_CREATE1,
          Syscalls.EPOLL_CTL,
          Syscalls.EPOLL_PWAIT,
          Syscalls.EPOLL_PWAIT2,
          Syscalls.DUP,
          Syscalls.DUP3,
          Syscalls.FCNTL,
          Syscalls.IOCTL,
          Syscalls.MKDIRAT,
          Syscalls.UNLINKAT,
          Syscalls.SYMLINKAT,
          Syscalls.LINKAT,
          Syscalls.RENAMEAT2,
          Syscalls.TRUNCATE,
          Syscalls.FTRUNCATE,
          Syscalls.FACCESSAT,
          Syscalls.FACCESSAT2,
          Syscalls.CHDIR,
          Syscalls.FCHDIR,
          Syscalls.FCHMOD,
          Syscalls.FCHMODAT,
          Syscalls.FCHOWNAT,
          Syscalls.FCHOWN,
          Syscalls.OPENAT,
          Syscalls.CLOSE,
          Syscalls.CLOSE_RANGE,
          Syscalls.PIPE2,
          Syscalls.GETDENTS64,
          Syscalls.LSEEK,
          Syscalls.READ,
          Syscalls.WRITE,
          Syscalls.READV,
          Syscalls.WRITEV,
          Syscalls.PREAD64,
          Syscalls.PWRITE64,
          Syscalls.PREADV,
          Syscalls.PWRITEV,
          Syscalls.SENDFILE,
          Syscalls.SPLICE,
          Syscalls.COPY_FILE_RANGE,
          Syscalls.PSELECT6,
          Syscalls.PPOLL,
          Syscalls.READLINKAT,
          Syscalls.NEWFSTATAT,
          Syscalls.FSTAT,
          Syscalls.STATX,
          Syscalls.SYNC,
          Syscalls.FSYNC,
          Syscalls.FDATASYNC,
          Syscalls.UTIMENSAT,
          Syscalls.UMASK,
          Syscalls.SOCKET,
          Syscalls.SOCKETPAIR,
          Syscalls.BIND,
          Syscalls.LISTEN,
          Syscalls.ACCEPT,
          Syscalls.ACCEPT4,
          Syscalls.CONNECT,
          Syscalls.GETSOCKNAME,
          Syscalls.GETPEERNAME,
          Syscalls.SENDTO,
          Syscalls.RECVFROM,
          Syscalls.SETSOCKOPT,
          Syscalls.GETSOCKOPT,
          Syscalls.SHUTDOWN,
          Syscalls.SENDMSG,
          Syscalls.RECVMSG ->
          true;
      default -> false;
    };
  }
}
