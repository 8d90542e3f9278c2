package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.UnmappableFileException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Futexes;
import dev.popcornj.kernel.proc.KernelControl;
import dev.popcornj.kernel.proc.Kill;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.SignalDelivery;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.proc.WholeSystem;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.SigInfo;
import java.util.BitSet;

/**
 * The system-call table of a kernel: takes the call a task trapped on, with its number in a7 and
 * arguments in a0..a5 (the riscv64 Linux convention), and runs the handler. A bad guest pointer
 * anywhere becomes -EFAULT. A call that is not implemented returns -ENOSYS and is reported once by
 * name.
 *
 * <p>Owned by one kernel instance; runs on the calling task's kernel stack.
 */
public final class SystemCalls {
  /** Returned by a handler for a case PopcornJ does not implement: -ENOSYS, reported once. */
  static final long UNIMPLEMENTED = Long.MIN_VALUE + 1;

  /** What sysinfo reports of memory: the kernel's total and the bytes its frames hold now. */
  public interface MemoryUse {
    long totalBytes();

    long usedBytes();
  }

  private final Vfs vfs;
  private final Scheduler scheduler;
  private final Signalling signals;
  private final Lifecycle lifecycle;
  private final SignalDelivery delivery;
  private final Diagnostics diagnostics;
  private final MemoryUse memoryUse;
  private final ProcessCalls proc;
  private final TimerCalls timers;
  private final PollCalls poll;
  private final EpollCalls epoll;
  private final SocketCalls sockets;
  private final Added[] added = new Added[MAX_ADDED];
  private final BitSet reported = new BitSet();
  private long calls;

  /** Numbers a service may add calls under: every riscv64 number and PopcornJ's own from 1000. */
  private static final int MAX_ADDED = 1100;

  /** A call a service added, with the name the kernel reports it by. */
  private record Added(String name, SyscallHandler handler) {}

  public SystemCalls(
      Vfs vfs,
      Scheduler scheduler,
      ProcessTable table,
      Lifecycle lifecycle,
      Signalling signals,
      SignalDelivery delivery,
      Futexes futexes,
      Entropy entropy,
      KernelLog log,
      Diagnostics diagnostics,
      KernelControl control,
      MemoryUse memoryUse,
      Kill kill,
      WholeSystem system) {
    this.vfs = vfs;
    this.scheduler = scheduler;
    this.signals = signals;
    this.lifecycle = lifecycle;
    this.delivery = delivery;
    this.diagnostics = diagnostics;
    this.memoryUse = memoryUse;
    this.proc =
        new ProcessCalls(
            table,
            scheduler,
            lifecycle,
            signals,
            futexes,
            entropy,
            log,
            control,
            this::epoch,
            kill,
            system);
    this.timers = new TimerCalls(table, scheduler, this::epoch);
    this.poll = new PollCalls(scheduler, signals);
    this.epoll = new EpollCalls(scheduler, signals);
    this.sockets = new SocketCalls(vfs, signals);
  }

  /** uname's nodename (/proc/sys/kernel/hostname). */
  public String hostname() {
    return proc.hostname();
  }

  /** Names the kernel (boot, before any task runs; sethostname changes it later). */
  public void setHostname(String name) {
    proc.setHostname(name);
  }

  /** Serves AF_INET sockets with the kernel's IPv4 stack. */
  public void setInetStack(dev.popcornj.kernel.net.inet.InetStack stack) {
    sockets.setInet(vfs, stack);
  }

  /**
   * Adds system call nr for a service; it is served before the table's own calls, so a service owns
   * its numbers (kexec_load, PopcornJ's calls from 1000).
   *
   * @throws IllegalArgumentException when another service has nr, or nr is out of range
   */
  public void add(int nr, String name, SyscallHandler handler) {
    if (nr < 0 || nr >= MAX_ADDED) {
      throw new IllegalArgumentException("system call " + nr + " (" + name + ") is out of range");
    }
    if (added[nr] != null) {
      throw new IllegalArgumentException(
          "system call " + nr + " (" + name + ") is taken by " + added[nr].name());
    }
    added[nr] = new Added(name, handler);
  }

  /**
   * Sees every system call first and may serve it itself: the migration service forwards the calls
   * of a task that runs away from home to its home, and moves tasks between kernels.
   */
  @FunctionalInterface
  public interface Interceptor {
    /** The call's result, or {@link #PASS} to let the table serve it here. */
    long intercept(Task t, long nr);
  }

  /** What an {@link Interceptor} returns for a call it leaves to this table. */
  public static final long PASS = Long.MIN_VALUE + 7;

  private Interceptor interceptor;

  /** Installs the interceptor (one per kernel). */
  public void setInterceptor(Interceptor i) {
    if (interceptor != null) {
      throw new IllegalStateException("system calls are already intercepted");
    }
    interceptor = i;
  }

  /**
   * A sleep cut short keeps its deadline in t's restart block for restart_syscall. tc is the time
   * calls object that slept: another task's call may have replaced the cached one meanwhile.
   */
  private long restartable(Task t, TimeCalls tc, long result, long rem) {
    if (result == -Errno.ERESTART_RESTARTBLOCK) {
      t.setRestartBlock(tc.restartDeadlinePs(), rem);
    }
    return result;
  }

  /** System calls handled so far. */
  public long calls() {
    return calls;
  }

  /** Runs system call nr for task t; returns the value for a0, or {@link Syscalls#NO_RESULT}. */
  public long dispatch(Task t, long nr) {
    calls++;
    Registers r = t.regs();
    try {
      if (interceptor != null) {
        long v = interceptor.intercept(t, nr);
        if (v != PASS) {
          return v;
        }
      }
      Added a = nr >= 0 && nr < MAX_ADDED ? added[(int) nr] : null;
      long result =
          a != null
              ? a.handler()
                  .call(
                      t,
                      r.x(Registers.A0),
                      r.x(Registers.A0 + 1),
                      r.x(Registers.A0 + 2),
                      r.x(Registers.A0 + 3),
                      r.x(Registers.A0 + 4),
                      r.x(Registers.A0 + 5))
              : dispatch(
                  t,
                  nr,
                  r.x(Registers.A0),
                  r.x(Registers.A0 + 1),
                  r.x(Registers.A0 + 2),
                  r.x(Registers.A0 + 3),
                  r.x(Registers.A0 + 4),
                  r.x(Registers.A0 + 5));
      return result == UNIMPLEMENTED ? unimplemented(nr) : result;
    } catch (BadAddressException e) {
      return -Errno.EFAULT;
    } catch (ErrnoException e) {
      return -e.errno();
    }
  }

  // The file calls of the task that made the last file call: successive calls from one task (the
  // common case) reuse them. The caller looks the process up on every use, so the object stays
  // right across execve and unshare.
  private Task filesTask;
  private FileCalls filesCalls;

  private FileCalls files(Task t) {
    if (t != filesTask) {
      filesCalls = newFileCalls(t);
      filesTask = t;
    }
    return filesCalls;
  }

  private FileCalls newFileCalls(Task t) {
    return new FileCalls(
        vfs,
        new FileCalls.Caller() {
          @Override
          public UserMemory memory() {
            return t.process().memory();
          }

          @Override
          public FileTable files() {
            return t.process().files();
          }

          @Override
          public FsContext fs() {
            return t.process().fsContext();
          }

          @Override
          public void raiseSigpipe() {
            signals.sendToThread(t, Signals.SIGPIPE, SigInfo.kernel(Signals.SIGPIPE));
          }

          @Override
          public dev.popcornj.kernel.fs.DeviceCaller deviceCaller() {
            var p = t.process();
            return new dev.popcornj.kernel.fs.DeviceCaller(p.pid(), p.pgid(), p.sid());
          }
        });
  }

  // The time and memory calls of the last address space (and, for memory calls, descriptor table)
  // that made one: rebuilt only when a call comes from another.
  private UserMemory timeMemory;
  private TimeCalls timeCalls;
  private long epochSeconds = dev.popcornj.kernel.param.Param.DEFAULT_EPOCH_SECONDS;

  /** The realtime clock at boot, in seconds since 1970 (boot, before any task runs). */
  public void setEpochSeconds(long seconds) {
    epochSeconds = seconds;
  }

  private long epoch() {
    return epochSeconds;
  }

  private AddressSpace mmSpace;
  private FileTable mmTable;
  private MemoryCalls memoryCalls;

  private TimeCalls time(Task t) {
    UserMemory m = t.process().memory();
    if (m != timeMemory) {
      timeCalls = new TimeCalls(m, virtualClock);
      timeMemory = m;
    }
    return timeCalls;
  }

  /** Virtual time and sleeping for the time calls, on this kernel's scheduler. */
  private final VirtualClock virtualClock =
      new VirtualClock() {
        @Override
        public long nowPs() {
          return scheduler.now();
        }

        @Override
        public long epochSeconds() {
          return epochSeconds;
        }

        @Override
        public long sleep(long ps) {
          Scheduler s = scheduler;
          long deadline = s.now() + ps;
          if (deadline < 0) {
            deadline = Scheduler.FOREVER - 1;
          }
          Scheduler.WaitResult r = s.waitOn(null, () -> false, deadline);
          return r == Scheduler.WaitResult.INTERRUPTED ? Math.max(1, deadline - s.now()) : 0;
        }

        @Override
        public long threadCpuPs() {
          Task t = Task.current(scheduler);
          return t == null ? 0 : t.cpuTimeAt(scheduler.now());
        }

        @Override
        public long processCpuPs() {
          Task t = Task.current(scheduler);
          if (t == null) {
            return 0;
          }
          long slice = t.cpuTimeAt(scheduler.now()) - t.cpuTimePs();
          return t.process().cpuTimePs() + slice;
        }

        @Override
        public long childrenCpuPs() {
          Task t = Task.current(scheduler);
          return t == null ? 0 : t.process().childrenCpuTimePs();
        }
      };

  private MemoryCalls memory(Task t) {
    AddressSpace space = t.process().space();
    FileTable table = t.process().files();
    if (space != mmSpace || table != mmTable) {
      memoryCalls =
          new MemoryCalls(
              space,
              fd -> {
                OpenFile f = table.get(fd);
                return f == null ? null : mappable(f);
              });
      mmSpace = space;
      mmTable = table;
    }
    return memoryCalls;
  }

  /** An open file as mmap sees it: a tmpfs file's page cache, or /dev/zero's anonymous memory. */
  private static MappableFile mappable(OpenFile f) {
    boolean zero = f.inode() != null && f.inode().rdev() == ZERO_RDEV;
    if (f.pageCache() == null && !zero) {
      throw new UnmappableFileException(f.path());
    }
    return new MappableFile() {
      @Override
      public PageCache pages() {
        return f.pageCache();
      }

      @Override
      public boolean readable() {
        return f.readable();
      }

      @Override
      public boolean writable() {
        return f.writable();
      }

      @Override
      public String path() {
        return f.path();
      }

      @Override
      public boolean anonymous() {
        return zero;
      }

      @Override
      public long inode() {
        return f.inode() == null ? 0 : f.inode().ino();
      }
    };
  }

  /** /dev/zero's device number, 1:5. */
  private static final long ZERO_RDEV = (1 << 8) | 5;

  private long dispatch(Task t, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    return switch ((int) Math.max(Math.min(nr, Integer.MAX_VALUE), -1)) {
      case Syscalls.GETCWD -> files(t).getcwd(a0, a1);
      case Syscalls.DUP -> files(t).dup(a0);
      case Syscalls.DUP3 -> files(t).dup3(a0, a1, a2);
      case Syscalls.FCNTL -> files(t).fcntl(a0, a1, a2);
      case Syscalls.IOCTL -> files(t).ioctl(a0, a1, a2);
      case Syscalls.MKDIRAT -> files(t).mkdirat(a0, a1, a2);
      case Syscalls.UNLINKAT -> files(t).unlinkat(a0, a1, a2);
      case Syscalls.SYMLINKAT -> files(t).symlinkat(a0, a1, a2);
      case Syscalls.LINKAT -> files(t).linkat(a0, a1, a2, a3, a4);
      case Syscalls.TRUNCATE -> files(t).truncate(a0, a1);
      case Syscalls.FTRUNCATE -> files(t).ftruncate(a0, a1);
      case Syscalls.FACCESSAT -> files(t).faccessat(a0, a1, a2);
      case Syscalls.FACCESSAT2 -> files(t).faccessat2(a0, a1, a2, a3);
      case Syscalls.CHDIR -> files(t).chdir(a0);
      case Syscalls.FCHDIR -> files(t).fchdir(a0);
      case Syscalls.FCHMOD -> files(t).fchmod(a0, a1);
      case Syscalls.FCHMODAT -> files(t).fchmodat(a0, a1, a2);
      case Syscalls.FCHOWNAT -> files(t).fchownat(a0, a1, a2, a3, a4);
      case Syscalls.FCHOWN -> files(t).fchown(a0, a1, a2);
      case Syscalls.OPENAT -> files(t).openat(a0, a1, a2, a3);
      case Syscalls.CLOSE -> files(t).close(a0);
      case Syscalls.PIPE2 -> files(t).pipe2(a0, a1);
      case Syscalls.GETDENTS64 -> files(t).getdents64(a0, a1, a2);
      case Syscalls.LSEEK -> files(t).lseek(a0, a1, a2);
      case Syscalls.READ -> files(t).read(a0, a1, a2);
      case Syscalls.WRITE -> files(t).write(a0, a1, a2);
      case Syscalls.READV -> files(t).readv(a0, a1, a2);
      case Syscalls.WRITEV -> files(t).writev(a0, a1, a2);
      case Syscalls.PREAD64 -> files(t).pread64(a0, a1, a2, a3);
      case Syscalls.PWRITE64 -> files(t).pwrite64(a0, a1, a2, a3);
      case Syscalls.PREADV -> files(t).preadv(a0, a1, a2, a3);
      case Syscalls.PWRITEV -> files(t).pwritev(a0, a1, a2, a3);
      case Syscalls.SENDFILE -> files(t).sendfile(a0, a1, a2, a3);
      case Syscalls.COPY_FILE_RANGE -> files(t).copyFileRange(a0, a1, a2, a3, a4, a5);
      case Syscalls.SPLICE -> files(t).splice(a0, a1, a2, a3, a4, a5);
      case Syscalls.CLOSE_RANGE -> files(t).closeRange(a0, a1, a2);
      case Syscalls.READLINKAT -> files(t).readlinkat(a0, a1, a2, a3);
      case Syscalls.NEWFSTATAT -> files(t).newfstatat(a0, a1, a2, a3);
      case Syscalls.FSTAT -> files(t).fstat(a0, a1);
      case Syscalls.SYNC -> 0;
      case Syscalls.FSYNC, Syscalls.FDATASYNC -> files(t).fsync(a0);
      case Syscalls.UTIMENSAT -> files(t).utimensat(a0, a1, a2, a3);
      case Syscalls.RENAMEAT2 -> files(t).renameat2(a0, a1, a2, a3, a4);
      case Syscalls.STATX -> files(t).statx(a0, a1, a2, a3, a4);
      case Syscalls.EXIT -> proc.exit(t, a0);
      case Syscalls.EXIT_GROUP -> proc.exitGroup(t, a0);
      case Syscalls.WAIT4 -> proc.wait4(t, a0, a1, a2, a3);
      case Syscalls.WAITID -> lifecycle.waitid(t, a0, a1, a2, a3, a4);
      case Syscalls.CLONE -> proc.clone(t, a0, a1, a2, a3, a4);
      case Syscalls.CLONE3 -> proc.clone3(t, a0, a1);
      case Syscalls.EXECVE -> proc.execve(t, a0, a1, a2);
      case Syscalls.EXECVEAT -> proc.execveat(t, a0, a1, a2, a3, a4);
      case Syscalls.SET_TID_ADDRESS -> proc.setTidAddress(t, a0);
      case Syscalls.FUTEX -> proc.futex(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.SET_ROBUST_LIST -> proc.setRobustList(t, a0, a1);
      case Syscalls.NANOSLEEP -> {
        TimeCalls tc = time(t);
        yield restartable(t, tc, tc.nanosleep(a0, a1), a1);
      }
      case Syscalls.RESTART_SYSCALL -> {
        TimeCalls tc = time(t);
        yield restartable(
            t, tc, tc.sleepUntil(t.restartDeadlinePs(), t.restartRemAddr()), t.restartRemAddr());
      }
      case Syscalls.CLOCK_GETTIME -> time(t).clockGettime(a0, a1);
      case Syscalls.CLOCK_GETRES -> time(t).clockGetres(a0, a1);
      case Syscalls.CLOCK_NANOSLEEP -> {
        TimeCalls tc = time(t);
        yield restartable(t, tc, tc.clockNanosleep(a0, a1, a2, a3), a3);
      }
      case Syscalls.SYSLOG -> proc.syslog(t, a0, a1, a2);
      case Syscalls.SCHED_SETAFFINITY -> proc.schedSetaffinity(t, a0, a1, a2);
      case Syscalls.SCHED_GETAFFINITY -> proc.schedGetaffinity(t, a0, a1, a2);
      case Syscalls.SCHED_YIELD -> proc.schedYield(t);
      case Syscalls.SCHED_GETSCHEDULER -> proc.schedGet(t, a0, 0);
      case Syscalls.SCHED_GET_PRIORITY_MAX -> ProcessCalls.schedPriorityBound(a0, true);
      case Syscalls.SCHED_GET_PRIORITY_MIN -> ProcessCalls.schedPriorityBound(a0, false);
      case Syscalls.SCHED_RR_GET_INTERVAL -> proc.schedRrGetInterval(t, a0, a1);
      case Syscalls.RT_TGSIGQUEUEINFO -> proc.rtTgsigqueueinfo(t, a0, a1, a2, a3);
      case Syscalls.GETPRIORITY -> proc.getpriority(t, a0, a1);
      case Syscalls.SETPRIORITY -> proc.setpriority(t, a0, a1, a2);
      case Syscalls.SCHED_GETPARAM -> a1 == 0 ? -Errno.EINVAL : proc.schedGet(t, a0, a1);
      case Syscalls.KILL -> proc.kill(t, a0, a1);
      case Syscalls.TKILL -> proc.tkill(t, a0, a1);
      case Syscalls.TGKILL -> proc.tgkill(t, a0, a1, a2);
      case Syscalls.SIGALTSTACK -> proc.sigaltstack(t, a0, a1);
      case Syscalls.RT_SIGSUSPEND -> proc.rtSigsuspend(t, a0, a1);
      case Syscalls.RT_SIGTIMEDWAIT -> proc.rtSigtimedwait(t, a0, a1, a2, a3);
      case Syscalls.SETITIMER -> timers.setitimer(t, a0, a1, a2);
      case Syscalls.GETITIMER -> timers.getitimer(t, a0, a1);
      case Syscalls.TIMER_CREATE -> timers.timerCreate(t, a0, a1, a2);
      case Syscalls.TIMER_SETTIME -> timers.timerSettime(t, a0, a1, a2, a3);
      case Syscalls.TIMER_GETTIME -> timers.timerGettime(t, a0, a1);
      case Syscalls.TIMER_GETOVERRUN -> timers.timerGetoverrun(t, a0);
      case Syscalls.TIMER_DELETE -> timers.timerDelete(t, a0);
      case Syscalls.RT_SIGACTION -> proc.rtSigaction(t, a0, a1, a2, a3);
      case Syscalls.RT_SIGPROCMASK -> proc.rtSigprocmask(t, a0, a1, a2, a3);
      case Syscalls.PPOLL -> poll.ppoll(t, a0, a1, a2, a3, a4);
      case Syscalls.PSELECT6 -> poll.pselect6(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.EVENTFD2 -> epoll.eventfd2(t, a0, a1);
      case Syscalls.EPOLL_CREATE1 -> epoll.epollCreate1(t, a0);
      case Syscalls.EPOLL_CTL -> epoll.epollCtl(t, a0, a1, a2, a3);
      case Syscalls.EPOLL_PWAIT -> epoll.epollPwait(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.EPOLL_PWAIT2 -> epoll.epollPwait2(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.SOCKET -> sockets.socket(t, a0, a1, a2);
      case Syscalls.SOCKETPAIR -> sockets.socketpair(t, a0, a1, a2, a3);
      case Syscalls.BIND -> sockets.bind(t, a0, a1, a2);
      case Syscalls.LISTEN -> sockets.listen(t, a0, a1);
      case Syscalls.ACCEPT -> sockets.accept4(t, a0, a1, a2, 0);
      case Syscalls.ACCEPT4 -> sockets.accept4(t, a0, a1, a2, a3);
      case Syscalls.CONNECT -> sockets.connect(t, a0, a1, a2);
      case Syscalls.GETSOCKNAME -> sockets.getsockname(t, a0, a1, a2);
      case Syscalls.GETPEERNAME -> sockets.getpeername(t, a0, a1, a2);
      case Syscalls.SENDTO -> sockets.sendto(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.RECVFROM -> sockets.recvfrom(t, a0, a1, a2, a3, a4, a5);
      case Syscalls.SETSOCKOPT -> sockets.setsockopt(t, a0, a1, a2, a3, a4);
      case Syscalls.GETSOCKOPT -> sockets.getsockopt(t, a0, a1, a2, a3, a4);
      case Syscalls.SHUTDOWN -> sockets.shutdown(t, a0, a1);
      case Syscalls.SENDMSG -> sockets.sendmsg(t, a0, a1, a2);
      case Syscalls.RECVMSG -> sockets.recvmsg(t, a0, a1, a2);
      case Syscalls.MSYNC -> proc.msync(t, a0, a1, a2);
      case Syscalls.RT_SIGQUEUEINFO -> proc.rtSigqueueinfo(t, a0, a1, a2);
      case Syscalls.RT_SIGPENDING -> proc.rtSigpending(t, a0, a1);
      case Syscalls.RT_SIGRETURN -> delivery.sigreturn(t);
      case Syscalls.REBOOT -> proc.reboot(t, a0, a1, a2);
      case Syscalls.SETPGID -> proc.setpgid(t, a0, a1);
      case Syscalls.GETPGID -> proc.getpgid(t, a0);
      case Syscalls.GETSID -> proc.getsid(t, a0);
      case Syscalls.SETSID -> proc.setsid(t);
      case Syscalls.TIMES -> time(t).times(a0);
      case Syscalls.UNAME -> proc.uname(t, a0);
      case Syscalls.SETHOSTNAME -> proc.sethostname(t, a0, a1);
      case Syscalls.GETRLIMIT -> proc.prlimit(t, 0, a0, 0, a1);
      case Syscalls.SETRLIMIT -> proc.prlimit(t, 0, a0, a1, 0);
      case Syscalls.GETRUSAGE -> time(t).getrusage(a0, a1);
      case Syscalls.UMASK -> files(t).umask(a0);
      case Syscalls.PRCTL -> proc.prctl(t, a0, a1);
      case Syscalls.GETCPU -> proc.getcpu(t, a0, a1);
      case Syscalls.GETTIMEOFDAY -> time(t).gettimeofday(a0, a1);
      case Syscalls.GETPID -> proc.getpid(t);
      case Syscalls.GETTID -> proc.gettid(t);
      case Syscalls.GETPPID -> proc.getppid(t);
      case Syscalls.GETUID, Syscalls.GETEUID, Syscalls.GETGID, Syscalls.GETEGID -> 0;
      case Syscalls.GETRESUID, Syscalls.GETRESGID -> proc.getresid(t, a0, a1, a2);
      case Syscalls.SETUID, Syscalls.SETGID -> a0 == 0 ? 0 : -Errno.EPERM;
      case Syscalls.GETGROUPS -> 0;
      case Syscalls.SETRESUID, Syscalls.SETRESGID -> proc.setids(a0, a1, a2);
      case Syscalls.SETREUID, Syscalls.SETREGID -> proc.setids(a0, a1);
      case Syscalls.SETGROUPS -> proc.setgroups(t, a0, a1);
      case Syscalls.SYSINFO -> time(t).sysinfo(a0, memoryUse.totalBytes(), memoryUse.usedBytes());
      case Syscalls.BRK -> memory(t).brk(a0);
      case Syscalls.MUNMAP -> memory(t).munmap(a0, a1);
      case Syscalls.MREMAP -> memory(t).mremap(a0, a1, a2, a3, a4);
      case Syscalls.MMAP -> memory(t).mmap(a0, a1, a2, a3, a4, a5);
      case Syscalls.MPROTECT -> memory(t).mprotect(a0, a1, a2);
      case Syscalls.MADVISE -> memory(t).madvise(a0, a1, a2);
      case Syscalls.MLOCK -> memory(t).mlock(a0, a1, 0);
      case Syscalls.MLOCK2 -> memory(t).mlock(a0, a1, a2);
      case Syscalls.MUNLOCK -> memory(t).munlock(a0, a1);
      case Syscalls.MLOCKALL -> memory(t).mlockall(a0);
      case Syscalls.MUNLOCKALL -> 0;
      case Syscalls.MINCORE -> {
        MemoryCalls.Residency r = memory(t).mincore(a0, a1);
        if (r.error() != 0) {
          yield r.error();
        }
        t.process().memory().write(a2, r.pages());
        yield 0;
      }
      case Syscalls.PRLIMIT64 -> proc.prlimit(t, a0, a1, a2, a3);
      case Syscalls.GETRANDOM -> proc.getrandom(t, a0, a1, a2);
      case Syscalls.MEMBARRIER -> a0 == 0 ? 0 : -Errno.EINVAL;
      case Syscalls.RISCV_FLUSH_ICACHE -> 0;
      // Both are optional: glibc carries on without restartable sequences or a hardware probe.
      case Syscalls.RSEQ, Syscalls.RISCV_HWPROBE -> -Errno.ENOSYS;
      default -> unimplemented(nr);
    };
  }

  private long unimplemented(long nr) {
    int key = nr >= 0 && nr < 1 << 20 ? (int) nr : (1 << 20);
    if (!reported.get(key)) {
      reported.set(key);
      diagnostics.unimplemented("unimplemented system call " + Syscalls.name(nr) + " (" + nr + ")");
    }
    return -Errno.ENOSYS;
  }
}
