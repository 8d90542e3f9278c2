package dev.popcornj.kernel.services.migration;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The migration service's messages, numbers {@value #FIRST} to {@value #LAST}, after the families
 * of Popcorn's pcn_kmsg: task migrate and migrate back (here {@link Migrate} and {@link GoHome}),
 * task exit, remote VMA and page requests, and remote system calls. Every layout is little-endian;
 * a variable part (a list, a page, a name) is a u32 count followed by its items. {@link TaskState}
 * is the part of a task that moves with it.
 */
public sealed interface MigrationMessage extends KernelMessage {
  int FIRST = 56;
  int LAST = 79;

  int MIGRATE = 56;
  int ACK = 57;
  int GO_HOME = 58;
  int PAGE_PUSH = 59;
  int SYSCALL = 60;
  int SYSCALL_REPLY = 61;
  int AREA_REQUEST = 62;
  int AREA_REPLY = 63;
  int PAGE_REQUEST = 64;
  int PAGE_REPLY = 65;
  int RECLAIM = 66;
  int RECLAIM_REPLY = 67;
  int SIGNALS = 68;
  int TASK_EXIT = 69;
  int MOVE = 70;
  int STOPPED = 71;
  int FORK_THERE = 72;
  int FORK_IMAGE = 73;
  int FORK_PAGES = 74;
  int FILE_CALL = 75;
  int FILE_INTERRUPT = 76;
  int PROGRAM_REQUEST = 77;
  int PROGRAM_REPLY = 78;
  int FORKED_EXIT = 79;

  /** Bytes of one page on the wire. */
  int PAGE = 4096;

  /**
   * A pending signal on the wire: one byte saying whom it was sent to (0 the thread, 1 the whole
   * process, as tkill and kill differ), then its siginfo_t (128 bytes).
   */
  int SIGINFO = 129;

  /**
   * What moves with a task: ids and name; registers (32 integer, 32 floating point as raw bits,
   * fcsr, pc); signal mask, the mask rt_sigsuspend saved (-1 none), alternate stack; the 64
   * dispositions (handler, flags, mask); pending signals as siginfo_t; restart_syscall's block; the
   * CPUs it may run on as the machine numbers them (a bit per hart id, words of 64); its process's
   * and its own CPU time so far (so that CPU clocks go on where it lands); when and on which hart
   * it left (for the trace).
   */
  record TaskState(
      int pid,
      int tid,
      String comm,
      long[] x,
      long[] f,
      int fcsr,
      long pc,
      long blocked,
      long savedMask,
      long altSp,
      long altSize,
      int altFlags,
      long[] actions,
      List<byte[]> pending,
      long restartDeadlinePs,
      long restartRemAddr,
      long clearChildTid,
      long robustList,
      long[] cpus,
      long cpuPs,
      long threadCpuPs,
      long departPs,
      int departHart) {
    int wireSize() {
      return 4 * 2
          + 4
          + comm.getBytes(StandardCharsets.UTF_8).length
          + 8 * 64
          + 4
          + 8
          + 8 * 2
          + 8 * 2
          + 4
          + 8 * 64 * 3
          + 4
          + pending.size() * SIGINFO
          + 8 * 2
          + 8 * 2
          + 4
          + 8 * cpus.length
          + 8
          + 8
          + 8
          + 4;
    }

    void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid);
      putString(b, comm);
      for (long v : x) {
        b.putLong(v);
      }
      for (long v : f) {
        b.putLong(v);
      }
      b.putInt(fcsr).putLong(pc).putLong(blocked).putLong(savedMask);
      b.putLong(altSp).putLong(altSize).putInt(altFlags);
      for (long v : actions) {
        b.putLong(v);
      }
      b.putInt(pending.size());
      for (byte[] s : pending) {
        b.put(s);
      }
      b.putLong(restartDeadlinePs).putLong(restartRemAddr);
      b.putLong(clearChildTid).putLong(robustList);
      b.putInt(cpus.length);
      for (long w : cpus) {
        b.putLong(w);
      }
      b.putLong(cpuPs).putLong(threadCpuPs).putLong(departPs).putInt(departHart);
    }

    static TaskState read(ByteBuffer b) {
      int pid = b.getInt();
      int tid = b.getInt();
      String comm = getString(b);
      long[] x = longs(b, 32);
      long[] f = longs(b, 32);
      int fcsr = b.getInt();
      long pc = b.getLong();
      long blocked = b.getLong();
      long savedMask = b.getLong();
      long altSp = b.getLong();
      long altSize = b.getLong();
      int altFlags = b.getInt();
      long[] actions = longs(b, 64 * 3);
      List<byte[]> pending = siginfos(b);
      long deadline = b.getLong();
      long rem = b.getLong();
      long clearChildTid = b.getLong();
      long robustList = b.getLong();
      long[] cpus = longs(b, count(b, 8));
      long cpuPs = b.getLong();
      long threadCpuPs = b.getLong();
      long departPs = b.getLong();
      int departHart = b.getInt();
      return new TaskState(
          pid,
          tid,
          comm,
          x,
          f,
          fcsr,
          pc,
          blocked,
          savedMask,
          altSp,
          altSize,
          altFlags,
          actions,
          pending,
          deadline,
          rem,
          clearChildTid,
          robustList,
          cpus,
          cpuPs,
          threadCpuPs,
          departPs,
          departHart);
    }
  }

  /** Home to destination: run this task there (reply {@link Ack}). */
  record Migrate(TaskState task) implements MigrationMessage {
    @Override
    public int type() {
      return MIGRATE;
    }

    @Override
    public int wireSize() {
      return task.wireSize();
    }

    @Override
    public void write(ByteBuffer b) {
      task.write(b);
    }
  }

  /** The answer to a request that carries nothing back. */
  record Ack() implements MigrationMessage {
    @Override
    public int type() {
      return ACK;
    }

    @Override
    public int wireSize() {
      return 0;
    }

    @Override
    public void write(ByteBuffer b) {}
  }

  /**
   * The running copy to its home: the task comes back with this state (its pages went ahead in
   * {@link PagePush}); next, when not -1, is where home sends it on at once.
   */
  record GoHome(TaskState task, int next) implements MigrationMessage {
    @Override
    public int type() {
      return GO_HOME;
    }

    @Override
    public int wireSize() {
      return task.wireSize() + 4;
    }

    @Override
    public void write(ByteBuffer b) {
      task.write(b);
      b.putInt(next);
    }
  }

  /** Pages with their contents, going home (before {@link GoHome}, or reclaimed). */
  record PagePush(int pid, List<Long> addresses, List<byte[]> pages) implements MigrationMessage {
    @Override
    public int type() {
      return PAGE_PUSH;
    }

    @Override
    public int wireSize() {
      return 8 + addresses.size() * (8 + PAGE);
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(addresses.size());
      for (int i = 0; i < addresses.size(); i++) {
        b.putLong(addresses.get(i)).put(pages.get(i));
      }
    }

    static PagePush read(ByteBuffer b) {
      int pid = b.getInt();
      int n = count(b, 8 + PAGE);
      List<Long> a = new ArrayList<>(n);
      List<byte[]> p = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        a.add(b.getLong());
        byte[] page = new byte[PAGE];
        b.get(page);
        p.add(page);
      }
      return new PagePush(pid, a, p);
    }
  }

  /** A system call of a task running away from home, to be served at home. */
  record Syscall(int pid, int tid, int nr, long[] args, long blocked, long[] regs)
      implements MigrationMessage {
    /** Words of {@link #regs} when they travel: x0..x31, f0..f31, pc, fcsr. */
    static final int REGS = 66;

    @Override
    public int type() {
      return SYSCALL;
    }

    @Override
    public int wireSize() {
      return 12 + 6 * 8 + 8 + 4 + regs.length * 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid).putInt(nr);
      for (long a : args) {
        b.putLong(a);
      }
      b.putLong(blocked);
      b.putInt(regs.length);
      for (long r : regs) {
        b.putLong(r);
      }
    }
  }

  /**
   * The result of a forwarded call as the table gave it (kernel-internal restart codes included),
   * the signals that became pending for the task meanwhile, the mask a call such as ppoll saved to
   * restore after a handler (-1 none), and whether the process can no longer run away from home
   * (the call gave it a shared mapping): it then comes home.
   */
  record SyscallReply(long result, long savedMask, boolean pinned, List<byte[]> signals)
      implements MigrationMessage {
    @Override
    public int type() {
      return SYSCALL_REPLY;
    }

    @Override
    public int wireSize() {
      return 16 + 4 + 4 + signals.size() * SIGINFO;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putLong(result).putLong(savedMask).putInt(pinned ? 1 : 0);
      putSiginfos(b, signals);
    }
  }

  /** Which area of process pid holds vaddr (Popcorn's remote VMA request). */
  record AreaRequest(int pid, long vaddr) implements MigrationMessage {
    @Override
    public int type() {
      return AREA_REQUEST;
    }

    @Override
    public int wireSize() {
      return 12;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putLong(vaddr);
    }
  }

  /** The area (start == end when there is none), its permissions, kind and name ("" none). */
  record AreaReply(long start, long end, int prot, int kind, String name)
      implements MigrationMessage {
    /**
     * Or'ed into kind: the area is a shared mapping (its pages are an object's, not the process's).
     */
    static final int SHARED = 0x100;

    @Override
    public int type() {
      return AREA_REPLY;
    }

    @Override
    public int wireSize() {
      return 16 + 8 + 4 + name.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putLong(start).putLong(end).putInt(prot).putInt(kind);
      putString(b, name);
    }
  }

  /** Lend the page holding vaddr for access (Popcorn's remote page request). */
  record PageRequest(int pid, long vaddr, int access) implements MigrationMessage {
    /**
     * Or'ed into access: the requester holds a copy of the page now. Without it home drops the
     * requester from the page's readers before answering, so a write is never answered with an
     * upgrade of a copy the requester no longer has (home would give up the only contents).
     */
    static final int HAS_COPY = 0x100;

    /** The access itself (AddressTranslator.READ, WRITE or EXECUTE). */
    int kind() {
      return access & 0xff;
    }

    @Override
    public int type() {
      return PAGE_REQUEST;
    }

    @Override
    public int wireSize() {
      return 16;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putLong(vaddr).putInt(access);
    }
  }

  /**
   * The page: fault is a {@code Fault} ordinal (0 resolved); contents empty for a page of zeros;
   * prot what the requester may do with it (without W, a read-only copy among readers). With {@link
   * #UPGRADE} in flags there are no contents: the requester's own read-only copy is now its,
   * writable.
   */
  record PageReply(int fault, int prot, int flags, long frame, byte[] contents)
      implements MigrationMessage {
    static final int UPGRADE = 1;

    /** Share mode: no contents; the requester maps home's frame (in a window granted to it). */
    static final int FRAME = 2;

    PageReply(int fault, int prot, int flags, byte[] contents) {
      this(fault, prot, flags, -1, contents);
    }

    @Override
    public int type() {
      return PAGE_REPLY;
    }

    @Override
    public int wireSize() {
      return 24 + contents.length;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(fault).putInt(prot).putInt(flags).putLong(frame);
      b.putInt(contents.length).put(contents);
    }
  }

  /**
   * Home takes back the pages of [start, end) of process pid, at most max at a time. The low bits
   * of mode say how: {@link #DROP} (no contents: the range is unmapped, discarded, or the holder's
   * copy is a reader's), {@link #TAKE} (contents, and the holder drops its copy) or {@link #SHARE}
   * (contents, and the holder keeps a read-only copy); with {@link #AREAS} the holder also forgets
   * its copies of the areas there (they changed).
   */
  record Reclaim(int pid, long start, long end, int mode, int max) implements MigrationMessage {
    static final int DROP = 0;
    static final int TAKE = 1;
    static final int SHARE = 2;
    static final int AREAS = 0x10;

    int how() {
      return mode & 0xf;
    }

    boolean areas() {
      return (mode & AREAS) != 0;
    }

    @Override
    public int type() {
      return RECLAIM;
    }

    @Override
    public int wireSize() {
      return 4 + 16 + 4 + 4;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putLong(start).putLong(end).putInt(mode).putInt(max);
    }
  }

  /** Pages given back; more when the range still holds some. */
  record ReclaimReply(boolean more, PagePush pages) implements MigrationMessage {
    @Override
    public int type() {
      return RECLAIM_REPLY;
    }

    @Override
    public int wireSize() {
      return 4 + pages.wireSize();
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(more ? 1 : 0);
      pages.write(b);
    }
  }

  /** Signals for task tid, which runs on the receiving kernel; home forwards what it receives. */
  record SignalBatch(int tid, List<byte[]> signals) implements MigrationMessage {
    @Override
    public int type() {
      return SIGNALS;
    }

    @Override
    public int wireSize() {
      return 8 + signals.size() * SIGINFO;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(tid);
      putSiginfos(b, signals);
    }
  }

  /**
   * Task tid ended where it ran, with its process's CPU time by then. With thread false its whole
   * process ends (exit_group, a fatal signal) with waitStatus; with thread true only the task ends
   * (exit): waitStatus is then its exit code, and home clears and wakes clearChildTid, as the
   * futexes live there.
   */
  record TaskExit(int tid, int waitStatus, long cpuPs, boolean thread, long clearChildTid)
      implements MigrationMessage {
    @Override
    public int type() {
      return TASK_EXIT;
    }

    @Override
    public int wireSize() {
      return 28;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(tid).putInt(waitStatus).putLong(cpuPs).putInt(thread ? 1 : 0).putLong(clearChildTid);
    }
  }

  /** Home asks the kernel running task tid to move it to kernel (the migrate tool's request). */
  record Move(int tid, int kernel) implements MigrationMessage {
    @Override
    public int type() {
      return MOVE;
    }

    @Override
    public int wireSize() {
      return 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(tid).putInt(kernel);
    }
  }

  /** Task tid, running away from home, was stopped by signal sig: home tells the parent. */
  record Stopped(int tid, int sig) implements MigrationMessage {
    @Override
    public int type() {
      return STOPPED;
    }

    @Override
    public int wireSize() {
      return 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(tid).putInt(sig);
    }
  }

  /**
   * A running copy of task tid (process pid) forks where it runs: home makes the child's file agent
   * (id child, the new process's, of the sender's range) and sends the child's image ({@link
   * ForkImage}, {@link ForkPages}) before it answers with a {@link SyscallReply} (the child's id or
   * -errno; {@link #AT_HOME} when the fork must be made at home). flags and parentTid are clone's.
   */
  record ForkThere(int pid, int tid, int child, long flags, long parentTid)
      implements MigrationMessage {
    /** The answer when the process cannot fork elsewhere (it has shared mappings). */
    static final long AT_HOME = Long.MIN_VALUE;

    @Override
    public int type() {
      return FORK_THERE;
    }

    @Override
    public int wireSize() {
      return 12 + 16;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid).putInt(child).putLong(flags).putLong(parentTid);
    }
  }

  /**
   * The areas of a child forked elsewhere (start, end, prot, kind, name each), its parent's pid,
   * its heap (start, limit, break), process group and session, and what /proc shows of it; reply
   * {@link Ack}.
   */
  record ForkImage(
      int child,
      int ppid,
      long heapStart,
      long heapLimit,
      long brk,
      int pgid,
      int sid,
      String comm,
      String exe,
      List<String> argv,
      List<String> env,
      long[] areas,
      List<String> names)
      implements MigrationMessage {
    @Override
    public int type() {
      return FORK_IMAGE;
    }

    @Override
    public int wireSize() {
      // comm and exe go without a count of their own
      int n = 8 + 24 + 8 + strings(List.of(comm, exe)) - 4 + strings(argv) + strings(env);
      return n + 4 + areas.length * 8 + strings(names);
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(child)
          .putInt(ppid)
          .putLong(heapStart)
          .putLong(heapLimit)
          .putLong(brk)
          .putInt(pgid)
          .putInt(sid);
      putString(b, comm);
      putString(b, exe);
      putStrings(b, argv);
      putStrings(b, env);
      b.putInt(areas.length);
      for (long v : areas) {
        b.putLong(v);
      }
      putStrings(b, names);
    }

    static ForkImage read(ByteBuffer b) {
      int child = b.getInt();
      int ppid = b.getInt();
      long heapStart = b.getLong();
      long heapLimit = b.getLong();
      long brk = b.getLong();
      int pgid = b.getInt();
      int sid = b.getInt();
      String comm = getString(b);
      String exe = getString(b);
      List<String> argv = getStrings(b);
      List<String> env = getStrings(b);
      long[] areas = longs(b, count(b, 8));
      List<String> names = getStrings(b);
      if (areas.length != names.size() * 4) {
        throw new IllegalArgumentException("areas and names disagree");
      }
      return new ForkImage(
          child, ppid, heapStart, heapLimit, brk, pgid, sid, comm, exe, argv, env, areas, names);
    }
  }

  /**
   * Pages of a child forked elsewhere: addresses with their contents, and local, the addresses of
   * pages the child's kernel holds a copy of for the parent (their contents are the parent's there,
   * so they are copied there rather than sent). Reply {@link Ack}, or a ForkPages with only local
   * addresses: those the child's kernel no longer held (home then sends their contents).
   */
  record ForkPages(int child, List<Long> addresses, List<byte[]> pages, List<Long> local)
      implements MigrationMessage {
    @Override
    public int type() {
      return FORK_PAGES;
    }

    @Override
    public int wireSize() {
      return new PagePush(child, addresses, pages).wireSize() + 4 + 8 * local.size();
    }

    @Override
    public void write(ByteBuffer b) {
      new PagePush(child, addresses, pages).write(b);
      b.putInt(local.size());
      for (long a : local) {
        b.putLong(a);
      }
    }

    static ForkPages read(ByteBuffer b) {
      PagePush p = PagePush.read(b);
      int n = count(b, 8);
      List<Long> local = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        local.add(b.getLong());
      }
      return new ForkPages(p.pid(), p.addresses(), p.pages(), local);
    }
  }

  /**
   * A call on files (or the cwd, or umask) of task tid of process pid, to the process's file agent
   * on its file home; reply {@link SyscallReply}.
   */
  record FileCall(int pid, int tid, int nr, long[] args, long blocked) implements MigrationMessage {

    @Override
    public int type() {
      return FILE_CALL;
    }

    @Override
    public int wireSize() {
      return 12 + 6 * 8 + 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid).putInt(nr);
      for (long a : args) {
        b.putLong(a);
      }
      b.putLong(blocked);
    }
  }

  /** Task tid of process pid, whose call the file agent serves, was signalled: the call ends. */
  record FileInterrupt(int pid, int tid) implements MigrationMessage {
    @Override
    public int type() {
      return FILE_INTERRUPT;
    }

    @Override
    public int wireSize() {
      return 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid);
    }
  }

  /**
   * execve of task tid of process pid at path, as its file agent sees files: the program's bytes
   * from offset on; reply {@link ProgramReply}. Offset {@link #EXECUTED} says the process now runs
   * the program at path (its close-on-exec files go, its old memory is forgotten); reply {@link
   * SyscallReply}.
   */
  record ProgramRequest(int pid, int tid, String path, long offset) implements MigrationMessage {
    static final long EXECUTED = -1;

    @Override
    public int type() {
      return PROGRAM_REQUEST;
    }

    @Override
    public int wireSize() {
      return 8 + 4 + path.getBytes(StandardCharsets.UTF_8).length + 8;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(tid);
      putString(b, path);
      b.putLong(offset);
    }
  }

  /**
   * A program: errno (0 found), its absolute path, its size, and its bytes from the offset asked.
   */
  record ProgramReply(int errno, String path, long size, byte[] bytes) implements MigrationMessage {
    @Override
    public int type() {
      return PROGRAM_REPLY;
    }

    @Override
    public int wireSize() {
      return 4 + 4 + path.getBytes(StandardCharsets.UTF_8).length + 8 + 4 + bytes.length;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(errno);
      putString(b, path);
      b.putLong(size).putInt(bytes.length).put(bytes);
    }
  }

  /** Process pid, forked here for a process of the receiver, exited with waitStatus. */
  record ForkedExit(int pid, int waitStatus, long cpuPs) implements MigrationMessage {
    @Override
    public int type() {
      return FORKED_EXIT;
    }

    @Override
    public int wireSize() {
      return 16;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(pid).putInt(waitStatus).putLong(cpuPs);
    }
  }

  private static int strings(List<String> list) {
    int n = 4;
    for (String s : list) {
      n += 4 + s.getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  private static void putStrings(ByteBuffer b, List<String> list) {
    b.putInt(list.size());
    for (String s : list) {
      putString(b, s);
    }
  }

  private static List<String> getStrings(ByteBuffer b) {
    int n = count(b, 4);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(getString(b));
    }
    return out;
  }

  // --- wire helpers; a count that the remaining bytes cannot hold is refused as malformed

  private static int count(ByteBuffer b, int itemBytes) {
    int n = b.getInt();
    if (n < 0 || (long) n * itemBytes > b.remaining()) {
      throw new IllegalArgumentException("count " + n + " does not fit the message");
    }
    return n;
  }

  private static long[] longs(ByteBuffer b, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = b.getLong();
    }
    return out;
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putInt(bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    byte[] bytes = new byte[count(b, 1)];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void putSiginfos(ByteBuffer b, List<byte[]> infos) {
    b.putInt(infos.size());
    for (byte[] s : infos) {
      b.put(s);
    }
  }

  private static List<byte[]> siginfos(ByteBuffer b) {
    int n = count(b, SIGINFO);
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] s = new byte[SIGINFO];
      b.get(s);
      out.add(s);
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[count(b, 1)];
    b.get(out);
    return out;
  }

  MessageType<Migrate> MIGRATE_TYPE =
      new MessageType<>(
          MIGRATE, "migration.migrate", Migrate.class, b -> new Migrate(TaskState.read(b)));
  MessageType<Ack> ACK_TYPE = new MessageType<>(ACK, "migration.ack", Ack.class, b -> new Ack());
  MessageType<GoHome> GO_HOME_TYPE =
      new MessageType<>(
          GO_HOME,
          "migration.go_home",
          GoHome.class,
          b -> new GoHome(TaskState.read(b), b.getInt()));
  MessageType<PagePush> PAGE_PUSH_TYPE =
      new MessageType<>(PAGE_PUSH, "migration.page_push", PagePush.class, PagePush::read);
  MessageType<Syscall> SYSCALL_TYPE =
      new MessageType<>(
          SYSCALL,
          "migration.syscall",
          Syscall.class,
          b ->
              new Syscall(
                  b.getInt(),
                  b.getInt(),
                  b.getInt(),
                  longs(b, 6),
                  b.getLong(),
                  longs(b, count(b, 8))));
  MessageType<SyscallReply> SYSCALL_REPLY_TYPE =
      new MessageType<>(
          SYSCALL_REPLY,
          "migration.syscall_reply",
          SyscallReply.class,
          b -> new SyscallReply(b.getLong(), b.getLong(), b.getInt() != 0, siginfos(b)));
  MessageType<AreaRequest> AREA_REQUEST_TYPE =
      new MessageType<>(
          AREA_REQUEST,
          "migration.area_request",
          AreaRequest.class,
          b -> new AreaRequest(b.getInt(), b.getLong()));
  MessageType<AreaReply> AREA_REPLY_TYPE =
      new MessageType<>(
          AREA_REPLY,
          "migration.area_reply",
          AreaReply.class,
          b -> new AreaReply(b.getLong(), b.getLong(), b.getInt(), b.getInt(), getString(b)));
  MessageType<PageRequest> PAGE_REQUEST_TYPE =
      new MessageType<>(
          PAGE_REQUEST,
          "migration.page_request",
          PageRequest.class,
          b -> new PageRequest(b.getInt(), b.getLong(), b.getInt()));
  MessageType<PageReply> PAGE_REPLY_TYPE =
      new MessageType<>(
          PAGE_REPLY,
          "migration.page_reply",
          PageReply.class,
          b -> new PageReply(b.getInt(), b.getInt(), b.getInt(), b.getLong(), bytes(b)));
  MessageType<Reclaim> RECLAIM_TYPE =
      new MessageType<>(
          RECLAIM,
          "migration.reclaim",
          Reclaim.class,
          b -> new Reclaim(b.getInt(), b.getLong(), b.getLong(), b.getInt(), b.getInt()));
  MessageType<ReclaimReply> RECLAIM_REPLY_TYPE =
      new MessageType<>(
          RECLAIM_REPLY,
          "migration.reclaim_reply",
          ReclaimReply.class,
          b -> new ReclaimReply(b.getInt() != 0, PagePush.read(b)));
  MessageType<SignalBatch> SIGNALS_TYPE =
      new MessageType<>(
          SIGNALS,
          "migration.signals",
          SignalBatch.class,
          b -> new SignalBatch(b.getInt(), siginfos(b)));
  MessageType<TaskExit> TASK_EXIT_TYPE =
      new MessageType<>(
          TASK_EXIT,
          "migration.task_exit",
          TaskExit.class,
          b -> new TaskExit(b.getInt(), b.getInt(), b.getLong(), b.getInt() != 0, b.getLong()));
  MessageType<Stopped> STOPPED_TYPE =
      new MessageType<>(
          STOPPED, "migration.stopped", Stopped.class, b -> new Stopped(b.getInt(), b.getInt()));
  MessageType<Move> MOVE_TYPE =
      new MessageType<>(MOVE, "migration.move", Move.class, b -> new Move(b.getInt(), b.getInt()));
  MessageType<ForkThere> FORK_THERE_TYPE =
      new MessageType<>(
          FORK_THERE,
          "migration.fork_there",
          ForkThere.class,
          b -> new ForkThere(b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong()));
  MessageType<ForkImage> FORK_IMAGE_TYPE =
      new MessageType<>(FORK_IMAGE, "migration.fork_image", ForkImage.class, ForkImage::read);
  MessageType<ForkPages> FORK_PAGES_TYPE =
      new MessageType<>(FORK_PAGES, "migration.fork_pages", ForkPages.class, ForkPages::read);
  MessageType<FileCall> FILE_CALL_TYPE =
      new MessageType<>(
          FILE_CALL,
          "migration.file_call",
          FileCall.class,
          b -> new FileCall(b.getInt(), b.getInt(), b.getInt(), longs(b, 6), b.getLong()));
  MessageType<FileInterrupt> FILE_INTERRUPT_TYPE =
      new MessageType<>(
          FILE_INTERRUPT,
          "migration.file_interrupt",
          FileInterrupt.class,
          b -> new FileInterrupt(b.getInt(), b.getInt()));
  MessageType<ProgramRequest> PROGRAM_REQUEST_TYPE =
      new MessageType<>(
          PROGRAM_REQUEST,
          "migration.program_request",
          ProgramRequest.class,
          b -> new ProgramRequest(b.getInt(), b.getInt(), getString(b), b.getLong()));
  MessageType<ProgramReply> PROGRAM_REPLY_TYPE =
      new MessageType<>(
          PROGRAM_REPLY,
          "migration.program_reply",
          ProgramReply.class,
          b -> new ProgramReply(b.getInt(), getString(b), b.getLong(), bytes(b)));
  MessageType<ForkedExit> FORKED_EXIT_TYPE =
      new MessageType<>(
          FORKED_EXIT,
          "migration.forked_exit",
          ForkedExit.class,
          b -> new ForkedExit(b.getInt(), b.getInt(), b.getLong()));
}
