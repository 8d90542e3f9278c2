package dev.popcornj.kernel.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The tasks and processes of one kernel by id. Ids are handed out in increasing order within the
 * kernel's range of the {@link PidSpace} (from 1 on kernel 0) and wrap at its end, skipping ids
 * still in use (a process id stays in use while any of its threads or its zombie exists), as
 * Linux's pid allocator does. At most {@link #threadsMax()} tasks exist at once, counted as Linux's
 * nr_threads: live tasks, and each zombie until it is reaped.
 *
 * <p>Owned by one kernel instance.
 */
public final class ProcessTable {
  private final TreeMap<Integer, Task> tasks = new TreeMap<>();
  private final TreeMap<Integer, Process> processes = new TreeMap<>();
  private final java.util.Set<Integer> reserved = new java.util.HashSet<>();
  private final int threadsMax;
  private final int kernelId;
  private int counted; // nr_threads: tasks added, less those gone, a zombie's last one until reaped
  private int next;

  /** A table of kernel 0 for at most threadsMax tasks (kernel.threads-max). */
  public ProcessTable(int threadsMax) {
    this(threadsMax, 0);
  }

  /** A table of kernel kernelId, handing out the ids of its range, for at most threadsMax tasks. */
  public ProcessTable(int threadsMax, int kernelId) {
    if (threadsMax < 1) {
      throw new IllegalArgumentException("threads-max " + threadsMax);
    }
    this.threadsMax = threadsMax;
    this.kernelId = kernelId;
    this.next = PidSpace.first(kernelId);
  }

  /** The kernel whose range this table allocates from. */
  public int kernelId() {
    return kernelId;
  }

  /** Whether id was created here (its origin is this kernel), whether or not it still exists. */
  public boolean originatesHere(long id) {
    return PidSpace.inRange(kernelId, id);
  }

  /** /proc/sys/kernel/threads-max: more tasks than this and fork fails with EAGAIN. */
  public int threadsMax() {
    return threadsMax;
  }

  /** Tasks that count against threads-max now. */
  public int threadCount() {
    return counted;
  }

  /**
   * A free id; the caller registers a task under it at once. -1 when threads-max tasks exist or
   * every id is in use (fork's EAGAIN).
   */
  public int allocate() {
    if (counted >= threadsMax) {
      return -1;
    }
    for (int tries = 0; tries < PidSpace.IDS_PER_KERNEL; tries++) {
      int id = next;
      next = id >= PidSpace.last(kernelId) ? PidSpace.wrap(kernelId) : id + 1;
      if (!tasks.containsKey(id) && !processes.containsKey(id) && !reserved.contains(id)) {
        return id;
      }
    }
    return -1;
  }

  /**
   * Keeps id out of {@link #allocate}'s hands until {@link #unreserve}: an id handed out before its
   * task can be registered (a fork that waits for another kernel first).
   */
  public void reserve(int id) {
    reserved.add(id);
  }

  public void unreserve(int id) {
    reserved.remove(id);
  }

  public void addTask(Task t) {
    if (tasks.put(t.tid(), t) != t) {
      counted++;
    }
  }

  /**
   * A task is gone. The last thread of a process is still counted while the process is a zombie:
   * {@link #removeProcess} uncounts it.
   */
  public void removeTask(Task t) {
    if (tasks.remove(t.tid(), t) && t.process().liveThreads() > 0) {
      counted--;
    }
  }

  /**
   * A task of a running copy leaves this kernel: its id is free at once (and its process's, when it
   * was the copy's last thread here: threads still on their way out end with the old copy), though
   * its kernel stack ends a little later (and then finds itself gone), so that the task can come
   * back at once. It stops counting against threads-max now.
   */
  public void removeDeparted(Task t, boolean lastOfProcess) {
    boolean had = tasks.remove(t.tid(), t);
    if (lastOfProcess) {
      processes.remove(t.process().pid(), t.process());
    }
    if (had) {
      counted--;
    }
  }

  public void addProcess(Process p) {
    processes.put(p.pid(), p);
  }

  /** A process that never had a task leaves the table (a fork given up before it started). */
  public void removeUnstarted(Process p) {
    processes.remove(p.pid(), p);
  }

  /** A process is reaped (or was init): its last task no longer counts. */
  public void removeProcess(Process p) {
    if (processes.remove(p.pid(), p)) {
      counted--;
    }
  }

  public Task task(long tid) {
    return tid > 0 && tid <= Integer.MAX_VALUE ? tasks.get((int) tid) : null;
  }

  public Process process(long pid) {
    return pid > 0 && pid <= Integer.MAX_VALUE ? processes.get((int) pid) : null;
  }

  /** Processes in ascending pid order, zombies included. */
  public List<Process> processes() {
    return new ArrayList<>(processes.values());
  }

  public List<Task> tasks() {
    return new ArrayList<>(tasks.values());
  }

  /** Live (not zombie) processes in process group pgid. */
  public List<Process> group(int pgid) {
    List<Process> out = new ArrayList<>();
    for (Process p : processes.values()) {
      if (p.pgid() == pgid && !p.zombie()) {
        out.add(p);
      }
    }
    return out;
  }
}
