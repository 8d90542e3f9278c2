package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.ProcSource;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.OtherKernels;
import dev.popcornj.kernel.proc.PidSpace;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.proc.WholeSystem;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What /proc shows: the processes (stat, status, cmdline, maps, comm, environ, exe, cwd), the
 * system files (cpuinfo, meminfo, uptime, version, loadavg, cmdline, stat, mounts, sysrq-trigger)
 * and /proc/popcorn/*, which the messaging layer and the services add, all generated when opened.
 *
 * <p>It shows the single system image: the processes of every kernel that is up, each answered for
 * by its origin (this kernel renders those whose pids it handed out, and asks the others through
 * {@link OtherKernels} for theirs), every CPU in cpuinfo and stat, and the memory of all in
 * meminfo. A kernel alone shows itself.
 *
 * <p>Owned by one kernel instance.
 */
final class ProcFiles implements ProcSource {
  private static final long PS_PER_TICK = 10_000_000_000L; // USER_HZ = 100

  private final Scheduler scheduler;
  private final ProcessTable table;
  private final Vfs vfs;
  private final FrameAllocator frames;
  private final long totalMemory;
  private final String cmdline;
  private final Runnable crash;
  private final Map<String, Supplier<String>> popcornFiles;
  private final WholeSystem system;
  private final Map<String, Supplier<String>> netFiles = new java.util.LinkedHashMap<>();

  /**
   * @param crash what writing 'c' to /proc/sysrq-trigger does; null when the image has no sysrq
   * @param popcornFiles /proc/popcorn/NAME by NAME, read when listed or opened (it may grow)
   */
  ProcFiles(
      Scheduler scheduler,
      ProcessTable table,
      Vfs vfs,
      FrameAllocator frames,
      long totalMemory,
      String cmdline,
      Runnable crash,
      Map<String, Supplier<String>> popcornFiles,
      WholeSystem system) {
    this.scheduler = scheduler;
    this.table = table;
    this.vfs = vfs;
    this.frames = frames;
    this.totalMemory = totalMemory;
    this.cmdline = cmdline;
    this.crash = crash;
    this.popcornFiles = popcornFiles;
    this.system = system;
  }

  @Override
  public int currentPid() {
    Task t = Task.current(scheduler);
    return t == null ? 1 : t.process().pid();
  }

  /** The processes of every kernel that is up: this kernel's own, then what the others report. */
  @Override
  public List<Integer> pids() {
    List<Integer> out = ownPids();
    for (Census c : system.others().census()) {
      out.addAll(c.pids());
    }
    return out;
  }

  /** The processes this kernel answers for: those whose pids it handed out. */
  private List<Integer> ownPids() {
    List<Integer> out = new ArrayList<>();
    for (Process p : table.processes()) {
      if (table.originatesHere(p.pid())) {
        out.add(p.pid());
      }
    }
    return out;
  }

  @Override
  public boolean hasPid(int pid) {
    return table.originatesHere(pid)
        ? table.process(pid) != null
        : system.others().processFile(pid, "comm") != null;
  }

  private Process process(int pid) {
    return table.process(pid);
  }

  @Override
  public String processFile(int pid, String name) {
    return table.originatesHere(pid)
        ? ownProcessFile(pid, name)
        : system.others().processFile(pid, name);
  }

  /**
   * /proc/PID/name of a process in this kernel's table, or the target of its "exe" or "cwd" link:
   * what this kernel answers for its processes, here and to the others. Null when there is none.
   */
  String ownProcessFile(int pid, String name) {
    Process p = process(pid);
    if (p == null) {
      return null;
    }
    return switch (name) {
      case "stat" -> stat(p);
      case "status" -> status(p);
      case "cmdline" -> nulJoined(p.argv());
      case "environ" -> nulJoined(p.env());
      case "comm" -> p.comm() + "\n";
      case "maps" -> p.space() == null || p.zombie() ? "" : p.space().mapsText();
      case "exe" -> p.executable();
      case "cwd" -> p.fsContext() instanceof FsContext ctx ? vfs.pathOf(ctx, ctx.cwd()) : null;
      default -> null;
    };
  }

  /**
   * What this kernel reports of itself to the others: its memory, its CPUs' time, its tasks and the
   * processes it answers for.
   */
  Census census() {
    long now = scheduler.now();
    List<Census.CpuTime> cpus = new ArrayList<>();
    for (var c : scheduler.cpus()) {
      cpus.add(new Census.CpuTime(c.hart().id(), c.busyPs(), Math.max(0, now - c.busyPs())));
    }
    return new Census(
        system.kernelId(),
        totalMemory,
        frames.framesFree() * MemoryLayout.PAGE_SIZE,
        cpus,
        scheduler.runnable().size(),
        table.tasks().size(),
        ownPids());
  }

  /** This kernel's census, then those of the other kernels that are up. */
  private List<Census> everyCensus() {
    List<Census> all = new ArrayList<>();
    all.add(census());
    all.addAll(system.others().census());
    return all;
  }

  private static String nulJoined(List<String> words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append(w).append('\0');
    }
    return b.toString();
  }

  private static char state(Process p) {
    if (p.zombie()) {
      return 'Z';
    }
    if (p.stopped()) {
      return 'T';
    }
    for (Task t : p.threads()) {
      if (t.state() == SchedEntity.State.RUNNABLE) {
        return 'R';
      }
    }
    return 'S';
  }

  private String stat(Process p) {
    long utime = 0;
    for (Task t : p.threads()) {
      utime += t.cpuTimePs();
    }
    long rss = p.space() == null || p.zombie() ? 0 : p.space().residentPages();
    int ppid = p.parent() == null ? 0 : p.parent().pid();
    StringBuilder b = new StringBuilder();
    b.append(p.pid()).append(" (").append(p.comm()).append(") ").append(state(p));
    b.append(' ').append(ppid).append(' ').append(p.pgid()).append(' ').append(p.sid());
    b.append(" 0 -1 4194304 0 0 0 0 ");
    b.append(utime / PS_PER_TICK).append(" 0 0 0 20 ").append(p.nice()).append(' ');
    b.append(Math.max(1, p.liveThreads())).append(" 0 ");
    b.append(p.startPs() / PS_PER_TICK).append(' ');
    b.append(rss * MemoryLayout.PAGE_SIZE).append(' ').append(rss);
    b.append(" 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    return b.toString();
  }

  private String status(Process p) {
    int ppid = p.parent() == null ? 0 : p.parent().pid();
    long rss = p.space() == null || p.zombie() ? 0 : p.space().residentPages();
    char s = state(p);
    String stateName =
        switch (s) {
          case 'R' -> "R (running)";
          case 'T' -> "T (stopped)";
          case 'Z' -> "Z (zombie)";
          default -> "S (sleeping)";
        };
    return "Name:\t"
        + p.comm()
        + "\nUmask:\t"
        + String.format("%04o", p.fsContext() == null ? 022 : p.fsContext().umask())
        + "\nState:\t"
        + stateName
        + "\nTgid:\t"
        + p.pid()
        + "\nPid:\t"
        + p.pid()
        + "\nPPid:\t"
        + ppid
        + "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmRSS:\t"
        + rss * 4
        + " kB\nThreads:\t"
        + Math.max(1, p.liveThreads())
        + "\nSigPnd:\t"
        + String.format("%016x", p.sharedPending())
        + "\nKernel:\t"
        + runsOn(p)
        + "\nOrigin:\t"
        + PidSpace.originOf(p.pid())
        + "\n";
  }

  /** The kernel p's leader thread runs on now: another, while it has migrated there, or this. */
  private int runsOn(Process p) {
    Task leader = table.task(p.pid());
    if (leader == null || leader.process() != p) {
      leader = p.threads().isEmpty() ? null : p.threads().getFirst();
    }
    return leader != null && leader.away() >= 0 ? leader.away() : system.kernelId();
  }

  @Override
  public boolean writableSystemFile(String path) {
    return path.equals("sysrq-trigger") && sysrq();
  }

  /** The image has sysrq: /proc/sysrq-trigger is there. */
  private boolean sysrq() {
    return crash != null;
  }

  /** sysrq-trigger: 'c' crashes this kernel (a panic, as Linux's sysrq-c does). */
  @Override
  public long writeSystemFile(String path, byte[] data) {
    if (!path.equals("sysrq-trigger") || !sysrq()) {
      return -dev.popcornj.kernel.abi.Errno.EIO;
    }
    for (byte b : data) {
      if (b == 'c') {
        crash.run();
        break;
      }
    }
    return data.length;
  }

  @Override
  public String exeLink(int pid) {
    return processFile(pid, "exe");
  }

  /** Open descriptors are shown for this kernel's own processes only. */
  @Override
  public dev.popcornj.kernel.fs.FileTable fileTable(int pid) {
    Process p = table.originatesHere(pid) ? process(pid) : null;
    return p == null || p.zombie() ? null : p.files();
  }

  @Override
  public String cwdLink(int pid) {
    return processFile(pid, "cwd");
  }

  @Override
  public List<String> systemFiles() {
    List<String> files =
        new ArrayList<>(
            List.of(
                "cpuinfo",
                "meminfo",
                "uptime",
                "version",
                "loadavg",
                "cmdline",
                "stat",
                "mounts",
                "sys/kernel/pid_max",
                "sys/kernel/threads-max",
                "sys/kernel/hostname"));
    for (String name : popcornFiles.keySet()) {
      files.add("popcorn/" + name);
    }
    for (String name : netFiles.keySet()) {
      files.add("net/" + name);
    }
    if (sysrq()) {
      files.add("sysrq-trigger");
    }
    return List.copyOf(files);
  }

  // /proc/sys/kernel/hostname's text: the kernel's uname nodename.
  private Supplier<String> hostname = () -> dev.popcornj.kernel.param.Param.NODENAME;

  /** Where /proc/sys/kernel/hostname reads the kernel's name. */
  void setHostname(Supplier<String> name) {
    hostname = name;
  }

  /** Adds /proc/net/NAME, generated when opened. */
  void putNetFile(String name, Supplier<String> text) {
    netFiles.put(name, text);
  }

  @Override
  public String systemFile(String path) {
    return switch (path) {
      case "cpuinfo" -> cpuinfo();
      case "meminfo" -> meminfo();
      case "uptime" -> uptime();
      case "version" -> "Linux version " + Param.RELEASE + " (popcornj) #1 SMP PopcornJ\n";
      case "loadavg" -> loadavg();
      case "cmdline" -> cmdline + "\n";
      case "sys/kernel/pid_max" -> PidSpace.PID_MAX + "\n";
      case "sys/kernel/threads-max" -> table.threadsMax() + "\n";
      case "sys/kernel/hostname" -> hostname.get() + "\n";
      case "stat" -> systemStat();
      case "mounts" -> MOUNTS;
      case "sysrq-trigger" -> sysrq() ? "" : null;
      default -> {
        Supplier<String> f =
            path.startsWith("popcorn/")
                ? popcornFiles.get(path.substring(8))
                : path.startsWith("net/") ? netFiles.get(path.substring(4)) : null;
        yield f == null ? null : f.get();
      }
    };
  }

  /** The file systems Kernel.mountFileSystems mounts, as /proc/mounts lists them. */
  private static final String MOUNTS =
      "rootfs / rootfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\ndevpts /dev/pts devpts rw 0 0\n"
          + "proc /proc proc rw 0 0\n"
          + "sysfs /sys sysfs rw 0 0\n";

  /**
   * /proc/stat: the time every CPU of the system spent running tasks as user time and the rest of
   * its time as idle (in USER_HZ ticks), all together and CPU by CPU, and the runnable tasks: what
   * top and vmstat read (and glibc, to count CPUs, when /sys is missing).
   */
  private String systemStat() {
    java.util.TreeMap<Integer, Census.CpuTime> cpus = new java.util.TreeMap<>();
    int running = 0;
    for (Census c : everyCensus()) {
      c.cpus().forEach(t -> cpus.put(t.cpu(), t));
      running += c.running();
    }
    long busy = 0;
    long idle = 0;
    StringBuilder each = new StringBuilder();
    for (Census.CpuTime t : cpus.values()) {
      busy += t.busyPs() / PS_PER_TICK;
      idle += t.idlePs() / PS_PER_TICK;
      each.append(statLine("cpu" + t.cpu(), t.busyPs() / PS_PER_TICK, t.idlePs() / PS_PER_TICK));
    }
    return statLine("cpu ", busy, idle)
        + each
        + String.format("procs_running %d%nprocs_blocked 0%n", running);
  }

  private static String statLine(String name, long user, long idle) {
    return String.format("%s %d 0 0 %d 0 0 0 0 0 0%n", name, user, idle);
  }

  /** Every CPU of the system, with the kernel that owns it. */
  private String cpuinfo() {
    StringBuilder b = new StringBuilder();
    for (GlobalCpu c : system.onlineCpus()) {
      b.append("processor\t: ").append(c.id()).append('\n');
      b.append("hart\t\t: ").append(c.id()).append('\n');
      b.append("kernel\t\t: ").append(c.kernel()).append('\n');
      b.append("isa\t\t: ").append(c.isa()).append('\n');
      b.append("mmu\t\t: sv39\n");
      b.append("uarch\t\t: popcornj,model\n\n");
    }
    return b.toString();
  }

  /** The memory of every kernel that is up, summed. */
  private String meminfo() {
    long total = 0;
    long free = 0;
    for (Census c : everyCensus()) {
      total += c.memoryBytes() >> 10;
      free += c.freeBytes() >> 10;
    }
    return String.format(
        "MemTotal:       %8d kB%nMemFree:        %8d kB%nMemAvailable:   %8d kB%n",
        total, free, free);
  }

  private String uptime() {
    long cs = scheduler.now() / PS_PER_TICK;
    return String.format("%d.%02d %d.%02d%n", cs / 100, cs % 100, 0, 0);
  }

  private String loadavg() {
    int running = scheduler.runnable().size();
    return String.format(
        "0.00 0.00 0.00 %d/%d %d%n", running, table.tasks().size(), table.processes().size());
  }
}
