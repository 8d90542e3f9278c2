package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.ProcFs;
import dev.popcornj.kernel.fs.ProcSource;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.machine.hart.Hart;
import java.util.BitSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The system-call layer of a single-threaded process: takes the ecall a hart trapped on, calls the
 * handler named by a7 with a0..a5 (the riscv64 Linux convention), puts the result or -errno in a0
 * and steps pc past the ecall. A bad guest pointer anywhere becomes -EFAULT. A call that is not
 * implemented returns -ENOSYS and is reported once by name.
 *
 * <p>Owned by the kernel that runs the process; used only on its simulation thread.
 */
public final class SystemCalls {
  private static final int A0 = 10;
  private static final int A7 = 17;

  private final Process process;
  private final Diagnostics diagnostics;
  private final long ramBytes;
  private final FileCalls files;
  private final MemoryCalls memory;
  private final ProcessCalls proc;
  private final TimeCalls time;
  private final BitSet reported = new BitSet();
  private long calls;

  /**
   * @param ramBytes the machine's memory, which sysinfo reports
   */
  public SystemCalls(
      Process process, VirtualClock clock, Diagnostics diagnostics, long ramBytes, String name) {
    this.process = process;
    this.diagnostics = diagnostics;
    this.ramBytes = ramBytes;
    this.files = singleProgramFiles(process, clock);
    this.memory = new MemoryCalls(process.space(), process.files());
    this.proc = new ProcessCalls(process, clock, name);
    this.time = new TimeCalls(process.memory(), clock);
  }

  /** System calls handled so far. */
  public long calls() {
    return calls;
  }

  /**
   * Handles the ecall hart stopped at. When the call ends the process (exit, a fatal signal),
   * registers and pc are left as they were.
   */
  public void handle(Hart hart) {
    long nr = hart.x(A7);
    long result;
    try {
      result =
          dispatch(
              nr,
              hart.x(A0),
              hart.x(A0 + 1),
              hart.x(A0 + 2),
              hart.x(A0 + 3),
              hart.x(A0 + 4),
              hart.x(A0 + 5));
    } catch (BadAddressException e) {
      result = -Errno.EFAULT;
    }
    calls++;
    if (process.isDead()) {
      return;
    }
    hart.setX(A0, result);
    hart.setPc(hart.pc() + 4);
  }

  private long dispatch(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    return switch ((int) Math.max(Math.min(nr, Integer.MAX_VALUE), -1)) {
      case Syscalls.GETCWD -> files.getcwd(a0, a1);
      case Syscalls.DUP -> files.dup(a0);
      case Syscalls.DUP3 -> files.dup3(a0, a1, a2);
      case Syscalls.FCNTL -> files.fcntl(a0, a1, a2);
      case Syscalls.IOCTL -> files.ioctl(a0, a1, a2);
      case Syscalls.FACCESSAT -> files.faccessat(a0, a1, a2);
      case Syscalls.OPENAT -> files.openat(a0, a1, a2, a3);
      case Syscalls.CLOSE -> files.close(a0);
      case Syscalls.LSEEK -> files.lseek(a0, a1, a2);
      case Syscalls.READ -> files.read(a0, a1, a2);
      case Syscalls.WRITE -> files.write(a0, a1, a2);
      case Syscalls.READV -> files.readv(a0, a1, a2);
      case Syscalls.WRITEV -> files.writev(a0, a1, a2);
      case Syscalls.PREAD64 -> files.pread64(a0, a1, a2, a3);
      case Syscalls.READLINKAT -> files.readlinkat(a0, a1, a2, a3);
      case Syscalls.NEWFSTATAT -> files.newfstatat(a0, a1, a2, a3);
      case Syscalls.FSTAT -> files.fstat(a0, a1);
      case Syscalls.STATX -> files.statx(a0, a1, a2, a3, a4);
      case Syscalls.EXIT, Syscalls.EXIT_GROUP -> proc.exit(a0);
      case Syscalls.SET_TID_ADDRESS -> proc.setTidAddress(a0);
      case Syscalls.FUTEX -> proc.futex(a0, a1, a2, a3, diagnostics);
      case Syscalls.SET_ROBUST_LIST -> proc.setRobustList(a0, a1);
      case Syscalls.NANOSLEEP -> time.nanosleep(a0);
      case Syscalls.CLOCK_GETTIME -> time.clockGettime(a0, a1);
      case Syscalls.CLOCK_GETRES -> time.clockGetres(a0, a1);
      case Syscalls.CLOCK_NANOSLEEP -> time.clockNanosleep(a0, a1, a2);
      case Syscalls.SCHED_GETAFFINITY -> proc.schedGetaffinity(a0, a1, a2);
      case Syscalls.SCHED_YIELD -> 0;
      case Syscalls.KILL -> proc.kill(a0, a1);
      case Syscalls.TKILL -> proc.tkill(a0, a1);
      case Syscalls.TGKILL -> proc.tgkill(a0, a1, a2);
      case Syscalls.SIGALTSTACK -> proc.sigaltstack(a1);
      case Syscalls.RT_SIGACTION -> proc.rtSigaction(a0, a1, a2, a3);
      case Syscalls.RT_SIGPROCMASK -> proc.rtSigprocmask(a0, a1, a2, a3);
      case Syscalls.TIMES -> time.times(a0);
      case Syscalls.UNAME -> proc.uname(a0);
      case Syscalls.GETRLIMIT -> proc.prlimit(0, a0, 0, a1);
      case Syscalls.SETRLIMIT -> proc.prlimit(0, a0, a1, 0);
      case Syscalls.GETRUSAGE -> time.getrusage(a0, a1);
      case Syscalls.UMASK -> proc.umask(a0);
      case Syscalls.PRCTL -> proc.prctl(a0, a1);
      case Syscalls.GETTIMEOFDAY -> time.gettimeofday(a0, a1);
      case Syscalls.GETPID, Syscalls.GETTID -> proc.getpid();
      case Syscalls.GETPPID -> proc.getppid();
      case Syscalls.GETUID, Syscalls.GETEUID -> proc.uid();
      case Syscalls.GETGID, Syscalls.GETEGID -> proc.gid();
      case Syscalls.SYSINFO ->
          time.sysinfo(a0, ramBytes, process.space().residentPages() * MemoryLayout.PAGE_SIZE);
      case Syscalls.BRK -> memory.brk(a0);
      case Syscalls.MUNMAP -> memory.munmap(a0, a1);
      case Syscalls.MREMAP -> memory.mremap(a0, a1, a2, a3, a4);
      case Syscalls.MMAP -> memory.mmap(a0, a1, a2, a3, a4, a5);
      case Syscalls.MPROTECT -> memory.mprotect(a0, a1, a2);
      case Syscalls.MADVISE -> memory.madvise(a0, a1, a2);
      case Syscalls.PRLIMIT64 -> proc.prlimit(a0, a1, a2, a3);
      case Syscalls.GETRANDOM -> proc.getrandom(a0, a1, a2);
      case Syscalls.RISCV_FLUSH_ICACHE -> 0;
      // Both are optional: glibc carries on without restartable sequences or a hardware probe.
      case Syscalls.RSEQ, Syscalls.RISCV_HWPROBE -> -Errno.ENOSYS;
      default -> unimplemented(nr);
    };
  }

  /**
   * The file calls of a program run alone: an empty root with /proc (for /proc/self/exe) and no
   * storage for file data, since such a run has no initramfs and no other task to wake a waiter.
   */
  private static FileCalls singleProgramFiles(Process process, VirtualClock clock) {
    Sleeper noWaiting =
        new Sleeper() {
          @Override
          public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
            return ready.getAsBoolean();
          }

          @Override
          public void wakeAll(WaitQueue queue) {}
        };
    Vfs vfs =
        new Vfs(
            () -> {
              throw new OutOfFramesException("no file storage in a single-program run");
            },
            noWaiting,
            () -> clock.nowPs() / 1000);
    vfs.mkdirs("/proc", 0555);
    vfs.mount("/proc", new ProcFs(vfs, new SingleProcess(process)));
    FsContext fs = vfs.newContext();
    return new FileCalls(
        vfs,
        new FileCalls.Caller() {
          @Override
          public UserMemory memory() {
            return process.memory();
          }

          @Override
          public FileTable files() {
            return process.files();
          }

          @Override
          public FsContext fs() {
            return fs;
          }

          @Override
          public void raiseSigpipe() {
            process.send(Signals.SIGPIPE, "write to a closed output");
          }
        });
  }

  /** /proc of a run with one process: its exe link and nothing else. */
  private record SingleProcess(Process process) implements ProcSource {
    @Override
    public int currentPid() {
      return process.pid();
    }

    @Override
    public List<Integer> pids() {
      return List.of(process.pid());
    }

    @Override
    public String processFile(int pid, String name) {
      return null;
    }

    @Override
    public String exeLink(int pid) {
      return pid == process.pid() ? process.executable() : null;
    }

    @Override
    public String cwdLink(int pid) {
      return "/";
    }

    @Override
    public List<String> systemFiles() {
      return List.of();
    }

    @Override
    public String systemFile(String path) {
      return null;
    }
  }

  private long unimplemented(long nr) {
    int key = nr >= 0 && nr < 1 << 20 ? (int) nr : (1 << 20);
    if (!reported.get(key)) {
      reported.set(key);
      diagnostics.report("unimplemented system call " + Syscalls.name(nr) + " (" + nr + ")");
    }
    return -Errno.ENOSYS;
  }
}
