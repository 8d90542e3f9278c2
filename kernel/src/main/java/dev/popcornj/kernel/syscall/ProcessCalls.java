package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.abi.UtsnameDescriptor;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Futexes;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.KernelControl;
import dev.popcornj.kernel.proc.Kill;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.proc.WholeSystem;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.SigAction;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.signal.SignalCalls;
import dev.popcornj.machine.sim.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The process system calls: clone, clone3, execve, exit, exit_group, wait4, identities, process
 * groups and sessions, signals (sending, dispositions, masks, sigsuspend), futex, scheduling and
 * affinity, limits, uname, getrandom, reboot and the kernel log.
 *
 * <p>Owned by one kernel instance; each call runs on the calling task's kernel stack.
 */
final class ProcessCalls {

  private static final int ROBUST_LIST_HEAD_LENGTH = 24;
  private static final int FUTEX_CMD_MASK = 0x7f;
  private static final int GRND_ALL = 1 | 2 | 4;
  private static final int PR_SET_NAME = 15;
  private static final int PR_GET_NAME = 16;

  /** Linux's limit on supplementary groups (setgroups beyond it is EINVAL). */
  private static final int NGROUPS_MAX = 65536;

  // More pointers than this cannot fit in any room, so reading stops there with E2BIG.
  private static final int MAX_ARG_POINTERS = (int) (Param.MOST_ARG_SPACE / 8);
  private static final int CLONE_ARGS_MIN = 64;
  private static final long LINUX_REBOOT_MAGIC1 = 0xfee1deadL;
  private static final long LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedcL;
  private static final long LINUX_REBOOT_CMD_RESTART = 0x01234567L;
  private static final long LINUX_REBOOT_CMD_HALT = 0xcdef0123L;
  private static final long LINUX_REBOOT_CMD_CAD_ON = 0x89abcdefL;
  private static final long LINUX_REBOOT_CMD_CAD_OFF = 0L;

  private final ProcessTable table;
  private final Scheduler scheduler;
  private final Lifecycle lifecycle;
  private final Signalling signals;
  private final Futexes futexes;
  private final Entropy entropy;
  private final KernelLog log;
  private final KernelControl control;
  private final LongSupplier epochSeconds;
  private final Kill kill;
  private final WholeSystem system;

  ProcessCalls(
      ProcessTable table,
      Scheduler scheduler,
      Lifecycle lifecycle,
      Signalling signals,
      Futexes futexes,
      Entropy entropy,
      KernelLog log,
      KernelControl control,
      LongSupplier epochSeconds,
      Kill kill,
      WholeSystem system) {
    this.epochSeconds = epochSeconds;
    this.kill = kill;
    this.system = system;
    this.table = table;
    this.scheduler = scheduler;
    this.lifecycle = lifecycle;
    this.signals = signals;
    this.futexes = futexes;
    this.entropy = entropy;
    this.log = log;
    this.control = control;
  }

  // --- life and death

  long clone(Task t, long flags, long stack, long ptid, long tls, long ctid) {
    return lifecycle.clone(t, flags & ~0xffL, stack, ptid, tls, ctid, (int) (flags & 0xff));
  }

  long clone3(Task t, long args, long size) {
    if (size < CLONE_ARGS_MIN || size > 4096) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    long flags = m.read64(args);
    long childTid = m.read64(args + 16);
    long parentTid = m.read64(args + 24);
    long exitSignal = m.read64(args + 32);
    long stack = m.read64(args + 40);
    long stackSize = m.read64(args + 48);
    long tls = m.read64(args + 56);
    if (size > CLONE_ARGS_MIN && m.read64(args + 64) != 0) {
      return -Errno.EINVAL; // set_tid needs pid namespaces
    }
    if ((flags & 0xff) != 0 || exitSignal > Signals.NSIG || (flags & Lifecycle.CLONE_PIDFD) != 0) {
      return -Errno.EINVAL;
    }
    if ((stack == 0) != (stackSize == 0)) {
      return -Errno.EINVAL;
    }
    long sp = stack == 0 ? 0 : stack + stackSize;
    return lifecycle.clone(t, flags, sp, parentTid, tls, childTid, (int) exitSignal);
  }

  long execve(Task t, long pathAddr, long argvAddr, long envAddr) {
    UserMemory m = t.process().memory();
    String path = cString(m, pathAddr, 4096);
    if (path == null) {
      return -Errno.ENAMETOOLONG;
    }
    if (path.isEmpty()) {
      return -Errno.ENOENT;
    }
    return exec(t, path, argvAddr, envAddr);
  }

  /**
   * execveat, which glibc's fexecve is (a server re-executing itself through a descriptor of its
   * own program, as Dropbear does for each connection). A path relative to a directory descriptor
   * and an empty path with AT_EMPTY_PATH (the descriptor's file itself) are reached through
   * /proc/self/fd/DIRFD, the descriptor's magic link, which works for descriptors with FD_CLOEXEC
   * too since the program is opened before they close; the new program sees that path where Linux
   * shows /dev/fd/DIRFD. AT_SYMLINK_NOFOLLOW is accepted and not enforced.
   */
  long execveat(Task t, long dirfd, long pathAddr, long argvAddr, long envAddr, long flags) {
    if ((flags & ~(long) (FileConstants.AT_EMPTY_PATH | FileConstants.AT_SYMLINK_NOFOLLOW)) != 0) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    String path = cString(m, pathAddr, 4096);
    if (path == null) {
      return -Errno.ENAMETOOLONG;
    }
    int fd = (int) dirfd;
    if (path.startsWith("/") || (fd == FileConstants.AT_FDCWD && !path.isEmpty())) {
      return exec(t, path, argvAddr, envAddr);
    }
    if (path.isEmpty() && (flags & FileConstants.AT_EMPTY_PATH) == 0) {
      return -Errno.ENOENT;
    }
    if (fd < 0 || t.process().files().get(fd) == null) {
      return -Errno.EBADF;
    }
    String through = "/proc/self/fd/" + fd;
    return exec(t, path.isEmpty() ? through : through + "/" + path, argvAddr, envAddr);
  }

  private long exec(Task t, String path, long argvAddr, long envAddr) {
    UserMemory m = t.process().memory();
    List<String> argv = stringArray(m, argvAddr);
    List<String> env = stringArray(m, envAddr);
    if (argv == null || env == null || !argumentsFit(t.process(), path, argv, env)) {
      // Linux opens the file before it copies the strings: a missing one is ENOENT, not E2BIG.
      try {
        lifecycle.openProgram(t.process(), path);
      } catch (ErrnoException e) {
        return -e.errno();
      }
      return -Errno.E2BIG;
    }
    try {
      lifecycle.execve(t, path, argv, env);
    } catch (ErrnoException e) {
      return -e.errno();
    } catch (BadProgramException e) {
      return -e.errno();
    }
    return Syscalls.NO_RESULT;
  }

  private static List<String> stringArray(UserMemory m, long addr) {
    List<String> out = new ArrayList<>();
    if (addr == 0) {
      return out;
    }
    for (int i = 0; ; i++) {
      if (i >= MAX_ARG_POINTERS) {
        return null;
      }
      long p = m.read64(addr + 8L * i);
      if (p == 0) {
        return out;
      }
      String s = cString(m, p, Param.MAX_ARG_STRLEN);
      if (s == null) {
        return null;
      }
      out.add(s);
    }
  }

  /**
   * Whether execve's strings fit, as Linux counts them: each at most Param.MAX_ARG_STRLEN bytes
   * with its NUL, and the path, the strings and a pointer for each (argv counted as one at least)
   * within a quarter of the stack rlimit (bounded as {@link #ARG_MAX} and {@link #MOST_ARG_SPACE}
   * say).
   */
  private static boolean argumentsFit(Process p, String path, List<String> argv, List<String> env) {
    long stack = p.limit(RlimitDescriptor.RLIMIT_STACK)[0];
    long room =
        Math.max(Param.ARG_MAX, Math.min(Param.MOST_ARG_SPACE, Long.divideUnsigned(stack, 4)));
    room -= 8L * (Math.max(argv.size(), 1) + env.size());
    room -= path.getBytes(StandardCharsets.UTF_8).length + 1;
    for (List<String> strings : List.of(argv, env)) {
      for (String s : strings) {
        long n = s.getBytes(StandardCharsets.UTF_8).length + 1;
        if (n > Param.MAX_ARG_STRLEN) {
          return false;
        }
        room -= n;
      }
    }
    return room >= 0;
  }

  static String cString(UserMemory m, long addr, int max) {
    byte[] b = m.readCString(addr, max);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  long exit(Task t, long code) {
    if (t.process().guestOf() >= 0) {
      // A running copy: the process may have threads on other kernels, which only its home knows
      // of. This task ends here; home ends the process if it was the last (with this code).
      t.setExitCode((int) code & 0xff);
      t.post(SigInfo.kernel(Signals.SIGKILL));
      return Syscalls.NO_RESULT;
    }
    if (t.process().liveThreads() <= 1) {
      return exitGroup(t, code);
    }
    t.post(SigInfo.kernel(Signals.SIGKILL));
    return Syscalls.NO_RESULT;
  }

  long exitGroup(Task t, long code) {
    lifecycle.exitGroup(t, (int) (code & 0xff) << 8);
    return Syscalls.NO_RESULT;
  }

  long wait4(Task t, long pid, long status, long options, long rusage) {
    return lifecycle.wait4(t, pid, status, options, rusage);
  }

  // --- identity

  long getpid(Task t) {
    return t.process().pid();
  }

  long gettid(Task t) {
    return t.tid();
  }

  long getppid(Task t) {
    Process parent = t.process().parent();
    return parent == null ? t.process().remoteParent() : parent.pid();
  }

  long getresid(Task t, long a, long b, long c) {
    UserMemory m = t.process().memory();
    m.write32(a, 0);
    m.write32(b, 0);
    m.write32(c, 0);
    return 0;
  }

  /**
   * setresuid, setresgid, setreuid, setregid. Every task is root (uid and gid 0) and stays root, as
   * setuid and setgid keep it: each id given must be 0 or -1 (leave it), anything else is EPERM.
   */
  long setids(long... ids) {
    for (long id : ids) {
      if ((int) id != 0 && (int) id != -1) {
        return -Errno.EPERM;
      }
    }
    return 0;
  }

  /**
   * setgroups: root has no supplementary groups and keeps none, so a list holding gid 0 alone (what
   * initgroups gives root, as an SSH server's session does) changes nothing and succeeds; another
   * gid is EPERM, a size over NGROUPS_MAX EINVAL. getgroups goes on reporting none.
   */
  long setgroups(Task t, long size, long list) {
    int n = (int) size;
    if (n < 0 || n > NGROUPS_MAX) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    for (int i = 0; i < n; i++) {
      if (m.read32(list + 4L * i) != 0) {
        return -Errno.EPERM;
      }
    }
    return 0;
  }

  long setpgid(Task t, long pid, long pgid) {
    Process caller = t.process();
    Process p = pid == 0 ? caller : table.process(pid);
    if (pgid < 0) {
      return -Errno.EINVAL;
    }
    if (p == null || (p != caller && p.parent() != caller)) {
      return -Errno.ESRCH;
    }
    if (p.sid() != caller.sid() || p.pid() == p.sid()) {
      return -Errno.EPERM;
    }
    int group = pgid == 0 ? p.pid() : (int) pgid;
    if (group != p.pid()) {
      boolean exists = false;
      for (Process q : table.group(group)) {
        exists |= q.sid() == caller.sid();
      }
      if (!exists) {
        return -Errno.EPERM;
      }
    }
    p.setPgid(group);
    return 0;
  }

  long getpgid(Task t, long pid) {
    Process p = pid == 0 ? t.process() : table.process(pid);
    return p == null ? -Errno.ESRCH : p.pgid();
  }

  long getsid(Task t, long pid) {
    Process p = pid == 0 ? t.process() : table.process(pid);
    return p == null ? -Errno.ESRCH : p.sid();
  }

  long setsid(Task t) {
    Process p = t.process();
    if (!table.group(p.pid()).isEmpty() && p.pgid() == p.pid()) {
      return -Errno.EPERM;
    }
    for (Process q : table.processes()) {
      if (q != p && q.pgid() == p.pid()) {
        return -Errno.EPERM;
      }
    }
    p.setSid(p.pid());
    p.setPgid(p.pid());
    return p.pid();
  }

  // uname's nodename: Param.NODENAME, a name the kernel's services give it at boot, or what
  // sethostname set last.
  private String hostname = Param.NODENAME;

  String hostname() {
    return hostname;
  }

  void setHostname(String name) {
    hostname = name;
  }

  /** sethostname: at most 64 bytes (__NEW_UTS_LEN); every task here may (all run as root). */
  long sethostname(Task t, long name, long length) {
    if (length < 0 || length > UtsnameDescriptor.FIELD_LENGTH - 1) {
      return -Errno.EINVAL;
    }
    byte[] b = t.process().memory().read(name, (int) length);
    hostname = new String(b, StandardCharsets.US_ASCII);
    return 0;
  }

  long uname(Task t, long buf) {
    byte[] u = new byte[UtsnameDescriptor.LENGTH];
    put(u, UtsnameDescriptor.SYSNAME, Param.SYSNAME);
    put(u, UtsnameDescriptor.NODENAME, hostname);
    put(u, UtsnameDescriptor.RELEASE, Param.RELEASE);
    put(u, UtsnameDescriptor.VERSION, Param.VERSION);
    put(u, UtsnameDescriptor.MACHINE, Param.MACHINE);
    put(u, UtsnameDescriptor.DOMAINNAME, Param.DOMAINNAME);
    t.process().memory().write(buf, u);
    return 0;
  }

  private static void put(byte[] u, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, u, at, Math.min(b.length, UtsnameDescriptor.FIELD_LENGTH - 1));
  }

  long prlimit(Task t, long pid, long resource, long newLimit, long oldLimit) {
    Process p = pid == 0 ? t.process() : table.process(pid);
    if (p == null) {
      return -Errno.ESRCH;
    }
    if (resource < 0 || resource >= RlimitDescriptor.RLIM_NLIMITS) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    long cur = 0;
    long max = 0;
    if (newLimit != 0) {
      cur = m.read64(newLimit + RlimitDescriptor.CUR);
      max = m.read64(newLimit + RlimitDescriptor.MAX);
      if (Long.compareUnsigned(cur, max) > 0) {
        return -Errno.EINVAL;
      }
      // Guests run as root, whom Linux lets raise a hard limit (CAP_SYS_RESOURCE), except
      // RLIMIT_NOFILE's beyond fs.nr_open.
      if (resource == RlimitDescriptor.RLIMIT_NOFILE
          && Long.compareUnsigned(max, Param.NR_OPEN) > 0) {
        return -Errno.EPERM;
      }
    }
    if (oldLimit != 0) {
      long[] old = p.limit((int) resource);
      m.write64(oldLimit + RlimitDescriptor.CUR, old[0]);
      m.write64(oldLimit + RlimitDescriptor.MAX, old[1]);
    }
    if (newLimit != 0) {
      p.setLimit((int) resource, cur, max);
    }
    return 0;
  }

  long prctl(Task t, long option, long arg2) {
    Process p = t.process();
    if (option == PR_SET_NAME) {
      String name = cString(p.memory(), arg2, 4096);
      if (name == null) {
        return -Errno.EFAULT;
      }
      p.setComm(name);
      return 0;
    }
    if (option == PR_GET_NAME) {
      byte[] n = p.comm().getBytes(StandardCharsets.UTF_8);
      p.memory().write(arg2, Arrays.copyOf(n, Param.TASK_COMM_LEN));
      return 0;
    }
    return -Errno.EINVAL;
  }

  long getrandom(Task t, long buf, long length, long flags) {
    if ((flags & ~GRND_ALL) != 0) {
      return -Errno.EINVAL;
    }
    int n = (int) Math.min(Math.max(length, 0), Param.GETRANDOM_MAX);
    t.process().memory().check(buf, n, dev.popcornj.machine.hart.AddressTranslator.WRITE);
    t.process().memory().write(buf, entropy.bytes(n));
    return n;
  }

  // --- scheduling

  /** getpriority returns 20 - nice, so that no success value is negative. */
  long getpriority(Task t, long which, long who) {
    Process p = priorityTarget(t, which, who);
    return p == null ? -Errno.ESRCH : 20 - p.nice();
  }

  long setpriority(Task t, long which, long who, long prio) {
    Process p = priorityTarget(t, which, who);
    if (p == null) {
      return -Errno.ESRCH;
    }
    p.setNice((int) Math.max(-20, Math.min(19, prio)));
    return 0;
  }

  private Process priorityTarget(Task t, long which, long who) {
    if (which != 0) {
      return which == 1 || which == 2 ? t.process() : null;
    }
    return who == 0 ? t.process() : table.process(who);
  }

  /**
   * sched_getaffinity: the online CPUs of the whole system (global numbers, the harts' ids) the
   * task may run on: of this kernel's, those its affinity allows; of the other kernels', those its
   * CPU set allows (all, until sched_setaffinity narrowed it).
   */
  long schedGetaffinity(Task t, long pid, long length, long mask) {
    Task target = pid == 0 ? t : table.task(pid);
    if (target == null) {
      return -Errno.ESRCH;
    }
    int bytes = maskBytes();
    if (length < bytes || (length & 7) != 0) {
      return -Errno.EINVAL;
    }
    BitSet set = target.cpuSet();
    BitSet allowed = new BitSet();
    for (GlobalCpu c : system.onlineCpus()) {
      int local = localIndex(c.id());
      boolean ok =
          local >= 0
              ? local >= 64 || (target.affinity() & (1L << local)) != 0
              : set == null || set.get(c.id());
      if (ok) {
        allowed.set(c.id());
      }
    }
    t.process().memory().write(mask, Arrays.copyOf(allowed.toByteArray(), bytes));
    return bytes;
  }

  /**
   * sched_setaffinity with a mask of global CPU numbers. Its CPUs on this kernel become the task's
   * affinity; when it names none of them but CPUs of another kernel that is up, the task moves
   * there through the {@link dev.popcornj.kernel.proc.AffinityMigration} hook (EINVAL without one).
   * A mask of no online CPU is refused with EINVAL, as Linux does.
   */
  long schedSetaffinity(Task t, long pid, long length, long mask) {
    Task target = pid == 0 ? t : table.task(pid);
    if (target == null) {
      return -Errno.ESRCH;
    }
    if (length < 8) {
      return -Errno.EINVAL;
    }
    BitSet wanted =
        BitSet.valueOf(t.process().memory().read(mask, (int) Math.min(length, maskBytes())));
    BitSet online = new BitSet();
    int[] owner = new int[wanted.length()];
    for (GlobalCpu c : system.onlineCpus()) {
      online.set(c.id());
      if (c.id() < owner.length) {
        owner[c.id()] = c.kernel();
      }
    }
    wanted.and(online);
    if (wanted.isEmpty()) {
      return -Errno.EINVAL;
    }
    long local = 0;
    for (Cpu c : scheduler.cpus()) {
      if (c.index() < 64 && wanted.get(c.hart().id())) {
        local |= 1L << c.index();
      }
    }
    if (local != 0) {
      target.setAffinity(local);
      target.setCpuSet(wanted);
      if (target == t) {
        scheduler.migrateIfDisallowed();
      }
      return 0;
    }
    int cpu = wanted.nextSetBit(0);
    BitSet before = target.cpuSet();
    target.setCpuSet(wanted);
    long r = system.affinityMigration().moveForAffinity(target, owner[cpu], cpu);
    if (r != 0) {
      target.setCpuSet(before);
    }
    return r;
  }

  /** Bytes of a CPU mask: enough for every possible CPU number, in whole longs. */
  private int maskBytes() {
    List<Integer> possible = system.possibleCpus();
    int ids = possible.isEmpty() ? 1 : possible.getLast() + 1;
    return Math.max(8, (ids + 63) / 64 * 8);
  }

  /** This kernel's index of the CPU with global number id, or -1 when another kernel owns it. */
  private int localIndex(int id) {
    for (Cpu c : scheduler.cpus()) {
      if (c.hart().id() == id) {
        return c.index();
      }
    }
    return -1;
  }

  long schedYield(Task t) {
    scheduler.yieldCurrent();
    return 0;
  }

  /** getcpu: the global number (hart id) of the CPU the task runs on. */
  long getcpu(Task t, long cpu, long node) {
    UserMemory m = t.process().memory();
    int index = t.cpu();
    if (cpu != 0) {
      m.write32(cpu, index < 0 ? 0 : scheduler.cpu(index).hart().id());
    }
    if (node != 0) {
      m.write32(node, 0);
    }
    return 0;
  }

  // --- signals

  long kill(Task t, long pid, long sig) {
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    Process caller = t.process();
    SigInfo info = SigInfo.kill((int) sig, caller.pid(), 0);
    if (pid > 0) {
      return pid > Integer.MAX_VALUE ? -Errno.ESRCH : kill.toProcess((int) pid, (int) sig, info);
    }
    if (pid == -1) {
      return kill.toEveryone(caller, (int) sig, info);
    }
    return kill.toGroup(pid == 0 ? caller.pgid() : (int) -pid, (int) sig, info);
  }

  long tgkill(Task t, long tgid, long tid, long sig) {
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (tgid > Integer.MAX_VALUE || tid > Integer.MAX_VALUE) {
      return -Errno.ESRCH;
    }
    return kill.toThread(
        (int) tgid, (int) tid, (int) sig, SigInfo.tkill((int) sig, t.process().pid(), 0));
  }

  long tkill(Task t, long tid, long sig) {
    if (tid <= 0 || sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (tid > Integer.MAX_VALUE) {
      return -Errno.ESRCH;
    }
    return kill.toThread(0, (int) tid, (int) sig, SigInfo.tkill((int) sig, t.process().pid(), 0));
  }

  /**
   * rt_sigqueueinfo, checking in Linux's order: the siginfo is read (EFAULT), a forged code for
   * another process is refused (EPERM), then the signal (EINVAL) and the target (ESRCH). Signal 0
   * only checks.
   */
  long rtSigqueueinfo(Task t, long pid, long sig, long uinfo) {
    SigInfo info = readInfo(t, uinfo);
    if (impersonates(info) && pid != t.tid()) {
      return -Errno.EPERM;
    }
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      return -Errno.ESRCH;
    }
    return kill.toProcess((int) pid, (int) sig, withSigno(info, sig));
  }

  /** rt_tgsigqueueinfo: as rt_sigqueueinfo, to thread tid of group tgid. */
  long rtTgsigqueueinfo(Task t, long tgid, long tid, long sig, long uinfo) {
    if (tgid <= 0 || tid <= 0) {
      return -Errno.EINVAL;
    }
    SigInfo info = readInfo(t, uinfo);
    if (impersonates(info) && tgid != t.tid()) {
      return -Errno.EPERM;
    }
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (tgid > Integer.MAX_VALUE || tid > Integer.MAX_VALUE) {
      return -Errno.ESRCH;
    }
    return kill.toThread((int) tgid, (int) tid, (int) sig, withSigno(info, sig));
  }

  private static SigInfo readInfo(Task t, long uinfo) {
    byte[] raw =
        t.process().memory().read(uinfo, dev.popcornj.kernel.signal.SigInfoDescriptor.LENGTH);
    return SigInfo.decode(raw);
  }

  private static SigInfo withSigno(SigInfo info, long sig) {
    return new SigInfo((int) sig, info.errno(), info.code(), info.fields());
  }

  /**
   * A code a program may not forge for another process: what kill (SI_USER and other codes >= 0) or
   * tkill (SI_TKILL) would set, as Linux refuses them.
   */
  private static boolean impersonates(SigInfo info) {
    return info.code() >= 0 || info.code() == SigInfo.SI_TKILL;
  }

  /** sched_get_priority_max/min: 1..99 for the real-time policies, 0 for the others. */
  static long schedPriorityBound(long policy, boolean max) {
    return switch ((int) policy) {
      case 1, 2 -> policy == (int) policy ? (max ? 99 : 1) : -Errno.EINVAL; // FIFO, RR
      case 0, 3, 5 -> policy == (int) policy ? 0 : -Errno.EINVAL; // OTHER, BATCH, IDLE
      default -> -Errno.EINVAL;
    };
  }

  /**
   * sched_rr_get_interval: a SCHED_OTHER task's slice as Linux reports it, in whole jiffies of a
   * 250 Hz tick. The scheduler's 3 ms slice is less than one, so this reads 0, as it does on Linux
   * since its slices became shorter than a tick.
   */
  long schedRrGetInterval(Task t, long pid, long tp) {
    if (pid < 0) {
      return -Errno.EINVAL;
    }
    if (pid != 0 && table.task(pid) == null) {
      return -Errno.ESRCH;
    }
    long jiffyPs = 4_000_000_000L;
    long ps = scheduler.timeslice() / jiffyPs * jiffyPs;
    UserMemory m = t.process().memory();
    m.write64(tp, ps / 1_000_000_000_000L);
    m.write64(tp + 8, (ps % 1_000_000_000_000L) / 1_000);
    return 0;
  }

  /** sched_getscheduler and sched_getparam: SCHED_OTHER and priority 0, for a task that exists. */
  long schedGet(Task t, long pid, long paramAddr) {
    if (pid < 0) {
      return -Errno.EINVAL;
    }
    if (pid != 0 && table.task(pid) == null) {
      return -Errno.ESRCH;
    }
    if (paramAddr != 0) {
      t.process().memory().write32(paramAddr, 0);
    }
    return 0;
  }

  long rtSigaction(Task t, long sig, long act, long oldAct, long sigsetSize) {
    Process p = t.process();
    long r = SignalCalls.rtSigaction(p.actions(), sig, act, oldAct, sigsetSize, p.memory());
    SigAction now = r == 0 && act != 0 ? p.actions().get((int) sig) : null;
    if (now != null
        && (now.isIgnore() || (now.isDefault() && Signals.ignoredByDefault((int) sig)))) {
      // A signal now ignored is discarded from every pending set (SIGCONT under SIG_DFL too), as
      // Linux's do_sigaction does.
      long bit = Signals.bit((int) sig);
      p.discardShared(bit);
      for (Task o : p.threads()) {
        o.discardPending(bit);
      }
    }
    return r;
  }

  long rtSigprocmask(Task t, long how, long set, long oldSet, long sigsetSize) {
    return SignalCalls.rtSigprocmask(
        t.blocked(), how, set, oldSet, sigsetSize, t.process().memory(), t::setBlocked);
  }

  long rtSigpending(Task t, long set, long sigsetSize) {
    long pending = t.pending() | t.process().sharedPending();
    return SignalCalls.rtSigpending(pending, t.blocked(), set, sigsetSize, t.process().memory());
  }

  /**
   * rt_sigtimedwait(set, info, timeout, sigsetsize), as Linux's do_sigtimedwait: takes a pending
   * signal of set (blocked or not) and returns its number, writing its siginfo when info is given.
   * With none pending it waits, set unblocked for the while, until one comes (its number), another
   * signal must be handled (-EINTR) or the timeout passes (-EAGAIN; at once for a zero timeout).
   */
  long rtSigtimedwait(Task t, long setAddr, long info, long timeout, long sigsetSize) {
    if (sigsetSize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    long set = m.read64(setAddr) & ~Signals.UNBLOCKABLE;
    long waitPs = Scheduler.FOREVER;
    if (timeout != 0) {
      waitPs = TimeCalls.readTimespecPs(m, timeout);
      if (waitPs < 0) {
        return -Errno.EINVAL;
      }
    }
    Signalling.Delivery d = signals.dequeueFrom(t, set);
    boolean cutShort = false;
    if (d == null && waitPs != 0) {
      long saved = t.blocked();
      t.setBlocked(saved & ~set);
      Scheduler s = scheduler;
      long deadline =
          waitPs == Scheduler.FOREVER ? Scheduler.FOREVER : saturatingAdd(s.now(), waitPs);
      Scheduler.WaitResult r =
          s.waitOn(null, () -> ((t.pending() | t.process().sharedPending()) & set) != 0, deadline);
      t.setBlocked(saved);
      d = signals.dequeueFrom(t, set);
      cutShort = r != Scheduler.WaitResult.TIMED_OUT;
    }
    if (d == null) {
      return cutShort ? -Errno.EINTR : -Errno.EAGAIN;
    }
    if (info != 0) {
      m.write(info, d.info().encode());
    }
    return d.sig();
  }

  /** rt_sigsuspend: waits with a temporary mask until a signal is delivered; always -EINTR. */
  long rtSigsuspend(Task t, long set, long sigsetSize) {
    if (sigsetSize != Signals.SIGSET_SIZE) {
      return -Errno.EINVAL;
    }
    long mask = t.process().memory().read64(set);
    long old = t.blocked();
    t.setBlocked(Signalling.blockable(mask));
    scheduler.waitOn(null, () -> false, Scheduler.FOREVER);
    t.setSavedMaskForSuspend(old);
    return -Errno.EINTR;
  }

  /** msync: tmpfs pages are the file, so there is nothing to write back; checks the range. */
  long msync(Task t, long addr, long length, long flags) {
    if (!MemoryLayout.isPageAligned(addr) || (flags & ~7L) != 0 || (flags & 5) == 5) {
      return -Errno.EINVAL;
    }
    long end = addr + MemoryLayout.pageUp(length);
    if (!t.process().space().isCovered(addr, end)) {
      return -Errno.ENOMEM;
    }
    return 0;
  }

  long sigaltstack(Task t, long ss, long oldSs) {
    return SignalCalls.sigaltstack(t.altStack(), ss, oldSs, sp(t), t.process().memory());
  }

  // --- futex

  long futex(Task t, long uaddr, long op, long val, long timeout, long uaddr2, long val3) {
    int cmd = (int) (op & FUTEX_CMD_MASK);
    boolean priv = (op & Futexes.FUTEX_PRIVATE_FLAG) != 0;
    Process p = t.process();
    switch (cmd) {
      case Futexes.FUTEX_WAIT, Futexes.FUTEX_WAIT_BITSET -> {
        long deadline = Scheduler.FOREVER;
        if (timeout != 0) {
          long ps = TimeCalls.readTimespecPs(p.memory(), timeout);
          if (ps < 0) {
            return -Errno.EINVAL;
          }
          long now = scheduler.now();
          if (cmd == Futexes.FUTEX_WAIT) {
            deadline = saturatingAdd(now, ps);
          } else {
            long epochPs =
                (op & Futexes.FUTEX_CLOCK_REALTIME) != 0
                    ? epochSeconds.getAsLong() * 1_000_000_000_000L
                    : 0;
            deadline = Math.max(0, ps - epochPs);
          }
        }
        int bits = cmd == Futexes.FUTEX_WAIT ? -1 : (int) val3;
        return futexes.wait(t, uaddr, (int) val, bits, priv, deadline);
      }
      case Futexes.FUTEX_WAKE, Futexes.FUTEX_WAKE_BITSET -> {
        int bits = cmd == Futexes.FUTEX_WAKE ? -1 : (int) val3;
        if (bits == 0) {
          return -Errno.EINVAL;
        }
        return futexes.wake(p, uaddr, (int) Math.min(val, Integer.MAX_VALUE), bits, priv);
      }
      case Futexes.FUTEX_REQUEUE, Futexes.FUTEX_CMP_REQUEUE ->
          futexes.requeue(
              p,
              uaddr,
              (int) val,
              (int) Math.min(timeout, Integer.MAX_VALUE),
              uaddr2,
              cmd == Futexes.FUTEX_CMP_REQUEUE,
              (int) val3,
              priv);
      case Futexes.FUTEX_WAKE_OP ->
          futexes.wakeOp(p, uaddr, (int) val, (int) timeout, uaddr2, (int) val3, priv);
      default -> {
        return -Errno.ENOSYS;
      }
    }
    return -Errno.ENOSYS;
  }

  /** A finite deadline: however far, it stays short of {@link Scheduler#FOREVER}. */
  private static long saturatingAdd(long a, long b) {
    return Math.min(VirtualTime.saturatingAdd(a, b), Long.MAX_VALUE - 1);
  }

  long setTidAddress(Task t, long addr) {
    t.setClearChildTid(addr);
    return t.tid();
  }

  long setRobustList(Task t, long head, long length) {
    if (length != ROBUST_LIST_HEAD_LENGTH) {
      return -Errno.EINVAL;
    }
    t.setRobustList(head);
    return 0;
  }

  // --- machine

  long reboot(Task t, long magic1Arg, long magic2Arg, long cmdArg) {
    // The kernel takes all three as 32-bit ints; glibc passes 0xfee1dead sign-extended.
    long magic1 = magic1Arg & 0xffff_ffffL;
    long magic2 = magic2Arg & 0xffff_ffffL;
    long cmd = cmdArg & 0xffff_ffffL;
    if (magic1 != LINUX_REBOOT_MAGIC1
        || (magic2 != 672274793L
            && magic2 != 85072278L
            && magic2 != 369367448L
            && magic2 != 537993216L)) {
      return -Errno.EINVAL;
    }
    if (cmd == LINUX_REBOOT_CMD_CAD_ON || cmd == LINUX_REBOOT_CMD_CAD_OFF) {
      return 0;
    }
    if (cmd == LINUX_REBOOT_CMD_POWER_OFF
        || cmd == LINUX_REBOOT_CMD_HALT
        || cmd == LINUX_REBOOT_CMD_RESTART) {
      control.powerOff(0);
      t.post(SigInfo.kernel(Signals.SIGKILL));
      return 0;
    }
    return -Errno.EINVAL;
  }

  /** syslog(2): the kernel log for dmesg (READ_ALL, SIZE_BUFFER, SIZE_UNREAD; others accepted). */
  long syslog(Task t, long type, long buf, long len) {
    byte[] text = log.text().getBytes(StandardCharsets.UTF_8);
    switch ((int) type) {
      case 2, 3, 4 -> {
        if (len < 0) {
          return -Errno.EINVAL;
        }
        if (buf == 0 && len > 0) {
          return -Errno.EINVAL;
        }
        int n = (int) Math.min(len, text.length);
        int from = text.length - n;
        t.process().memory().write(buf, Arrays.copyOfRange(text, from, text.length));
        return n;
      }
      case 9, 10 -> {
        return text.length;
      }
      case 0, 1, 5, 6, 7, 8 -> {
        return 0;
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
  }

  /** The stack pointer the task had when it entered the kernel. */
  static long sp(Task t) {
    return t.regs().x(Registers.SP);
  }
}
