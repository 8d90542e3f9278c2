/* sysfuzz SEED COUNT CHILDREN [storm]: a system-call fuzzer. It forks CHILDREN children; child i seeds an
 * xorshift64* generator from SEED and i, then makes COUNT raw system calls with numbers drawn from
 * 0..470 and arguments drawn from a mix (small ints, -1, huge values, pointers into a buffer of
 * its own, to an unmapped page, to a read-only page, NULL, page-aligned user addresses, likely
 * file descriptors). The parent waits for all of them and prints one line per child: how it ended
 * and after how many calls. Under a deterministic kernel the same SEED gives the same lines.
 *
 * What a call may not do is end or escape the test, so some calls are skipped and some have their
 * arguments rewritten before they are made:
 *   - skipped: exit and exit_group (only at the end), reboot, kexec_load, kexec_file_load, PopcornJ's
 *     own calls 1000..1010, execve, execveat, clone3, rt_sigreturn, rt_sigsuspend, ptrace, seccomp,
 *     vhangup, mount and the new mount API, pivot_root, swapon/off, module loading, acct, quotactl,
 *     bpf, fanotify_init, userfaultfd (a registered range would make the kernel wait on us forever),
 *     io_uring, key rings, open_by_handle_at, mlockall, mq_notify, setting the host name or time
 *     (under qemu-riscv64 these reach the host, which must stay untouched);
 *   - clone only with flags 0 (a fork without exit signal), at most MAX_CLONES times; the new
 *     process _exits at once;
 *   - every pid/tid argument (kill, tkill, tgkill, sigqueue, sched_*, prlimit64, process_vm_*,
 *     kcmp, pidfd_open, F_SETOWN, ...) names the child itself, and stop signals become 0, so no
 *     other process is touched and nothing stops; seven times in eight the signal a child sends
 *     itself is one ignored by default (or 0), so that most children get deep into their calls;
 *   - memory calls (munmap, mremap, mprotect, madvise, mlock, msync, mmap and shmat at a fixed
 *     address, ...) are confined to a scratch area the child maps first, so its code, stack and
 *     buffers stay; brk never goes below where it started;
 *   - nothing may block forever: descriptors the child creates are non-blocking (O_NONBLOCK forced
 *     on open, pipe, socket, eventfd, signalfd, timerfd, inotify, F_SETFL), locks and message
 *     queues get their no-wait flag, wait calls WNOHANG, and calls that sleep (nanosleep,
 *     clock_nanosleep, ppoll, pselect6, epoll_pwait*, futex waits, sigtimedwait, semtimedop,
 *     mq_timed*, io_getevents, recvmmsg) a 1 us timeout;
 *   - path names in its buffer never contain '/' or '.', and the child works in its own directory
 *     /tmp/sysfuzz-SEED-I (removed by the parent afterwards), so files it makes stay there;
 *   - fds 0-2 are /dev/null, so reads and writes on them go nowhere.
 * Under qemu-riscv64 the children also try to enter new IPC, UTS and network namespaces; where that
 * fails (as under PopcornJ) SysV IPC uses only the objects the child made itself and sockets only
 * AF_UNIX without connect or addressed sends.
 *
 * With "storm", signals rain on each child while it makes its calls: it handles SIGUSR1 and SIGALRM
 * with SA_RESTART, SIGUSR2 and SIGPROF without, three real-time signals with SA_SIGINFO (queued),
 * ignores SIGHUP (SIG_IGN) and leaves SIGCHLD, SIGURG and SIGWINCH at their default (ignored). An
 * interval timer (ITIMER_REAL, SIGALRM), a CPU-time one (ITIMER_PROF, SIGPROF) and a POSIX timer
 * (SIGRTMIN+1, periodic) fire all along, and a thread of the child sends the set to the process
 * and to the main thread (kill, tgkill, rt_sigqueueinfo with a value) from its own xorshift stream,
 * until the main thread is done. The parent's line for the child then also gives how many signals
 * its handlers saw. What the fuzzer's own calls do to the dispositions (rt_sigaction with random
 * handlers, masks) is part of the game: a child may die of it, the kernel may not.
 *
 * As a last guard the parent kills (SIGKILL) a child that stops or that is still running after
 * 10 s + COUNT ms on CLOCK_MONOTONIC. SYSFUZZ_TRACE=1 makes each child write every call to stderr
 * before making it, to find the one that killed it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/time.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR 470
#define PAGE 4096UL
#define SCRATCH_PAGES 64
#define BUF_SIZE (4 * PAGE)
#define MAX_CLONES 8
#define MAX_IPC 16
#define TRACE_FD 1000

/* Riscv64 (asm-generic) numbers of the calls treated specially, spelled out so that the table
 * below reads like the kernel's. */
enum {
  NR_io_getevents = 4, NR_eventfd2 = 19, NR_epoll_pwait = 22, NR_fcntl = 25, NR_inotify_init1 = 26,
  NR_ioctl = 29, NR_ioprio_set = 30, NR_flock = 32, NR_mknodat = 33, NR_umount2 = 39, NR_mount = 40,
  NR_pivot_root = 41, NR_fallocate = 47, NR_openat = 56, NR_vhangup = 58, NR_pipe2 = 59,
  NR_quotactl = 60, NR_sendfile = 71, NR_pselect6 = 72, NR_ppoll = 73, NR_signalfd4 = 74,
  NR_vmsplice = 75, NR_splice = 76, NR_tee = 77, NR_timerfd_create = 85, NR_acct = 89, NR_exit = 93,
  NR_exit_group = 94, NR_waitid = 95, NR_futex = 98, NR_get_robust_list = 100, NR_nanosleep = 101,
  NR_kexec_load = 104, NR_init_module = 105, NR_delete_module = 106, NR_timer_create = 107,
  NR_clock_settime = 112, NR_clock_nanosleep = 115, NR_syslog = 116, NR_ptrace = 117,
  NR_sched_setparam = 118, NR_sched_setscheduler = 119, NR_sched_getscheduler = 120,
  NR_sched_getparam = 121, NR_sched_setaffinity = 122, NR_sched_getaffinity = 123,
  NR_sched_rr_get_interval = 127, NR_kill = 129, NR_tkill = 130, NR_tgkill = 131,
  NR_rt_sigsuspend = 133, NR_rt_sigtimedwait = 137, NR_rt_sigqueueinfo = 138, NR_rt_sigreturn = 139,
  NR_setpriority = 140, NR_reboot = 142, NR_sethostname = 161, NR_setdomainname = 162,
  NR_prctl = 167, NR_settimeofday = 170, NR_adjtimex = 171, NR_mq_open = 180, NR_mq_unlink = 181,
  NR_mq_timedsend = 182, NR_mq_timedreceive = 183, NR_mq_notify = 184, NR_msgget = 186,
  NR_msgctl = 187, NR_msgrcv = 188, NR_msgsnd = 189, NR_semget = 190, NR_semctl = 191,
  NR_semtimedop = 192, NR_semop = 193, NR_shmget = 194, NR_shmctl = 195, NR_shmat = 196,
  NR_shmdt = 197, NR_socket = 198, NR_socketpair = 199, NR_accept = 202, NR_connect = 203,
  NR_sendto = 206, NR_recvfrom = 207, NR_sendmsg = 211, NR_recvmsg = 212, NR_brk = 214,
  NR_munmap = 215, NR_mremap = 216, NR_add_key = 217, NR_request_key = 218, NR_keyctl = 219,
  NR_clone = 220, NR_execve = 221, NR_mmap = 222, NR_swapon = 224, NR_swapoff = 225,
  NR_mprotect = 226, NR_msync = 227, NR_mlock = 228, NR_munlock = 229, NR_mlockall = 230,
  NR_mincore = 232, NR_madvise = 233, NR_remap_file_pages = 234, NR_mbind = 235,
  NR_migrate_pages = 238, NR_move_pages = 239, NR_rt_tgsigqueueinfo = 240,
  NR_perf_event_open = 241, NR_accept4 = 242, NR_recvmmsg = 243, NR_wait4 = 260,
  NR_prlimit64 = 261, NR_fanotify_init = 262, NR_open_by_handle_at = 265, NR_clock_adjtime = 266,
  NR_sendmmsg = 269, NR_process_vm_readv = 270, NR_process_vm_writev = 271, NR_kcmp = 272,
  NR_finit_module = 273, NR_sched_setattr = 274, NR_sched_getattr = 275, NR_seccomp = 277,
  NR_getrandom = 278, NR_bpf = 280, NR_execveat = 281, NR_userfaultfd = 282, NR_mlock2 = 284,
  NR_copy_file_range = 285, NR_pkey_mprotect = 288, NR_io_pgetevents = 292,
  NR_kexec_file_load = 294, NR_pidfd_send_signal = 424, NR_io_uring_setup = 425,
  NR_io_uring_enter = 426, NR_io_uring_register = 427, NR_open_tree = 428, NR_fspick = 433,
  NR_pidfd_open = 434, NR_clone3 = 435, NR_close_range = 436, NR_openat2 = 437,
  NR_epoll_pwait2 = 441, NR_mount_setattr = 442, NR_quotactl_fd = 443,
  NR_process_mrelease = 448, NR_futex_waitv = 449, NR_set_mempolicy_home_node = 450,
  NR_futex_wait = 455, NR_mseal = 462, NR_open_tree_attr = 467,
};

/* One child's state; everything the rewriting rules need. */
struct child {
  uint64_t rng;
  pid_t self;
  char *buf;           /* BUF_SIZE bytes, read-write, random contents */
  char *rdonly;        /* one read-only page */
  char *unmapped;      /* one page that was mapped and unmapped again */
  char *scratch;       /* SCRATCH_PAGES pages the memory calls may do anything to */
  uintptr_t brk0;      /* brk at the start: it never goes below */
  int clones;
  int ipc_isolated, net_isolated;
  long ipc_ids[MAX_IPC]; /* SysV objects this child made: (id << 2) | kind */
  int nipc;
  int trace;
};

/* Shared with the parent (when anonymous shared memory works): progress of each child. */
struct progress {
  long done;
  long last_nr;
  long signals; /* deliveries the storm's handlers saw */
};

static struct timespec tiny = {0, 1000};

/* splitmix64's finaliser: nearby seeds and child indexes give unrelated, non-zero states. */
static uint64_t mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return z != 0 ? z : 1;
}

static uint64_t rnd(struct child *c) {
  uint64_t x = c->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  c->rng = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* Path names must stay inside the child's directory: no '/', no '.'. */
static void sanitize(struct child *c, char *p) {
  char *end = c->buf + BUF_SIZE;
  for (; p < end && *p != '\0'; p++)
    if (*p == '/' || *p == '.') *p = 'x';
}

static uint64_t buf_ptr(struct child *c) {
  char *p = c->buf + rnd(c) % BUF_SIZE;
  if (rnd(c) % 2) p = (char *)((uintptr_t)p & ~7UL);
  sanitize(c, p);
  return (uintptr_t)p;
}

static uint64_t arg(struct child *c) {
  static const uint64_t huge[] = {1ULL << 63, 0x7fffffffffffffffULL, 0xffffffffULL, 0x80000000ULL,
                                  0x100000000ULL, 0xfffffffffffff000ULL, 0x7fffffffULL, 1ULL << 40};
  switch (rnd(c) % 12) {
    case 0:
    case 1:
      return rnd(c) % 16;
    case 2:
      return (uint64_t)-1;
    case 3:
      return huge[rnd(c) % (sizeof huge / sizeof huge[0])];
    case 4:
    case 5:
      return buf_ptr(c);
    case 6:
      return (uintptr_t)c->unmapped + rnd(c) % PAGE;
    case 7:
      return (uintptr_t)c->rdonly + (rnd(c) % (PAGE / 8)) * 8;
    case 8:
      return 0;
    case 9: /* a page in the Sv39 user half, or one of the scratch area */
      if (rnd(c) % 2) return (uintptr_t)c->scratch + (rnd(c) % SCRATCH_PAGES) * PAGE;
      return (rnd(c) % (1ULL << 26)) << 12;
    case 10:
      return 3 + rnd(c) % 10;
    default:
      return rnd(c);
  }
}

static uint64_t scratch_addr(struct child *c) {
  uint64_t a = (uintptr_t)c->scratch + (rnd(c) % SCRATCH_PAGES) * PAGE;
  if (rnd(c) % 8 == 0) a += rnd(c) % PAGE; /* unaligned: EINVAL is worth asking for too */
  return a;
}

/* A length that keeps [addr, addr + len) inside the scratch area. */
static uint64_t scratch_len(struct child *c, uint64_t addr) {
  uint64_t room = (uintptr_t)c->scratch + SCRATCH_PAGES * PAGE - addr;
  switch (rnd(c) % 4) {
    case 0:
      return 0;
    case 1:
      return room;
    default:
      return rnd(c) % (room + 1);
  }
}

/* A signal for the child to send itself: mostly one whose default action is to ignore it, so a
 * child gets deep into its calls, sometimes the random one it drew (never a stop signal). */
static uint64_t self_signal(struct child *c, uint64_t sig) {
  static const uint64_t harmless[] = {0, SIGCHLD, SIGURG, SIGWINCH, SIGCONT};
  if (rnd(c) % 8 != 0) return harmless[rnd(c) % 5];
  int s = (int)sig;
  return s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU ? 0 : sig;
}

static uint64_t no_stop(uint64_t sig) {
  int s = (int)sig;
  return s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU ? 0 : sig;
}

static void note_ipc(struct child *c, long nr, long r) {
  if (r < 0 || c->nipc == MAX_IPC) return;
  int kind = nr == NR_msgget ? 0 : nr == NR_semget ? 1 : 2;
  c->ipc_ids[c->nipc++] = (r << 2) | kind;
}

/* Rewrites the arguments of call nr so that it cannot end or escape the test; returns the number
 * to call, or -1 to skip it. */
static long adjust(struct child *c, long nr, uint64_t *a) {
  switch (nr) {
    case NR_exit: case NR_exit_group: case NR_reboot: case NR_kexec_load: case NR_kexec_file_load:
    case NR_execve: case NR_execveat: case NR_clone3: case NR_rt_sigreturn: case NR_rt_sigsuspend:
    case NR_ptrace: case NR_seccomp: case NR_vhangup: case NR_mount: case NR_umount2:
    case NR_pivot_root: case NR_open_tree: case 429: case 430: case 431: case 432: case NR_fspick:
    case NR_mount_setattr: case NR_open_tree_attr: case NR_swapon: case NR_swapoff:
    case NR_init_module: case NR_finit_module: case NR_delete_module: case NR_acct:
    case NR_quotactl: case NR_quotactl_fd: case NR_bpf: case NR_fanotify_init: case NR_userfaultfd:
    case NR_io_uring_setup: case NR_io_uring_enter: case NR_io_uring_register: case NR_add_key:
    case NR_request_key: case NR_keyctl: case NR_open_by_handle_at: case NR_mlockall:
    case NR_mq_notify: case NR_sethostname: case NR_setdomainname: case NR_settimeofday:
    case NR_clock_settime: case NR_adjtimex: case NR_clock_adjtime: case NR_sched_setattr:
    case NR_process_mrelease:
      return -1;
    case NR_clone:
      if (c->clones >= MAX_CLONES) return -1;
      c->clones++;
      a[0] = a[1] = a[2] = a[3] = a[4] = 0;
      return nr;

    /* signals and other processes: only the child itself */
    case NR_kill: case NR_tkill: case NR_rt_sigqueueinfo:
      a[0] = (uint64_t)c->self;
      a[1] = self_signal(c, a[1]);
      return nr;
    case NR_tgkill: case NR_rt_tgsigqueueinfo:
      a[0] = a[1] = (uint64_t)c->self;
      a[2] = self_signal(c, a[2]);
      return nr;
    case NR_pidfd_send_signal:
      a[1] = self_signal(c, a[1]);
      return nr;
    case NR_pidfd_open: case NR_process_vm_readv: case NR_process_vm_writev:
      a[0] = (uint64_t)c->self;
      return nr;
    case NR_kcmp:
      a[0] = a[1] = (uint64_t)c->self;
      return nr;
    case NR_setpriority: case NR_ioprio_set:
      a[0] = nr == NR_setpriority ? 0 /* PRIO_PROCESS */ : 1 /* IOPRIO_WHO_PROCESS */;
      a[1] = 0;
      return nr;
    case NR_sched_setscheduler: {
      static const uint64_t fair[] = {SCHED_OTHER, SCHED_BATCH, SCHED_IDLE};
      a[0] = 0;
      a[1] = fair[rnd(c) % 3];
      return nr;
    }
    case NR_sched_setparam: case NR_sched_getscheduler: case NR_sched_getparam:
    case NR_sched_setaffinity: case NR_sched_getaffinity: case NR_sched_rr_get_interval:
    case NR_sched_getattr: case NR_prlimit64: case NR_migrate_pages: case NR_move_pages:
    case NR_get_robust_list:
      a[0] = 0;
      return nr;
    case NR_perf_event_open:
      a[1] = 0;
      a[2] = (uint64_t)-1;
      return nr;
    case NR_syslog: /* only the reads that do not wait or clear */
      return a[0] == 3 || a[0] == 9 || a[0] == 10 ? nr : -1;
    case NR_timer_create:
      a[1] = 0; /* SIGALRM, never a stop signal */
      return nr;
    case NR_prctl:
      if (a[0] == PR_SET_PDEATHSIG) a[1] = no_stop(a[1]);
      return a[0] == PR_SET_SECCOMP ? -1 : nr;

    /* memory: the scratch area only */
    case NR_brk:
      switch (rnd(c) % 3) {
        case 0: a[0] = 0; break;
        case 1: a[0] = c->brk0 + rnd(c) % (1 << 20); break;
        default: a[0] = c->brk0 + (1ULL << (30 + rnd(c) % 30)); break;
      }
      return nr;
    case NR_munmap: case NR_mprotect: case NR_madvise: case NR_mlock: case NR_munlock:
    case NR_mlock2: case NR_msync: case NR_mincore: case NR_remap_file_pages: case NR_mbind:
    case NR_pkey_mprotect: case NR_mseal: case NR_set_mempolicy_home_node:
      a[0] = scratch_addr(c);
      a[1] = scratch_len(c, a[0]);
      return nr;
    case NR_mremap:
      a[0] = scratch_addr(c);
      a[1] = scratch_len(c, a[0]);
      a[3] = rnd(c) % 8; /* MREMAP_MAYMOVE 1, MREMAP_FIXED 2, MREMAP_DONTUNMAP 4 */
      if (a[3] & MREMAP_FIXED) {
        a[4] = scratch_addr(c);
        a[2] = scratch_len(c, a[4]);
      } else {
        a[2] = rnd(c) % 2 ? rnd(c) % (SCRATCH_PAGES * PAGE) : arg(c);
      }
      return nr;
    case NR_mmap:
      a[3] &= ~(uint64_t)(MAP_POPULATE | MAP_LOCKED);
      if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        a[0] = scratch_addr(c);
        a[1] = scratch_len(c, a[0]);
      }
      return nr;
    case NR_shmat:
      a[1] = rnd(c) % 2 ? 0 : scratch_addr(c);
      a[2] &= ~(uint64_t)SHM_REMAP;
      return nr;
    case NR_shmdt:
      a[0] = scratch_addr(c);
      return nr;

    /* SysV IPC and message queues: private objects, no waiting */
    case NR_msgget: case NR_semget: case NR_shmget:
      a[0] = IPC_PRIVATE;
      return nr;
    case NR_msgrcv: a[4] |= IPC_NOWAIT; goto ipc_id;
    case NR_msgsnd: a[3] |= IPC_NOWAIT; goto ipc_id;
    case NR_semop:
      nr = NR_semtimedop;
      /* fall through */
    case NR_semtimedop:
      a[3] = (uintptr_t)&tiny;
      /* fall through */
    case NR_msgctl: case NR_semctl: case NR_shmctl:
    ipc_id:
      if (!c->ipc_isolated) {
        if (c->nipc == 0) return -1;
        a[0] = (uint64_t)(c->ipc_ids[rnd(c) % (uint64_t)c->nipc] >> 2);
      }
      return nr;
    case NR_mq_open:
      a[1] |= O_NONBLOCK;
      return c->ipc_isolated ? nr : -1;
    case NR_mq_unlink:
      return c->ipc_isolated ? nr : -1;
    case NR_mq_timedsend: case NR_mq_timedreceive:
      a[4] = (uintptr_t)&tiny;
      return nr;

    /* descriptors: non-blocking */
    case NR_openat:
      a[2] |= O_NONBLOCK;
      return nr;
    case NR_openat2: {
      static struct {
        uint64_t flags, mode, resolve;
      } how;
      how.flags = (rnd(c) & 0x3fffff) | O_NONBLOCK;
      how.mode = rnd(c) % 2 ? rnd(c) & 07777 : 0;
      how.resolve = rnd(c) & 0x3f;
      a[2] = (uintptr_t)&how;
      a[3] = rnd(c) % 4 ? sizeof how : a[3];
      return nr;
    }
    case NR_pipe2: a[1] |= O_NONBLOCK; return nr;
    case NR_eventfd2: a[1] |= O_NONBLOCK; return nr;
    case NR_inotify_init1: a[0] |= O_NONBLOCK; return nr;
    case NR_signalfd4: a[3] |= O_NONBLOCK; return nr;
    case NR_timerfd_create: a[1] |= O_NONBLOCK; return nr;
    case NR_getrandom: a[2] |= 1; /* GRND_NONBLOCK */ return nr;
    case NR_mknodat: { /* no device nodes: under qemu they would be the host's devices */
      static const uint64_t kinds[] = {S_IFIFO, S_IFREG, S_IFSOCK};
      a[2] = kinds[rnd(c) % 3] | (a[2] & 07777);
      a[3] = 0;
      return nr;
    }
    case NR_fcntl:
      switch ((int)a[1]) {
        case F_SETFL: a[2] |= O_NONBLOCK; break;
        case F_SETLKW: a[1] = F_SETLK; break;
        case F_OFD_SETLKW: a[1] = F_OFD_SETLK; break;
        case F_SETOWN: a[2] = (uint64_t)c->self; break;
        case F_SETSIG: a[2] = no_stop(a[2]); break;
        case F_SETOWN_EX: return -1;
      }
      return nr;
    case NR_ioctl: {
      unsigned cmd = (unsigned)a[1];
      return cmd == 0x5421 /* FIONBIO */ || cmd == 0x8901 /* FIOSETOWN */ || cmd == 0x8902 /* SIOCSPGRP */ ? -1 : nr;
    }
    case NR_flock: a[1] |= LOCK_NB; return nr;
    case NR_fallocate: a[2] &= 0xfffff; a[3] &= 0xffff; return nr;
    case NR_sendfile: a[3] &= 0xffff; return nr;
    case NR_splice: a[4] &= 0xffff; a[5] |= SPLICE_F_NONBLOCK; return nr;
    case NR_tee: a[2] &= 0xffff; a[3] |= SPLICE_F_NONBLOCK; return nr;
    case NR_vmsplice: a[3] |= SPLICE_F_NONBLOCK; return nr;
    case NR_copy_file_range: a[4] &= 0xffff; return nr;

    /* sockets */
    case NR_socket: case NR_socketpair:
      a[1] |= SOCK_NONBLOCK;
      if (!c->net_isolated) a[0] = AF_UNIX;
      return nr;
    case NR_accept:
      nr = NR_accept4;
      a[3] = 0;
      /* fall through */
    case NR_accept4:
      a[3] |= SOCK_NONBLOCK;
      return nr;
    case NR_connect: case NR_sendmmsg:
      if (nr == NR_sendmmsg) a[3] |= MSG_DONTWAIT;
      return c->net_isolated ? nr : -1;
    case NR_sendto:
      a[3] |= MSG_DONTWAIT;
      if (!c->net_isolated) a[4] = a[5] = 0;
      return nr;
    case NR_sendmsg:
      a[2] |= MSG_DONTWAIT;
      return c->net_isolated ? nr : -1;
    case NR_recvfrom: a[3] |= MSG_DONTWAIT; return nr;
    case NR_recvmsg: a[2] |= MSG_DONTWAIT; return nr;
    case NR_recvmmsg: a[3] |= MSG_DONTWAIT; a[4] = (uintptr_t)&tiny; return nr;

    /* calls that sleep: a tiny timeout */
    case NR_nanosleep: a[0] = (uintptr_t)&tiny; return nr;
    case NR_clock_nanosleep: a[2] = (uintptr_t)&tiny; return nr;
    case NR_ppoll: a[2] = (uintptr_t)&tiny; return nr;
    case NR_pselect6: a[4] = (uintptr_t)&tiny; return nr;
    case NR_epoll_pwait: a[3] = 0; return nr;
    case NR_epoll_pwait2: a[3] = (uintptr_t)&tiny; return nr;
    case NR_rt_sigtimedwait: a[2] = (uintptr_t)&tiny; return nr;
    case NR_io_getevents: case NR_io_pgetevents: a[4] = (uintptr_t)&tiny; return nr;
    case NR_futex: {
      unsigned cmd = (unsigned)a[1] & ~(unsigned)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
      if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
          cmd == FUTEX_WAIT_REQUEUE_PI || cmd == 13 /* FUTEX_LOCK_PI2 */)
        a[3] = (uintptr_t)&tiny;
      return nr;
    }
    case NR_futex_waitv: a[3] = (uintptr_t)&tiny; a[4] = CLOCK_MONOTONIC; return nr;
    case NR_futex_wait: a[4] = (uintptr_t)&tiny; a[5] = CLOCK_MONOTONIC; return nr;
    case NR_wait4: a[2] |= WNOHANG; return nr;
    case NR_waitid: a[3] |= WNOHANG; return nr;
    default:
      return nr >= 1000 && nr <= 1010 ? -1 : nr;
  }
}

/* The child's buffer: words that are zero, small, letters (short file names), pointers back
 * into the buffer or the scratch area, or random bytes. */
static void fill(struct child *c, char *p, size_t n) {
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t w;
    switch (rnd(c) % 8) {
      case 0: case 1: w = 0; break;
      case 2: w = rnd(c) % 16; break;
      case 3: w = 'a' + rnd(c) % 4; break;
      case 4: w = (uintptr_t)c->buf + rnd(c) % BUF_SIZE; break;
      case 5: w = (uintptr_t)c->scratch + rnd(c) % (SCRATCH_PAGES * PAGE); break;
      default: w = rnd(c); break;
    }
    memcpy(p + i, &w, 8);
  }
  for (size_t i = 0; i < n; i++)
    if (p[i] == '/' || p[i] == '.') p[i] = 'x';
}

static void put(int fd, const char *s) {
  if (fd >= 0) write(fd, s, strlen(s));
}

static void scratch_dir(char *out, size_t n, unsigned long long seed, int index) {
  snprintf(out, n, "/tmp/sysfuzz-%llu-%d", seed, index);
}

static void die(int fd, const char *what) {
  char line[160];
  snprintf(line, sizeof line, "sysfuzz: child setup: %s: %s\n", what, strerror(errno));
  put(fd, line);
  syscall(SYS_exit_group, 125);
}

/* ---- the signal storm ---- */

#define STORM_SENDS_PER_CALL 2

static struct progress *storm_prog;
static volatile int storm_done;
static pid_t storm_main_tid;

static void storm_handler(int sig) {
  (void)sig;
  if (storm_prog != NULL) storm_prog->signals++;
}

static void storm_info_handler(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  (void)si;
  storm_handler(sig);
}

static void storm_handle(int sig, void (*h)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static const int storm_signals[] = {SIGUSR1, SIGUSR2, SIGALRM, SIGPROF, SIGHUP, SIGCHLD, SIGURG, SIGWINCH, 0, 1, 2};

/* Entries 0, 1 and 2 of storm_signals stand for SIGRTMIN+0..2 (SIGRTMIN is not a constant). */
static int storm_signal(uint64_t r) {
  int n = (int)(sizeof storm_signals / sizeof storm_signals[0]);
  int s = storm_signals[r % (uint64_t)n];
  return s <= 2 ? SIGRTMIN + s : s;
}

struct storm_sender {
  uint64_t rng;
  long sends;
};

static void *storm_thread(void *arg) {
  struct storm_sender *st = arg;
  pid_t self = getpid();
  for (long i = 0; i < st->sends && !storm_done; i++) {
    uint64_t x = st->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    st->rng = x;
    x *= 0x2545F4914F6CDD1DULL;
    int sig = storm_signal(x >> 8);
    switch (x % 4) {
      case 0: syscall(SYS_kill, self, sig); break;
      case 1: syscall(SYS_tgkill, self, storm_main_tid, sig); break;
      case 2: {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        si.si_signo = sig;
        si.si_code = SI_QUEUE;
        si.si_pid = self;
        si.si_value.sival_int = (int)i;
        syscall(SYS_rt_sigqueueinfo, self, sig, &si);
        break;
      }
      default: sched_yield(); break;
    }
  }
  return NULL;
}

/* Handlers, timers and a sender thread, all derived from the child's generator. */
static void storm_start(struct child *c, long count, struct progress *prog) {
  static struct storm_sender sender;
  storm_prog = prog;
  storm_main_tid = (pid_t)syscall(SYS_gettid);
  storm_handle(SIGUSR1, storm_handler, SA_RESTART);
  storm_handle(SIGALRM, storm_handler, SA_RESTART);
  storm_handle(SIGUSR2, storm_handler, 0);
  storm_handle(SIGPROF, storm_handler, 0);
  storm_handle(SIGHUP, SIG_IGN, 0);
  for (int k = 0; k < 3; k++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = storm_info_handler;
    sa.sa_flags = SA_SIGINFO | (k == 0 ? SA_RESTART : 0);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN + k, &sa, NULL);
  }
  struct itimerval real = {{0, 50 + (long)(rnd(c) % 200)}, {0, 100}};
  struct itimerval prof = {{0, 100 + (long)(rnd(c) % 400)}, {0, 200}};
  setitimer(ITIMER_REAL, &real, NULL);
  setitimer(ITIMER_PROF, &prof, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN + 1;
  ev.sigev_value.sival_int = 7;
  timer_t t;
  if (timer_create(CLOCK_MONOTONIC, &ev, &t) == 0) {
    struct itimerspec its = {{0, 30000 + (long)(rnd(c) % 100000)}, {0, 10000}};
    timer_settime(t, 0, &its, NULL);
  }
  sender.rng = mix(rnd(c));
  sender.sends = STORM_SENDS_PER_CALL * count;
  pthread_t th;
  pthread_create(&th, NULL, storm_thread, &sender);
}

static void child(unsigned long long seed, int index, long count, struct progress *prog, int storm) {
  struct child c = {0};
  int err = fcntl(2, F_DUPFD_CLOEXEC, TRACE_FD); /* where setup errors and traces go */
  c.rng = mix(mix(seed) + (uint64_t)index);
  c.self = getpid();
  c.trace = getenv("SYSFUZZ_TRACE") != NULL;

  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  /* Private namespaces where the kernel allows them (root under qemu); best effort, one by one. */
  c.ipc_isolated = unshare(CLONE_NEWIPC) == 0;
  c.net_isolated = unshare(CLONE_NEWNET) == 0;
  unshare(CLONE_NEWUTS);

  /* fds 0-2 on /dev/null, nothing else open but the trace fd */
  for (int fd = 0; fd < 3; fd++) {
    close(fd);
    if (open("/dev/null", O_RDWR) != fd) die(err, "/dev/null");
  }
  if (syscall(SYS_close_range, 3, TRACE_FD - 1, 0) != 0)
    for (int fd = 3; fd < 64; fd++) close(fd);
  char dir[64];
  scratch_dir(dir, sizeof dir, seed, index);
  mkdir(dir, 0700);
  if (chdir(dir) != 0) die(err, dir);

  c.scratch = mmap(NULL, SCRATCH_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  c.buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  c.rdonly = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (c.scratch == MAP_FAILED || c.buf == MAP_FAILED || c.rdonly == MAP_FAILED) die(err, "mmap");
  c.unmapped = c.rdonly + PAGE;
  fill(&c, c.buf, BUF_SIZE);
  fill(&c, c.rdonly, PAGE);
  fill(&c, c.scratch, SCRATCH_PAGES * PAGE);
  if (munmap(c.unmapped, PAGE) != 0 || mprotect(c.rdonly, PAGE, PROT_READ) != 0) die(err, "munmap/mprotect");
  c.brk0 = (uintptr_t)syscall(SYS_brk, 0);
  if (storm) storm_start(&c, count, prog);
  if (!c.trace && err >= 0) {
    close(err);
    err = -1;
  }

  for (long i = 0; i < count; i++) {
    long nr = (long)(rnd(&c) % (MAX_NR + 1));
    uint64_t a[6];
    for (int k = 0; k < 6; k++) a[k] = arg(&c);
    long call = adjust(&c, nr, a);
    if (prog != NULL) {
      prog->done = i;
      prog->last_nr = nr;
    }
    if (call < 0) continue;
    if (c.trace) {
      char line[256];
      snprintf(line, sizeof line, "sysfuzz[%d] %ld: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", index, i, call,
               (unsigned long)a[0], (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
               (unsigned long)a[4], (unsigned long)a[5]);
      put(err, line);
    }
    long r = syscall(call, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (call == NR_clone && r == 0) syscall(SYS_exit, 0); /* the clone child: gone at once */
    if (call == NR_msgget || call == NR_semget || call == NR_shmget) note_ipc(&c, call, r);
  }
  if (prog != NULL) prog->done = count;
  storm_done = 1;
  /* Objects that would outlive the child in a shared IPC namespace. */
  if (!c.ipc_isolated) {
    for (int k = 0; k < c.nipc; k++) {
      long id = c.ipc_ids[k] >> 2;
      switch (c.ipc_ids[k] & 3) {
        case 0: syscall(NR_msgctl, id, IPC_RMID, 0); break;
        case 1: syscall(NR_semctl, id, 0, IPC_RMID, 0); break;
        default: syscall(NR_shmctl, id, IPC_RMID, 0); break;
      }
    }
  }
  syscall(SYS_exit_group, 0);
}

/* rm -rf of a child's directory; modes are restored first, since the fuzzer may have cleared them. */
static void remove_tree(int parent, const char *name) {
  struct stat st;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    fchmodat(parent, name, 0700, 0);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (d != NULL) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) remove_tree(dirfd(d), e->d_name);
      closedir(d);
    } else if (fd >= 0) {
      close(fd);
    }
    unlinkat(parent, name, AT_REMOVEDIR);
  } else {
    unlinkat(parent, name, 0);
  }
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  int storm = argc == 5 && strcmp(argv[4], "storm") == 0;
  if (argc != 4 && !storm) {
    fprintf(stderr, "usage: sysfuzz SEED COUNT CHILDREN [storm]\n");
    return 2;
  }
  char *end;
  unsigned long long seed = strtoull(argv[1], &end, 0);
  long count = strtol(argv[2], NULL, 0);
  int children = atoi(argv[3]);
  if (*end != '\0' || count < 0 || children < 1 || children > 1024) {
    fprintf(stderr, "sysfuzz: bad arguments (SEED a number, COUNT >= 0, CHILDREN 1..1024)\n");
    return 2;
  }
  printf("sysfuzz: seed %llu, %ld calls in each of %d children%s\n", seed, count, children,
         storm ? ", in a signal storm" : "");
  fflush(stdout);

  struct progress *prog = mmap(NULL, sizeof(struct progress) * (size_t)children, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (prog == MAP_FAILED) prog = NULL; /* no progress counts then */
  pid_t *pids = calloc((size_t)children, sizeof *pids);
  int *status = calloc((size_t)children, sizeof *status);
  char *how = calloc((size_t)children, 1); /* 0 running, 'e' ended, 's' stopped, 't' timed out */
  for (int i = 0; i < children; i++) {
    pid_t p = fork();
    if (p < 0) {
      fprintf(stderr, "sysfuzz: fork: %s\n", strerror(errno));
      children = i;
      break;
    }
    if (p == 0) child(seed, i, count, prog != NULL ? &prog[i] : NULL, storm);
    pids[i] = p;
  }

  long long deadline = now_ns() + 10000000000LL + count * 1000000LL;
  int left = children;
  while (left > 0) {
    int ws;
    pid_t p = waitpid(-1, &ws, WNOHANG | WUNTRACED);
    if (p < 0 && errno == EINTR) continue;
    if (p < 0) break;
    if (p == 0) {
      if (now_ns() > deadline) {
        for (int i = 0; i < children; i++)
          if (how[i] == 0) {
            how[i] = 't';
            kill(pids[i], SIGKILL);
          }
        deadline = now_ns() + 10000000000LL;
      }
      struct timespec nap = {0, 10000000};
      nanosleep(&nap, NULL);
      continue;
    }
    for (int i = 0; i < children; i++) {
      if (pids[i] != p) continue;
      if (WIFSTOPPED(ws)) {
        how[i] = 's';
        status[i] = WSTOPSIG(ws);
        kill(p, SIGKILL);
        kill(p, SIGCONT);
      } else {
        if (how[i] == 0) how[i] = 'e';
        if (how[i] == 'e') status[i] = ws;
        left--;
      }
    }
  }

  for (int i = 0; i < children; i++) {
    char calls[64] = "";
    if (prog != NULL)
      snprintf(calls, sizeof calls, " after %ld calls (last nr %ld)", prog[i].done, prog[i].last_nr);
    if (how[i] == 't') {
      printf("child %d: timed out, killed%s\n", i, calls);
    } else if (how[i] == 's') {
      printf("child %d: stopped by signal %d (%s), killed%s\n", i, status[i], strsignal(status[i]), calls);
    } else if (WIFEXITED(status[i])) {
      printf("child %d: exit %d%s", i, WEXITSTATUS(status[i]), prog != NULL && prog[i].done == count ? "" : calls);
      if (storm && prog != NULL) printf(", %ld signals handled", prog[i].signals);
      printf("\n");
    } else if (WIFSIGNALED(status[i])) {
      printf("child %d: signal %d (%s)%s\n", i, WTERMSIG(status[i]), strsignal(WTERMSIG(status[i])), calls);
    } else {
      printf("child %d: lost\n", i);
    }
    char dir[64];
    scratch_dir(dir, sizeof dir, seed, i);
    remove_tree(AT_FDCWD, dir);
  }
  return 0;
}
