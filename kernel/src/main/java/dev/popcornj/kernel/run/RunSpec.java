package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.param.Param;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.hart.Isa;
import java.util.List;

/**
 * Everything that decides a run of one program: the program, its arguments and environment, the
 * machine it runs on and the seed of its randomness. Two runs with equal specs and equal input give
 * equal output and equal virtual times.
 *
 * @param path the program's name as the user gave it: AT_EXECFN
 * @param executable its absolute path: what /proc/self/exe reads
 * @param image the program file's bytes
 * @param argv the arguments, argv[0] included
 * @param env the environment strings, "NAME=value"
 * @param isa the harts' instruction set (one kernel; with kernels, the machine says)
 * @param clockHz the harts' clock (one kernel; with kernels, the machine says)
 * @param ramBytes the machine's memory (one kernel; with kernels, the machine says)
 * @param maxInstructions the instruction budget, 0 for none
 * @param seed the seed of AT_RANDOM and getrandom
 * @param cost the virtual-time costs of kernel work (system calls, page faults)
 * @param hostFiles the host's files as the root file system, or null for a tmpfs root holding only
 *     the program
 * @param epochSeconds the realtime clock at boot, in seconds since 1970
 * @param kernels the replicated system the program runs on, as the primary's first process; null
 *     for one kernel alone on a machine of {@link ProgramRunner#HARTS} harts
 * @param quantumPs the simulation's quantum: harts run this long between the boundaries where
 *     effects across harts (interrupts, messages between kernels) become visible
 * @param harts the harts of the one-kernel machine (1 to 64; a replicated run's machine says)
 */
public record RunSpec(
    String path,
    String executable,
    byte[] image,
    List<String> argv,
    List<String> env,
    Isa isa,
    long clockHz,
    long ramBytes,
    long maxInstructions,
    long seed,
    CostModel cost,
    KernelConfig.HostFiles hostFiles,
    long epochSeconds,
    Kernels kernels,
    long quantumPs,
    int harts) {

  /**
   * A replicated system: count kernels on machine, partitioned as {@code popcorn boot --kernels}
   * does; the primary runs the program and boots the others from the light kernel image with
   * secondaryInitramfs before the program starts.
   */
  public record Kernels(
      int count,
      MachineDescription machine,
      byte[] secondaryInitramfs,
      int hop,
      boolean spread,
      String dsm) {
    public Kernels {
      if (!dsm.equals("replicate") && !dsm.equals("share")) {
        throw new IllegalArgumentException("dsm " + dsm + ": replicate or share");
      }
      if (count < 2) {
        throw new IllegalArgumentException("a replicated run needs 2 kernels or more");
      }
      if (hop < 0) {
        throw new IllegalArgumentException("hop " + hop + ": 0 (off) or more");
      }
    }

    /** Kernels whose memory of spread processes is replicated. */
    public Kernels(
        int count, MachineDescription machine, byte[] secondaryInitramfs, int hop, boolean spread) {
      this(count, machine, secondaryInitramfs, hop, spread, "replicate");
    }

    /** Kernels whose tasks move only when asked, or hop every hop calls. */
    public Kernels(int count, MachineDescription machine, byte[] secondaryInitramfs, int hop) {
      this(count, machine, secondaryInitramfs, hop, false);
    }

    /** Kernels whose tasks move only when asked. */
    public Kernels(int count, MachineDescription machine, byte[] secondaryInitramfs) {
      this(count, machine, secondaryInitramfs, 0);
    }

    /**
     * Boot words every kernel of the run gets: popcorn_hop when tasks hop, popcorn_spread when new
     * threads go round the kernels, popcorn_dsm in share mode.
     */
    public String words() {
      return (hop > 0 ? " popcorn_hop=" + hop : "")
          + (spread ? " popcorn_spread=1" : "")
          + (dsm.equals("share") ? " popcorn_dsm=share" : "");
    }
  }

  /** A spec for one kernel alone (kernels null). */
  public RunSpec(
      String path,
      String executable,
      byte[] image,
      List<String> argv,
      List<String> env,
      Isa isa,
      long clockHz,
      long ramBytes,
      long maxInstructions,
      long seed,
      CostModel cost,
      KernelConfig.HostFiles hostFiles,
      long epochSeconds) {
    this(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        null,
        DEFAULT_QUANTUM_PS);
  }

  /** The environment a program gets unless the caller gives one: small and the same everywhere. */
  public static final List<String> DEFAULT_ENV =
      List.of("PATH=/usr/bin:/bin", "HOME=/", "TERM=dumb", "LANG=C");

  public static final Isa DEFAULT_ISA = Isa.parse("rv64imafdc");
  public static final long DEFAULT_CLOCK_HZ = 2_000_000_000L;

  /**
   * 16 GiB: physical memory is sparse, so only what the program touches costs the host anything,
   * and a program may allocate what it could on a workstation.
   */
  public static final long DEFAULT_RAM_BYTES = 16L << 30;

  public static final long DEFAULT_SEED = 0x5eed_c0de_2025L;

  /** The machine's default quantum, 10 us. */
  public static final long DEFAULT_QUANTUM_PS =
      dev.popcornj.machine.Machine.Options.DEFAULT_QUANTUM_PS;

  public RunSpec {
    argv = List.copyOf(argv);
    env = List.copyOf(env);
    if (harts < 1 || harts > 64) {
      throw new IllegalArgumentException("harts " + harts + ": 1 to 64");
    }
    if (clockHz <= 0 || ramBytes <= 0 || maxInstructions < 0 || quantumPs <= 0) {
      throw new IllegalArgumentException("clock, memory, quantum and budget must be positive");
    }
  }

  /** A spec with the default machine, environment and seed and no instruction budget. */
  public static RunSpec of(String path, String executable, byte[] image, List<String> argv) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        DEFAULT_ENV,
        DEFAULT_ISA,
        DEFAULT_CLOCK_HZ,
        DEFAULT_RAM_BYTES,
        0,
        DEFAULT_SEED,
        CostModel.defaults(),
        null,
        Param.DEFAULT_EPOCH_SECONDS,
        null,
        DEFAULT_QUANTUM_PS);
  }

  public RunSpec withIsa(Isa newIsa) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        newIsa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        quantumPs,
        harts);
  }

  public RunSpec withMaxInstructions(long max) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        max,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        quantumPs,
        harts);
  }

  public RunSpec withEnv(List<String> newEnv) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        newEnv,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        quantumPs,
        harts);
  }

  /**
   * The program runs on the host's files (executable is then its path in that tree) rather than on
   * a tmpfs holding only the program.
   */
  public RunSpec withHostFiles(KernelConfig.HostFiles files) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        files,
        epochSeconds,
        kernels,
        quantumPs,
        harts);
  }

  /** The realtime clock starts at seconds since 1970. */
  public RunSpec withEpochSeconds(long seconds) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        seconds,
        kernels,
        quantumPs,
        harts);
  }

  /** This spec with the simulation's quantum set to ps. */
  public RunSpec withQuantumPs(long ps) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        ps,
        harts);
  }

  /** A spec with the one-kernel machine's {@link ProgramRunner#HARTS} harts. */
  public RunSpec(
      String path,
      String executable,
      byte[] image,
      List<String> argv,
      List<String> env,
      Isa isa,
      long clockHz,
      long ramBytes,
      long maxInstructions,
      long seed,
      CostModel cost,
      KernelConfig.HostFiles hostFiles,
      long epochSeconds,
      Kernels kernels,
      long quantumPs) {
    this(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        quantumPs,
        ProgramRunner.HARTS);
  }

  /** The one-kernel machine with n harts (a replicated run's machine says its own). */
  public RunSpec withHarts(int n) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        kernels,
        quantumPs,
        n);
  }

  /** The program runs on the primary of a replicated system (see {@link Kernels}). */
  public RunSpec withKernels(Kernels replicated) {
    return new RunSpec(
        path,
        executable,
        image,
        argv,
        env,
        isa,
        clockHz,
        ramBytes,
        maxInstructions,
        seed,
        cost,
        hostFiles,
        epochSeconds,
        replicated,
        quantumPs,
        harts);
  }
}
