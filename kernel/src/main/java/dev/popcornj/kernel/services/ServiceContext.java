package dev.popcornj.kernel.services;

import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageHandler;
import dev.popcornj.kernel.msg.MessageType;
import dev.popcornj.kernel.proc.AffinityMigration;
import dev.popcornj.kernel.proc.OtherKernels;
import dev.popcornj.kernel.syscall.SyscallHandler;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a {@link PopcornService} may add to its kernel, and the little it may know of it. Every
 * registration is checked at boot: a message type or system-call number that another service (or
 * the messaging layer) already has stops the boot with a message naming both.
 */
public interface ServiceContext {
  /** This kernel's id (0 is the primary). */
  int kernelId();

  /** The kernel log (dmesg). */
  KernelLog log();

  /**
   * The value of boot parameter name (name=value on the kernel command line), which the service
   * declares it reads; empty when the command line does not set it. /proc/popcorn/services lists
   * what each service declared.
   */
  Optional<String> param(String name);

  /** Whether boot parameter name is present (as a bare flag or with a value). */
  boolean flag(String name);

  /**
   * This kernel's end of the messaging layer; empty when the kernel runs alone (no messaging window
   * on its command line).
   */
  Optional<Endpoint> endpoint();

  /**
   * Registers a message type of the service's family with its handler (null for a type that only
   * travels as a reply to the service's own requests). Needs the messaging layer.
   */
  <M extends KernelMessage> void message(MessageType<M> type, MessageHandler handler);

  /** Adds system call nr (named for reports such as ENOSYS and traces). */
  void syscall(int nr, String name, SyscallHandler handler);

  /** Adds /proc/popcorn/NAME, whose text is made when it is read. */
  void procFile(String name, Supplier<String> text);

  /** Adds /dev/NAME, a character device. */
  void device(String name, CharDevice device);

  /**
   * Registers a statistic the service keeps, such as "migrations": value is read whenever the
   * kernel's statistics are made (at the end of a run, for {@code popcorn run --stats}, which sums
   * each name over all kernels; a name no service registered reads 0). Names are lower case with
   * underscores, as the statistics file shows them, and unique on a kernel: a name another service
   * registered stops the boot.
   */
  void counter(String name, LongSupplier value);

  /**
   * Installs this kernel's view of the other kernels (the single system image's): /proc, the CPU
   * calls and signals reach them through it. One service may.
   */
  void otherKernels(OtherKernels view);

  /**
   * Installs what sched_setaffinity calls when a mask names only other kernels' CPUs (the migration
   * service's). One service may.
   */
  void affinityMigration(AffinityMigration migration);
}
