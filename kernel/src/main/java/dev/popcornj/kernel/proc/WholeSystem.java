package dev.popcornj.kernel.proc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This kernel's place in the single system image: its own CPUs, the harts the machine has, and the
 * two hooks through which the Popcorn services extend it beyond this kernel. {@link OtherKernels}
 * (installed by the single-system-image service) shows the other kernels' CPUs, processes and files
 * and carries signals to them; {@link AffinityMigration} (installed by the migration service) moves
 * a task whose affinity names only another kernel's CPUs. Until they are installed, or for a kernel
 * alone, the system is this kernel.
 *
 * <p>Global CPU numbers are hart ids. Owned by one kernel instance; the hooks are set once, at
 * boot, by the service that owns each.
 */
public final class WholeSystem {
  private final int kernelId;
  private final List<GlobalCpu> own;
  private final TreeSet<Integer> machineHarts;
  private OtherKernels others = OtherKernels.none();
  private AffinityMigration migration = AffinityMigration.refuse();
  private String othersOwner;
  private String migrationOwner;

  /**
   * @param own this kernel's CPUs
   * @param machineHarts every hart of the machine (possible CPUs), or empty when unknown
   */
  public WholeSystem(int kernelId, List<GlobalCpu> own, Collection<Integer> machineHarts) {
    this.kernelId = kernelId;
    this.own = List.copyOf(own);
    this.machineHarts = new TreeSet<>(machineHarts);
  }

  public int kernelId() {
    return kernelId;
  }

  /** This kernel's CPUs, in its own order (the local index is the position). */
  public List<GlobalCpu> ownCpus() {
    return own;
  }

  public OtherKernels others() {
    return others;
  }

  public AffinityMigration affinityMigration() {
    return migration;
  }

  /**
   * Installs the view of the other kernels, for owner (a service's name).
   *
   * @throws IllegalArgumentException when another owner installed one
   */
  public void setOthers(String owner, OtherKernels view) {
    othersOwner = claim(othersOwner, owner, "the view of the other kernels");
    others = view;
  }

  /**
   * Installs what sched_setaffinity calls to move a task to another kernel, for owner.
   *
   * @throws IllegalArgumentException when another owner installed one
   */
  public void setAffinityMigration(String owner, AffinityMigration m) {
    migrationOwner = claim(migrationOwner, owner, "the affinity migration hook");
    migration = m;
  }

  private static String claim(String holder, String owner, String what) {
    if (holder != null) {
      throw new IllegalArgumentException(what + " is taken by " + holder);
    }
    return owner;
  }

  /**
   * Every CPU online in the system, ascending by global number: this kernel's and those of the
   * other kernels that are up.
   */
  public List<GlobalCpu> onlineCpus() {
    TreeMap<Integer, GlobalCpu> byId = new TreeMap<>();
    for (GlobalCpu c : others.cpus()) {
      byId.put(c.id(), c);
    }
    for (GlobalCpu c : own) {
      byId.put(c.id(), c);
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * The CPU numbers that may ever be online (Linux's possible and present masks): every hart of the
   * machine, and any CPU online now.
   */
  public List<Integer> possibleCpus() {
    TreeSet<Integer> ids = new TreeSet<>(machineHarts);
    for (GlobalCpu c : onlineCpus()) {
      ids.add(c.id());
    }
    return new ArrayList<>(ids);
  }
}
