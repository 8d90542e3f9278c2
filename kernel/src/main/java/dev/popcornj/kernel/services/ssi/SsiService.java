package dev.popcornj.kernel.services.ssi;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.LayerMessage;
import dev.popcornj.kernel.msg.Peer;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.CpuList;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.OtherKernels;
import dev.popcornj.kernel.proc.PidSpace;
import dev.popcornj.kernel.proc.RemoteSignal;
import dev.popcornj.kernel.proc.ThisKernel;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.RemoteCalls;
import dev.popcornj.kernel.services.ServiceContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single system image: the replicated kernels show one system, as Popcorn Linux's do. Each
 * kernel tells every kernel that comes up its CPUs and memory (a {@link SsiMessage.Hello} on
 * check-in), so CPU masks, /proc/cpuinfo and /sys name every CPU by its hart id without asking; and
 * it answers for the processes whose pids it handed out ({@link
 * dev.popcornj.kernel.proc.PidSpace}): their /proc files and signals to them are asked of it, and
 * /proc on any kernel lists the processes of all from their censuses. A kernel that goes down drops
 * out of all of it.
 *
 * <pre>
 *   task on A: ls /proc ── OtherKernels.census() ── CensusRequest ──▶ B, C ... each answers
 *              cat /proc/P/status (P's origin B) ── ProcFileRequest ──▶ B renders it
 *              kill P ── Kill ── OtherKernels.signal() ── SignalRequest ──▶ B sends it, answers
 * </pre>
 *
 * <p>Owned by one kernel instance; its handlers run in that kernel's poll, its requests on the
 * kernel stack of the task that asks (with {@link RemoteCalls}).
 */
public final class SsiService implements PopcornService, OtherKernels {
  private final Scheduler scheduler;
  private final ThisKernel self;
  private Endpoint endpoint;
  private RemoteCalls remote;
  // What each other kernel that is up said of itself; changed in this kernel's poll.
  private final Map<Integer, SsiMessage.Hello> known = new TreeMap<>();

  /**
   * @param scheduler where the tasks that ask other kernels sleep
   * @param self what this kernel answers for itself
   */
  public SsiService(Scheduler scheduler, ThisKernel self) {
    this.scheduler = scheduler;
    this.self = self;
  }

  @Override
  public String name() {
    return "ssi";
  }

  @Override
  public void start(ServiceContext context) {
    endpoint = context.endpoint().orElse(null);
    if (endpoint == null) {
      return; // alone: the kernel is the whole system
    }
    remote = new RemoteCalls(endpoint, scheduler);
    context.message(SsiMessage.HELLO_TYPE, this::onHello);
    context.message(SsiMessage.CENSUS_REQUEST_TYPE, this::onCensusRequest);
    context.message(SsiMessage.CENSUS_TYPE, null);
    context.message(SsiMessage.PROC_FILE_REQUEST_TYPE, this::onProcFileRequest);
    context.message(SsiMessage.PROC_FILE_TYPE, null);
    context.message(SsiMessage.SIGNAL_REQUEST_TYPE, this::onSignalRequest);
    context.message(SsiMessage.SIGNAL_RESULT_TYPE, null);
    context.otherKernels(this);
    context.procFile("ssi", this::render);
  }

  @Override
  public void onPeerUp(int k) {
    List<SsiMessage.Cpu> cpus = new ArrayList<>();
    for (GlobalCpu c : self.cpus()) {
      cpus.add(new SsiMessage.Cpu(c.id(), c.isa()));
    }
    endpoint.post(k, Priority.NORMAL, new SsiMessage.Hello(self.memoryBytes(), cpus));
  }

  @Override
  public void onPeerGone(int k, KernelState state) {
    known.remove(k);
  }

  // ---- what this kernel answers

  private void onHello(Incoming in) {
    // Frames from a kernel marked down never get here; one that halted sends nothing more.
    if (in.message() instanceof SsiMessage.Hello hello) {
      known.put(in.from(), hello);
    }
  }

  private void onCensusRequest(Incoming in) {
    if (in.request()) {
      endpoint.reply(in, new SsiMessage.CensusReply(self.census()));
    }
  }

  private void onProcFileRequest(Incoming in) {
    if (!in.request() || !(in.message() instanceof SsiMessage.ProcFileRequest(int pid, var name))) {
      return;
    }
    String text = self.processFile(pid, name);
    if (text == null) {
      endpoint.reply(in, new LayerMessage.ErrorReply(Errno.ENOENT));
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // A file longer than one reply carries (a huge command line) is cut, as a short read would.
    endpoint.reply(
        in,
        new SsiMessage.ProcFile(
            Arrays.copyOf(bytes, Math.min(bytes.length, SsiDescriptor.MAX_TEXT))));
  }

  private void onSignalRequest(Incoming in) {
    if (in.request() && in.message() instanceof SsiMessage.SignalRequest(RemoteSignal s)) {
      endpoint.reply(in, new SsiMessage.SignalResult((int) self.signal(s)));
    }
  }

  // ---- what this kernel asks (OtherKernels)

  @Override
  public List<GlobalCpu> cpus() {
    List<GlobalCpu> out = new ArrayList<>();
    known.forEach(
        (k, hello) -> {
          for (SsiMessage.Cpu c : hello.cpus()) {
            out.add(new GlobalCpu(c.hart(), k, c.isa()));
          }
        });
    return out;
  }

  @Override
  public List<Census> census() {
    List<Census> out = new ArrayList<>();
    if (!canAsk()) {
      return out;
    }
    for (Peer p : endpoint.peers()) {
      int k = p.kernelId();
      if (k == endpoint.kernelId() || p.state() != KernelState.ONLINE) {
        continue;
      }
      if (ask(k, new SsiMessage.CensusRequest()) instanceof SsiMessage.CensusReply(Census c)) {
        // The kernel that answered is the one asked, whatever its reply says.
        out.add(
            new Census(
                k, c.memoryBytes(), c.freeBytes(), c.cpus(), c.running(), c.tasks(), c.pids()));
      }
    }
    return out;
  }

  @Override
  public String processFile(int pid, String name) {
    int origin = PidSpace.originOf(pid);
    if (!canAsk() || !up(origin) || !SsiDescriptor.FILE_NAMES.contains(name)) {
      return null;
    }
    return ask(origin, new SsiMessage.ProcFileRequest(pid, name))
            instanceof SsiMessage.ProcFile(byte[] text)
        ? new String(text, StandardCharsets.UTF_8)
        : null;
  }

  @Override
  public long signal(RemoteSignal signal) {
    int origin = PidSpace.originOf(signal.target());
    if (!canAsk() || !up(origin)) {
      return -Errno.ESRCH;
    }
    try {
      return remote.call(origin, new SsiMessage.SignalRequest(signal))
              instanceof SsiMessage.SignalResult(int result)
          ? result
          : -Errno.ESRCH;
    } catch (ErrnoException e) {
      return e.errno() == Errno.ERESTARTSYS ? -Errno.ERESTARTSYS : -Errno.ESRCH;
    }
  }

  /**
   * Asks kernel k and waits: its reply, or null when it has none for this (ENOENT) or went down.
   *
   * @throws ErrnoException ERESTARTSYS when a signal interrupts the wait
   */
  private KernelMessage ask(int k, KernelMessage request) {
    try {
      return remote.call(k, request);
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ERESTARTSYS) {
        throw e;
      }
      return null;
    }
  }

  /** Requests sleep on the asking task's kernel stack: outside a task there is none to sleep on. */
  private boolean canAsk() {
    return endpoint != null && scheduler.current() != null;
  }

  private boolean up(int k) {
    return k != endpoint.kernelId()
        && endpoint.peer(k).map(p -> p.state() == KernelState.ONLINE).orElse(false);
  }

  /** /proc/popcorn/ssi: the kernels this one knows as up, with their CPUs and memory. */
  private String render() {
    StringBuilder b = new StringBuilder("KERNEL  CPUS             MEMORY\n");
    List<Integer> mine = new ArrayList<>();
    self.cpus().forEach(c -> mine.add(c.id()));
    TreeMap<Integer, String> rows = new TreeMap<>();
    rows.put(endpoint.kernelId(), row(endpoint.kernelId(), mine, self.memoryBytes()));
    known.forEach(
        (k, hello) -> {
          List<Integer> ids = new ArrayList<>();
          hello.cpus().forEach(c -> ids.add(c.hart()));
          rows.put(k, row(k, ids, hello.memoryBytes()));
        });
    rows.values().forEach(b::append);
    return b.toString();
  }

  private static String row(int k, List<Integer> cpus, long memory) {
    return String.format("%-7d %-16s %dM%n", k, CpuList.format(cpus), memory >> 20);
  }
}
