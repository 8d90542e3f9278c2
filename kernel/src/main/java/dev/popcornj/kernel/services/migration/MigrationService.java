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
import dev.popcornj.kernel.mm.Pager;
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
  private long flows;

  private Endpoint endpoint;
  private KernelLog log;
  private int self;
  private int hop;

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

  public MigrationService(
      Lifecycle lifecycle,
      ProcessTable table,
      Scheduler scheduler,
      Signalling signals,
      SystemCalls syscalls,
      CostModel cost,
      Trace trace,
      dev.popcornj.kernel.proc.WholeSystem system) {
    this.lifecycle = lifecycle;
    this.table = table;
    this.scheduler = scheduler;
    this.signals = signals;
    this.syscalls = syscalls;
    this.cost = cost;
    this.trace = trace;
    this.system = system;
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
    syscalls.setInterceptor(this::intercept);
    context.affinityMigration(
        (t, kernel, cpu) -> {
          java.util.BitSet set = t.cpuSet();
          return moveForAffinity(t, kernel, set == null ? new long[0] : set.toLongArray());
        });
    lifecycle.setGuestEnded(this::guestEnded);
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

  /** A process that may move now: one live thread, no shared mappings, not tearing down. */
  private boolean movable(Process p) {
    if (p.exiting() || p.zombie() || p.liveThreads() != 1 || p.vforkParent() != null) {
      return false;
    }
    if (p.guestOf() >= 0) {
      return true;
    }
    if (lifecycle.sharesSpace(p)) {
      return false; // the other process would lose the pages that move
    }
    for (Vma a : p.space().areas()) {
      if (a.shared()) {
        return false;
      }
    }
    return true;
  }

  // ======================================================================================
  // System calls of tasks: hops, forwarding from a running copy

  private long intercept(Task t, long nr) {
    if (t.away() >= 0) {
      return SystemCalls.PASS; // home serving a call its running copy sent
    }
    Process p = t.process();
    if (hop > 0 && hopNow(t, nr)) {
      // The call is made again on the next kernel: nothing of it ran here.
      Registers r = t.regs();
      r.setPc(r.pc() - 4);
      r.setX(Registers.A0, t.syscallArg0());
      return Syscalls.NO_RESULT;
    }
    if (p.guestOf() < 0) {
      return SystemCalls.PASS;
    }
    if (nr == POPCORN_MIGRATE && t.regs().x(Registers.A0 + 2) != 0) {
      return forward(t, p, nr); // another process: home knows them
    }
    return switch (CallPlaces.of(nr)) {
      case LOCAL -> SystemCalls.PASS;
      case HOME -> {
        // Served only at home (execve, clone): the task goes home and makes the call again there.
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
    java.util.BitSet allowed = t.cpuSet();
    java.util.Set<Integer> kernels = new java.util.TreeSet<>();
    for (var cpu : system.onlineCpus()) {
      if (allowed == null || allowed.get(cpu.id())) {
        kernels.add(cpu.kernel());
      }
    }
    List<Integer> up = new ArrayList<>();
    up.add(self);
    for (Peer peer : endpoint.peers()) {
      int k = peer.kernelId();
      if (peer.state() == KernelState.ONLINE && k != self && kernels.contains(k)) {
        up.add(k);
      }
    }
    up.sort(null);
    if (up.size() < 2) {
      return false;
    }
    int next = up.get((up.indexOf(self) + 1) % up.size());
    t.setMoveTo(next);
    return true;
  }

  /** Serves call nr of running copy t at its home; the result as home's table gave it. */
  private long forward(Task t, Process p, long nr) {
    Registers r = t.regs();
    long[] args = new long[6];
    for (int i = 0; i < 6; i++) {
      args[i] = r.x(Registers.A0 + i);
    }
    long start = scheduler.now();
    KernelMessage reply =
        call(
            p.guestOf(),
            new MigrationMessage.Syscall(p.pid(), t.tid(), (int) nr, args, t.blocked()));
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
      t.setSavedMaskForSuspend(sr.savedMask());
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
  private void postHere(Task t, byte[] raw) {
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
    PendingReply reply = endpoint.request(to, Priority.NORMAL, new MigrationMessage.Migrate(state));
    KernelMessage ack = await(reply);
    if (!(ack instanceof MigrationMessage.Ack)) {
      // The destination refused or went down: nothing moved; the signals stay here.
      for (byte[] s : state.pending()) {
        postHere(t, s);
      }
      log.log("migration: " + t + " could not move to kernel " + to);
      return reply.failure().map(f -> (long) f.errno()).orElse((long) Errno.EAGAIN);
    }
    count(self, to, scheduler.now() - start);
    Home h = new Home(t, to, new WaitQueue(scheduler));
    h.processCpuPs = state.cpuPs();
    h.threadCpuPs = state.threadCpuPs();
    homes.put(t.tid(), h);
    t.setAway(to);
    p.space().setLending(new HomeLending(p, h));
    serveAway(h);
    return 0;
  }

  /** Running copy t goes home (to == its home) or on to another kernel through home. */
  private void goHome(Task t, Process p, int to, long[] cpus) {
    int home = p.guestOf();
    Guest g = guests.get(t.tid());
    long start = scheduler.now();
    AddressSpace space = p.space();
    while (true) {
      List<AddressSpace.PageCopy> batch =
          space.giveBack(0, MemoryLayout.USER_TOP, true, PAGES_PER_MESSAGE);
      if (batch.isEmpty()) {
        break;
      }
      charge(batch.size() * cost.pageCopyPs());
      pageTransfers += batch.size();
      KernelMessage ack = call(home, push(p.pid(), batch));
      if (!(ack instanceof MigrationMessage.Ack)) {
        homeLost(t);
        return;
      }
    }
    charge(cost.taskStatePs());
    if (g != null) {
      g.leaving = true; // signals that arrive from now on go back home
    }
    MigrationMessage.TaskState state = capture(t, p, cpus, takePending(t, p));
    // Its ids are free here before home hears of it: home may send it straight back.
    table.removeDeparted(t);
    KernelMessage ack = call(home, new MigrationMessage.GoHome(state, to == home ? -1 : to));
    if (!(ack instanceof MigrationMessage.Ack)) {
      homeLost(t);
      return;
    }
    count(self, home, scheduler.now() - start);
    // This copy ends without a word: the task runs at home now.
    if (g != null) {
      g.departed = true;
    }
    t.setClearChildTid(0);
    p.beginExit(0);
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
  private static List<byte[]> takePending(Task t, Process p) {
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
        case MigrationMessage.TaskExit e -> {
          comeBack(h, p);
          p.addCpuTime(e.cpuPs() - h.processCpuPs);
          lifecycle.exitGroup(t, e.waitStatus());
          return;
        }
        case MigrationMessage.GoHome g -> {
          comeBack(h, p);
          apply(t, p, g.task(), h.kernel);
          p.addCpuTime(g.task().cpuPs() - h.processCpuPs);
          t.sched().addCpuTime(g.task().threadCpuPs() - h.threadCpuPs);
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
    p.space().forgetLent(h.kernel);
    p.space().setLending(null);
    h.task.setAway(-1);
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
                a.kind().ordinal(),
                a.name() == null ? "" : a.name()));
  }

  private void onPageRequest(Incoming in) {
    var m = (MigrationMessage.PageRequest) in.message();
    Process p = homeProcess(m.pid());
    if (p == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    AddressSpace.Loan loan = p.space().lend(m.vaddr(), m.access(), in.from());
    if (loan.fault() == Fault.RESOLVED) {
      pageTransfers++;
    }
    byte[] contents = loan.contents() == null ? new byte[0] : loan.contents();
    endpoint.reply(
        in, new MigrationMessage.PageReply(loan.fault().ordinal(), loan.prot(), contents));
  }

  private void onPagePush(Incoming in) {
    var m = (MigrationMessage.PagePush) in.message();
    Process p = homeProcess(m.pid());
    if (p == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ESRCH));
      return;
    }
    try {
      accept(p.space(), m);
    } catch (OutOfFramesException e) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ENOMEM));
      return;
    }
    endpoint.reply(in, new MigrationMessage.Ack());
  }

  private static void accept(AddressSpace space, MigrationMessage.PagePush m) {
    for (int i = 0; i < m.addresses().size(); i++) {
      space.acceptPage(m.addresses().get(i), m.pages().get(i));
    }
  }

  /** How home takes pages back from the kernel the process runs on. */
  private final class HomeLending implements Lending {
    private final Process p;
    private final Home h;

    HomeLending(Process p, Home h) {
      this.p = p;
      this.h = h;
    }

    @Override
    public void reclaim(long start, long end, boolean keep) {
      if (h.kernelGone || scheduler.current() == null) {
        p.space().forgetLent(h.kernel);
        return;
      }
      boolean more = true;
      while (more) {
        KernelMessage reply =
            call(
                h.kernel,
                new MigrationMessage.Reclaim(p.pid(), start, end, keep, PAGES_PER_MESSAGE));
        if (!(reply instanceof MigrationMessage.ReclaimReply rr)) {
          p.space().forgetLent(h.kernel);
          return;
        }
        more = rr.more();
        pageTransfers += rr.pages().addresses().size();
        charge(rr.pages().addresses().size() * cost.pageCopyPs());
        accept(p.space(), rr.pages());
      }
      // Pages dropped without contents come home as untouched memory.
      for (long page : p.space().lentPages().keySet()) {
        if (page >= start && page < end && !keep) {
          p.space().acceptPage(page, null);
        }
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

    Guest(Task task, int home) {
      this.task = task;
      this.home = home;
    }
  }

  private void onMigrate(Incoming in) {
    var m = (MigrationMessage.Migrate) in.message();
    MigrationMessage.TaskState s = m.task();
    if (table.task(s.tid()) != null || table.process(s.pid()) != null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EEXIST));
      return;
    }
    int home = in.from();
    SigActions actions = new SigActions();
    Registers regs = new Registers();
    GuestPager pager = new GuestPager(home, s.pid());
    Task t;
    try {
      t =
          lifecycle.adopt(
              home, s.pid(), s.tid(), s.comm(), regs, actions, 0, new AltStack(), 0, pager);
    } catch (RuntimeException e) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.EAGAIN));
      return;
    }
    pager.task = t;
    t.process().addCpuTime(s.cpuPs()); // CPU clocks go on from home's
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
    Guest g = null;
    for (Guest x : guests.values()) {
      if (x.task.process().pid() == m.pid() && x.home == in.from()) {
        g = x;
      }
    }
    if (g == null || g.task.process().space() == null) {
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
    List<AddressSpace.PageCopy> pages =
        g.task.process().space().giveBack(start, end, m.keep(), max);
    boolean more = pages.size() == max && m.keep();
    endpoint.reply(in, new MigrationMessage.ReclaimReply(more, push(m.pid(), pages)));
  }

  /** The running copy's address space asks home for areas and pages. */
  private final class GuestPager implements Pager {
    private final int home;
    private final int pid;
    Task task;

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
      Vma.Kind kind =
          a.kind() >= 0 && a.kind() < kinds.length ? kinds[a.kind()] : Vma.Kind.ANONYMOUS;
      return new Vma(
          a.start(), a.end(), a.prot(), kind, null, 0, false, a.name().isEmpty() ? null : a.name());
    }

    @Override
    public Fault page(long vaddr, int access) {
      long start = scheduler.now();
      while (true) {
        PendingReply reply =
            endpoint.request(
                home, Priority.NORMAL, new MigrationMessage.PageRequest(pid, vaddr, access));
        Fault[] outcome = {null};
        // Installed as the reply arrives, before anything home sends after it (a reclaim).
        reply.whenDone(
            () -> {
              if (reply.reply().orElse(null) instanceof MigrationMessage.PageReply pr) {
                Fault f = faultOf(pr.fault());
                if (f == Fault.RESOLVED) {
                  Process p = task == null ? null : task.process();
                  if (p == null || p.space() == null || p.zombie()) {
                    outcome[0] = Fault.BUS_OBJERR;
                    return;
                  }
                  try {
                    p.space()
                        .installPage(
                            vaddr, pr.contents().length == 0 ? null : pr.contents(), pr.prot());
                  } catch (OutOfFramesException e) {
                    outcome[0] = Fault.BUSY;
                    oom = true;
                    return;
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
          homeLost(task);
          return Fault.BUS_OBJERR;
        }
        if (f == Fault.BUSY) {
          pause();
          continue;
        }
        if (f == Fault.RESOLVED) {
          remoteFaults++;
          remoteFaultPs += scheduler.now() - start;
          pageTransfers++;
          charge(cost.pageCopyPs());
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
    long until = scheduler.now() + cost.pageFaultPs();
    WaitQueue q = new WaitQueue(scheduler);
    scheduler.waitOn(q, () -> scheduler.now() >= until, until);
  }

  private void guestEnded(Process p) {
    for (Task t : p.threads()) {
      Guest g = guests.get(t.tid());
      if (g == null || g.task != t) {
        continue; // it came back here meanwhile as a new copy, which is not ending
      }
      guests.remove(t.tid());
      if (g.departed) {
        departed.put(t.tid(), g.home);
        continue;
      }
      hopCounts.remove(t.tid());
      endpoint.post(
          g.home,
          Priority.NORMAL,
          new MigrationMessage.TaskExit(t.tid(), p.exitWaitStatus(), p.cpuTimePs()));
    }
  }

  // ======================================================================================
  // Peers going away

  @Override
  public void onPeerGone(int k, KernelState state) {
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

  private void charge(long ps) {
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
    return out.toString();
  }
}
