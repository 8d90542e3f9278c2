package dev.popcornj.kernel.abi;

import java.util.List;

/**
 * Linux riscv64 system-call numbers: the asm-generic table (include/uapi/asm-generic/unistd.h) with
 * the 64-bit names (newfstatat, fstat, mmap) and the riscv-specific calls at 258 and 259; the
 * time64 calls 403..423 exist only on 32-bit targets and are absent.
 */
public final class Syscalls {
  /**
   * What a system-call handler returns when it set the task's registers itself (execve, exit,
   * rt_sigreturn): no value goes to a0.
   */
  public static final long NO_RESULT = Long.MIN_VALUE;

  public static final int GETCWD = 17;
  public static final int EVENTFD2 = 19;
  public static final int EPOLL_CREATE1 = 20;
  public static final int EPOLL_CTL = 21;
  public static final int EPOLL_PWAIT = 22;
  public static final int DUP = 23;
  public static final int DUP3 = 24;
  public static final int FCNTL = 25;
  public static final int IOCTL = 29;
  public static final int MKDIRAT = 34;
  public static final int UNLINKAT = 35;
  public static final int SYMLINKAT = 36;
  public static final int LINKAT = 37;
  public static final int TRUNCATE = 45;
  public static final int FTRUNCATE = 46;
  public static final int FACCESSAT = 48;
  public static final int CHDIR = 49;
  public static final int FCHDIR = 50;
  public static final int FCHMOD = 52;
  public static final int FCHMODAT = 53;
  public static final int FCHOWNAT = 54;
  public static final int FCHOWN = 55;
  public static final int OPENAT = 56;
  public static final int CLOSE = 57;
  public static final int PIPE2 = 59;
  public static final int GETDENTS64 = 61;
  public static final int LSEEK = 62;
  public static final int READ = 63;
  public static final int WRITE = 64;
  public static final int READV = 65;
  public static final int WRITEV = 66;
  public static final int PREAD64 = 67;
  public static final int PWRITE64 = 68;
  public static final int PREADV = 69;
  public static final int PWRITEV = 70;
  public static final int SENDFILE = 71;
  public static final int SPLICE = 76;
  public static final int COPY_FILE_RANGE = 285;
  public static final int CLOSE_RANGE = 436;
  public static final int PSELECT6 = 72;
  public static final int PPOLL = 73;
  public static final int READLINKAT = 78;
  public static final int NEWFSTATAT = 79;
  public static final int FSTAT = 80;
  public static final int SYNC = 81;
  public static final int FSYNC = 82;
  public static final int FDATASYNC = 83;
  public static final int UTIMENSAT = 88;
  public static final int EXIT = 93;
  public static final int EXIT_GROUP = 94;
  public static final int WAITID = 95;
  public static final int GETITIMER = 102;
  public static final int SETITIMER = 103;
  public static final int TIMER_CREATE = 107;
  public static final int TIMER_GETTIME = 108;
  public static final int TIMER_GETOVERRUN = 109;
  public static final int TIMER_SETTIME = 110;
  public static final int TIMER_DELETE = 111;
  public static final int SET_TID_ADDRESS = 96;
  public static final int FUTEX = 98;
  public static final int SET_ROBUST_LIST = 99;
  public static final int GET_ROBUST_LIST = 100;
  public static final int NANOSLEEP = 101;
  public static final int KEXEC_LOAD = 104;
  public static final int CLOCK_GETTIME = 113;
  public static final int CLOCK_GETRES = 114;
  public static final int CLOCK_NANOSLEEP = 115;
  public static final int SYSLOG = 116;
  public static final int SCHED_SETSCHEDULER = 119;
  public static final int SCHED_GETSCHEDULER = 120;
  public static final int SCHED_GETPARAM = 121;
  public static final int SCHED_SETAFFINITY = 122;
  public static final int SCHED_GETAFFINITY = 123;
  public static final int SCHED_YIELD = 124;
  public static final int SCHED_GET_PRIORITY_MAX = 125;
  public static final int SCHED_GET_PRIORITY_MIN = 126;
  public static final int SCHED_RR_GET_INTERVAL = 127;
  public static final int RT_TGSIGQUEUEINFO = 240;
  public static final int RESTART_SYSCALL = 128;
  public static final int KILL = 129;
  public static final int TKILL = 130;
  public static final int TGKILL = 131;
  public static final int SIGALTSTACK = 132;
  public static final int RT_SIGSUSPEND = 133;
  public static final int RT_SIGACTION = 134;
  public static final int RT_SIGPROCMASK = 135;
  public static final int RT_SIGPENDING = 136;
  public static final int RT_SIGTIMEDWAIT = 137;
  public static final int RT_SIGQUEUEINFO = 138;
  public static final int RT_SIGRETURN = 139;
  public static final int SETPRIORITY = 140;
  public static final int GETPRIORITY = 141;
  public static final int REBOOT = 142;
  public static final int SETREGID = 143;
  public static final int SETGID = 144;
  public static final int SETREUID = 145;
  public static final int SETUID = 146;
  public static final int SETRESUID = 147;
  public static final int GETRESUID = 148;
  public static final int SETRESGID = 149;
  public static final int GETRESGID = 150;
  public static final int TIMES = 153;
  public static final int SETPGID = 154;
  public static final int GETPGID = 155;
  public static final int GETSID = 156;
  public static final int SETSID = 157;
  public static final int GETGROUPS = 158;
  public static final int SETGROUPS = 159;
  public static final int UNAME = 160;
  public static final int SETHOSTNAME = 161;
  public static final int GETRLIMIT = 163;
  public static final int SETRLIMIT = 164;
  public static final int GETRUSAGE = 165;
  public static final int UMASK = 166;
  public static final int PRCTL = 167;
  public static final int GETCPU = 168;
  public static final int GETTIMEOFDAY = 169;
  public static final int GETPID = 172;
  public static final int GETPPID = 173;
  public static final int GETUID = 174;
  public static final int GETEUID = 175;
  public static final int GETGID = 176;
  public static final int GETEGID = 177;
  public static final int GETTID = 178;
  public static final int SYSINFO = 179;
  public static final int BRK = 214;
  public static final int MUNMAP = 215;
  public static final int MREMAP = 216;
  public static final int CLONE = 220;
  public static final int EXECVE = 221;
  public static final int MMAP = 222;
  public static final int MPROTECT = 226;
  public static final int MSYNC = 227;
  public static final int MADVISE = 233;
  public static final int MLOCK = 228;
  public static final int MUNLOCK = 229;
  public static final int MLOCKALL = 230;
  public static final int MUNLOCKALL = 231;
  public static final int MINCORE = 232;
  public static final int MLOCK2 = 284;
  public static final int SOCKET = 198;
  public static final int SOCKETPAIR = 199;
  public static final int BIND = 200;
  public static final int LISTEN = 201;
  public static final int ACCEPT = 202;
  public static final int CONNECT = 203;
  public static final int GETSOCKNAME = 204;
  public static final int GETPEERNAME = 205;
  public static final int SENDTO = 206;
  public static final int RECVFROM = 207;
  public static final int SETSOCKOPT = 208;
  public static final int GETSOCKOPT = 209;
  public static final int SHUTDOWN = 210;
  public static final int SENDMSG = 211;
  public static final int RECVMSG = 212;
  public static final int ACCEPT4 = 242;
  public static final int RISCV_HWPROBE = 258;
  public static final int RISCV_FLUSH_ICACHE = 259;
  public static final int WAIT4 = 260;
  public static final int PRLIMIT64 = 261;
  public static final int RENAMEAT2 = 276;
  public static final int GETRANDOM = 278;
  public static final int MEMBARRIER = 283;
  public static final int STATX = 291;
  public static final int RSEQ = 293;
  public static final int EXECVEAT = 281;
  public static final int CLONE3 = 435;

  /**
   * PopcornJ's own: boot what kexec_load loaded on a secondary partition (see KexecCalls). The
   * next, 1001, is popcorn_migrate(kernel, flags, pid): a thread (pid 0) or every thread of process
   * pid moves to kernel; guest/include/popcorn.h documents both for guest programs.
   */
  public static final int POPCORN_BOOT_SECONDARY = 1000;

  /** PopcornJ's own: move a thread or a process to another kernel (see MigrationService). */
  public static final int POPCORN_MIGRATE = 1001;

  public static final int FACCESSAT2 = 439;
  public static final int EPOLL_PWAIT2 = 441;

  /** Number and name of every riscv64 system call, for reporting calls that are not implemented. */
  private static final String TABLE =
      "0 io_setup 1 io_destroy 2 io_submit 3 io_cancel 4 io_getevents 5 setxattr 6 lsetxattr "
          + "7 fsetxattr 8 getxattr 9 lgetxattr 10 fgetxattr 11 listxattr 12 llistxattr "
          + "13 flistxattr 14 removexattr 15 lremovexattr 16 fremovexattr 17 getcwd "
          + "18 lookup_dcookie 19 eventfd2 20 epoll_create1 21 epoll_ctl 22 epoll_pwait 23 dup "
          + "24 dup3 25 fcntl 26 inotify_init1 27 inotify_add_watch 28 inotify_rm_watch "
          + "29 ioctl 30 ioprio_set 31 ioprio_get 32 flock 33 mknodat 34 mkdirat 35 unlinkat "
          + "36 symlinkat 37 linkat 38 renameat 39 umount2 40 mount 41 pivot_root "
          + "42 nfsservctl 43 statfs 44 fstatfs 45 truncate 46 ftruncate 47 fallocate "
          + "48 faccessat 49 chdir 50 fchdir 51 chroot 52 fchmod 53 fchmodat 54 fchownat "
          + "55 fchown 56 openat 57 close 58 vhangup 59 pipe2 60 quotactl 61 getdents64 "
          + "62 lseek 63 read 64 write 65 readv 66 writev 67 pread64 68 pwrite64 69 preadv "
          + "70 pwritev 71 sendfile 72 pselect6 73 ppoll 74 signalfd4 75 vmsplice 76 splice "
          + "77 tee 78 readlinkat 79 newfstatat 80 fstat 81 sync 82 fsync 83 fdatasync "
          + "84 sync_file_range 85 timerfd_create 86 timerfd_settime 87 timerfd_gettime "
          + "88 utimensat 89 acct 90 capget 91 capset 92 personality 93 exit 94 exit_group "
          + "95 waitid 96 set_tid_address 97 unshare 98 futex 99 set_robust_list "
          + "100 get_robust_list 101 nanosleep 102 getitimer 103 setitimer 104 kexec_load "
          + "105 init_module 106 delete_module 107 timer_create 108 timer_gettime "
          + "109 timer_getoverrun 110 timer_settime 111 timer_delete 112 clock_settime "
          + "113 clock_gettime 114 clock_getres 115 clock_nanosleep 116 syslog 117 ptrace "
          + "118 sched_setparam 119 sched_setscheduler 120 sched_getscheduler "
          + "121 sched_getparam 122 sched_setaffinity 123 sched_getaffinity 124 sched_yield "
          + "125 sched_get_priority_max 126 sched_get_priority_min 127 sched_rr_get_interval "
          + "128 restart_syscall 129 kill 130 tkill 131 tgkill 132 sigaltstack "
          + "133 rt_sigsuspend 134 rt_sigaction 135 rt_sigprocmask 136 rt_sigpending "
          + "137 rt_sigtimedwait 138 rt_sigqueueinfo 139 rt_sigreturn 140 setpriority "
          + "141 getpriority 142 reboot 143 setregid 144 setgid 145 setreuid 146 setuid "
          + "147 setresuid 148 getresuid 149 setresgid 150 getresgid 151 setfsuid 152 setfsgid "
          + "153 times 154 setpgid 155 getpgid 156 getsid 157 setsid 158 getgroups "
          + "159 setgroups 160 uname 161 sethostname 162 setdomainname 163 getrlimit "
          + "164 setrlimit 165 getrusage 166 umask 167 prctl 168 getcpu 169 gettimeofday "
          + "170 settimeofday 171 adjtimex 172 getpid 173 getppid 174 getuid 175 geteuid "
          + "176 getgid 177 getegid 178 gettid 179 sysinfo 180 mq_open 181 mq_unlink "
          + "182 mq_timedsend 183 mq_timedreceive 184 mq_notify 185 mq_getsetattr 186 msgget "
          + "187 msgctl 188 msgrcv 189 msgsnd 190 semget 191 semctl 192 semtimedop 193 semop "
          + "194 shmget 195 shmctl 196 shmat 197 shmdt 198 socket 199 socketpair 200 bind "
          + "201 listen 202 accept 203 connect 204 getsockname 205 getpeername 206 sendto "
          + "207 recvfrom 208 setsockopt 209 getsockopt 210 shutdown 211 sendmsg 212 recvmsg "
          + "213 readahead 214 brk 215 munmap 216 mremap 217 add_key 218 request_key "
          + "219 keyctl 220 clone 221 execve 222 mmap 223 fadvise64 224 swapon 225 swapoff "
          + "226 mprotect 227 msync 228 mlock 229 munlock 230 mlockall 231 munlockall "
          + "232 mincore 233 madvise 234 remap_file_pages 235 mbind 236 get_mempolicy "
          + "237 set_mempolicy 238 migrate_pages 239 move_pages 240 rt_tgsigqueueinfo "
          + "241 perf_event_open 242 accept4 243 recvmmsg 258 riscv_hwprobe "
          + "259 riscv_flush_icache 260 wait4 261 prlimit64 262 fanotify_init "
          + "263 fanotify_mark 264 name_to_handle_at 265 open_by_handle_at 266 clock_adjtime "
          + "267 syncfs 268 setns 269 sendmmsg 270 process_vm_readv 271 process_vm_writev "
          + "272 kcmp 273 finit_module 274 sched_setattr 275 sched_getattr 276 renameat2 "
          + "277 seccomp 278 getrandom 279 memfd_create 280 bpf 281 execveat 282 userfaultfd "
          + "283 membarrier 284 mlock2 285 copy_file_range 286 preadv2 287 pwritev2 "
          + "288 pkey_mprotect 289 pkey_alloc 290 pkey_free 291 statx 292 io_pgetevents "
          + "293 rseq 294 kexec_file_load 424 pidfd_send_signal 425 io_uring_setup "
          + "426 io_uring_enter 427 io_uring_register 428 open_tree 429 move_mount 430 fsopen "
          + "431 fsconfig 432 fsmount 433 fspick 434 pidfd_open 435 clone3 436 close_range "
          + "437 openat2 438 pidfd_getfd 439 faccessat2 440 process_madvise 441 epoll_pwait2 "
          + "442 mount_setattr 443 quotactl_fd 444 landlock_create_ruleset "
          + "445 landlock_add_rule 446 landlock_restrict_self 447 memfd_secret "
          + "448 process_mrelease 449 futex_waitv 450 set_mempolicy_home_node 451 cachestat "
          + "452 fchmodat2 453 map_shadow_stack 454 futex_wake 455 futex_wait "
          + "456 futex_requeue 457 statmount 458 listmount 459 lsm_get_self_attr "
          + "460 lsm_set_self_attr 461 lsm_list_modules 462 mseal 463 setxattrat "
          + "464 getxattrat 465 listxattrat 466 removexattrat 467 open_tree_attr";

  private static final List<String> NAMES = buildNames();

  private Syscalls() {}

  private static List<String> buildNames() {
    String[] tokens = TABLE.trim().split(" ");
    int max = 0;
    for (int i = 0; i < tokens.length; i += 2) {
      max = Math.max(max, Integer.parseInt(tokens[i]));
    }
    String[] names = new String[max + 1];
    java.util.Arrays.fill(names, "");
    for (int i = 0; i < tokens.length; i += 2) {
      names[Integer.parseInt(tokens[i])] = tokens[i + 1];
    }
    return List.of(names);
  }

  /** The name of system call nr, or "syscall_NR" when riscv64 has no call with that number. */
  public static String name(long nr) {
    if (nr >= 0 && nr < NAMES.size() && !NAMES.get((int) nr).isEmpty()) {
      return NAMES.get((int) nr);
    }
    return "syscall_" + nr;
  }
}
