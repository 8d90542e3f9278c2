package dev.popcornj.kernel.services.migration;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.LayerMessage;
import dev.popcornj.kernel.msg.PendingReply;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.ProgramBytes;
import dev.popcornj.kernel.proc.ProgramFiles;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.signal.SigAction;
import dev.popcornj.kernel.syscall.SystemCalls;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Files of processes forked on another kernel than their parent's home. Such a process (its origin
 * the kernel it was forked on) keeps its files, cwd and umask where its parent's were: at the
 * parent's home, where its <em>file agent</em> holds them, a process with the same pid whose memory
 * is the forked process's (a running copy of it, filled from its kernel on demand) and whose
 * workers, kernel-only tasks, serve its calls on files there. The agent is also the forked
 * process's stand-in in its parent's family: it ends when the process does, as the zombie the
 * parent collects.
 *
 * <pre>
 *   parent's home A                                  the forked process's kernel B
 *   agent (pid X, a copy of X)  ◀── FileCall ──────── read, openat, ioctl, chdir ... of X
 *     worker: the call, in X's memory via B    ── SyscallReply ─▶ result, signals it raised
 *                               ◀── FileInterrupt ─── X was signalled meanwhile: the call ends
 *                               ◀── ProgramRequest ── execve of X: the program's bytes
 *     zombie for X's parent     ◀── ForkedExit ────── X exited
 * </pre>
 *
 * <p>This side of B: the calls of a process here whose files are on another kernel go there ({@link
 * #call}), and so does execve's program lookup ({@link #programs}); a private file mapping becomes
 * private memory filled by a read there ({@link #mapPrivate}). Shared mappings of its files are not
 * possible (ENODEV): their pages would belong to an object on another kernel.
 *
 * <p>Owned by one kernel instance (its migration service); handlers run in its poll, calls on the
 * kernel stacks of tasks.
 */
final class FileAgents {
  /** Bytes of a program in one {@link MigrationMessage.ProgramReply}. */
  static final int PROGRAM_CHUNK = 512 * 1024;

  /** The largest program execve fetches from another kernel. */
  static final long PROGRAM_MAX = 256L << 20;

  /**
   * The handler an agent's dispositions name for every signal: never run (an agent never returns to
   * user mode), it only keeps signals from being ignored or acted on at the agent.
   */
  static final long PASSED_ON = 0x1000;

  /** Calls waiting for an agent's workers, at most: more is a peer gone wrong. */
  static final int MAX_WAITING = 256;

  private final Scheduler scheduler;
  private final Lifecycle lifecycle;
  private final ProcessTable table;
  private final SystemCalls syscalls;
  private final Signalling signals;
  private final BiFunction<Task, Process, List<byte[]>> takePending;
  private final BiConsumer<Task, byte[]> postHere;
  private final java.util.function.ObjIntConsumer<Process> repage;
  private Endpoint endpoint;
  private long calls;

  /** One forked process's agent here. */
  private static final class Agent {
    final Process process;
    final int home; // the kernel of the process it serves
    final ArrayDeque<Incoming> waiting = new ArrayDeque<>();
    final WaitQueue wake;
    final Set<Task> workers = new java.util.LinkedHashSet<>(); // in start order: determinism
    final Map<Integer, Task> serving = new java.util.TreeMap<>(); // caller's tid -> worker
    final Set<Integer> interrupted =
        new java.util.TreeSet<>(); // callers signalled before a worker took them
    int idle;
    boolean ending;

    Agent(Process process, int home, WaitQueue wake) {
      this.process = process;
      this.home = home;
      this.wake = wake;
    }
  }

  private final Map<Integer, Agent> agents = new java.util.TreeMap<>();

  FileAgents(
      Scheduler scheduler,
      Lifecycle lifecycle,
      ProcessTable table,
      SystemCalls syscalls,
      Signalling signals,
      BiFunction<Task, Process, List<byte[]>> takePending,
      BiConsumer<Task, byte[]> postHere,
      java.util.function.ObjIntConsumer<Process> repage) {
    this.scheduler = scheduler;
    this.lifecycle = lifecycle;
    this.table = table;
    this.syscalls = syscalls;
    this.signals = signals;
    this.takePending = takePending;
    this.postHere = postHere;
    this.repage = repage;
  }

  void start(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Calls served for processes of other kernels so far. */
  long calls() {
    return calls;
  }

  // ======================================================================================
  // The agent's side (the parent's home)

  /** Agent process (a running copy of the process of kernel home) starts serving its calls. */
  void add(Process agent, int home) {
    // Every signal sent to the agent stays pending to be passed on: the process decides, where it
    // runs, what its dispositions make of it (none is ignored or acted on here).
    for (int sig = 1; sig <= dev.popcornj.kernel.abi.Signals.NSIG; sig++) {
      if (sig != dev.popcornj.kernel.abi.Signals.SIGKILL
          && sig != dev.popcornj.kernel.abi.Signals.SIGSTOP) {
        agent.actions().set(sig, new SigAction(PASSED_ON, 0, 0));
      }
    }
    Agent a = new Agent(agent, home, new WaitQueue(scheduler));
    agents.put(agent.pid(), a);
    startWorker(a); // one from the start: the agent counts as a live task until it ends
  }

  /** The agent here of process pid of kernel home, or null. */
  Process agentOf(int pid, int home) {
    Agent a = agents.get(pid);
    return a != null && a.home == home && !a.ending ? a.process : null;
  }

  /** Whether t is a worker of an agent here (its calls are served here, whatever its process). */
  boolean isWorker(Task t) {
    Agent a = agents.get(t.process().pid());
    return a != null && a.workers.contains(t);
  }

  /** FileCall and ProgramRequest: to a worker of the agent, a new one if none is free. */
  void onRequest(Incoming in) {
    int pid =
        switch (in.message()) {
          case MigrationMessage.FileCall c -> c.pid();
          case MigrationMessage.ProgramRequest r -> r.pid();
          default -> -1;
        };
    Agent a = agents.get(pid);
    if (a == null || a.home != in.from() || a.ending) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    if (a.waiting.size() >= MAX_WAITING) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EAGAIN));
      return;
    }
    a.waiting.add(in);
    if (a.idle < a.waiting.size()) {
      startWorker(a);
    }
    a.wake.wakeAll();
  }

  /** The caller of a call an agent serves was signalled: the call ends as a signal would end it. */
  void onInterrupt(Incoming in) {
    var m = (MigrationMessage.FileInterrupt) in.message();
    Agent a = agents.get(m.pid());
    if (a == null || a.home != in.from()) {
      return;
    }
    Task w = a.serving.get(m.tid());
    if (w != null) {
      w.setKicked(true);
      signals.interrupt(w);
    } else {
      a.interrupted.add(m.tid()); // its call is still waiting for a worker
    }
  }

  /**
   * The process agent pid serves exited with waitStatus (or its kernel went down): the agent ends,
   * its workers with it, and becomes the zombie its parent collects.
   */
  void end(int pid, int from, int waitStatus, long cpuPs) {
    Agent a = agents.get(pid);
    if (a == null || a.home != from) {
      return;
    }
    agents.remove(pid);
    a.ending = true;
    for (Incoming in : a.waiting) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
    }
    a.waiting.clear();
    lifecycle.endAgent(a.process, waitStatus, cpuPs);
    for (Task w : a.workers) {
      signals.interrupt(w);
    }
    a.wake.wakeAll();
  }

  /** The agents of processes of kernel k, which went down: they end as killed. */
  void kernelGone(int k) {
    for (Agent a : List.copyOf(agents.values())) {
      if (a.home == k) {
        end(a.process.pid(), k, dev.popcornj.kernel.abi.Signals.SIGKILL, 0);
      }
    }
  }

  private void startWorker(Agent a) {
    int tid = table.allocate();
    if (tid < 0) {
      return; // threads-max: the waiting calls wait for a worker that is busy now
    }
    lifecycle.startKernelTask(a.process, tid, w -> work(a, w));
  }

  private void work(Agent a, Task w) {
    a.workers.add(w);
    // It runs kernel code only, on any CPU here.
    w.setAffinity(scheduler.allCpusMask());
    Process p = a.process;
    while (true) {
      a.idle++;
      scheduler.waitUninterruptible(
          a.wake,
          () -> !a.waiting.isEmpty() || a.ending || ((w.pending() | p.sharedPending()) != 0));
      a.idle--;
      if (a.ending) {
        a.workers.remove(w);
        return;
      }
      List<byte[]> signalled = takePending.apply(w, p);
      if (!signalled.isEmpty()) {
        // Sent to the agent (its process group was signalled here, or the terminal's job
        // control): they are the process's, where it runs.
        endpoint.post(
            a.home, Priority.NORMAL, new MigrationMessage.SignalBatch(p.pid(), signalled));
      }
      if (a.waiting.isEmpty()) {
        continue;
      }
      Incoming in = a.waiting.poll();
      switch (in.message()) {
        case MigrationMessage.FileCall c -> serve(a, w, in, c);
        case MigrationMessage.ProgramRequest r -> serveProgram(a, in, r);
        default -> {}
      }
    }
  }

  private void serve(Agent a, Task w, Incoming in, MigrationMessage.FileCall c) {
    Process p = a.process;
    calls++;
    Registers r = w.regs();
    for (int i = 0; i < 6; i++) {
      r.setX(Registers.A0 + i, c.args()[i]);
    }
    r.setX(Registers.A7, c.nr());
    w.setBlocked(c.blocked());
    w.setSyscallArg0(c.args()[0]);
    a.serving.put(c.tid(), w);
    w.setKicked(a.interrupted.remove(c.tid()));
    long result;
    try {
      result = syscalls.dispatch(w, c.nr());
    } finally {
      a.serving.remove(c.tid());
      w.setKicked(false);
    }
    if (result == Syscalls.NO_RESULT) {
      result = 0;
    }
    // What the call raised (SIGPIPE, SIGTTOU...) goes to the caller.
    List<byte[]> raised = takePending.apply(w, p);
    long saved = w.savedMaskForSuspend();
    w.setSavedMaskForSuspend(-1);
    if (!a.ending) {
      endpoint.reply(in, new MigrationMessage.SyscallReply(result, saved, false, raised));
    } else {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
    }
  }

  private void serveProgram(Agent a, Incoming in, MigrationMessage.ProgramRequest r) {
    if (r.offset() == MigrationMessage.ProgramRequest.EXECUTED) {
      // Its other threads' calls end (their threads are gone); what this copy held of the old
      // program's memory goes with it.
      for (Task w : a.serving.values()) {
        w.setKicked(true);
        signals.interrupt(w);
      }
      Process p = a.process;
      lifecycle.closeOnExec(p);
      p.setImage(r.path(), p.argv(), p.env());
      repage.accept(p, a.home);
      endpoint.reply(in, new MigrationMessage.SyscallReply(0, -1, false, List.of()));
      return;
    }
    ProgramFiles.Program program;
    try {
      program = lifecycle.openProgram(a.process, r.path());
    } catch (ErrnoException e) {
      endpoint.reply(in, new MigrationMessage.ProgramReply(e.errno(), "", 0, new byte[0]));
      return;
    }
    ProgramBytes image = program.image();
    long length = image.length();
    if (length > PROGRAM_MAX) {
      endpoint.reply(in, new MigrationMessage.ProgramReply(Errno.E2BIG, "", 0, new byte[0]));
      return;
    }
    long from = Math.min(Math.max(0, r.offset()), length);
    int chunk = (int) Math.min(length - from, PROGRAM_CHUNK);
    endpoint.reply(
        in, new MigrationMessage.ProgramReply(0, program.path(), length, image.range(from, chunk)));
  }

  // ======================================================================================
  // The forked process's side

  /**
   * Serves call nr of task t, whose process p keeps its files on kernel p.fileHome(), there; the
   * result as that kernel's table gave it. A signal that t should take meanwhile ends the call
   * there as it would end it here.
   */
  long call(Task t, Process p, long nr) {
    Registers r = t.regs();
    long[] args = new long[6];
    for (int i = 0; i < 6; i++) {
      args[i] = r.x(Registers.A0 + i);
    }
    int home = p.fileHome();
    PendingReply reply =
        endpoint.request(
            home,
            Priority.NORMAL,
            new MigrationMessage.FileCall(p.pid(), t.tid(), (int) nr, args, t.blocked()));
    long blocked = t.blocked();
    long during = callMask(t, nr, args);
    t.setBlocked(during); // a call that waits with another mask is interrupted by what it lets in
    try {
      await(t, p, reply, true);
    } finally {
      t.setBlocked(blocked);
    }
    if (!(reply.reply().orElse(null) instanceof MigrationMessage.SyscallReply sr)) {
      return fileHomeLost(t, reply);
    }
    for (byte[] info : sr.signals()) {
      postHere.accept(t, info);
    }
    if (sr.savedMask() != -1) {
      // Interrupted with its own mask in force: the handler runs with it, sigreturn restores.
      t.setSavedMaskForSuspend(sr.savedMask());
      t.setBlocked(during);
    }
    return sr.result();
  }

  /** The mask a call waits with: its own sigmask argument for ppoll, pselect6, epoll_pwait. */
  static long callMask(Task t, long nr, long[] args) {
    long addr;
    if (nr == Syscalls.PPOLL) {
      addr = args[3];
    } else if (nr == Syscalls.EPOLL_PWAIT || nr == Syscalls.EPOLL_PWAIT2) {
      addr = args[4];
    } else if (nr == Syscalls.PSELECT6 && args[5] != 0) {
      try {
        addr = t.process().memory().read64(args[5]);
      } catch (RuntimeException e) {
        return t.blocked();
      }
    } else {
      return t.blocked();
    }
    if (addr == 0) {
      return t.blocked();
    }
    try {
      return t.process().memory().read64(addr);
    } catch (RuntimeException e) {
      return t.blocked(); // a bad mask: the call there answers EFAULT
    }
  }

  /**
   * Waits for reply; when interruptible and t must take a signal (or end, or move) first, the other
   * kernel is told once and the wait goes on for its answer.
   */
  private void await(Task t, Process p, PendingReply reply, boolean interruptible) {
    if (reply.isDone()) {
      return;
    }
    WaitQueue done = new WaitQueue(scheduler);
    reply.whenDone(done::wakeAll);
    if (interruptible) {
      Scheduler.WaitResult w = scheduler.waitOn(done, reply::isDone, Scheduler.FOREVER);
      if (w == Scheduler.WaitResult.INTERRUPTED && !reply.isDone()) {
        endpoint.post(
            p.fileHome(), Priority.NORMAL, new MigrationMessage.FileInterrupt(p.pid(), t.tid()));
      }
    }
    scheduler.waitUninterruptible(done, reply::isDone);
  }

  /** The kernel with t's files refused or went down: without them the process cannot go on. */
  private long fileHomeLost(Task t, PendingReply reply) {
    int errno = reply.failure().map(f -> f.errno()).orElse(Errno.EHOSTDOWN);
    if (errno != Errno.EAGAIN && !t.process().exiting()) {
      lifecycle.exitGroup(t, dev.popcornj.kernel.abi.Signals.SIGKILL);
    }
    return -errno;
  }

  /**
   * Task t's process replaced its program: at its file home its close-on-exec files go and the
   * agent forgets the old memory.
   */
  void executed(Task t) {
    Process p = t.process();
    PendingReply reply =
        endpoint.request(
            p.fileHome(),
            Priority.NORMAL,
            new MigrationMessage.ProgramRequest(
                p.pid(), t.tid(), p.executable(), MigrationMessage.ProgramRequest.EXECUTED));
    await(t, p, reply, false);
  }

  /** Where execve finds programs for a process whose files are on another kernel. */
  ProgramFiles programs() {
    return (caller, path) -> {
      Task t = Task.current(scheduler);
      int tid = t == null ? caller.pid() : t.tid();
      byte[] image = null;
      String found = path;
      long offset = 0;
      do {
        PendingReply reply =
            endpoint.request(
                caller.fileHome(),
                Priority.NORMAL,
                new MigrationMessage.ProgramRequest(caller.pid(), tid, path, offset));
        await(t, caller, reply, false);
        KernelMessage m = reply.reply().orElse(null);
        if (!(m instanceof MigrationMessage.ProgramReply pr)) {
          throw new ErrnoException(reply.failure().map(f -> f.errno()).orElse(Errno.EHOSTDOWN));
        }
        if (pr.errno() != 0) {
          throw new ErrnoException(pr.errno());
        }
        if (image == null) {
          if (pr.size() < 0 || pr.size() > PROGRAM_MAX) {
            throw new ErrnoException(Errno.E2BIG);
          }
          image = new byte[(int) pr.size()];
          found = pr.path();
        }
        if (pr.size() != image.length || offset + pr.bytes().length > image.length) {
          throw new ErrnoException(Errno.EIO); // it changed while it came
        }
        System.arraycopy(pr.bytes(), 0, image, (int) offset, pr.bytes().length);
        offset += pr.bytes().length;
        if (pr.bytes().length == 0 && offset < image.length) {
          throw new ErrnoException(Errno.EIO);
        }
      } while (offset < image.length);
      return new ProgramFiles.Program(found, image);
    };
  }

  // mmap's flags and prot
  private static final long MAP_TYPE = 0x0f;
  private static final long MAP_PRIVATE = 0x02;
  private static final long MAP_ANONYMOUS = 0x20;
  private static final long PROT_WRITE = 0x2;

  /** Whether mmap's flags ask for a mapping of a file. */
  static boolean mapsFile(long flags) {
    return (flags & MAP_ANONYMOUS) == 0;
  }

  /**
   * mmap of a file of process p (whose files are elsewhere) by task t: a private mapping becomes
   * private memory here, filled by a read of the file there (so pages past the file's end read as
   * zeros instead of raising SIGBUS); a shared one is refused (ENODEV).
   */
  long mapPrivate(Task t, Process p) {
    Registers r = t.regs();
    long addr = r.x(Registers.A0);
    long length = r.x(Registers.A0 + 1);
    long prot = r.x(Registers.A0 + 2);
    long flags = r.x(Registers.A0 + 3);
    long fd = r.x(Registers.A0 + 4);
    long offset = r.x(Registers.A0 + 5);
    if ((flags & MAP_TYPE) != MAP_PRIVATE) {
      return (flags & MAP_TYPE) == 0 || (flags & MAP_TYPE) > 3 ? -Errno.EINVAL : -Errno.ENODEV;
    }
    if ((offset & 0xfff) != 0) {
      return -Errno.EINVAL;
    }
    long mapped =
        local(t, Syscalls.MMAP, addr, length, prot | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    if (mapped < 0 && mapped > -4096) {
      return mapped;
    }
    long read = remote(t, p, Syscalls.PREAD64, fd, mapped, length, offset, 0, 0);
    if (read < 0) {
      local(t, Syscalls.MUNMAP, mapped, length, 0, 0, 0, 0);
      return read == -Errno.ESPIPE || read == -Errno.EISDIR || read == -Errno.EINVAL
          ? -Errno.ENODEV
          : read;
    }
    if ((prot & PROT_WRITE) == 0) {
      local(t, Syscalls.MPROTECT, mapped, length, prot, 0, 0, 0);
    }
    return mapped;
  }

  private long local(Task t, long nr, long... args) {
    return withArgs(t, args, () -> syscalls.dispatch(t, nr));
  }

  private long remote(Task t, Process p, long nr, long... args) {
    return withArgs(t, args, () -> call(t, p, nr));
  }

  private static long withArgs(Task t, long[] args, java.util.function.LongSupplier call) {
    Registers r = t.regs();
    long[] saved = new long[6];
    for (int i = 0; i < 6; i++) {
      saved[i] = r.x(Registers.A0 + i);
      r.setX(Registers.A0 + i, args[i]);
    }
    try {
      return call.getAsLong();
    } finally {
      for (int i = 0; i < 6; i++) {
        r.setX(Registers.A0 + i, saved[i]);
      }
    }
  }

  /** Agents here now, for /proc/popcorn/migrations. */
  List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Agent a : agents.values()) {
      out.add(
          "agent "
              + a.process.pid()
              + " of kernel "
              + a.home
              + ": "
              + a.workers.size()
              + " workers, "
              + a.serving.size()
              + " calls");
    }
    return out;
  }
}
