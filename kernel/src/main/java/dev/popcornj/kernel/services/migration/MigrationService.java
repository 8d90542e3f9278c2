package dev.popcornj.kernel.services.migration;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.Fault;
import dev.popcornj.kernel.mm.Lending;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.Pager;
import dev.popcornj.kernel.mm.SharedCopies;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.LayerMessage;
import dev.popcornj.kernel.msg.Peer;
import dev.popcornj.kernel.msg.PendingReply;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;
import dev.popcornj.kernel.signal.AltStack;
import dev.popcornj.kernel.signal.SigAction;
import dev.popcornj.kernel.signal.SigActions;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.syscall.SystemCalls;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.trace.Trace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task migration between kernels, after Popcorn Linux's process server, VMA server, page server and
 * remote system calls. A task moves at its way out to user mode (asked by popcorn_migrate, by
 * sched_setaffinity to another kernel's CPUs, by the migrate tool, or by {@code popcorn_hop=N}).
 *
 * <pre>
 *   home (origin)                                   destination
 *   task t: state ── Migrate ──────────────────────▶ adopt: process and task with t's ids,
 *     t stays, away: its kernel stack serves          registers, signal state; empty address space
 *     what the running copy sends home:               running copy runs user code:
 *       Syscall ◀──────────────────────────────────── calls on files, family, memory areas...
 *       AreaRequest / PageRequest ◀────────────────── page faults (pages move with ownership)
 *       ── Reclaim ──────────────────────────────────▶ home needs pages back (a call touches them)
 *       signals to t ── SignalBatch ─────────────────▶ delivered there
 *       ◀──────────────────────────────────────────── TaskExit: t exits at home (parent, wait4)
 *       ◀── PagePush, GoHome ───────────────────────── back-migration: t resumes at home
 * </pre>
 *
 * <p>The address space stays homed at the origin: its areas and a page directory (which kernel owns
 * each page) live there; a page is owned by exactly one kernel at a time. The running copy keeps no
 * files: file descriptors, the cwd, the family, futexes and timers stay at home and the calls that
 * use them are served there. A migrated task that moves on to a third kernel goes home first.
 *
 * <p>Until distributed threads exist, a process moves only while it has one thread, and a process
 * with shared mappings (MAP_SHARED) does not move (EBUSY): a shared page cannot change owner.
 *
 * <p>Owned by one kernel instance; its handlers run in that kernel's poll, its waits on the stacks
 * of the tasks involved.
 */
public final class MigrationService implements PopcornService {
  /** popcorn_migrate's number, after popcorn_boot_secondary (1000). */
  public static final int POPCORN_MIGRATE = Syscalls.POPCORN_MIGRATE;

  /** Pages carried by one PagePush or ReclaimReply: 256 KiB, well inside a peer's queue. */
  static final int PAGES_PER_MESSAGE = 64;

  /** Page addresses without contents in one message (a fork's pages copied where it runs). */
  static final int ADDRESSES_PER_MESSAGE = 4096;

  // Share mode: frames per window (2 MiB); boot parameter popcorn_dsm_window= gives KiB.
  static final int WINDOW_FRAMES = 512;

  /** What an away task's home keeps waiting for its kernel stack, at most. */
  static final int MAX_INBOX = 16;

  private final Lifecycle lifecycle;
  private final ProcessTable table;
  private final Scheduler scheduler;
  private final Signalling signals;
  private final SystemCalls syscalls;
  private final CostModel cost;
  private final Trace trace;
  private final dev.popcornj.kernel.proc.WholeSystem system;
  private final dev.popcornj.kernel.msg.Deferrer later;
  private final dev.popcornj.kernel.platform.Sbi sbi;
  // popcorn_dsm=share: threads on other kernels map the process's own frames, in windows the
  // firmware grants them (Popcorn's first generation); otherwise pages are replicated.
  private boolean share;
  private int windowFrames = WINDOW_FRAMES;

  /**
   * A page a fault just brought here, held for the task that faulted until it has retired an
   * instruction (so it uses the page at least once before the page may go again: the faulting
   * instruction is the first it runs), it waits for something else, or {@link #HOLD_MAX_PS} passed:
   * without this, two kernels writing one page can take it from each other forever, each losing it
   * before its task gets to the instruction. Time on a CPU is not enough: a task woken by the page
   * spends time in the kernel before it reaches the instruction.
   */
  private record Hold(Process process, long page, Task task, long retired, long untilPs) {}

  static final long HOLD_MAX_PS = 200_000_000L; // 200 us
  static final long HOLD_CHECK_PS = 1_000_000L; // 1 us

  private final List<Hold> holds = new ArrayList<>();
  private final ArrayDeque<Incoming> heldBack = new ArrayDeque<>();
  private boolean holdCheck;
  private long flows;

  private Endpoint endpoint;
  private KernelLog log;
  private int self;
  private int hop;

  /** Forked processes' files: their agents here, and the calls of those here that are elsewhere. */
  private final FileAgents files;

  /** Here: children forked for running copies, while their images come from home, by pid. */
  private final Map<Integer, Forming> forming = new HashMap<>();

  /** A child being forked here: its address space, filled by ForkImage and ForkPages from home. */
  private static final class Forming {
    final int home;
    final AddressSpace space;
    final Process parent; // its running copy here: the pages it holds are copied from it
    MigrationMessage.ForkImage image;
    boolean failed;
    long localCopies;

    Forming(int home, AddressSpace space, Process parent) {
      this.home = home;
      this.space = space;
      this.parent = parent;
    }
  }

  private long forksThere;
  private long forkPagesCopiedHere; // pages of forks' images copied from the parent's copy here

  /** At home: tasks away, by tid. */
  private final Map<Integer, Home> homes = new HashMap<>();

  /** Here: running copies of tasks from other kernels, by tid. */
  private final Map<Integer, Guest> guests = new HashMap<>();

  /** The CPUs (machine hart ids) a task asked for with sched_setaffinity, for its move. */
  private final Map<Task, long[]> wantedCpus = new java.util.WeakHashMap<>();

  private final Map<Integer, Integer> hopCounts =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
          return size() > 4096; // tasks long gone; a live one only restarts its count
        }
      };

  /** Tasks that just arrived, by tid: their first call (the one they hopped on) runs here. */
  private final java.util.Set<Integer> arrived = new java.util.HashSet<>();

  /** Tasks that went home from here, by tid: late signals for them follow them home. */
  private final Map<Integer, Integer> departed =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
          return size() > 4096;
        }
      };

  // --- counters
  private final TreeMap<String, long[]> pairs = new TreeMap<>(); // "from to" -> count, total ps
  private long migrations;
  private long migrationPs;
  private long remoteSyscalls;
  private long remoteSyscallPs;
  private long remoteFaults;
  private long remoteFaultPs;
  private long pageTransfers;
  private boolean spread;
  // Distributed threads: per peer kernel, page requests, pages sent or received, copies
  // invalidated (taken back for coherence), bytes of page contents moved.
  private final TreeMap<Integer, long[]> dsmByPeer = new TreeMap<>();
  private long dsmInvalidations;
  private long windowsGranted;
  private long windowsRevoked;
  private long dsmPageTransfers;
  // --spread: how many threads each process has placed so far (round robin, origin first).
  private final Map<Integer, Integer> placed = new HashMap<>();

  public MigrationService(
      Lifecycle lifecycle,
      ProcessTable table,
      Scheduler scheduler,
      Signalling signals,
      SystemCalls syscalls,
      CostModel cost,
      Trace trace,
      dev.popcornj.kernel.proc.WholeSystem system,
      dev.popcornj.kernel.msg.Deferrer later,
      dev.popcornj.kernel.platform.Sbi sbi) {
    this.later = later;
    this.sbi = sbi;
    this.lifecycle = lifecycle;
    this.table = table;
    this.scheduler = scheduler;
    this.signals = signals;
    this.syscalls = syscalls;
    this.cost = cost;
    this.trace = trace;
    this.system = system;
    this.files =
        new FileAgents(
            scheduler,
            lifecycle,
            table,
            syscalls,
            signals,
            MigrationService::takePending,
            this::postHere,
            this::pageAgent);
  }

  @Override
  public String name() {
    return "migration";
  }

  @Override
  public void start(ServiceContext context) {
    self = context.kernelId();
    log = context.log();
    endpoint = context.endpoint().orElse(null);
    hop = Integer.parseInt(context.param("popcorn_hop").orElse("0"));
    if (hop < 0) {
      throw new IllegalArgumentException("popcorn_hop=" + hop + ": give 0 (off) or more");
    }
    context.syscall(
        POPCORN_MIGRATE, "popcorn_migrate", (t, a0, a1, a2, a3, a4, a5) -> migrate(t, a0, a1, a2));
    context.procFile("migrations", this::render);
    context.counter("migrations", () -> migrations);
    context.counter("remote_syscalls", () -> remoteSyscalls);
    context.counter("page_transfers", () -> pageTransfers);
    context.counter("migration_latency_ps", () -> migrationPs);
    context.counter("remote_syscall_latency_ps", () -> remoteSyscallPs);
    context.counter("remote_page_faults", () -> remoteFaults);
    context.counter("remote_page_fault_latency_ps", () -> remoteFaultPs);
    context.counter("dsm_page_transfers", () -> dsmPageTransfers);
    context.counter("dsm_invalidations", () -> dsmInvalidations);
    context.counter("dsm_windows_granted", () -> windowsGranted);
    context.counter("dsm_windows_revoked", () -> windowsRevoked);
    context.counter("forks_elsewhere", () -> forksThere);
    context.counter("fork_pages_copied_there", () -> forkPagesCopiedHere);
    context.counter("file_agent_calls", files::calls);
    context.procFile("dsm", this::renderDsm);
    spread = context.param("popcorn_spread").map(v -> !v.equals("0")).orElse(false);
    String dsm = context.param("popcorn_dsm").orElse("replicate");
    if (!dsm.equals("replicate") && !dsm.equals("share")) {
      throw new IllegalArgumentException(
          "popcorn_dsm=" + dsm + ": give replicate (copies of pages) or share (shared windows)");
    }
    share = dsm.equals("share");
    windowFrames =
        (int)
            Math.max(
                1,
                Math.min(
                    1 << 18,
                    Long.parseLong(
                            context
                                .param("popcorn_dsm_window")
                                .orElse(String.valueOf(WINDOW_FRAMES * 4)))
                        / 4));
    if (endpoint == null) {
      return;
    }
    context.message(MigrationMessage.MIGRATE_TYPE, this::onMigrate);
    context.message(MigrationMessage.ACK_TYPE, null);
    context.message(MigrationMessage.GO_HOME_TYPE, this::onHomeBound);
    context.message(MigrationMessage.PAGE_PUSH_TYPE, this::onPagePush);
    context.message(MigrationMessage.SYSCALL_TYPE, this::onHomeBound);
    context.message(MigrationMessage.SYSCALL_REPLY_TYPE, null);
    context.message(MigrationMessage.AREA_REQUEST_TYPE, this::onAreaRequest);
    context.message(MigrationMessage.AREA_REPLY_TYPE, null);
    context.message(MigrationMessage.PAGE_REQUEST_TYPE, this::onPageRequest);
    context.message(MigrationMessage.PAGE_REPLY_TYPE, null);
    context.message(MigrationMessage.RECLAIM_TYPE, this::onReclaim);
    context.message(MigrationMessage.RECLAIM_REPLY_TYPE, null);
    context.message(MigrationMessage.SIGNALS_TYPE, this::onSignals);
    context.message(MigrationMessage.TASK_EXIT_TYPE, this::onHomeBound);
    context.message(MigrationMessage.MOVE_TYPE, this::onMove);
    context.message(MigrationMessage.STOPPED_TYPE, this::onStopped);
    context.message(MigrationMessage.FORK_THERE_TYPE, this::onForkThere);
    context.message(MigrationMessage.FORK_IMAGE_TYPE, this::onForkImage);
    context.message(MigrationMessage.FORK_PAGES_TYPE, this::onForkPages);
    context.message(MigrationMessage.FILE_CALL_TYPE, files::onRequest);
    context.message(MigrationMessage.FILE_INTERRUPT_TYPE, files::onInterrupt);
    context.message(MigrationMessage.PROGRAM_REQUEST_TYPE, files::onRequest);
    context.message(MigrationMessage.PROGRAM_REPLY_TYPE, null);
    context.message(MigrationMessage.FORKED_EXIT_TYPE, this::onForkedExit);
    files.start(endpoint);
    lifecycle.setForkedEnded(this::forkedEnded);
    lifecycle.setRemotePrograms(files.programs(), this::forkedExecuted);
    lifecycle.setFilesForked(this::filesForked);
    signals.setRemoteParentReports(
        (p, sig) ->
            endpoint.post(
                p.fileHome(), Priority.NORMAL, new MigrationMessage.Stopped(p.pid(), sig)));
    syscalls.setInterceptor(this::intercept);
    context.affinityMigration(
        (t, kernel, cpu) -> {
          java.util.BitSet set = t.cpuSet();
          return moveForAffinity(t, kernel, set == null ? new long[0] : set.toLongArray());
        });
    lifecycle.setGuestEnded(this::guestTaskEnded);
    lifecycle.setThreadCreated(this::place);
  }

  /** Moves by sched_setaffinity: t asked for cpus (machine hart ids), none of them here. */
  public long moveForAffinity(Task t, int kernel, long[] cpus) {
    long r = requestMove(t, kernel);
    if (r == 0 && t.moveTo() >= 0) {
      wantedCpus.put(t, cpus.clone());
      if (t != Task.current(scheduler)) {
        signals.interrupt(t); // another task's: it moves on its way out of what it waits for
      }
    }
    return r;
  }

  // ======================================================================================
  // popcorn_migrate(kernel, flags, pid)

  private long migrate(Task t, long kernel, long flags, long pid) {
    if (flags != 0 || kernel < 0 || kernel > Integer.MAX_VALUE) {
      return -Errno.EINVAL;
    }
    if (pid < 0 || pid > Integer.MAX_VALUE) {
      return -Errno.ESRCH;
    }
    if (pid == 0 || pid == t.tid()) {
      return moveSelf(t, (int) kernel);
    }
    Process p = table.process(pid);
    if (p == null || p.zombie()) {
      return -Errno.ESRCH;
    }
    long check = checkKernel((int) kernel);
    if (check != 0) {
      return check;
    }
    if (!movable(p)) {
      return -Errno.EBUSY;
    }
    for (Task x : p.threads()) {
      if (x.state() == SchedEntity.State.DEAD) {
        continue;
      }
      Home h = homes.get(x.tid());
      if (h != null) {
        // It runs elsewhere: that kernel moves it.
        if (h.kernel != kernel) {
          endpoint.post(
              h.kernel, Priority.NORMAL, new MigrationMessage.Move(x.tid(), (int) kernel));
        }
      } else if (here(x) != kernel) {
        x.setMoveTo((int) kernel);
        signals.interrupt(x);
      }
    }
    return 0;
  }

  /**
   * popcorn_migrate of the calling task: it moves now, inside the call, so that a refusal by the
   * destination is the call's errno. On the destination the call returns 0.
   */
  private long moveSelf(Task t, int kernel) {
    long r = requestMove(t, kernel);
    if (r != 0 || t.moveTo() < 0) {
      return r;
    }
    t.setMoveTo(-1);
    Process p = t.process();
    t.regs().setX(Registers.A0, 0); // what the call returns where the task lands
    if (p.guestOf() >= 0) {
      goHome(t, p, kernel, null);
      return Syscalls.NO_RESULT;
    }
    long errno = leaveHome(t, p, kernel, null);
    return errno == 0 ? Syscalls.NO_RESULT : -errno;
  }

  private long requestMove(Task t, int kernel) {
    long check = checkKernel(kernel);
    if (check != 0) {
      return check;
    }
    if (kernel == self) {
      return 0;
    }
    if (!movable(t.process())) {
      return -Errno.EBUSY;
    }
    t.setMoveTo(kernel);
    return 0;
  }

  /** 0 when kernel may receive a task: this one, or a peer that is up. */
  private long checkKernel(int kernel) {
    if (kernel == self) {
      return 0;
    }
    if (endpoint == null) {
      return -Errno.EINVAL;
    }
    var peer = endpoint.peer(kernel);
    if (peer.isEmpty()) {
      return -Errno.EINVAL;
    }
    return peer.get().state() == KernelState.ONLINE ? 0 : -Errno.EHOSTDOWN;
  }

  private int here(Task t) {
    return t.away() >= 0 ? t.away() : self;
  }

  /**
   * A process whose threads may move now: not tearing down, not sharing its memory with another
   * process (vfork, CLONE_VM without threads) and without shared mappings, whose pages cannot be
   * replicated.
   */
  private boolean movable(Process p) {
    if (p.exiting() || p.zombie() || p.vforkParent() != null) {
      return false;
    }
    if (p.guestOf() >= 0) {
      return true;
    }
    if (lifecycle.sharesSpace(p)) {
      return false; // the other process would lose the pages that move
    }
    return true;
  }

  // ======================================================================================
  // System calls of tasks: hops, forwarding from a running copy

  private long intercept(Task t, long nr) {
    if (files.isWorker(t)) {
      return SystemCalls.PASS; // a file agent serving a call of a process elsewhere
    }
    Process p = t.process();
    if (t.away() >= 0) {
      // Home serving a call its running copy sent; a process forked here for a process of another
      // kernel has its files there.
      return p.fileHome() >= 0 ? onFiles(t, p, nr) : SystemCalls.PASS;
    }
    if (hop > 0 && hopNow(t, nr)) {
      // The call is made again on the next kernel: nothing of it ran here.
      Registers r = t.regs();
      r.setPc(r.pc() - 4);
      r.setX(Registers.A0, t.syscallArg0());
      return Syscalls.NO_RESULT;
    }
    if (p.guestOf() < 0) {
      return p.fileHome() >= 0 ? onFiles(t, p, nr) : SystemCalls.PASS;
    }
    if (nr == POPCORN_MIGRATE && t.regs().x(Registers.A0 + 2) != 0) {
      return forward(t, p, nr); // another process: home knows them
    }
    return switch (CallPlaces.of(nr)) {
      case LOCAL -> SystemCalls.PASS;
      case HOME -> {
        if (createsThread(t, nr)) {
          // A new thread: made at home from this task's registers; it comes here to run.
          yield forward(t, p, nr, registers(t.regs()));
        }
        if (forksHere(t, nr)) {
          long v = forkThere(t, p);
          if (v != MigrationMessage.ForkThere.AT_HOME) {
            yield v;
          }
        }
        // Served only at home (execve, vfork, a fork home must make): the task goes home and makes
        // the call again there.
        Registers r = t.regs();
        r.setPc(r.pc() - 4);
        r.setX(Registers.A0, t.syscallArg0());
        t.setMoveTo(p.guestOf());
        yield Syscalls.NO_RESULT;
      }
      case BOTH -> {
        long v = forward(t, p, nr);
        yield v < 0 ? v : SystemCalls.PASS;
      }
      case FORWARD -> forward(t, p, nr);
    };
  }

  /** A call of a process whose files are on another kernel: those on files are served there. */
  private long onFiles(Task t, Process p, long nr) {
    if (nr == Syscalls.MMAP) {
      return FileAgents.mapsFile(t.regs().x(Registers.A0 + 3))
          ? files.mapPrivate(t, p)
          : SystemCalls.PASS;
    }
    if (!CallPlaces.onFiles(nr)) {
      return SystemCalls.PASS;
    }
    long r = files.call(t, p, nr);
    // The group and session are the agent's; this kernel keeps what the process set of its own.
    long who = t.regs().x(Registers.A0);
    if (nr == Syscalls.SETSID && r > 0) {
      p.setSid((int) r);
      p.setPgid((int) r);
    } else if (nr == Syscalls.SETPGID && r == 0 && (who == 0 || who == p.pid())) {
      long g = t.regs().x(Registers.A0 + 1);
      p.setPgid(g == 0 ? p.pid() : (int) g);
    }
    return r;
  }

  // clone's flags a fork made where the caller runs may have: the rest is made at home.
  private static final long FORK_HERE_FLAGS =
      0xff
          | Lifecycle.CLONE_FS
          | Lifecycle.CLONE_FILES
          | Lifecycle.CLONE_PARENT
          | Lifecycle.CLONE_SYSVSEM
          | Lifecycle.CLONE_SETTLS
          | Lifecycle.CLONE_PARENT_SETTID
          | Lifecycle.CLONE_CHILD_CLEARTID
          | Lifecycle.CLONE_DETACHED
          | Lifecycle.CLONE_CHILD_SETTID;

  /** Whether call nr of running copy t is a fork made here (clone of a new process, not vfork). */
  private static boolean forksHere(Task t, long nr) {
    return nr == Syscalls.CLONE && (t.regs().x(Registers.A0) & ~FORK_HERE_FLAGS) == 0;
  }

  /** Whether call nr of t (clone or clone3) creates a thread of its process. */
  private static boolean createsThread(Task t, long nr) {
    long flags;
    if (nr == Syscalls.CLONE) {
      flags = t.regs().x(Registers.A0);
    } else if (nr == Syscalls.CLONE3) {
      try {
        flags = t.process().memory().read64(t.regs().x(Registers.A0));
      } catch (RuntimeException e) {
        return false; // a bad struct: home answers it
      }
    } else {
      return false;
    }
    return (flags & Lifecycle.CLONE_THREAD) != 0 && (flags & Lifecycle.CLONE_VM) != 0;
  }

  /** A task's registers for the wire: x0..x31, f0..f31, pc, fcsr. */
  private static long[] registers(Registers r) {
    long[] out = new long[MigrationMessage.Syscall.REGS];
    for (int i = 0; i < 32; i++) {
      out[i] = r.x(i);
      out[32 + i] = r.f(i);
    }
    out[64] = r.pc();
    out[65] = r.fcsr();
    return out;
  }

  /**
   * Where a new thread of a process runs: on the kernel of the thread that made it, or with
   * popcorn_spread on the next kernel in turn (origin first) among those with CPUs it may use.
   */
  private void place(Task parent, Task child) {
    if (endpoint == null || !movable(child.process())) {
      return;
    }
    int to = parent.away() >= 0 ? parent.away() : self;
    if (spread) {
      List<Integer> up = kernelsFor(child);
      int n = placed.merge(child.process().pid(), 1, Integer::sum);
      if (!up.isEmpty()) {
        to = up.get(n % up.size());
      }
    }
    if (to != self) {
      child.setMoveTo(to);
    }
  }

  /** The kernels that are up and have CPUs t may run on, this one first, then in id order. */
  private List<Integer> kernelsFor(Task t) {
    java.util.BitSet allowed = t.cpuSet();
    java.util.Set<Integer> kernels = new java.util.TreeSet<>();
    for (var cpu : system.onlineCpus()) {
      if (allowed == null || allowed.get(cpu.id())) {
        kernels.add(cpu.kernel());
      }
    }
    List<Integer> up = new ArrayList<>();
    if (kernels.contains(self)) {
      up.add(self);
    }
    for (Peer peer : endpoint.peers()) {
      int k = peer.kernelId();
      if (peer.state() == KernelState.ONLINE && k != self && kernels.contains(k)) {
        up.add(k);
      }
    }
    return up;
  }

  /** popcorn_hop=N: whether t moves to the next kernel before its call nr, and where. */
  private boolean hopNow(Task t, long nr) {
    if (CallPlaces.of(nr) == CallPlaces.Place.HOME
        || nr == Syscalls.EXIT
        || nr == Syscalls.EXIT_GROUP
        || nr == Syscalls.RT_SIGRETURN
        || nr == Syscalls.RESTART_SYSCALL
        || endpoint == null) {
      return false;
    }
    if (arrived.remove(t.tid())) {
      return false;
    }
    int n = hopCounts.merge(t.tid(), 1, Integer::sum);
    if (n % hop != 0 || t.moveTo() >= 0 || !movable(t.process())) {
      return false;
    }
    // Hops respect the task's CPU set: a task pinned to CPUs of one kernel stays there.
    List<Integer> up = kernelsFor(t);
    if (!up.contains(self)) {
      up.add(self);
    }
    up.sort(null);
    if (up.size() < 2) {
      return false;
    }
    int next = up.get((up.indexOf(self) + 1) % up.size());
    t.setMoveTo(next);
    return true;
  }

  private long forward(Task t, Process p, long nr) {
    return forward(t, p, nr, new long[0]);
  }

  /**
   * Serves call nr of running copy t at its home, with its registers when regs is not empty (a
   * thread is made from them); the result as home's table gave it.
   */
  private long forward(Task t, Process p, long nr, long[] regs) {
    Registers r = t.regs();
    long[] args = new long[6];
    for (int i = 0; i < 6; i++) {
      args[i] = r.x(Registers.A0 + i);
    }
    long start = scheduler.now();
    Guest g = guests.get(t.tid());
    KernelMessage reply;
    if (g != null) {
      g.inCall = true;
    }
    try {
      reply =
          call(
              p.guestOf(),
              new MigrationMessage.Syscall(p.pid(), t.tid(), (int) nr, args, t.blocked(), regs));
    } finally {
      if (g != null) {
        g.inCall = false;
      }
    }
    if (!(reply instanceof MigrationMessage.SyscallReply sr)) {
      homeLost(t);
      return -Errno.EHOSTDOWN;
    }
    remoteSyscalls++;
    remoteSyscallPs += scheduler.now() - start;
    for (byte[] info : sr.signals()) {
      postHere(t, info);
    }
    if (sr.savedMask() != -1) {
      // Interrupted with its own mask in force (ppoll, epoll_pwait...): the handler runs with it.
      t.setSavedMaskForSuspend(sr.savedMask());
      t.setBlocked(FileAgents.callMask(t, nr, args));
    }
    if (sr.pinned()) {
      t.setMoveTo(p.guestOf()); // home, to stay: its pages can no longer all move
    }
    return sr.result();
  }

  /** The home of running copy t is gone: it dies with it. */
  private void homeLost(Task t) {
    if (!t.process().exiting()) {
      lifecycle.exitGroup(t, Signals.SIGKILL);
    }
  }

  /** Makes a pending signal from the wire (see {@link MigrationMessage#SIGINFO}) pending for t. */
  void postHere(Task t, byte[] raw) {
    if (raw.length != MigrationMessage.SIGINFO) {
      return;
    }
    SigInfo info = SigInfo.decode(Arrays.copyOfRange(raw, 1, raw.length));
    int sig = info.signo();
    if (sig < 1 || sig > Signals.NSIG) {
      return;
    }
    if (raw[0] != 0) {
      signals.sendToProcess(t.process(), sig, info);
    } else {
      signals.sendToThread(t, sig, info);
    }
  }

  private static byte[] entry(boolean shared, SigInfo info) {
    byte[] out = new byte[MigrationMessage.SIGINFO];
    out[0] = (byte) (shared ? 1 : 0);
    System.arraycopy(info.encode(), 0, out, 1, out.length - 1);
    return out;
  }

  /**
   * Sends request to kernel k from a task's stack and waits for the answer whatever signals come;
   * null when k is or went down, or answered with an error.
   */
  private KernelMessage call(int k, KernelMessage request) {
    PendingReply reply = endpoint.request(k, Priority.NORMAL, request);
    return await(reply);
  }

  private KernelMessage await(PendingReply reply) {
    if (!reply.isDone()) {
      WaitQueue done = new WaitQueue(scheduler);
      reply.whenDone(done::wakeAll);
      scheduler.waitUninterruptible(done, reply::isDone);
    }
    return reply.reply().orElse(null);
  }

  // ======================================================================================
  // Leaving: at the way out to user mode

  /** TaskLoop's departure: t leaves for t.moveTo(); returns when it runs here again or ended. */
  public void depart(Task t) {
    int to = t.moveTo();
    t.setMoveTo(-1);
    long[] cpus = wantedCpus.remove(t);
    Process p = t.process();
    if (to == self || endpoint == null || !movable(p) || checkKernel(to) != 0) {
      return;
    }
    if (p.guestOf() >= 0) {
      goHome(t, p, to, cpus);
    } else {
      leaveHome(t, p, to, cpus);
    }
  }

  /** Moves home task t to kernel to and serves it until it is back or ended; else the errno. */
  private long leaveHome(Task t, Process p, int to, long[] cpus) {
    long start = scheduler.now();
    charge(cost.taskStatePs());
    MigrationMessage.TaskState state = capture(t, p, cpus, takePending(t, p));
    if (!p.space().lending()) {
      p.space().setLending(new HomeLending(p));
    }
    if (share) {
      p.space().useWindows(new Windows(p));
    }
    there(p, to, 1); // before it can arrive: its copy there exists from now on
    // Its stack here is ready for what the copy sends from the moment it lands (a call can come
    // before this stack runs again after the answer).
    Home h = new Home(t, to, new WaitQueue(scheduler));
    h.processCpuPs = state.cpuPs();
    h.threadCpuPs = state.threadCpuPs();
    homes.put(t.tid(), h);
    PendingReply reply = endpoint.request(to, Priority.NORMAL, new MigrationMessage.Migrate(state));
    KernelMessage ack = await(reply);
    if (!(ack instanceof MigrationMessage.Ack)) {
      homes.remove(t.tid());
      leftThere(p, to);
      // The destination refused or went down: nothing moved; the signals stay here.
      for (byte[] s : state.pending()) {
        postHere(t, s);
      }
      log.log("migration: " + t + " could not move to kernel " + to);
      return reply.failure().map(f -> (long) f.errno()).orElse((long) Errno.EAGAIN);
    }
    count(self, to, scheduler.now() - start);
    t.setAway(to);
    serveAway(h);
    return 0;
  }

  /**
   * Kernels where a copy of home process p exists, with how many of its threads run or are on their
   * way there: a copy holds pages until its last thread leaves.
   */
  private final Map<Integer, TreeMap<Integer, Integer>> copiesOn = new HashMap<>();

  private void there(Process p, int kernel, int delta) {
    int now =
        copiesOn.computeIfAbsent(p.pid(), k -> new TreeMap<>()).merge(kernel, delta, Integer::sum);
    if (share && now == delta) {
      for (Region w : p.space().windowRegions()) {
        grant(kernel, w); // its first thread there: the process's windows open to it
      }
    }
  }

  /** Share mode: shared objects' frames granted on their own, to the kernels in each set. */
  private final Map<Long, java.util.TreeSet<Integer>> frameGrants = new HashMap<>();

  private void grantFrame(int kernel, long frame) {
    if (frameGrants.computeIfAbsent(frame, f -> new java.util.TreeSet<>()).add(kernel)) {
      grant(kernel, new Region(frame, MemoryLayout.PAGE_SIZE));
    }
  }

  /** No site on kernel maps the frame of page index of cache any more: its grant goes. */
  private void revokeFrame(PageCache cache, long index, int kernel) {
    long frame = cache.residentFrame(index);
    java.util.TreeSet<Integer> to = frameGrants.get(frame);
    if (frame != 0 && to != null && to.remove(kernel)) {
      revoke(kernel, new Region(frame, MemoryLayout.PAGE_SIZE));
      if (to.isEmpty()) {
        frameGrants.remove(frame);
      }
    }
  }

  /** The firmware grants kernel the window w of this kernel's memory. */
  private void grant(int kernel, Region w) {
    long r = sbi.shareMemory(self, w.base(), w.size(), kernel);
    if (r != dev.popcornj.kernel.platform.Sbi.SUCCESS) {
      log.log(
          "migration: window " + w + " not shared with kernel " + kernel + ": " + sbi.lastError());
    } else {
      windowsGranted++;
    }
  }

  private void revoke(int kernel, Region w) {
    if (sbi.unshareMemory(self, w.base(), w.size(), kernel)
        == dev.popcornj.kernel.platform.Sbi.SUCCESS) {
      windowsRevoked++;
    }
  }

  /** Share mode: the windows of home process p, opened to the kernels its threads run on. */
  private final class Windows implements AddressSpace.WindowSource {
    private final Process p;

    Windows(Process p) {
      this.p = p;
    }

    @Override
    public int windowFrames() {
      return windowFrames;
    }

    @Override
    public void opened(Region w) {
      for (int k : copiesOf(p)) {
        grant(k, w);
      }
    }

    @Override
    public void closed(Region w) {
      for (int k : copiesOf(p)) {
        revoke(k, w);
      }
    }
  }

  /**
   * One thread of p no longer runs on kernel: when it was the last, the copy there has given its
   * pages back (they came before the news), so what the directory still lists there is gone.
   */
  private void leftThere(Process p, int kernel) {
    TreeMap<Integer, Integer> on = copiesOn.get(p.pid());
    if (on == null) {
      return;
    }
    if (on.merge(kernel, -1, Integer::sum) <= 0) {
      on.remove(kernel);
      p.space().forgetLent(kernel);
      for (Region w : p.space().windowRegions()) {
        revoke(kernel, w); // its last thread there left: the windows close to it
      }
    }
    if (on.isEmpty()) {
      copiesOn.remove(p.pid());
      placed.remove(p.pid());
      p.space().setLending(null);
    }
  }

  /** The kernels that hold a copy of home process p now. */
  private List<Integer> copiesOf(Process p) {
    TreeMap<Integer, Integer> on = copiesOn.get(p.pid());
    return on == null ? List.of() : List.copyOf(on.keySet());
  }

  /** Running copy t goes home (to == its home) or on to another kernel through home. */
  private void goHome(Task t, Process p, int to, long[] cpus) {
    int home = p.guestOf();
    Guest g = guests.get(t.tid());
    long start = scheduler.now();
    // The last of the process's threads here gives every page back; others keep them. Threads
    // here may end or join meanwhile: it is the last when it leaves that counts.
    while (true) {
      if (staying(p) <= 1 && !pushAll(p, home)) {
        homeLost(t);
        return;
      }
      if (staying(p) > 1 || !p.space().holds(0, MemoryLayout.USER_TOP)) {
        break;
      }
    }
    charge(cost.taskStatePs());
    // A thread that came while the pages went joined this copy: then the copy, and what it still
    // holds, stays.
    boolean lastHere = staying(p) <= 1;
    if (g != null) {
      g.leaving = true; // signals that arrive from now on go back home
    }
    MigrationMessage.TaskState state = capture(t, p, cpus, takePending(t, p));
    // Its ids are free here before home hears of it: home may send it (or another thread of the
    // process) straight back, to a new copy. The old one ends, with what is still on its way out.
    table.removeDeparted(t, lastHere);
    if (lastHere) {
      p.beginExit(0);
    }
    KernelMessage ack = call(home, new MigrationMessage.GoHome(state, to == home ? -1 : to));
    if (!(ack instanceof MigrationMessage.Ack)) {
      homeLost(t);
      return;
    }
    count(self, home, scheduler.now() - start);
    // This task ends here without a word: it runs at home now.
    if (g != null) {
      g.departed = true;
    }
    t.setClearChildTid(0);
    if (!lastHere) {
      t.post(SigInfo.kernel(Signals.SIGKILL));
    }
  }

  /**
   * How many threads of running copy p run here and stay: not ended, not leaving nor left (a copy
   * that left may still be on its way out). When none is left, the copy's pages must go home.
   */
  private int staying(Process p) {
    int n = 0;
    for (Task x : p.threads()) {
      if (x.state() != SchedEntity.State.DEAD && files.isWorker(x)) {
        n++; // a file agent's: the copy serves it, and stays with it
        continue;
      }
      Guest g = guests.get(x.tid());
      if (x.state() != SchedEntity.State.DEAD
          && g != null
          && g.task == x
          && !g.leaving
          && !g.departed) {
        n++;
      }
    }
    return n;
  }

  /**
   * Gives every page of running copy p back to home: the writable ones with their contents, in
   * batches; the read-only copies just go. Stops when another thread joins the copy meanwhile (the
   * copy then stays, with what it still holds). False when home is gone.
   */
  private boolean pushAll(Process p, int home) {
    return pushRange(p, home, 0, MemoryLayout.USER_TOP, () -> staying(p) <= 1);
  }

  /**
   * The copy of p here closes with the process: the writable pages of its shared mappings go home,
   * since their objects outlive it (a private page dies with the process).
   */
  private void pushShared(Process p, int home) {
    if (p.space().pager() instanceof GuestPager pager) {
      for (var r : List.copyOf(pager.shared.entrySet())) {
        if (!pushRange(p, home, r.getKey(), r.getValue(), () -> true)) {
          return;
        }
      }
    }
  }

  /**
   * Gives every page of [start, end) back, the writable ones' contents home in batches, while go
   * holds. False when home is gone.
   */
  private boolean pushRange(
      Process p, int home, long start, long end, java.util.function.BooleanSupplier go) {
    AddressSpace space = p.space();
    while (go.getAsBoolean() && space.holds(start, end)) {
      List<AddressSpace.PageCopy> batch =
          space.giveBack(start, end, AddressSpace.RECALL_TAKE, false, PAGES_PER_MESSAGE);
      if (batch.isEmpty()) {
        continue;
      }
      charge(batch.size() * cost.pageCopyPs());
      pageTransfers += batch.size();
      KernelMessage ack = call(home, push(p.pid(), batch));
      if (!(ack instanceof MigrationMessage.Ack)) {
        return false;
      }
    }
    return true;
  }

  private static MigrationMessage.PagePush push(int pid, List<AddressSpace.PageCopy> pages) {
    List<Long> at = new ArrayList<>(pages.size());
    List<byte[]> bytes = new ArrayList<>(pages.size());
    for (AddressSpace.PageCopy c : pages) {
      at.add(c.vaddr());
      bytes.add(c.contents());
    }
    return new MigrationMessage.PagePush(pid, at, bytes);
  }

  private MigrationMessage.TaskState capture(Task t, Process p, long[] cpus, List<byte[]> taken) {
    Registers r = t.regs();
    long[] x = new long[32];
    long[] f = new long[32];
    for (int i = 0; i < 32; i++) {
      x[i] = r.x(i);
      f[i] = r.f(i);
    }
    long[] actions = new long[64 * 3];
    SigActions acts = p.actions();
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      SigAction a = acts.get(sig);
      actions[(sig - 1) * 3] = a.handler();
      actions[(sig - 1) * 3 + 1] = a.flags();
      actions[(sig - 1) * 3 + 2] = a.mask();
    }
    List<byte[]> pending = taken;
    AltStack alt = t.altStack();
    // The slice it is in now counts too: its CPU clocks read so just before it left.
    long running = t.cpuTimeAt(scheduler.now()) - t.cpuTimePs();
    return new MigrationMessage.TaskState(
        p.pid(),
        t.tid(),
        p.comm(),
        x,
        f,
        r.fcsr(),
        r.pc(),
        t.blocked(),
        t.savedMaskForSuspend(),
        alt.sp(),
        alt.size(),
        alt.storedFlags(),
        actions,
        pending,
        t.restartDeadlinePs(),
        t.restartRemAddr(),
        t.clearChildTid(),
        t.robustList(),
        cpus != null ? cpus : t.cpuSet() == null ? new long[0] : t.cpuSet().toLongArray(),
        p.cpuTimePs() + running,
        t.cpuTimePs() + running,
        scheduler.now(),
        scheduler.currentCpu() == null ? -1 : scheduler.currentCpu().hart().id());
  }

  /** Takes every pending signal of t and its process, with its information. */
  static List<byte[]> takePending(Task t, Process p) {
    List<byte[]> out = new ArrayList<>();
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      long bit = Signals.bit(sig);
      while ((t.pending() & bit) != 0) {
        out.add(entry(false, dequeued(p, t.takeInfo(sig))));
      }
      while ((p.sharedPending() & bit) != 0) {
        out.add(entry(true, dequeued(p, p.takeSharedInfo(sig))));
      }
    }
    return out;
  }

  /**
   * A signal taken to travel is delivered as far as this kernel goes: a timer's learns so (it may
   * fire again, and its overruns so far go with it), as when a task here takes it.
   */
  private static SigInfo dequeued(Process p, SigInfo info) {
    return p.timers() == null ? info : p.timers().onDequeued(info);
  }

  /** Installs state s, which came from kernel from, into t (a task of process p). */
  private void apply(Task t, Process p, MigrationMessage.TaskState s, int from) {
    if (hop > 0) {
      arrived.add(t.tid());
    }
    Registers r = t.regs();
    for (int i = 0; i < 32; i++) {
      r.setX(i, s.x()[i]);
      r.setF(i, s.f()[i]);
    }
    r.setFcsr(s.fcsr());
    r.setPc(s.pc());
    t.setBlocked(s.blocked());
    t.setSavedMaskForSuspend(s.savedMask());
    t.setAltStack(AltStack.restore(s.altSp(), s.altSize(), s.altFlags()));
    SigActions acts = p.actions();
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) {
        continue;
      }
      int i = (sig - 1) * 3;
      acts.set(sig, new SigAction(s.actions()[i], s.actions()[i + 1], s.actions()[i + 2]));
    }
    t.setRestartBlock(s.restartDeadlinePs(), s.restartRemAddr());
    t.setClearChildTid(s.clearChildTid());
    t.setRobustList(s.robustList());
    long local = localMask(s.cpus());
    t.setAffinity(local == 0 ? scheduler.allCpusMask() : local);
    // Where the CPUs it asked for are not here (popcorn_migrate, the migrate tool), it may run on
    // any CPU, as a task that never asked.
    t.setCpuSet(local == 0 ? null : java.util.BitSet.valueOf(s.cpus()));
    for (byte[] info : s.pending()) {
      postHere(t, info);
    }
    if (trace.enabled() && s.departHart() >= 0) {
      Cpu c = t.cpu() >= 0 ? scheduler.cpu(t.cpu()) : scheduler.cpus().getFirst();
      trace.flow(
          "migration",
          "migrate " + s.pid() + "/" + s.tid(),
          ((long) self << 48) | flows++,
          from,
          s.departHart(),
          s.departPs(),
          self,
          c.hart().id(),
          scheduler.now());
    }
  }

  // ======================================================================================
  // At home: serving the running copy

  /** One task away from home: what its running copy sent, waiting for its kernel stack. */
  private static final class Home {
    final Task task;
    final int kernel;
    final WaitQueue wake;
    final ArrayDeque<Incoming> inbox = new ArrayDeque<>();
    boolean killSent;
    boolean kernelGone;
    long processCpuPs; // the process's and the task's CPU time when it left
    long threadCpuPs;

    Home(Task task, int kernel, WaitQueue wake) {
      this.task = task;
      this.kernel = kernel;
      this.wake = wake;
    }
  }

  /** The away task's kernel stack: serves its running copy until it comes back or ends. */
  private void serveAway(Home h) {
    Task t = h.task;
    Process p = t.process();
    // While away it runs kernel code only, on any CPU here.
    t.setAffinity(scheduler.allCpusMask());
    while (true) {
      scheduler.waitUninterruptible(
          h.wake,
          () ->
              !h.inbox.isEmpty()
                  || h.kernelGone
                  || ((t.pending() | p.sharedPending()) != 0)
                  || (p.exiting() && !h.killSent));
      if (h.kernelGone) {
        // The kernel it ran on is down: so is the task, killed by SIGKILL.
        comeBack(h, p);
        lifecycle.exitGroup(t, Signals.SIGKILL);
        return;
      }
      forwardSignals(h, p);
      Incoming in = h.inbox.poll();
      if (in == null) {
        continue;
      }
      switch (in.message()) {
        case MigrationMessage.Syscall s -> serveCall(h, in, s);
        case MigrationMessage.ForkThere f -> serveFork(h, in, f);
        case MigrationMessage.TaskExit e -> {
          comeBack(h, p);
          long ran = e.cpuPs() - h.threadCpuPs;
          p.addCpuTime(ran);
          t.sched().addCpuTime(ran);
          if (!e.thread()) {
            lifecycle.exitGroup(t, e.waitStatus());
          } else {
            // exit(2) of one thread: home clears and wakes its clear_child_tid; the last thread's
            // exit ends the process with its code.
            t.setClearChildTid(e.clearChildTid());
            if (p.liveThreads() <= 1) {
              lifecycle.exitGroup(t, (e.waitStatus() & 0xff) << 8);
            } else {
              t.post(SigInfo.kernel(Signals.SIGKILL));
            }
          }
          return;
        }
        case MigrationMessage.GoHome g -> {
          comeBack(h, p);
          apply(t, p, g.task(), h.kernel);
          long ran = g.task().threadCpuPs() - h.threadCpuPs;
          p.addCpuTime(ran);
          t.sched().addCpuTime(ran);
          endpoint.reply(in, new MigrationMessage.Ack());
          if (g.next() >= 0) {
            t.setMoveTo(g.next());
            wantedCpus.put(t, g.task().cpus());
          } else {
            scheduler.migrateIfDisallowed(); // onto the CPU it asked for
          }
          return;
        }
        default -> {}
      }
    }
  }

  private void comeBack(Home h, Process p) {
    homes.remove(h.task.tid());
    h.task.setAway(-1);
    leftThere(p, h.kernel);
  }

  private void forwardSignals(Home h, Process p) {
    Task t = h.task;
    List<byte[]> out = takePending(t, p);
    if (p.exiting() && !h.killSent) {
      out.add(entry(true, SigInfo.kernel(Signals.SIGKILL)));
      h.killSent = true;
    }
    if (!out.isEmpty()) {
      endpoint.post(h.kernel, Priority.NORMAL, new MigrationMessage.SignalBatch(t.tid(), out));
    }
  }

  private void serveCall(Home h, Incoming in, MigrationMessage.Syscall s) {
    Task t = h.task;
    Process p = t.process();
    Registers r = t.regs();
    long[] regs = s.regs();
    if (regs.length == MigrationMessage.Syscall.REGS) {
      // A thread is made from them (clone): they are the caller's as it made the call.
      for (int i = 0; i < 32; i++) {
        r.setX(i, regs[i]);
        r.setF(i, regs[32 + i]);
      }
      r.setPc(regs[64]);
      r.setFcsr((int) regs[65]);
    }
    for (int i = 0; i < 6; i++) {
      r.setX(Registers.A0 + i, s.args()[i]);
    }
    r.setX(Registers.A7, s.nr());
    t.setBlocked(s.blocked());
    t.setSyscallArg0(s.args()[0]);
    charge(cost.nullSyscallPs());
    long result = syscalls.dispatch(t, s.nr());
    if (result == Syscalls.NO_RESULT) {
      result = 0;
    }
    List<byte[]> pending = takePending(t, p);
    long saved = t.savedMaskForSuspend();
    t.setSavedMaskForSuspend(-1);
    boolean pinned = !p.exiting() && !movable(p);
    endpoint.reply(in, new MigrationMessage.SyscallReply(result, saved, pinned, pending));
  }

  /** GoHome, Syscall and TaskExit go to the away task's stack. */
  private void onHomeBound(Incoming in) {
    int tid =
        switch (in.message()) {
          case MigrationMessage.GoHome g -> g.task().tid();
          case MigrationMessage.Syscall s -> s.tid();
          case MigrationMessage.TaskExit e -> e.tid();
          case MigrationMessage.ForkThere f -> f.tid();
          default -> -1;
        };
    Home h = homes.get(tid);
    if (h == null || h.kernel != in.from()) {
      if (in.request()) {
        endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      }
      return;
    }
    if (h.inbox.size() >= MAX_INBOX) {
      // A running copy has at most one call and one report outstanding; more is a peer gone wrong.
      if (in.request()) {
        endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EAGAIN));
      }
      return;
    }
    h.inbox.add(in);
    h.wake.wakeAll();
  }

  private Process homeProcess(int pid) {
    Process p = table.process(pid);
    return p != null && p.guestOf() < 0 && !p.zombie() ? p : null;
  }

  private void onAreaRequest(Incoming in) {
    var m = (MigrationMessage.AreaRequest) in.message();
    Process p = homeProcess(m.pid());
    if (p == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    Vma a = p.space().areaAt(m.vaddr());
    endpoint.reply(
        in,
        a == null
            ? new MigrationMessage.AreaReply(0, 0, 0, 0, "")
            : new MigrationMessage.AreaReply(
                a.start(),
                a.end(),
                a.prot(),
                a.kind().ordinal() | (a.shared() ? MigrationMessage.AreaReply.SHARED : 0),
                a.name() == null ? "" : a.name()));
  }

  private void onPageRequest(Incoming in) {
    var m = (MigrationMessage.PageRequest) in.message();
    Process p = homeProcess(m.pid());
    if (p == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    dsm(in.from())[0]++;
    servePage(in, p, p.space(), m);
  }

  /**
   * Answers a page request from the page directory; when copies elsewhere must go first, takes them
   * back without blocking (this runs as messages arrive) and answers when they are back. The page
   * is in transit meanwhile, so requests for it from anywhere are told to ask again: faults on one
   * page from several kernels are served one at a time, and home never waits for a kernel while
   * holding anything that kernel waits for.
   */
  private void servePage(
      Incoming in, Process p, AddressSpace space, MigrationMessage.PageRequest m) {
    if (p.space() != space || p.zombie()) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    long page = m.vaddr() & ~MemoryLayout.PAGE_MASK;
    if ((m.access() & MigrationMessage.PageRequest.HAS_COPY) == 0) {
      // Whatever the directory says, the requester holds no copy: a copy it held was dropped
      // with a running copy that closed while another thread was on its way there.
      space.forgetReader(page, in.from());
    }
    AddressSpace.Loan loan;
    try {
      loan =
          share
              ? space.lendFrame(page, m.kind(), in.from())
              : space.lend(page, m.kind(), in.from());
    } catch (OutOfFramesException e) {
      endpoint.reply(
          in, new MigrationMessage.PageReply(Fault.BUS_ADRERR.ordinal(), 0, 0, new byte[0]));
      return;
    }
    if (loan.fault() == Fault.BUSY && loan.shared() != null) {
      recallSharedThen(loan.shared(), loan.recallMode(), () -> servePage(in, p, space, m));
      return;
    }
    if (loan.fault() == Fault.BUSY && loan.recallFrom() != 0) {
      space.setInTransit(page, true);
      long from = loan.recallFrom();
      int[] left = {Long.bitCount(from)};
      for (int k = 0; k < 64; k++) {
        if ((from & (1L << k)) == 0) {
          continue;
        }
        int kernel = k;
        invalidated(kernel, loan.recallMode(), page);
        PendingReply r =
            endpoint.request(
                kernel,
                Priority.NORMAL,
                new MigrationMessage.Reclaim(
                    p.pid(), page, page + MemoryLayout.PAGE_SIZE, loan.recallMode(), 1));
        r.whenDone(
            () -> {
              if (p.space() == space) {
                applyReclaim(
                    space,
                    kernel,
                    page,
                    page + MemoryLayout.PAGE_SIZE,
                    loan.recallMode(),
                    r.reply().orElse(null));
              }
              if (--left[0] == 0) {
                space.setInTransit(page, false);
                servePage(in, p, space, m);
              }
            });
      }
      return;
    }
    if (loan.fault() == Fault.RESOLVED && loan.frame() >= 0) {
      // Share mode: home's frame is mapped there; nothing moves. A shared object's frame lies in
      // no window: it is granted on its own.
      if (!space.inWindow(loan.frame())) {
        grantFrame(in.from(), loan.frame());
      }
      endpoint.reply(
          in,
          new MigrationMessage.PageReply(
              loan.fault().ordinal(),
              loan.prot(),
              MigrationMessage.PageReply.FRAME,
              loan.frame(),
              new byte[0]));
      return;
    }
    if (loan.fault() == Fault.RESOLVED) {
      pageTransfers++;
      if (loan.contents() != null) {
        dsm(in.from())[1]++;
        dsm(in.from())[3] += MemoryLayout.PAGE_SIZE;
      }
    }
    byte[] contents = loan.contents() == null ? new byte[0] : loan.contents();
    endpoint.reply(
        in,
        new MigrationMessage.PageReply(
            loan.fault().ordinal(),
            loan.prot(),
            loan.upgrade() ? MigrationMessage.PageReply.UPGRADE : 0,
            contents));
  }

  /**
   * Takes back the copies of a shared object's page that r names, in mode, without blocking (this
   * runs as messages arrive), then runs then. The page is in transit meanwhile.
   */
  private void recallSharedThen(AddressSpace.SharedRecall r, int mode, Runnable then) {
    SharedCopies sc = r.cache().remote();
    sc.setInTransit(r.index(), true);
    int[] left = {r.sites().size()};
    for (SharedCopies.Site site : r.sites()) {
      invalidated(site.kernel(), mode, site.vaddr());
      PendingReply reply =
          endpoint.request(
              site.kernel(),
              Priority.NORMAL,
              new MigrationMessage.Reclaim(
                  site.pid(), site.vaddr(), site.vaddr() + MemoryLayout.PAGE_SIZE, mode, 1));
      reply.whenDone(
          () -> {
            applyShared(r.cache(), r.index(), site, mode, reply.reply().orElse(null));
            if (--left[0] == 0) {
              sc.setInTransit(r.index(), false);
              then.run();
            }
          });
    }
  }

  /** What site answered when asked for page index of cache back in mode. */
  private void applyShared(
      PageCache cache, long index, SharedCopies.Site site, int mode, KernelMessage reply) {
    byte[] contents = null;
    if (reply instanceof MigrationMessage.ReclaimReply rr) {
      MigrationMessage.PagePush pages = rr.pages();
      for (int i = 0; i < pages.addresses().size(); i++) {
        if (pages.addresses().get(i) == site.vaddr()) {
          contents = pages.pages().get(i);
          received(site.kernel());
          charge(cost.pageCopyPs());
        }
      }
    }
    cache
        .remote()
        .answered(
            cache,
            index,
            site,
            contents,
            reply instanceof MigrationMessage.ReclaimReply
                && (mode & 0xf) == MigrationMessage.Reclaim.SHARE);
  }

  /**
   * What kernel answered to a Reclaim of [start, end) in mode: the writable pages' contents come
   * back; what the range still lists there after the last answer is gone from there (a reader's
   * copy, which needs no contents), except readers' copies a SHARE leaves. Returns whether kernel
   * holds more to send. A kernel that cannot answer loses its copies.
   */
  private boolean applyReclaim(
      AddressSpace space, int kernel, long start, long end, int mode, KernelMessage reply) {
    if (!(reply instanceof MigrationMessage.ReclaimReply rr)) {
      space.forgetLent(kernel);
      return false;
    }
    int how = mode & 0xf;
    MigrationMessage.PagePush pages = rr.pages();
    for (int i = 0; i < pages.addresses().size(); i++) {
      long at = pages.addresses().get(i);
      if (at < start || at >= end) {
        continue; // only what was asked for
      }
      space.returned(at, kernel, pages.pages().get(i), how == MigrationMessage.Reclaim.SHARE);
      received(kernel);
    }
    charge(pages.addresses().size() * cost.pageCopyPs());
    if (rr.more()) {
      return true;
    }
    for (var e : space.copies().entrySet()) {
      long at = e.getKey();
      AddressSpace.Copies c = e.getValue();
      if (at >= start && at < end && c.has(kernel)) {
        if (how == MigrationMessage.Reclaim.SHARE && !c.writer()) {
          continue;
        }
        space.returned(at, kernel, null, false);
      }
    }
    space.forgetSharedIn(kernel, start, end, how == MigrationMessage.Reclaim.SHARE);
    return false;
  }

  private void onPagePush(Incoming in) {
    var m = (MigrationMessage.PagePush) in.message();
    Process p = homeProcess(m.pid());
    if (p == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    try {
      for (int i = 0; i < m.addresses().size(); i++) {
        p.space().returned(m.addresses().get(i), in.from(), m.pages().get(i), false);
        received(in.from());
      }
    } catch (OutOfFramesException e) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ENOMEM));
      return;
    }
    endpoint.reply(in, new MigrationMessage.Ack());
  }

  /** How home takes pages back from the kernels that run some of the process's threads. */
  private final class HomeLending implements Lending {
    private final Process p;

    HomeLending(Process p) {
      this.p = p;
    }

    @Override
    public int pid() {
      return p.pid();
    }

    @Override
    public void siteGone(PageCache cache, long index, int kernel) {
      revokeFrame(cache, index, kernel);
    }

    @Override
    public boolean recallShared(PageCache cache, long index, boolean changes) {
      SharedCopies sc = cache.remote();
      if (scheduler.current() == null) {
        return false; // nothing to wait with
      }
      if (sc.inTransit(index)) {
        pause(); // being taken back for someone else: the caller looks again
        return true;
      }
      SharedCopies.Holders h = sc.get(index);
      if (h == null || !(h.writer() || changes)) {
        return true;
      }
      int mode;
      if (h.writer()) {
        mode = changes ? MigrationMessage.Reclaim.TAKE : MigrationMessage.Reclaim.SHARE;
      } else {
        mode = MigrationMessage.Reclaim.DROP;
      }
      // The answers are applied as they arrive, as a page request's are, so that two takings of
      // one copy count in the order its kernel answered them.
      boolean[] done = {false};
      WaitQueue back = new WaitQueue(scheduler);
      recallSharedThen(
          new AddressSpace.SharedRecall(cache, index, h.sites()),
          mode,
          () -> {
            done[0] = true;
            back.wakeAll();
          });
      scheduler.waitUninterruptible(back, () -> done[0]);
      return true;
    }

    @Override
    public void reclaim(long start, long end, boolean keep) {
      reclaim(
          start,
          end,
          (keep ? MigrationMessage.Reclaim.TAKE : MigrationMessage.Reclaim.DROP)
              | MigrationMessage.Reclaim.AREAS);
    }

    /**
     * Every writer elsewhere but on kernel keep shares: home gets the contents of the pages written
     * elsewhere, and every copy stays, read-only (a fork copies what home holds, and what keep
     * holds, keep copies itself). keep -1: every writer shares.
     */
    void share(int keep) {
      reclaim(0, MemoryLayout.USER_TOP, MigrationMessage.Reclaim.SHARE, keep);
    }

    private void reclaim(long start, long end, int mode) {
      reclaim(start, end, mode, -1);
    }

    private void reclaim(long start, long end, int mode, int keep) {
      AddressSpace space = p.space();
      java.util.Set<Integer> kernels = new java.util.TreeSet<>(copiesOf(p));
      for (var e : space.copies().entrySet()) {
        if (e.getKey() >= start && e.getKey() < end) {
          long ks = e.getValue().kernels();
          for (int k = 0; k < 64; k++) {
            if ((ks & (1L << k)) != 0) {
              kernels.add(k);
            }
          }
        }
      }
      kernels.remove(keep);
      if (scheduler.current() == null) {
        kernels.forEach(space::forgetLent);
        return;
      }
      // Pages of the range are in transit until every copy answered: none is lent meanwhile,
      // and neither are the shared objects' pages the copies hold there (a page request for
      // another mapping of one would take it back too, and the answer that comes second, empty,
      // must not be the one that counts).
      space.beginTransit(start, end);
      List<AddressSpace.SharedRecall> objects = space.sharedIn(start, end);
      objects.forEach(o -> o.cache().remote().setInTransit(o.index(), true));
      try {
        for (int k : kernels) {
          boolean more = true;
          while (more) {
            KernelMessage reply =
                call(k, new MigrationMessage.Reclaim(p.pid(), start, end, mode, PAGES_PER_MESSAGE));
            more = applyReclaim(space, k, start, end, mode, reply);
          }
        }
      } finally {
        space.endTransit(start, end);
        objects.forEach(o -> o.cache().remote().setInTransit(o.index(), false));
      }
    }

    @Override
    public void recall(long page, int access) {
      AddressSpace space = p.space();
      while (space.inTransit(page)) {
        pause();
        if (p.space() != space) {
          return;
        }
      }
      AddressSpace.Copies c = space.copies().get(page);
      if (c == null) {
        return;
      }
      int mode;
      if (c.writer()) {
        mode =
            access == AddressTranslator.WRITE
                ? MigrationMessage.Reclaim.TAKE
                : MigrationMessage.Reclaim.SHARE;
      } else if (access == AddressTranslator.WRITE) {
        mode = MigrationMessage.Reclaim.DROP;
      } else {
        return;
      }
      if (scheduler.current() == null) {
        for (int k = 0; k < 64; k++) {
          if (c.has(k)) {
            space.forgetLent(k);
          }
        }
        return;
      }
      space.setInTransit(page, true);
      try {
        for (int k = 0; k < 64; k++) {
          if (c.has(k)) {
            invalidated(k, mode, page);
            KernelMessage reply =
                call(
                    k,
                    new MigrationMessage.Reclaim(
                        p.pid(), page, page + MemoryLayout.PAGE_SIZE, mode, 1));
            applyReclaim(space, k, page, page + MemoryLayout.PAGE_SIZE, mode, reply);
          }
        }
      } finally {
        space.setInTransit(page, false);
      }
    }
  }

  // ======================================================================================
  // On the destination: the running copy

  /** A task from another kernel running here. */
  private static final class Guest {
    final Task task;
    final int home;
    boolean leaving;
    boolean departed;
    boolean inCall; // waiting for home to serve one of its calls (forward)

    Guest(Task task, int home) {
      this.task = task;
      this.home = home;
    }
  }

  private void onMigrate(Incoming in) {
    var m = (MigrationMessage.Migrate) in.message();
    MigrationMessage.TaskState s = m.task();
    int home = in.from();
    Process copy = table.process(s.pid());
    if (copy != null && files.agentOf(s.pid(), home) == copy) {
      // A process forked elsewhere does not run where its file agent stands in for it: the agent
      // takes its signals for it and its workers are its threads there.
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EBUSY));
      return;
    }
    if (table.task(s.tid()) != null
        || (copy != null && (copy.guestOf() != home || copy.exiting() || copy.zombie()))) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EEXIST));
      return;
    }
    Task t;
    try {
      if (copy != null) {
        // Another thread of a process already running here: it joins the copy (and its memory).
        t = lifecycle.adoptThread(copy, s.tid(), new Registers(), 0);
      } else {
        GuestPager pager = new GuestPager(home, s.pid());
        t =
            lifecycle.adopt(
                home,
                s.pid(),
                s.tid(),
                s.comm(),
                new Registers(),
                new SigActions(),
                0,
                new AltStack(),
                0,
                pager);
        pager.process = t.process();
        t.process().addCpuTime(s.cpuPs()); // CPU clocks go on from home's
      }
    } catch (RuntimeException e) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EAGAIN));
      return;
    }
    t.sched().addCpuTime(s.threadCpuPs());
    departed.remove(t.tid());
    apply(t, t.process(), s, home);
    guests.put(t.tid(), new Guest(t, home));
    endpoint.reply(in, new MigrationMessage.Ack());
  }

  private void onSignals(Incoming in) {
    var m = (MigrationMessage.SignalBatch) in.message();
    Guest g = guests.get(m.tid());
    if (g != null && g.home == in.from()) {
      if (g.leaving || g.departed) {
        // Sent before home saw the task leave: they follow it home, behind its GoHome.
        endpoint.post(g.home, Priority.NORMAL, m);
      } else if (g.inCall) {
        // Sent before home had its call, which may now block there (a read of a pipe its sender
        // waits to see it stop): they go back to interrupt it, and return with its answer.
        endpoint.post(g.home, Priority.NORMAL, m);
      } else {
        for (byte[] info : m.signals()) {
          postHere(g.task, info);
        }
      }
      return;
    }
    Integer left = departed.get(m.tid());
    if (g == null && left != null && left == in.from()) {
      endpoint.post(left, Priority.NORMAL, m);
      return;
    }
    Task t = table.task(m.tid());
    if (t != null && t.process().guestOf() < 0) {
      // Signals a running copy received as it left: the task is home (or its stack forwards them).
      for (byte[] info : m.signals()) {
        postHere(t, info);
      }
    }
  }

  /** TaskLoop's report: running copy t stopped; its parent, at home, must hear of it. */
  public void stopped(Task t, int sig) {
    Guest g = guests.get(t.tid());
    if (g != null && g.task == t && !g.departed) {
      endpoint.post(g.home, Priority.NORMAL, new MigrationMessage.Stopped(t.tid(), sig));
    }
  }

  private void onStopped(Incoming in) {
    var m = (MigrationMessage.Stopped) in.message();
    Process agent = files.agentOf(m.tid(), in.from());
    if (agent != null) {
      // A process forked elsewhere (m.tid() its pid) stopped or continued: its parent is here.
      if (agent.exiting() || agent.zombie()) {
        return;
      }
      if (m.sig() == Signals.SIGCONT) {
        if (agent.stopped()) {
          signals.reportContinued(agent);
        }
      } else {
        signals.reportStopped(agent, m.sig());
      }
      return;
    }
    Home h = homes.get(m.tid());
    if (h != null && h.kernel == in.from() && !h.task.process().exiting()) {
      signals.reportStopped(h.task.process(), m.sig());
    }
  }

  private void onMove(Incoming in) {
    var m = (MigrationMessage.Move) in.message();
    Guest g = guests.get(m.tid());
    if (g != null && g.home == in.from() && !g.departed && movable(g.task.process())) {
      g.task.setMoveTo(m.kernel());
      signals.interrupt(g.task);
    }
  }

  private void onReclaim(Incoming in) {
    var m = (MigrationMessage.Reclaim) in.message();
    Process p = table.process(m.pid());
    if (p != null && held(p, m.start(), m.end())) {
      heldBack.add(in);
      checkHoldsLater();
      return;
    }
    int how = m.how();
    if (p == null
        || p.guestOf() != in.from()
        || p.space() == null
        || !p.space().paged()
        || how > MigrationMessage.Reclaim.SHARE) {
      endpoint.reply(
          in,
          new MigrationMessage.ReclaimReply(
              false, new MigrationMessage.PagePush(m.pid(), List.of(), List.of())));
      return;
    }
    int max = Math.max(1, Math.min(m.max(), PAGES_PER_MESSAGE));
    // A range from a peer is clamped to user space: nothing outside it is ever lent.
    long start = Math.max(0, m.start());
    long end = Math.min(MemoryLayout.USER_TOP, Math.max(start, m.end()));
    AddressSpace space = p.space();
    List<AddressSpace.PageCopy> pages = space.giveBack(start, end, how, m.areas(), max);
    // A copy that went or became read-only breaks the reservations LR made here (SC then fails).
    for (Cpu c : scheduler.cpus()) {
      c.hart().clearReservation();
    }
    boolean more =
        switch (how) {
          case MigrationMessage.Reclaim.TAKE -> space.holds(start, end);
          case MigrationMessage.Reclaim.SHARE -> space.holdsWritable(start, end);
          default -> false;
        };
    endpoint.reply(in, new MigrationMessage.ReclaimReply(more, push(m.pid(), pages)));
  }

  /** Whether a page of p in [start, end) is still held for its task; drops holds that ended. */
  private boolean held(Process p, long start, long end) {
    dropEndedHolds();
    for (Hold h : holds) {
      if (h.process == p && h.page >= start && h.page < end) {
        return true;
      }
    }
    return false;
  }

  private void checkHoldsLater() {
    if (!holdCheck) {
      holdCheck = true;
      later.callAt(scheduler.now() + HOLD_CHECK_PS, this::checkHolds);
    }
  }

  /**
   * Forgets the holds that ended: their task used the page, waits for something else, or the time
   * passed. Done before each new hold too, so the list stays as long as the holds in force (one per
   * task at most, bar the one just ending), not one per fault since the last reclaim.
   */
  private void dropEndedHolds() {
    long now = scheduler.now();
    holds.removeIf(
        h ->
            h.task.state() != SchedEntity.State.RUNNABLE
                || h.task.instructionsRetired() > h.retired
                || now >= h.untilPs
                || h.process.zombie());
  }

  /** Answers the reclaims held back whose pages are no longer held, in the order they came. */
  private void checkHolds() {
    holdCheck = false;
    int n = heldBack.size();
    for (int i = 0; i < n; i++) {
      onReclaim(heldBack.poll()); // held again goes to the back, in order
    }
  }

  /** The running copy's address space asks home for areas and pages. */
  private final class GuestPager implements Pager {
    private final int home;
    private final int pid;
    Process process;

    // The shared mappings among the areas home sent (start to end): their pages are an object's,
    // which outlives the process, so they go home even when the process ends.
    final TreeMap<Long, Long> shared = new TreeMap<>();

    GuestPager(int home, int pid) {
      this.home = home;
      this.pid = pid;
    }

    @Override
    public Vma area(long vaddr) {
      KernelMessage reply = call(home, new MigrationMessage.AreaRequest(pid, vaddr));
      if (!(reply instanceof MigrationMessage.AreaReply a) || a.end() <= a.start()) {
        return null;
      }
      Vma.Kind[] kinds = Vma.Kind.values();
      int k = a.kind() & 0xff;
      Vma.Kind kind = k < kinds.length ? kinds[k] : Vma.Kind.ANONYMOUS;
      if ((a.kind() & MigrationMessage.AreaReply.SHARED) != 0) {
        shared.put(a.start(), a.end());
      }
      return new Vma(
          a.start(), a.end(), a.prot(), kind, null, 0, false, a.name().isEmpty() ? null : a.name());
    }

    @Override
    public Fault page(long vaddr, int access) {
      long start = scheduler.now();
      dsm(home)[0]++;
      while (true) {
        Process asking = process;
        boolean hasCopy =
            asking != null
                && asking.space() != null
                && asking.space().holds(vaddr, vaddr + MemoryLayout.PAGE_SIZE);
        PendingReply reply =
            endpoint.request(
                home,
                Priority.NORMAL,
                new MigrationMessage.PageRequest(
                    pid, vaddr, access | (hasCopy ? MigrationMessage.PageRequest.HAS_COPY : 0)));
        Fault[] outcome = {null};
        boolean[] moved = {false};
        boolean[] mapped = {false};
        Task me = Task.current(scheduler);
        // Installed as the reply arrives, before anything home sends after it (a reclaim).
        reply.whenDone(
            () -> {
              if (reply.reply().orElse(null) instanceof MigrationMessage.PageReply pr) {
                Fault f = faultOf(pr.fault());
                if (f == Fault.RESOLVED) {
                  Process p = process;
                  if (p == null || p.space() == null || p.zombie()) {
                    outcome[0] = Fault.BUS_OBJERR;
                    return;
                  }
                  boolean upgrade = (pr.flags() & MigrationMessage.PageReply.UPGRADE) != 0;
                  if ((pr.flags() & MigrationMessage.PageReply.FRAME) != 0) {
                    // Share mode: home's frame, in a window granted here, mapped as it is.
                    p.space().installForeign(vaddr, pr.frame(), pr.prot());
                    mapped[0] = true;
                    outcome[0] = f;
                    return;
                  }
                  try {
                    if (!p.space()
                        .installPage(
                            vaddr,
                            pr.contents().length == 0 ? null : pr.contents(),
                            pr.prot(),
                            upgrade)) {
                      f = Fault.BUSY; // taken away meanwhile: ask again
                    }
                  } catch (OutOfFramesException e) {
                    outcome[0] = Fault.BUSY;
                    oom = true;
                    return;
                  }
                  moved[0] = !upgrade;
                  if (me != null) {
                    dropEndedHolds();
                    holds.add(
                        new Hold(
                            p,
                            vaddr & ~MemoryLayout.PAGE_MASK,
                            me,
                            me.instructionsRetired(),
                            scheduler.now() + HOLD_MAX_PS));
                  }
                }
                outcome[0] = f;
              }
            });
        await(reply);
        if (oom) {
          oom = false;
          throw new OutOfFramesException(vaddr);
        }
        Fault f = outcome[0];
        if (f == null) {
          homeLost(Task.current(scheduler));
          return Fault.BUS_OBJERR;
        }
        if (f == Fault.BUSY) {
          pause();
          continue;
        }
        if (f == Fault.RESOLVED) {
          traceDsm(
              mapped[0] ? "remote map" : moved[0] ? "remote fault" : "upgrade",
              vaddr & ~MemoryLayout.PAGE_MASK,
              start,
              ",\"write\":" + (access == AddressTranslator.WRITE));
          remoteFaults++;
          remoteFaultPs += scheduler.now() - start;
          if (moved[0]) {
            pageTransfers++;
            received(home);
            charge(cost.pageCopyPs());
          }
        }
        return f;
      }
    }

    private boolean oom;
  }

  private static Fault faultOf(int ordinal) {
    Fault[] all = Fault.values();
    return ordinal >= 0 && ordinal < all.length ? all[ordinal] : Fault.BUS_OBJERR;
  }

  /** Waits a little virtual time before asking again for a page on its way. */
  private void pause() {
    // Uninterruptible: a dying task (its last exit writes clear_child_tid) still waits its turn.
    scheduler.sleepUninterruptibleUntil(scheduler.now() + cost.pageFaultPs());
  }

  /**
   * Task t of a running copy ended here (see {@link Lifecycle.GuestEnd}): home hears of it, unless
   * it left for home or another kernel. The last thread here to exit alone first gives the pages
   * back, as the process goes on elsewhere.
   */
  private void guestTaskEnded(Task t, boolean group, boolean last, long clearTid) {
    Guest g = guests.get(t.tid());
    if (g == null || g.task != t) {
      return; // it came back here meanwhile as a new copy, which is not ending
    }
    guests.remove(t.tid());
    if (g.departed) {
      departed.put(t.tid(), g.home);
      return;
    }
    hopCounts.remove(t.tid());
    Process p = t.process();
    if (!group && staying(p) == 0 && p.space() != null && scheduler.current() != null) {
      pushAll(p, g.home);
    } else if (group && staying(p) == 0 && p.space() != null && scheduler.current() != null) {
      pushShared(p, g.home); // the process ends: only what outlives it goes home
    }
    endpoint.post(
        g.home,
        Priority.NORMAL,
        new MigrationMessage.TaskExit(
            t.tid(), group ? p.exitWaitStatus() : t.exitCode(), t.cpuTimePs(), !group, clearTid));
  }

  // ======================================================================================
  // Forks where the caller runs

  /**
   * fork (clone of a new process) by running copy t of process p: the child is made here, its
   * origin this kernel, from t's registers and the image of p's memory that home sends; its files,
   * cwd and umask stay at home with its file agent ({@link FileAgents}), which is also its stand-in
   * in its parent's family there. The child's id, -errno, or {@link
   * MigrationMessage.ForkThere#AT_HOME} when home must make it (p has shared mappings).
   */
  private long forkThere(Task t, Process p) {
    Registers r = t.regs();
    long flags = r.x(Registers.A0);
    long stack = r.x(Registers.A0 + 1);
    long parentTid = r.x(Registers.A0 + 2);
    long tls = r.x(Registers.A0 + 3);
    long childTid = r.x(Registers.A0 + 4);
    int home = p.guestOf();
    int child = table.allocate();
    if (child < 0) {
      return -Errno.EAGAIN;
    }
    table.reserve(child);
    Forming f = new Forming(home, lifecycle.newSpace(), p);
    forming.put(child, f);
    KernelMessage reply;
    try {
      reply = call(home, new MigrationMessage.ForkThere(p.pid(), t.tid(), child, flags, parentTid));
    } finally {
      forming.remove(child);
      table.unreserve(child);
    }
    if (!(reply instanceof MigrationMessage.SyscallReply sr)) {
      lifecycle.discardSpace(f.space);
      homeLost(t);
      return -Errno.EHOSTDOWN;
    }
    for (byte[] info : sr.signals()) {
      postHere(t, info);
    }
    if (sr.result() != child || f.image == null || f.failed) {
      lifecycle.discardSpace(f.space);
      return sr.result() == child ? -Errno.ENOMEM : sr.result();
    }
    charge(cost.pageCopyPs() * f.localCopies); // the pages copied here from the parent's copy
    Registers regs = r.copy();
    regs.setX(Registers.A0, 0);
    if (stack != 0) {
      regs.setX(Registers.SP, stack);
    }
    if ((flags & Lifecycle.CLONE_SETTLS) != 0) {
      regs.setX(Registers.TP, tls);
    }
    MigrationMessage.ForkImage im = f.image;
    Task c =
        lifecycle.adoptForked(
            t,
            child,
            home,
            im.ppid(),
            regs,
            f.space,
            im.pgid(),
            im.sid(),
            (int) (flags & 0xff),
            im.exe(),
            im.argv(),
            im.env(),
            im.comm());
    Process cp = c.process();
    if ((flags & Lifecycle.CLONE_CHILD_SETTID) != 0) {
      try {
        cp.memory().write32(childTid, child);
      } catch (RuntimeException e) {
        // A bad address is the program's problem, as at home.
      }
    }
    if ((flags & Lifecycle.CLONE_CHILD_CLEARTID) != 0) {
      c.setClearChildTid(childTid);
    }
    // Its agent at home is a running copy of it: the child's memory lends pages from the start.
    cp.space().setLending(new HomeLending(cp));
    if (share) {
      cp.space().useWindows(new Windows(cp));
    }
    there(cp, home, 1);
    forksThere++;
    return child;
  }

  /**
   * ForkThere: a running copy forks (served on its task's stack here), or a process whose files are
   * here forks where it runs (its agent here makes the child's).
   */
  private void onForkThere(Incoming in) {
    var m = (MigrationMessage.ForkThere) in.message();
    Process agent = files.agentOf(m.pid(), in.from());
    if (agent == null) {
      onHomeBound(in);
      return;
    }
    if (table.process(m.child()) != null || table.task(m.child()) != null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EEXIST));
      return;
    }
    Process d = lifecycle.forkFiles(agent, m.child(), m.flags());
    if ((m.flags() & Lifecycle.CLONE_VM) == 0) {
      pageAgent(d, in.from());
    }
    files.add(d, in.from());
    endpoint.reply(in, new MigrationMessage.SyscallReply(m.child(), -1, false, List.of()));
  }

  /**
   * Lifecycle's hook: process child, forked here by task parent of a process whose files are on
   * another kernel, gets its own file agent there, made from its parent's.
   */
  private long filesForked(Task parent, Process child, long flags) {
    Process pp = parent.process();
    int home = pp.fileHome();
    if (endpoint == null) {
      return -Errno.EHOSTDOWN;
    }
    KernelMessage reply =
        call(home, new MigrationMessage.ForkThere(pp.pid(), parent.tid(), child.pid(), flags, 0));
    if (!(reply instanceof MigrationMessage.SyscallReply sr) || sr.result() != child.pid()) {
      return -Errno.EAGAIN;
    }
    child.setFileHome(home);
    if ((flags & Lifecycle.CLONE_VM) == 0) {
      child.space().setLending(new HomeLending(child));
      if (share) {
        child.space().useWindows(new Windows(child));
      }
      there(child, home, 1);
    }
    forksThere++;
    return 0;
  }

  /** File agent d's memory becomes (again) a running copy of the process it serves, on home. */
  private void pageAgent(Process d, int home) {
    GuestPager pager = new GuestPager(home, d.pid());
    lifecycle.pageFrom(d, home, pager);
    pager.process = d;
  }

  /**
   * Process t's, forked here for a process of another kernel, replaced its program: its new memory
   * lends pages to its file agent, which forgets the old.
   */
  private void forkedExecuted(Task t) {
    Process p = t.process();
    p.space().setLending(new HomeLending(p));
    if (share) {
      p.space().useWindows(new Windows(p));
    }
    files.executed(t);
  }

  /** Whether p maps an object other processes may map too (its pages are not the process's). */
  private static boolean hasSharedAreas(Process p) {
    for (Vma a : p.space().areas()) {
      if (a.shared()) {
        return true;
      }
    }
    return false;
  }

  /**
   * At home, on the stack of away task h: its running copy forks where it runs. The child's agent
   * is made here as a fork makes a child; the image of its memory goes to the copy's kernel, and
   * the agent's memory becomes the child's, served from there.
   */
  private void serveFork(Home h, Incoming in, MigrationMessage.ForkThere f) {
    Task t = h.task;
    Process p = t.process();
    int to = h.kernel;
    charge(cost.nullSyscallPs());
    if (p.exiting() || p.fileHome() >= 0 || hasSharedAreas(p) || table.process(f.child()) != null) {
      endpoint.reply(
          in,
          new MigrationMessage.SyscallReply(
              MigrationMessage.ForkThere.AT_HOME, -1, false, List.of()));
      return;
    }
    if (p.space().lending() && p.space().lendingOf() instanceof HomeLending l) {
      // The copies keep their pages to read; home has every page's contents but those the fork's
      // kernel writes (replicate mode), which that kernel copies into the child itself.
      l.share(share ? -1 : to);
    }
    Process d;
    try {
      d = lifecycle.forkAgent(p, f.child(), f.flags() & ~0xffL, (int) (f.flags() & 0xff));
    } catch (OutOfFramesException e) {
      endpoint.reply(
          in, new MigrationMessage.SyscallReply(-Errno.ENOMEM, -1, false, takePending(t, p)));
      return;
    }
    AddressSpace.ForkImage image = d.space().forkImage();
    List<Long> written = share ? List.of() : keepWritten(p, to);
    boolean sent;
    try {
      sent = sendImage(to, p, d, image, written);
    } finally {
      written.forEach(v -> p.space().setInTransit(v, false));
    }
    if (!sent) {
      lifecycle.discardAgent(d);
      endpoint.reply(
          in, new MigrationMessage.SyscallReply(-Errno.ENOMEM, -1, false, takePending(t, p)));
      return;
    }
    if ((f.flags() & Lifecycle.CLONE_PARENT_SETTID) != 0) {
      try {
        p.memory().write32(f.parentTid(), f.child());
      } catch (RuntimeException e) {
        // As at home: a bad address is ignored.
      }
    }
    pageAgent(d, to);
    files.add(d, to);
    endpoint.reply(in, new MigrationMessage.SyscallReply(f.child(), -1, false, takePending(t, p)));
  }

  /**
   * Sends the image of child d, forked from p, to kernel to; false when it was refused. In
   * replicate mode the pages that kernel holds a copy of for p (and that no recall is taking from
   * it) go as addresses only: that kernel copies them from its own copy, and names those it no
   * longer had; written (see {@link #keepWritten}) are the pages only that kernel has, sent last.
   */
  private boolean sendImage(
      int to, Process p, Process d, AddressSpace.ForkImage image, List<Long> written) {
    List<Vma> areas = image.areas();
    long[] words = new long[areas.size() * 4];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < areas.size(); i++) {
      Vma a = areas.get(i);
      words[4 * i] = a.start();
      words[4 * i + 1] = a.end();
      words[4 * i + 2] = a.prot();
      words[4 * i + 3] = a.kind().ordinal();
      names.add(a.name() == null ? "" : a.name());
    }
    Process parent = d.parent();
    KernelMessage ack =
        call(
            to,
            new MigrationMessage.ForkImage(
                d.pid(),
                parent == null ? 0 : parent.pid(),
                image.heapStart(),
                image.heapLimit(),
                image.brk(),
                d.pgid(),
                d.sid(),
                d.comm(),
                d.executable(),
                d.argv(),
                d.env(),
                words,
                names));
    if (!(ack instanceof MigrationMessage.Ack)) {
      return false;
    }
    // A private file page the child's kernel writes is in the image too (read in from the file
    // here): it goes with the written ones only, with its contents there.
    java.util.Set<Long> writtenThere = new java.util.HashSet<>(written);
    List<AddressSpace.PageCopy> pages =
        image.pages().stream().filter(c -> !writtenThere.contains(c.vaddr())).toList();
    for (int from = 0; from < pages.size(); from += PAGES_PER_MESSAGE) {
      List<AddressSpace.PageCopy> batch =
          pages.subList(from, Math.min(pages.size(), from + PAGES_PER_MESSAGE));
      // Decided as the batch goes: a recall for one of these pages is sent after it, if at all.
      List<AddressSpace.PageCopy> sent = new ArrayList<>();
      List<Long> local = new ArrayList<>();
      for (AddressSpace.PageCopy c : batch) {
        if (!share && p.space().heldBy(c.vaddr(), to)) {
          local.add(c.vaddr());
        } else {
          sent.add(c);
        }
      }
      KernelMessage reply = sendPages(to, d, sent, local);
      if (reply instanceof MigrationMessage.ForkPages missing && !missing.local().isEmpty()) {
        List<AddressSpace.PageCopy> again = new ArrayList<>();
        for (AddressSpace.PageCopy c : batch) {
          if (missing.local().contains(c.vaddr())) {
            again.add(c);
          }
        }
        reply = sendPages(to, d, again, List.of());
      }
      if (!(reply instanceof MigrationMessage.Ack)) {
        return false;
      }
    }
    for (int from = 0; from < written.size(); from += ADDRESSES_PER_MESSAGE) {
      List<Long> local =
          new ArrayList<>(
              written.subList(from, Math.min(written.size(), from + ADDRESSES_PER_MESSAGE)));
      if (!(sendPages(to, d, List.of(), local) instanceof MigrationMessage.Ack)) {
        return false; // that kernel lost a page only it had: the fork fails
      }
    }
    return true;
  }

  /**
   * The pages of p that kernel to holds writable (home has no copy: the parent's copy there is the
   * only one), each marked in transit so that nothing takes it from there until {@link #sendImage}
   * has told that kernel to copy it; the caller ends the transit.
   */
  private static List<Long> keepWritten(Process p, int to) {
    List<Long> written = new ArrayList<>();
    for (var e : p.space().copies().entrySet()) {
      if (e.getValue().writer() && e.getValue().has(to) && !p.space().inTransit(e.getKey())) {
        written.add(e.getKey());
        p.space().setInTransit(e.getKey(), true);
      }
    }
    return written;
  }

  /** One ForkPages of child d's image: contents of sent, addresses of local; the reply. */
  private KernelMessage sendPages(
      int to, Process d, List<AddressSpace.PageCopy> sent, List<Long> local) {
    List<Long> addresses = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (AddressSpace.PageCopy c : sent) {
      addresses.add(c.vaddr());
      contents.add(c.contents());
    }
    charge(cost.pageCopyPs() * addresses.size());
    KernelMessage reply =
        call(to, new MigrationMessage.ForkPages(d.pid(), addresses, contents, local));
    pageTransfers += addresses.size();
    return reply;
  }

  private void onForkImage(Incoming in) {
    var m = (MigrationMessage.ForkImage) in.message();
    Forming f = forming.get(m.child());
    if (f == null || f.home != in.from() || f.image != null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    Vma.Kind[] kinds = Vma.Kind.values();
    List<Vma> areas = new ArrayList<>();
    try {
      long[] w = m.areas();
      for (int i = 0; i < m.names().size(); i++) {
        int k = (int) w[4 * i + 3];
        String name = m.names().get(i);
        areas.add(
            new Vma(
                w[4 * i],
                w[4 * i + 1],
                (int) w[4 * i + 2],
                k >= 0 && k < kinds.length ? kinds[k] : Vma.Kind.ANONYMOUS,
                null,
                0,
                false,
                name.isEmpty() ? null : name));
      }
      f.space.restoreImage(areas, m.heapStart(), m.heapLimit(), m.brk());
    } catch (IllegalArgumentException | IllegalStateException e) {
      f.failed = true;
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EINVAL));
      return;
    }
    f.image = m;
    endpoint.reply(in, new MigrationMessage.Ack());
  }

  private void onForkPages(Incoming in) {
    var m = (MigrationMessage.ForkPages) in.message();
    Forming f = forming.get(m.child());
    if (f == null || f.home != in.from() || f.image == null || f.failed) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    List<Long> missing = new ArrayList<>();
    try {
      for (int i = 0; i < m.addresses().size(); i++) {
        long vaddr = m.addresses().get(i);
        Vma a = f.space.areaAt(vaddr);
        if (a != null && MemoryLayout.isPageAligned(vaddr)) {
          f.space.installPage(vaddr, m.pages().get(i), a.prot(), false);
        }
      }
      for (long vaddr : m.local()) {
        Vma a = f.space.areaAt(vaddr);
        if (a == null || !MemoryLayout.isPageAligned(vaddr)) {
          continue;
        }
        // The parent's copy here: a copy of home's page, as home's image has it. One it gave up
        // on its way here (pushed home as its last thread left) comes from home instead.
        byte[] contents = f.parent.space() == null ? null : f.parent.space().heldContents(vaddr);
        if (contents == null) {
          missing.add(vaddr);
          continue;
        }
        f.space.installPage(vaddr, contents, a.prot(), false);
        f.localCopies++;
        forkPagesCopiedHere++;
      }
    } catch (OutOfFramesException e) {
      f.failed = true;
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ENOMEM));
      return;
    }
    endpoint.reply(
        in,
        missing.isEmpty()
            ? new MigrationMessage.Ack()
            : new MigrationMessage.ForkPages(m.child(), List.of(), List.of(), missing));
  }

  /** A process forked here for a process of another kernel ended: its parent hears of it there. */
  private void forkedEnded(Process p) {
    copiesOn.remove(p.pid());
    placed.remove(p.pid());
    if (endpoint != null) {
      endpoint.post(
          p.fileHome(),
          Priority.NORMAL,
          new MigrationMessage.ForkedExit(p.pid(), p.exitWaitStatus(), p.cpuTimePs()));
    }
  }

  private void onForkedExit(Incoming in) {
    var m = (MigrationMessage.ForkedExit) in.message();
    files.end(m.pid(), in.from(), m.waitStatus(), m.cpuPs());
  }

  // ======================================================================================
  // Peers going away

  @Override
  public void onPeerGone(int k, KernelState state) {
    files.kernelGone(k);
    for (Process p : table.processes()) {
      if (p.fileHome() == k && !p.exiting() && !p.zombie() && !p.threads().isEmpty()) {
        // Its files were there: it cannot go on without them.
        signals.sendToProcess(p, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
      }
    }
    for (Home h : List.copyOf(homes.values())) {
      if (h.kernel == k) {
        h.kernelGone = true;
        h.wake.wakeAll();
        scheduler.wake(h.task.sched(), scheduler.now());
      }
    }
    for (Guest g : List.copyOf(guests.values())) {
      if (g.home == k && !g.task.process().exiting()) {
        // Its home is gone, and its family, files and memory with it: it dies too.
        signals.sendToProcess(g.task.process(), Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
        g.departed = true; // nobody to tell
      }
    }
  }

  // ======================================================================================
  // CPUs: the machine's hart ids and this kernel's CPU indexes

  /** This kernel's CPUs among harts (0 when it has none of those). */
  private long localMask(long[] harts) {
    long mask = 0;
    for (Cpu c : scheduler.cpus()) {
      int id = c.hart().id();
      if (id / 64 < harts.length && (harts[id / 64] & (1L << (id % 64))) != 0 && c.index() < 64) {
        mask |= 1L << c.index();
      }
    }
    return mask;
  }

  // ======================================================================================
  // Accounts

  /**
   * A DSM event on the trace's timeline (on the hart of the task at hand, or this kernel's first).
   */
  private void traceDsm(String name, long page, long startPs, String more) {
    if (!trace.enabled()) {
      return;
    }
    Cpu c = scheduler.current() != null ? scheduler.currentCpu() : scheduler.cpus().getFirst();
    String args = "\"page\":\"0x" + Long.toHexString(page) + "\"" + more;
    long now = scheduler.now();
    if (startPs < now) {
      trace.span("dsm", name, self, c.hart().id(), startPs, now - startPs, args);
    } else {
      trace.instant("dsm", name, self, c.hart().id(), now, args);
    }
  }

  private static String modeName(int mode) {
    return switch (mode & 0xf) {
      case MigrationMessage.Reclaim.DROP -> "drop";
      case MigrationMessage.Reclaim.TAKE -> "take";
      default -> "share";
    };
  }

  /** This kernel's DSM counters for peer: page requests, pages received, invalidations, bytes. */
  private long[] dsm(int peer) {
    return dsmByPeer.computeIfAbsent(peer, k -> new long[4]);
  }

  private void received(int peer) {
    dsmPageTransfers++;
    long[] c = dsm(peer);
    c[1]++;
    c[3] += MemoryLayout.PAGE_SIZE;
  }

  private void invalidated(int peer, int mode, long page) {
    traceDsm(
        "recall from kernel " + peer,
        page,
        scheduler.now(),
        ",\"kernel\":" + peer + ",\"mode\":\"" + modeName(mode) + "\"");
    if ((mode & 0xf) != MigrationMessage.Reclaim.SHARE) {
      dsmInvalidations++;
      dsm(peer)[2]++;
    }
  }

  /** /proc/popcorn/dsm. */
  private String renderDsm() {
    StringBuilder out = new StringBuilder();
    out.append("mode ").append(share ? "share" : "replicate").append('\n');
    out.append("# peer page_requests pages_received invalidations bytes_received\n");
    dsmByPeer.forEach(
        (peer, c) ->
            out.append(peer)
                .append(' ')
                .append(c[0])
                .append(' ')
                .append(c[1])
                .append(' ')
                .append(c[2])
                .append(' ')
                .append(c[3])
                .append('\n'));
    out.append("page_transfers ").append(dsmPageTransfers).append('\n');
    out.append("invalidations ").append(dsmInvalidations).append('\n');
    if (share) {
      out.append("windows_granted ").append(windowsGranted).append('\n');
      out.append("windows_revoked ").append(windowsRevoked).append('\n');
    }
    return out.toString();
  }

  private void charge(long ps) {
    if (scheduler.current() == null) {
      return; // as messages arrive: the messaging layer's own costs cover this
    }
    Cpu c = scheduler.currentCpu();
    if (c != null && ps > 0) {
      c.hart().advanceTimePs(ps);
    }
  }

  private void count(int from, int to, long ps) {
    if (from == self) {
      migrations++;
      migrationPs += ps;
    }
    long[] c = pairs.computeIfAbsent(from + " " + to, k -> new long[2]);
    c[0]++;
    c[1] += ps;
  }

  /** Migrations this kernel started or received. */
  public long migrations() {
    return migrations;
  }

  public long remoteSyscalls() {
    return remoteSyscalls;
  }

  public long pageTransfers() {
    return pageTransfers;
  }

  /** /proc/popcorn/migrations. */
  private String render() {
    StringBuilder out = new StringBuilder();
    out.append("# from to count mean_latency_ns (virtual time, as seen by the sender)\n");
    for (var e : pairs.entrySet()) {
      long[] c = e.getValue();
      out.append(e.getKey())
          .append(' ')
          .append(c[0])
          .append(' ')
          .append(c[0] == 0 ? 0 : c[1] / c[0] / 1000)
          .append('\n');
    }
    out.append("migrations ").append(migrations).append('\n');
    out.append("remote_syscalls ")
        .append(remoteSyscalls)
        .append(" mean_ns ")
        .append(remoteSyscalls == 0 ? 0 : remoteSyscallPs / remoteSyscalls / 1000)
        .append('\n');
    out.append("remote_page_faults ")
        .append(remoteFaults)
        .append(" mean_ns ")
        .append(remoteFaults == 0 ? 0 : remoteFaultPs / remoteFaults / 1000)
        .append('\n');
    out.append("page_transfers ").append(pageTransfers).append('\n');
    out.append("away ").append(homes.size()).append('\n');
    out.append("guests ").append(guests.size()).append('\n');
    out.append("forks_elsewhere ").append(forksThere).append('\n');
    out.append("fork_pages_copied_there ").append(forkPagesCopiedHere).append('\n');
    out.append("file_agent_calls ").append(files.calls()).append('\n');
    for (String a : files.describe()) {
      out.append(a).append('\n');
    }
    return out.toString();
  }
}
