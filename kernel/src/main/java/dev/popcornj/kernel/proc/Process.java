package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.signal.PendingSignals;
import dev.popcornj.kernel.signal.SigActions;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.time.ProcessTimers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A process (a thread group): what its threads share — address space, open files, signal
 * dispositions and group-wide pending signals, identity, process group and session, limits — and
 * its place in the family tree, down to the status its parent collects with wait4.
 *
 * <p>Owned by one kernel instance; changed only by kernel code running for one of its tasks or for
 * a task that signals or waits for it.
 */
public final class Process {
  /** Every process runs as root: the initramfs system has one user. */
  public static final int UID = 0;

  public static final int GID = 0;

  private final int pid;
  private Process parent;
  private final List<Process> children = new ArrayList<>();
  private final List<Task> threads = new ArrayList<>();
  private final WaitQueue childEvents;
  private int pgid;
  private int sid;

  private AddressSpace space;
  private UserMemory memory;
  private FileTable files;
  private FsContext fsContext;

  /** The group's signal dispositions, shared by its threads. */
  private SigActions actions = new SigActions();

  private final PendingSignals sharedPendingSignals = new PendingSignals();
  private final long[][] limits = new long[RlimitDescriptor.RLIM_NLIMITS][2];
  private String executable = "";
  private List<String> argv = List.of();
  private List<String> env = List.of();
  private String comm = "";
  private final long startPs;

  // --- ending
  private boolean exiting;
  private int exitWaitStatus;
  private boolean zombie;
  private boolean reaped;
  private int stopSignal; // a stop not yet reported to the parent, 0 if none
  private boolean continuedUnreported;
  private boolean stopped;
  private int exitSignal = Signals.SIGCHLD;
  private int nice;
  private Task vforkParent;
  private int guestOf = -1;
  private int fileHome = -1;
  private int remoteParent;

  public Process(int pid, Process parent, WaitQueue childEvents, long startPs) {
    this.pid = pid;
    this.parent = parent;
    this.childEvents = childEvents;
    this.startPs = startPs;
    for (long[] l : limits) {
      Arrays.fill(l, RlimitDescriptor.RLIM_INFINITY);
    }
    limits[RlimitDescriptor.RLIMIT_STACK][0] = MemoryLayout.STACK_LIMIT;
    limits[RlimitDescriptor.RLIMIT_NOFILE][0] = Param.NOFILE_DEFAULT;
    limits[RlimitDescriptor.RLIMIT_NOFILE][1] = Param.NOFILE_HARD_DEFAULT;
  }

  public int pid() {
    return pid;
  }

  public Process parent() {
    return parent;
  }

  public void setParent(Process p) {
    parent = p;
  }

  public List<Process> children() {
    return children;
  }

  public List<Task> threads() {
    return threads;
  }

  /** Live threads (not yet dead). */
  public int liveThreads() {
    int n = 0;
    for (Task t : threads) {
      if (t.state() != SchedEntity.State.DEAD) {
        n++;
      }
    }
    return n;
  }

  /** Where this process's own waiters (wait4, a vfork parent) sleep until a child changes state. */
  public WaitQueue childEvents() {
    return childEvents;
  }

  public int pgid() {
    return pgid;
  }

  public void setPgid(int g) {
    pgid = g;
  }

  public int sid() {
    return sid;
  }

  public void setSid(int s) {
    sid = s;
  }

  public AddressSpace space() {
    return space;
  }

  public UserMemory memory() {
    return memory;
  }

  public void setMemory(AddressSpace s, UserMemory m) {
    space = s;
    memory = m;
  }

  public FileTable files() {
    return files;
  }

  /** Gives the process its descriptor table, which takes the process's RLIMIT_NOFILE. */
  public void setFiles(FileTable f) {
    files = f;
    f.setLimit(limits[RlimitDescriptor.RLIMIT_NOFILE][0]);
  }

  /** The file-system context (cwd, root, umask) as the VFS defines it. */
  public FsContext fsContext() {
    return fsContext;
  }

  public void setFsContext(FsContext fs) {
    fsContext = fs;
  }

  private ProcessTimers timers;

  // CPU time of the group's threads, ended ones included; and of its reaped children (theirs and
  // their reaped children's), as getrusage(RUSAGE_CHILDREN) and times' cutime report.
  private long cpuTimePs;
  private long childrenCpuTimePs;

  public void addCpuTime(long ps) {
    cpuTimePs += Math.max(0, ps);
  }

  public long cpuTimePs() {
    return cpuTimePs;
  }

  public long childrenCpuTimePs() {
    return childrenCpuTimePs;
  }

  /** A child was reaped: its CPU time and its children's join this group's children's. */
  public void addReapedChild(Process c) {
    childrenCpuTimePs += c.cpuTimePs + c.childrenCpuTimePs;
  }

  /** The group's timers; null only for a process made outside a kernel (unit tests). */
  public ProcessTimers timers() {
    return timers;
  }

  public void setTimers(ProcessTimers timers) {
    this.timers = timers;
  }

  public SigActions actions() {
    return actions;
  }

  /** fork copies the dispositions; CLONE_SIGHAND would share them (threads share the process). */
  public void copyActionsFrom(Process o) {
    actions = o.actions.copy();
  }

  /** execve: caught signals go back to their default action; ignored ones stay ignored. */
  public void resetHandlersForExec() {
    actions.resetForExec();
  }

  /** Signals pending for the process as a whole (kill), which any thread may take. */
  public long sharedPending() {
    return sharedPendingSignals.mask();
  }

  public void discardShared(long set) {
    sharedPendingSignals.discard(set);
  }

  public long[] limit(int resource) {
    return limits[resource].clone();
  }

  public void setLimit(int resource, long cur, long max) {
    limits[resource][0] = cur;
    limits[resource][1] = max;
    if (resource == RlimitDescriptor.RLIMIT_NOFILE && files != null) {
      files.setLimit(cur);
    }
  }

  public void copyLimitsFrom(Process o) {
    for (int i = 0; i < limits.length; i++) {
      limits[i] = o.limits[i].clone();
    }
  }

  public String executable() {
    return executable;
  }

  public List<String> argv() {
    return argv;
  }

  public List<String> env() {
    return env;
  }

  /** The command name (at most 15 bytes), as /proc/PID/comm and ps show it. */
  public String comm() {
    return comm;
  }

  public void setComm(String name) {
    comm = name.length() > 15 ? name.substring(0, 15) : name;
  }

  /** What execve (or the start of init) installed: path, arguments and environment. */
  public void setImage(String exe, List<String> args, List<String> environment) {
    executable = exe;
    argv = List.copyOf(args);
    env = List.copyOf(environment);
    setComm(exe.substring(exe.lastIndexOf('/') + 1));
  }

  public long startPs() {
    return startPs;
  }

  // --- ending

  /** True once exit_group, a fatal signal or exec's de-threading started tearing it down. */
  public boolean exiting() {
    return exiting;
  }

  /** Starts the group exit with the wait status to report (Linux encoding). */
  public void beginExit(int waitStatus) {
    if (!exiting) {
      exiting = true;
      exitWaitStatus = waitStatus;
    }
  }

  public int exitWaitStatus() {
    return exitWaitStatus;
  }

  public boolean zombie() {
    return zombie;
  }

  public void setZombie() {
    zombie = true;
  }

  public boolean reaped() {
    return reaped;
  }

  public void setReaped() {
    reaped = true;
  }

  public boolean stopped() {
    return stopped;
  }

  public void setStopped(boolean s) {
    stopped = s;
  }

  /** A stop by signal not yet collected by the parent (WUNTRACED), or 0. */
  public int stopSignalUnreported() {
    return stopSignal;
  }

  public void setStopSignalUnreported(int sig) {
    stopSignal = sig;
  }

  public boolean continuedUnreported() {
    return continuedUnreported;
  }

  public void setContinuedUnreported(boolean c) {
    continuedUnreported = c;
  }

  public int nice() {
    return nice;
  }

  public void setNice(int n) {
    nice = n;
  }

  /** The signal the parent gets when this process ends (SIGCHLD for fork; clone chooses). */
  public int exitSignal() {
    return exitSignal;
  }

  public void setExitSignal(int sig) {
    exitSignal = sig;
  }

  /** The parent task waiting for this vfork child to execve or exit, or null. */
  public Task vforkParent() {
    return vforkParent;
  }

  public void setVforkParent(Task t) {
    vforkParent = t;
  }

  /** Makes info pending for the group; false when it was not added (see PendingSignals). */
  public boolean postShared(SigInfo info) {
    return sharedPendingSignals.enqueue(info);
  }

  /** Withdraws info, this very object, if it is pending for the group. */
  public boolean unqueueShared(SigInfo info) {
    return sharedPendingSignals.remove(info);
  }

  /** Takes the oldest pending instance of sig (which must be pending) with its info. */
  public SigInfo takeSharedInfo(int sig) {
    return sharedPendingSignals.take(sig);
  }

  /**
   * For the running copy of a process that migrated here: the kernel that is its home (origin),
   * which keeps its family, files and address space; -1 for a process homed on this kernel.
   */
  public int guestOf() {
    return guestOf;
  }

  public void setGuestOf(int kernel) {
    guestOf = kernel;
  }

  /**
   * For a process forked here by a thread of another kernel's process: the kernel that holds its
   * files, cwd and umask (its parent's home, where a file agent serves its calls on them); -1 for a
   * process whose files are here.
   */
  public int fileHome() {
    return fileHome;
  }

  public void setFileHome(int kernel) {
    fileHome = kernel;
  }

  /**
   * The pid of this process's parent when the parent lives on another kernel (a process forked here
   * for another kernel's process), 0 otherwise: what getppid reports while {@link #parent} is null.
   */
  public int remoteParent() {
    return remoteParent;
  }

  public void setRemoteParent(int pid) {
    remoteParent = pid;
  }

  @Override
  public String toString() {
    return "process " + pid + " (" + comm + ")";
  }
}
