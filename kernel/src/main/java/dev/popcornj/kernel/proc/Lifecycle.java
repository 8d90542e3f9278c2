package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.Pager;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.KernelStack;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.signal.AltStack;
import dev.popcornj.kernel.signal.SigActions;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.time.ProcessTimers;
import dev.popcornj.machine.mem.MemoryView;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Birth and death of tasks and processes: the first process, clone (threads and fork), execve, exit
 * of a thread and of a whole group, and wait4 with Linux's status encoding.
 *
 * <p>Status words as wait4 reports them: exited {@code code << 8}; killed {@code sig} (| 0x80 with
 * a core dump); stopped {@code sig << 8 | 0x7f}; continued {@code 0xffff}.
 *
 * <p>Owned by one kernel instance.
 */
public final class Lifecycle {
  public static final int CLONE_VM = 0x100;
  public static final int CLONE_FS = 0x200;
  public static final int CLONE_FILES = 0x400;
  public static final int CLONE_SIGHAND = 0x800;
  public static final int CLONE_PIDFD = 0x1000;
  public static final int CLONE_VFORK = 0x4000;
  public static final int CLONE_PARENT = 0x8000;
  public static final int CLONE_THREAD = 0x10000;
  public static final int CLONE_NEWNS = 0x20000;
  public static final int CLONE_SYSVSEM = 0x40000;
  public static final int CLONE_SETTLS = 0x80000;
  public static final int CLONE_PARENT_SETTID = 0x100000;
  public static final int CLONE_CHILD_CLEARTID = 0x200000;
  public static final int CLONE_DETACHED = 0x400000;
  public static final int CLONE_CHILD_SETTID = 0x1000000;

  public static final int WNOHANG = 1;
  public static final int WUNTRACED = 2;
  public static final int WCONTINUED = 8;
  public static final int WALL = 0x4000_0000;
  public static final int WCLONE = 0x8000_0000;
  public static final int WNOTHREAD = 0x2000_0000;

  /** How a process's standard streams are set up: init's, by whoever started the kernel. */
  @FunctionalInterface
  public interface Stdio {
    void install(FileTable files, Vfs vfs);
  }

  /** What execve needs beyond the program: the memory it loads into and the machine it runs on. */
  public record ExecEnvironment(MemoryView view, long hwcap, Entropy entropy) {}

  private final ProcessTable table;
  private final Scheduler scheduler;
  private final FrameAllocator frames;
  private final Vfs vfs;
  private final ProgramFiles programs;
  private final ExecEnvironment exec;
  private final Signalling signals;
  private final Futexes futexes;
  private final KernelControl control;
  private Consumer<Task> taskBody;
  private GuestEnd guestEnded = (t, group, last, clearTid) -> {};
  private java.util.function.BiConsumer<Task, Task> threadCreated = (parent, child) -> {};
  private Consumer<Process> forkedEnded = p -> {};
  private FilesForked filesForked = (parent, child, flags) -> -Errno.ENOSYS;
  private ProgramFiles remotePrograms;
  private Consumer<Task> execDone = t -> {};
  private Process init;
  private final Map<AddressSpace, int[]> spaceUsers = new IdentityHashMap<>();
  private final KernelStack.Group stacks = new KernelStack.Group();
  private final Map<FileTable, int[]> fileTableUsers = new IdentityHashMap<>();

  public Lifecycle(
      ProcessTable table,
      Scheduler scheduler,
      FrameAllocator frames,
      Vfs vfs,
      ProgramFiles programs,
      ExecEnvironment exec,
      Signalling signals,
      Futexes futexes,
      KernelControl control) {
    this.table = table;
    this.scheduler = scheduler;
    this.frames = frames;
    this.vfs = vfs;
    this.programs = programs;
    this.exec = exec;
    this.signals = signals;
    this.futexes = futexes;
    this.control = control;
  }

  /**
   * What every task's kernel stack runs (the trap loop); set once by the kernel's composition root,
   * since that loop itself ends tasks through this lifecycle.
   */
  public void setTaskBody(Consumer<Task> body) {
    if (taskBody != null) {
      throw new IllegalStateException("task body already set");
    }
    taskBody = body;
  }

  /** Told when the running copy of a migrated process ends here (it exited, or went on). */
  public void setGuestEnded(GuestEnd listener) {
    guestEnded = listener;
  }

  /**
   * Told when a process forked here for another kernel's process (see {@link #adoptForked}) ended:
   * its parent, there, must hear of it.
   */
  public void setForkedEnded(Consumer<Process> listener) {
    forkedEnded = listener;
  }

  /** How a process whose files are on another kernel gives a child it forks its copy of them. */
  @FunctionalInterface
  public interface FilesForked {
    /**
     * Process child, just forked by task parent with clone's flags, gets its files (and cwd) from
     * its parent's, on the kernel that holds them; 0, or -errno and the fork fails.
     */
    long fork(Task parent, Process child, long flags);
  }

  public void setFilesForked(FilesForked hook) {
    filesForked = hook;
  }

  /**
   * Where execve finds programs for a process whose files are on another kernel ({@link
   * Process#fileHome}), and what it tells that kernel once a program replaced another (files closed
   * on exec go there).
   */
  public void setRemotePrograms(ProgramFiles programs, Consumer<Task> execDone) {
    remotePrograms = programs;
    this.execDone = execDone;
  }

  private ProgramFiles programsFor(Process p) {
    return p.fileHome() >= 0 && remotePrograms != null ? remotePrograms : programs;
  }

  /** Told of each thread clone creates (CLONE_THREAD), before it first runs. */
  public void setThreadCreated(java.util.function.BiConsumer<Task, Task> listener) {
    threadCreated = listener;
  }

  /** How the kernel hears that a task of a running copy ended here. */
  @FunctionalInterface
  public interface GuestEnd {
    /**
     * Task t of a running copy ended: with its process (group: exit_group, a fatal signal) or alone
     * (exit, or a kill of just this thread); last when it was the copy's last thread here (its
     * memory goes after this returns); clearTid its clear_child_tid, which home clears and wakes.
     */
    void ended(Task t, boolean group, boolean last, long clearTid);
  }

  /**
   * Adds to running copy p (a process of another kernel, with threads here already) a thread that
   * migrated here: task tid with regs, runnable at once on the CPUs of affinity.
   */
  public Task adoptThread(Process p, int tid, Registers regs, long affinity) {
    Task t = new Task(tid, p, regs, affinity == 0 ? scheduler.allCpusMask() : affinity);
    p.threads().add(t);
    table.addTask(t);
    start(t, scheduler.now());
    return t;
  }

  /**
   * Starts here the running copy of a task that migrated from kernel origin: a process and task
   * with the ids they have at home, the registers and signal state that came with it, an address
   * space filled from home through pager, and no files (its calls on files are served at home). The
   * task is runnable at once on the CPUs of affinity.
   */
  public Task adopt(
      int origin,
      int pid,
      int tid,
      String comm,
      Registers regs,
      SigActions actions,
      long blocked,
      AltStack altStack,
      long affinity,
      Pager pager) {
    Process p = new Process(pid, null, new WaitQueue(scheduler), scheduler.now());
    p.setGuestOf(origin);
    p.setTimers(timersFor(p));
    p.setPgid(pid);
    p.setSid(pid);
    p.setFsContext(vfs.newContext());
    FileTable files = new FileTable();
    p.setFiles(files);
    fileTableUsers.put(files, new int[] {1});
    AddressSpace space = newSpace();
    space.setPager(pager);
    p.setMemory(space, new UserMemory(space, exec.view()));
    p.setComm(comm);
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      if (sig != Signals.SIGKILL && sig != Signals.SIGSTOP) {
        p.actions().set(sig, actions.get(sig));
      }
    }
    Task t = new Task(tid, p, regs, affinity == 0 ? scheduler.allCpusMask() : affinity);
    t.setBlocked(blocked);
    t.setAltStack(altStack);
    p.threads().add(t);
    table.addProcess(p);
    table.addTask(t);
    start(t, scheduler.now());
    return t;
  }

  /**
   * The program execve would run for caller at path.
   *
   * @throws ErrnoException as the lookup fails (ENOENT, EACCES, ...)
   */
  public ProgramFiles.Program openProgram(Process caller, String path) {
    return programsFor(caller).open(caller, path);
  }

  /** The first process, once spawned. */
  public Process init() {
    return init;
  }

  // --- the first process

  /**
   * Creates init (the first id of this kernel's range: pid 1 on kernel 0) running path, with its
   * standard streams as stdio gives them.
   *
   * @throws ErrnoException or {@link BadProgramException} when the program cannot be loaded
   */
  public Process spawnInit(String path, List<String> argv, List<String> env, Stdio stdio)
      throws BadProgramException {
    int pid = table.allocate();
    Process p = new Process(pid, null, new WaitQueue(scheduler), scheduler.now());
    p.setTimers(timersFor(p));
    // As Linux's set_max_threads: init's RLIMIT_NPROC is half of threads-max. Like Linux, it
    // holds back no task of root, and every task here is root's: threads-max is what refuses.
    int nproc = table.threadsMax() / 2;
    p.setLimit(RlimitDescriptor.RLIMIT_NPROC, nproc, nproc);
    p.setPgid(pid);
    p.setSid(pid);
    p.setFsContext(vfs.newContext());
    FileTable files = new FileTable();
    stdio.install(files, vfs);
    p.setFiles(files);
    fileTableUsers.put(files, new int[] {1});
    Task t = new Task(pid, p, new Registers(), scheduler.allCpusMask());
    p.threads().add(t);
    table.addProcess(p);
    table.addTask(t);
    ProgramFiles.Program program = programs.open(p, path);
    install(p, t, prepare(p, program, argv, env), argv, env);
    init = p;
    signals.setInit(p);
    start(t, scheduler.now());
    return p;
  }

  /**
   * Ends the kernel stack of every task this kernel started and that has not ended, whether or not
   * it is still in the process table: the kernel is done.
   */
  public void discardStacks() {
    stacks.discardAll();
  }

  /** How many kernel stacks of this kernel's tasks have not ended. */
  public int liveStacks() {
    return stacks.size();
  }

  private void start(Task t, long atPs) {
    t.setStack(new KernelStack(stacks, "task-" + t.tid(), () -> taskBody.accept(t)));
    scheduler.admit(t.sched(), atPs);
  }

  /** A new address space whose TLB shootdown reaches every CPU that may hold its translations. */
  public AddressSpace newSpace() {
    AddressSpace[] holder = new AddressSpace[1];
    AddressSpace space = new AddressSpace(frames, shootdown(holder));
    holder[0] = space;
    spaceUsers.put(space, new int[] {1});
    return space;
  }

  private AddressSpace.TlbShootdown shootdown(AddressSpace[] holder) {
    return () -> {
      for (Cpu c : scheduler.cpus()) {
        c.flushIfBound(holder[0]);
      }
    };
  }

  /** The child's copy-on-write copy of a parent's address space at fork. */
  private AddressSpace forkSpace(AddressSpace parent, boolean copiesStay) {
    AddressSpace[] holder = new AddressSpace[1];
    AddressSpace child = parent.fork(shootdown(holder), copiesStay);
    holder[0] = child;
    spaceUsers.put(child, new int[] {1});
    return child;
  }

  private void dropSpace(AddressSpace space) {
    int[] users = spaceUsers.get(space);
    if (users != null && --users[0] == 0) {
      spaceUsers.remove(space);
      for (Cpu c : scheduler.cpus()) {
        c.unbind(space);
      }
      space.release();
    }
  }

  private void dropFiles(FileTable files) {
    int[] users = fileTableUsers.get(files);
    if (users != null && --users[0] == 0) {
      fileTableUsers.remove(files);
      files.closeAll();
    }
  }

  /** Whether p's address space is also another process's (clone with CLONE_VM, vfork). */
  public boolean sharesSpace(Process p) {
    int[] users = spaceUsers.get(p.space());
    return users != null && users[0] > 1;
  }

  /** Address spaces alive now, for the invariant checks. */
  public List<AddressSpace> liveSpaces() {
    return new ArrayList<>(spaceUsers.keySet());
  }

  /** Puts a prepared image into process p as the program task t runs. */
  private void install(Process p, Task t, Exec.Image image, List<String> argv, List<String> env) {
    AddressSpace old = p.space();
    p.setMemory(image.space(), image.memory());
    if (old != null) {
      dropSpace(old);
    }
    p.setImage(image.path(), argv, env);
    t.regs().clear();
    t.regs().setPc(image.entry());
    t.regs().setX(Registers.SP, image.sp());
  }

  // --- clone

  /**
   * clone and clone3: a thread (CLONE_THREAD) or a new process sharing or copying what the flags
   * say. Returns the new task's id or -errno; the child returns 0 from the same call.
   */
  public long clone(
      Task parent, long flags, long stack, long parentTid, long tls, long childTid, int exitSig) {
    Process pp = parent.process();
    if ((flags & CLONE_THREAD) != 0 && ((flags & CLONE_SIGHAND) == 0 || (flags & CLONE_VM) == 0)) {
      return -Errno.EINVAL;
    }
    if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) {
      return -Errno.EINVAL;
    }
    if ((flags & (CLONE_NEWNS | 0x7e00_0000L | 0x2_0000_0000L)) != 0) {
      return -Errno.EINVAL;
    }
    if (pp.exiting()) {
      return -Errno.EINTR;
    }
    int tid = table.allocate();
    if (tid < 0) {
      return -Errno.EAGAIN;
    }
    Registers regs = parent.regs().copy();
    regs.setX(Registers.A0, 0);
    if (stack != 0) {
      regs.setX(Registers.SP, stack);
    }
    if ((flags & CLONE_SETTLS) != 0) {
      regs.setX(Registers.TP, tls);
    }
    Process cp;
    Task child;
    if ((flags & CLONE_THREAD) != 0) {
      cp = pp;
      child = new Task(tid, pp, regs, parent.affinity());
      pp.threads().add(child);
    } else {
      try {
        cp = forkProcess(pp, tid, flags, exitSig, false);
      } catch (OutOfFramesException e) {
        return -Errno.ENOMEM;
      }
      table.addProcess(cp);
      if (pp.fileHome() >= 0) {
        // Its files are a copy of (or the same as) its parent's, which are on another kernel.
        long r = filesForked.fork(parent, cp, flags);
        if (r < 0) {
          cp.parent().children().remove(cp);
          table.removeUnstarted(cp);
          dropFiles(cp.files());
          dropSpace(cp.space());
          return r;
        }
      }
      child = new Task(tid, cp, regs, parent.affinity());
      cp.threads().add(child);
    }
    child.setBlocked(parent.blocked());
    child.setCpuSet(parent.cpuSet());
    if ((flags & CLONE_VM) == 0 || (flags & CLONE_VFORK) != 0) {
      child.setAltStack(parent.altStack().copy());
    }
    table.addTask(child);
    if ((flags & CLONE_PARENT_SETTID) != 0) {
      pp.memory().write32(parentTid, tid);
    }
    if ((flags & CLONE_CHILD_SETTID) != 0) {
      cp.memory().write32(childTid, tid);
    }
    if ((flags & CLONE_CHILD_CLEARTID) != 0) {
      child.setClearChildTid(childTid);
    }
    if ((flags & CLONE_THREAD) != 0) {
      threadCreated.accept(parent, child);
    }
    start(child, scheduler.now());
    if ((flags & CLONE_VFORK) != 0) {
      // The parent waits until the child has execve'd or exited and so given back the memory.
      cp.setVforkParent(parent);
      scheduler.waitOn(cp.childEvents(), () -> cp.vforkParent() == null, Scheduler.FOREVER);
    }
    return tid;
  }

  /**
   * The new process of a fork (clone without CLONE_THREAD) of pp with id pid: its memory, files and
   * cwd shared or copied as flags say, its place among its parent's children taken. No task yet.
   *
   * @throws OutOfFramesException when copying the memory finds no frame (nothing was changed)
   */
  private Process forkProcess(Process pp, int pid, long flags, int exitSig, boolean copiesStay) {
    Process newParent = (flags & CLONE_PARENT) != 0 && pp.parent() != null ? pp.parent() : pp;
    Process cp = new Process(pid, newParent, new WaitQueue(scheduler), scheduler.now());
    if ((flags & CLONE_VM) != 0) {
      cp.setMemory(pp.space(), pp.memory());
      spaceUsers.get(pp.space())[0]++;
    } else {
      AddressSpace space = forkSpace(pp.space(), copiesStay);
      cp.setMemory(space, new UserMemory(space, exec.view()));
    }
    // fork: the child starts with no timers armed (itimers and POSIX timers alike).
    cp.setTimers(timersFor(cp));
    cp.setExitSignal(exitSig);
    inherit(cp, pp, flags);
    newParent.children().add(cp);
    return cp;
  }

  /**
   * What new process cp takes from from at a fork: process group, session, signal actions, limits,
   * program, name, and its cwd and umask and its files (shared with CLONE_FS and CLONE_FILES,
   * copied otherwise).
   */
  private void inherit(Process cp, Process from, long flags) {
    cp.setPgid(from.pgid());
    cp.setSid(from.sid());
    cp.copyActionsFrom(from);
    cp.copyLimitsFrom(from);
    cp.setImage(from.executable(), from.argv(), from.env());
    cp.setComm(from.comm());
    cp.setFsContext((flags & CLONE_FS) != 0 ? from.fsContext() : from.fsContext().copy());
    if ((flags & CLONE_FILES) != 0) {
      cp.setFiles(from.files());
      fileTableUsers.get(from.files())[0]++;
    } else {
      FileTable copy = from.files().copy();
      cp.setFiles(copy);
      fileTableUsers.put(copy, new int[] {1});
    }
  }

  // --- forks for another kernel (the migration service's)

  /**
   * The file agent of a child that a thread of pp, running on another kernel, forks there with id
   * pid (of that kernel's range): a process here, the child of pp (or of pp's parent with
   * CLONE_PARENT) as a fork makes it, which keeps the child's copy of pp's files (pp's own with
   * CLONE_FILES), cwd and umask, and for now a copy-on-write copy of pp's memory: the child's
   * image, which goes to the child's kernel before {@link #pageFrom} makes the agent's memory the
   * child's, served from there. It has no task yet. The copies of pp's pages that other kernels
   * hold stay there: the caller made their writers share first, but for the child's kernel, which
   * copies the pages it writes into the child itself (so the agent's copy lacks them).
   *
   * @throws OutOfFramesException when copying the memory finds no frame (nothing was changed)
   */
  public Process forkAgent(Process pp, int pid, long flags, int exitSig) {
    Process d = forkProcess(pp, pid, flags & ~(long) CLONE_VM, exitSig, true);
    table.addProcess(d);
    return d;
  }

  /**
   * The file agent, id pid, of a process that a process with file agent d (here) forks on d's
   * process's kernel: its files and cwd copied from d's (or d's own, as flags say); no family here
   * (its parent is where it runs); its memory d's with CLONE_VM, else none until {@link #pageFrom}.
   */
  public Process forkFiles(Process d, int pid, long flags) {
    Process cp = new Process(pid, null, new WaitQueue(scheduler), scheduler.now());
    cp.setTimers(timersFor(cp));
    inherit(cp, d, flags);
    if ((flags & CLONE_VM) != 0) {
      cp.setMemory(d.space(), d.memory());
      spaceUsers.get(d.space())[0]++;
      cp.setGuestOf(d.guestOf());
    }
    table.addProcess(cp);
    return cp;
  }

  /**
   * Process p (a file agent) drops its memory and takes an empty space that pager fills from p's
   * home, kernel home: p becomes a running copy of the process homed there.
   */
  public void pageFrom(Process p, int home, Pager pager) {
    AddressSpace old = p.space();
    AddressSpace space = newSpace();
    space.setPager(pager);
    p.setMemory(space, new UserMemory(space, exec.view()));
    if (old != null) {
      dropSpace(old);
    }
    p.setGuestOf(home);
  }

  /**
   * Starts a task tid of p that runs only kernel code (a file agent's worker): body on its own
   * kernel stack; the task is gone when body returns.
   */
  public Task startKernelTask(Process p, int tid, Consumer<Task> body) {
    Task t = new Task(tid, p, new Registers(), scheduler.allCpusMask());
    p.threads().add(t);
    table.addTask(t);
    t.setStack(
        new KernelStack(
            stacks,
            "worker-" + tid,
            () -> {
              body.accept(t);
              t.setState(SchedEntity.State.DEAD);
              table.removeTask(t);
            }));
    scheduler.admit(t.sched(), scheduler.now());
    return t;
  }

  /**
   * Starts process pid here, forked by parent (the running copy of a task homed on kernel fileHome,
   * which keeps the new process's files): its first task starts from regs with the parent's signal
   * state, in space (its image, filled already); its family here starts with it (its parent,
   * remoteParent, lives on the other kernel).
   */
  public Task adoptForked(
      Task parent,
      int pid,
      int fileHome,
      int remoteParent,
      Registers regs,
      AddressSpace space,
      int pgid,
      int sid,
      int exitSig,
      String exe,
      List<String> argv,
      List<String> env,
      String comm) {
    Process cp = new Process(pid, null, new WaitQueue(scheduler), scheduler.now());
    cp.setRemoteParent(remoteParent);
    cp.setFileHome(fileHome);
    cp.setTimers(timersFor(cp));
    cp.setExitSignal(exitSig);
    cp.setPgid(pgid);
    cp.setSid(sid);
    cp.copyActionsFrom(parent.process());
    cp.copyLimitsFrom(parent.process());
    cp.setImage(exe, argv, env);
    cp.setComm(comm);
    cp.setFsContext(vfs.newContext()); // unused: its cwd is at its file home
    FileTable files = new FileTable();
    cp.setFiles(files);
    fileTableUsers.put(files, new int[] {1});
    cp.setMemory(space, new UserMemory(space, exec.view()));
    Task child = new Task(pid, cp, regs, parent.affinity());
    cp.threads().add(child);
    table.addProcess(cp);
    child.setBlocked(parent.blocked());
    child.setCpuSet(parent.cpuSet());
    child.setAltStack(parent.altStack().copy());
    table.addTask(child);
    start(child, scheduler.now());
    return child;
  }

  /**
   * The file agent d ends with the process it served, which exited with waitStatus: its files and
   * memory go, and it becomes the zombie its parent here collects.
   */
  public void endAgent(Process d, int waitStatus, long cpuPs) {
    d.beginExit(waitStatus);
    d.addCpuTime(cpuPs);
    for (Task t : d.threads()) {
      t.setKicked(true);
    }
    dropFiles(d.files());
    dropSpace(d.space());
    if (d.parent() == null) {
      // The agent of a process whose parent is where it runs: nobody here waits for it.
      d.setZombie();
      d.timers().stopAll();
      table.removeProcess(d);
      return;
    }
    finishProcess(d);
  }

  /** A vfork child gave the memory back (execve or exit): its parent may run again. */
  private void releaseVfork(Process p) {
    if (p.vforkParent() != null) {
      p.setVforkParent(null);
      p.childEvents().wakeAll();
    }
  }

  // --- execve

  /**
   * Replaces the calling process's program. Returns normally having set up the new registers, or
   * throws ErrnoException before anything of the old program was lost.
   */
  public void execve(Task t, String path, List<String> argv, List<String> env)
      throws BadProgramException {
    Process p = t.process();
    ProgramFiles.Program program = programsFor(p).open(p, path);
    Exec.Image image = prepare(p, program, argv, env);
    // The point of no return: other threads go, the new image replaces the old.
    for (Task other : List.copyOf(p.threads())) {
      if (other != t && other.state() != SchedEntity.State.DEAD) {
        other.setClearChildTid(0);
        signals.killThread(other);
      }
    }
    install(p, t, image, argv, env);
    spaceUsers.put(image.space(), new int[] {1});
    closeOnExec(p);
    p.resetHandlersForExec();
    p.timers().deleteAllPosix();
    t.altStack().reset();
    t.setClearChildTid(t.clearChildTid());
    releaseVfork(p);
    if (p.fileHome() >= 0) {
      execDone.accept(t);
    }
  }

  /**
   * Process p replaced its program: its file table becomes its own (if another process shared it)
   * and the files marked close-on-exec go.
   */
  public void closeOnExec(Process p) {
    FileTable files = p.files();
    if (fileTableUsers.get(files)[0] > 1) {
      fileTableUsers.get(files)[0]--;
      files = files.copy();
      fileTableUsers.put(files, new int[] {1});
      p.setFiles(files);
    }
    files.closeOnExec();
  }

  /** Gives back space, made by {@link #newSpace} and never used by a process. */
  public void discardSpace(AddressSpace space) {
    dropSpace(space);
  }

  /**
   * Undoes {@link #forkAgent} for agent d, which never served: it leaves its parent's children and
   * the table, its files and memory go.
   */
  public void discardAgent(Process d) {
    if (d.parent() != null) {
      d.parent().children().remove(d);
    }
    table.removeUnstarted(d);
    dropFiles(d.files());
    dropSpace(d.space());
  }

  // --- exit

  /** exit_group or a fatal signal: every thread of the process ends; status as wait4 shows it. */
  public void exitGroup(Task t, int waitStatus) {
    signals.exitGroup(t, waitStatus);
  }

  /** Program's image for p, its interpreter looked up as p sees files. */
  private Exec.Image prepare(
      Process p, ProgramFiles.Program program, List<String> argv, List<String> env)
      throws BadProgramException {
    return Exec.prepare(
        this::newSpace,
        exec.view(),
        exec.hwcap(),
        exec.entropy().bytes(16),
        program,
        path -> programsFor(p).open(p, path),
        argv,
        env);
  }

  /**
   * The end of task t, on its own kernel stack: clears and wakes its clear_child_tid, and when it
   * was the last thread, ends the process: files and memory go, children go to init, the parent
   * hears of it.
   */
  public void exitTask(Task t) {
    Process p = t.process();
    if (p.guestOf() >= 0) {
      endGuest(t, p);
      return;
    }
    if (!endThread(t, p)) {
      return;
    }
    dropFiles(p.files());
    dropSpace(p.space());
    releaseVfork(p);
    if (p.fileHome() >= 0 && (p.remoteParent() == 0 || p.parent() != null)) {
      forkedEnded.accept(p); // its file agent ends; its parent is here
    }
    if (p.remoteParent() != 0 && p.parent() == null) {
      // Forked here for a process of another kernel: its parent hears of it there, through its
      // file agent, whose zombie the parent collects; nothing waits for it here.
      reparentChildren(p);
      p.setZombie();
      p.timers().stopAll();
      table.removeProcess(p);
      forkedEnded.accept(p);
      return;
    }
    finishProcess(p);
  }

  private void reparentChildren(Process p) {
    for (Process c : List.copyOf(p.children())) {
      c.setParent(init);
      p.children().remove(c);
      if (init != null && init != p) {
        init.children().add(c);
        if (c.zombie()) {
          init.childEvents().wakeAll();
        }
      }
    }
  }

  /** The end of process p's exit: its children go to init, it is a zombie, its parent hears. */
  private void finishProcess(Process p) {
    reparentChildren(p);
    p.setZombie();
    p.timers().stopAll();
    if (p == init || p.parent() == null) {
      table.removeProcess(p);
      control.initExited(p.exitWaitStatus());
      return;
    }
    Process parent = p.parent();
    var chldAction = parent.actions().get(Signals.SIGCHLD);
    boolean autoReap =
        p.exitSignal() == Signals.SIGCHLD
            && (chldAction.isIgnore() || chldAction.has(Signals.SA_NOCLDWAIT));
    if (p.exitSignal() > 0 && !autoReap) {
      signals.sendChildSignal(parent, p, p.exitSignal(), p.exitWaitStatus());
    }
    if (autoReap) {
      reap(p, false);
    }
    parent.childEvents().wakeAll();
    control.debugCheck("after " + p + " exited");
  }

  /**
   * The running copy of a migrated task ends here: its frames and ids go; its home, told by the
   * listener, finishes the exit there (family, files, the parent's wait) or takes it back.
   */
  private void endGuest(Task t, Process p) {
    boolean group = p.exiting();
    long clearTid = t.clearChildTid();
    t.setClearChildTid(0); // home clears and wakes it: the futexes are there
    boolean last = endThread(t, p);
    guestEnded.ended(t, group, last, clearTid);
    if (!last) {
      return;
    }
    dropFiles(p.files());
    dropSpace(p.space());
    p.setZombie();
    p.timers().stopAll();
    table.removeProcess(p);
  }

  /**
   * The common start of a task's end: clears and wakes its clear_child_tid and takes it out of the
   * table. Returns whether it was its process's last live thread (the process is then exiting).
   */
  private boolean endThread(Task t, Process p) {
    if (t.clearChildTid() != 0) {
      try {
        p.memory().write32(t.clearChildTid(), 0);
        futexes.wake(p, t.clearChildTid(), 1, -1);
      } catch (RuntimeException e) {
        // A bad address here is the program's problem; Linux ignores it too.
      }
    }
    t.setState(SchedEntity.State.DEAD);
    table.removeTask(t);
    if (p.liveThreads() > 0) {
      return false;
    }
    if (!p.exiting()) {
      p.beginExit(0);
    }
    return true;
  }

  /** The status a shell shows for a wait status: the exit code, or 128 + the signal. */
  public static int shellStatus(int waitStatus) {
    int sig = waitStatus & 0x7f;
    return sig == 0 ? (waitStatus >> 8) & 0xff : 128 + sig;
  }

  /**
   * Frees a zombie. waited: its parent collected it with a wait call, so its CPU time counts for
   * the parent's children (an automatically reaped child's does not, as in Linux).
   */
  private void reap(Process c, boolean waited) {
    c.setReaped();
    if (c.parent() != null) {
      c.parent().children().remove(c);
      if (waited) {
        c.parent().addReapedChild(c);
      }
    }
    table.removeProcess(c);
  }

  // --- wait

  /** waitid's options (WNOHANG is shared with wait4). */
  public static final int WSTOPPED = 2;

  public static final int WEXITED = 4;
  public static final int WNOWAIT = 0x0100_0000;

  /** waitid's idtype. */
  public static final int P_ALL = 0;

  public static final int P_PID = 1;
  public static final int P_PGID = 2;

  /**
   * A child's state change as a wait call collects it: its pid, the wait4 status word, the siginfo
   * code (CLD_*) and status waitid reports, and its CPU time with its reaped children's.
   */
  public record Collected(int pid, int waitStatus, int code, int status, long cpuPs) {}

  /** What a wait call looks for. */
  private record Want(boolean exited, boolean stopped, boolean continued, boolean noWait) {}

  /**
   * wait4: collects a child that changed state, as selected by pid (-1 any, > 0 that one, 0 the
   * caller's group, < -1 group -pid) and options.
   */
  public long wait4(Task t, long pid, long statusAddr, long options, long rusage) {
    if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE | WNOTHREAD)) != 0) {
      return -Errno.EINVAL;
    }
    Want want = new Want(true, (options & WUNTRACED) != 0, (options & WCONTINUED) != 0, false);
    Process p = t.process();
    Collected[] got = new Collected[1];
    long r = waitFor(p, c -> matches(p, c, pid), want, (options & WNOHANG) != 0, got);
    if (r > 0) {
      if (statusAddr != 0) {
        p.memory().write32(statusAddr, got[0].waitStatus());
      }
      if (rusage != 0) {
        writeRusage(p, rusage, got[0].cpuPs());
      }
    }
    return r;
  }

  /**
   * waitid(idtype, id, infop, options, rusage): as wait4, with the selection by idtype (P_ALL,
   * P_PID, P_PGID, where id 0 means the caller's group), the state changes asked for by WEXITED,
   * WSTOPPED and WCONTINUED, WNOWAIT to leave the child waitable, and the result in a siginfo_t.
   * Returns 0; with WNOHANG and no child ready, a siginfo with si_pid 0.
   */
  public long waitid(Task t, long idtype, long id, long infop, long options, long rusage) {
    long known = WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WALL | WCLONE | WNOTHREAD;
    if ((options & ~known) != 0 || (options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) {
      return -Errno.EINVAL;
    }
    Process p = t.process();
    java.util.function.Predicate<Process> match;
    switch ((int) idtype) {
      case P_ALL -> match = c -> true;
      case P_PID -> {
        if (id <= 0 || id != (int) id) {
          return -Errno.EINVAL;
        }
        match = c -> c.pid() == id;
      }
      case P_PGID -> {
        if (id < 0 || id != (int) id) {
          return -Errno.EINVAL;
        }
        long group = id == 0 ? p.pgid() : id;
        match = c -> c.pgid() == group;
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
    Want want =
        new Want(
            (options & WEXITED) != 0,
            (options & WSTOPPED) != 0,
            (options & WCONTINUED) != 0,
            (options & WNOWAIT) != 0);
    Collected[] got = new Collected[1];
    long r = waitFor(p, match, want, (options & WNOHANG) != 0, got);
    if (r < 0) {
      return r;
    }
    if (infop != 0) {
      SigInfo info =
          r == 0
              ? new SigInfo(0, 0, 0, new SigInfo.Child(0, 0, 0, 0, 0))
              : SigInfo.child(
                  got[0].code(), got[0].pid(), 0, got[0].status(), ticks(got[0].cpuPs()), 0);
      p.memory().write(infop, info.encode());
    }
    if (rusage != 0) {
      writeRusage(p, rusage, r > 0 ? got[0].cpuPs() : 0);
    }
    return 0;
  }

  /** Waits (or with noHang looks once) for a matching child; its pid, 0, or -errno. */
  private long waitFor(
      Process p,
      java.util.function.Predicate<Process> match,
      Want want,
      boolean noHang,
      Collected[] got) {
    long[] result = new long[1];
    Scheduler.WaitResult r =
        scheduler.waitOn(
            p.childEvents(),
            () -> {
              result[0] = collect(p, match, want, got);
              return result[0] != 0 || noHang;
            },
            Scheduler.FOREVER);
    if (r == Scheduler.WaitResult.INTERRUPTED) {
      return -Errno.ERESTARTSYS;
    }
    return result[0];
  }

  /** One attempt: a pid collected (> 0), 0 when none is ready, -ECHILD when none matches. */
  private long collect(
      Process p, java.util.function.Predicate<Process> match, Want want, Collected[] out) {
    boolean any = false;
    for (Process c : List.copyOf(p.children())) {
      if (!match.test(c)) {
        continue;
      }
      any = true;
      if (c.zombie() && want.exited()) {
        int w = c.exitWaitStatus();
        int sig = w & 0x7f;
        int code =
            sig == 0
                ? SigInfo.CLD_EXITED
                : (w & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
        out[0] =
            new Collected(
                c.pid(),
                w,
                code,
                sig == 0 ? (w >> 8) & 0xff : sig,
                c.cpuTimePs() + c.childrenCpuTimePs());
        if (!want.noWait()) {
          reap(c, true);
        }
        return c.pid();
      }
      if (want.stopped() && c.stopSignalUnreported() != 0) {
        int stop = c.stopSignalUnreported();
        out[0] =
            new Collected(c.pid(), (stop << 8) | 0x7f, SigInfo.CLD_STOPPED, stop, c.cpuTimePs());
        if (!want.noWait()) {
          c.setStopSignalUnreported(0);
        }
        return c.pid();
      }
      if (want.continued() && c.continuedUnreported()) {
        out[0] =
            new Collected(c.pid(), 0xffff, SigInfo.CLD_CONTINUED, Signals.SIGCONT, c.cpuTimePs());
        if (!want.noWait()) {
          c.setContinuedUnreported(false);
        }
        return c.pid();
      }
    }
    return any ? 0 : -Errno.ECHILD;
  }

  /** struct rusage with ru_utime set (this kernel does not tell user from system time). */
  private static void writeRusage(Process p, long addr, long cpuPs) {
    byte[] r = new byte[RUSAGE_LENGTH];
    long us = cpuPs / 1_000_000;
    LittleEndian.put64(r, 0, us / 1_000_000);
    LittleEndian.put64(r, 8, us % 1_000_000);
    p.memory().write(addr, r);
  }

  private static final int RUSAGE_LENGTH = 144;

  private static long ticks(long ps) {
    return ps / (1_000_000_000_000L / dev.popcornj.kernel.abi.Auxv.USER_HZ);
  }

  private static boolean matches(Process parent, Process c, long pid) {
    if (pid > 0) {
      return c.pid() == pid;
    }
    if (pid == 0) {
      return c.pgid() == parent.pgid();
    }
    if (pid == -1) {
      return true;
    }
    return c.pgid() == -pid;
  }

  /** A group's timers, firing as this kernel's timer events and signalling through its signals. */
  private ProcessTimers timersFor(Process p) {
    return new ProcessTimers(
        new ProcessTimers.Host() {
          @Override
          public long nowPs() {
            return scheduler.now();
          }

          @Override
          public void at(long ps, Runnable action) {
            control.at(ps, action);
          }

          @Override
          public boolean queue(int tid, SigInfo info) {
            if (tid == 0) {
              return signals.sendToProcess(p, info.signo(), info);
            }
            Task t = table.task(tid);
            return t != null && t.process() == p && signals.sendToThread(t, info.signo(), info);
          }

          @Override
          public void unqueue(SigInfo info) {
            signals.unqueue(p, info);
          }
        });
  }
}
