package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Map;

/**
 * What a kernel instance is given by whoever starts it (the machine's firmware for the primary):
 * its id, boot command line, harts, memory partition, seed, files to place in its root file system
 * besides the initramfs, what init is and where init's standard streams go.
 *
 * @param hartIds the harts it owns, its CPUs in this order
 * @param memory its partition; frames come from the first region
 * @param console what the kernel's console terminal is
 * @param deviceTree the hardware as the firmware describes it (the whole machine)
 * @param sbi the firmware's services (starting harts for secondary kernels)
 * @param hostFiles the host's files as the root file system (popcorn run), or null for a tmpfs root
 *     filled from the initramfs and extraFiles
 */
public record KernelConfig(
    int kernelId,
    String cmdline,
    List<Integer> hartIds,
    List<Region> memory,
    long seed,
    Map<String, byte[]> extraFiles,
    String initPath,
    String initArgv0,
    List<String> initArgs,
    List<String> initEnv,
    Stdio stdio,
    Console console,
    Diagnostics diagnostics,
    MachineDescription deviceTree,
    Sbi sbi,
    HostFiles hostFiles) {
  /**
   * The host's files as the root file system: the host directory root at /, absolute paths looked
   * up under prefix first when it is not null (qemu's -L), and init started in cwd. prefix and cwd
   * are paths in the guest's tree.
   */
  public record HostFiles(java.nio.file.Path root, String prefix, String cwd) {}

  /** A config whose kernel has a tmpfs root. */
  public KernelConfig(
      int kernelId,
      String cmdline,
      List<Integer> hartIds,
      List<Region> memory,
      long seed,
      Map<String, byte[]> extraFiles,
      String initPath,
      String initArgv0,
      List<String> initArgs,
      List<String> initEnv,
      Stdio stdio,
      Console console,
      Diagnostics diagnostics,
      MachineDescription deviceTree,
      Sbi sbi) {
    this(
        kernelId,
        cmdline,
        hartIds,
        memory,
        seed,
        extraFiles,
        initPath,
        initArgv0,
        initArgs,
        initEnv,
        stdio,
        console,
        diagnostics,
        deviceTree,
        sbi,
        null);
  }

  /** The exit status of a run that ended in a kernel panic. */
  public static final int STATUS_PANIC = 70;

  public KernelConfig {
    hartIds = List.copyOf(hartIds);
    memory = List.copyOf(memory);
    initArgs = List.copyOf(initArgs);
    initEnv = List.copyOf(initEnv);
    extraFiles = Map.copyOf(extraFiles);
    if (hartIds.isEmpty() || memory.isEmpty()) {
      throw new IllegalArgumentException("a kernel needs at least one hart and one memory region");
    }
  }

  /** The kernel's console: none (init's streams are the host's), the UART, or a virtual TTY. */
  public enum Console {
    NONE,
    UART,
    VIRTUAL
  }

  /** init's file descriptors 0, 1 and 2: the console terminal, or the host's streams. */
  public interface Stdio {
    void install(FileTable files, Vfs vfs);

    /** Pushes out whatever output is still buffered. */
    void flush();

    /** fds 0, 1 and 2 on /dev/console, as Linux opens them for init; flush pushes output out. */
    static Stdio console(Runnable flush) {
      return new Stdio() {
        @Override
        public void install(FileTable files, Vfs vfs) {
          for (int fd = 0; fd < 3; fd++) {
            files.installAt(
                fd, vfs.open(vfs.newContext(), "/dev/console", FileConstants.O_RDWR, 0), false);
          }
        }

        @Override
        public void flush() {
          flush.run();
        }
      };
    }
  }
}
