package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.fs.SysFs;
import dev.popcornj.kernel.proc.CpuList;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.WholeSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What /sys shows: the CPUs of the whole system by global number, where glibc's sysconf counts them
 * (_SC_NPROCESSORS_ONLN reads online, _SC_NPROCESSORS_CONF counts the cpuN directories) and `nproc
 * --all` too. Possible and present are the machine's harts; online are those of the kernels that
 * are up, so a kernel that goes down takes its CPUs offline, as CPU hotplug shows it.
 *
 * <p>Owned by one kernel instance.
 */
final class SysFiles implements SysFs.Source {
  private static final String CPU = "devices/system/cpu/";

  private final WholeSystem system;

  SysFiles(WholeSystem system) {
    this.system = system;
  }

  @Override
  public List<String> files() {
    List<String> files =
        new ArrayList<>(List.of(CPU + "online", CPU + "possible", CPU + "present"));
    for (int id : system.possibleCpus()) {
      files.add(CPU + "cpu" + id + "/online");
    }
    return files;
  }

  @Override
  public String file(String path) {
    if (!path.startsWith(CPU)) {
      return null;
    }
    String name = path.substring(CPU.length());
    return switch (name) {
      case "online" -> CpuList.format(online()) + "\n";
      case "possible", "present" -> CpuList.format(system.possibleCpus()) + "\n";
      default -> cpuOnline(name);
    };
  }

  /** cpuN/online: 1 while a kernel that is up owns CPU N, 0 when none does. */
  private String cpuOnline(String name) {
    if (!name.startsWith("cpu") || !name.endsWith("/online")) {
      return null;
    }
    int id;
    try {
      id = Integer.parseInt(name.substring(3, name.length() - "/online".length()));
    } catch (NumberFormatException e) {
      return null;
    }
    if (!system.possibleCpus().contains(id)) {
      return null;
    }
    return online().contains(id) ? "1\n" : "0\n";
  }

  private TreeSet<Integer> online() {
    TreeSet<Integer> ids = new TreeSet<>();
    for (GlobalCpu c : system.onlineCpus()) {
      ids.add(c.id());
    }
    return ids;
  }
}
