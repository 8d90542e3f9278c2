package dev.popcornj.kernel.platform;

/**
 * The firmware services a kernel calls below itself, after the RISC-V Supervisor Binary Interface's
 * hart state management (HSM) extension: starting a stopped hart at an address. A secondary kernel
 * is booted this way: kexec_load leaves a boot block at the entry address, and the firmware, when
 * it starts the hart there, reads the block and runs the image it names.
 */
public interface Sbi {
  long SUCCESS = 0;
  long ERR_FAILED = -1;
  long ERR_NOT_SUPPORTED = -2;
  long ERR_INVALID_PARAM = -3;
  long ERR_INVALID_ADDRESS = -5;
  long ERR_ALREADY_AVAILABLE = -6;

  /**
   * sbi_hart_start: starts hart at startAddr after a startup IPI's latency. Checks what it can at
   * once (the hart is stopped, a valid boot block and image are there) and returns an SBI error
   * code; problems found later stop the new kernel's boot with a message.
   */
  long hartStart(int hartId, long startAddr);

  /** What the firmware said about the last refused or failed start, for the kernel log. */
  String lastError();

  /** sbi_hart_get_status values: the hart runs a kernel, or is stopped (never started, halted). */
  long HART_STARTED = 0;

  long HART_STOPPED = 1;

  /**
   * sbi_hart_get_status: {@link #HART_STARTED} while a kernel runs on hartId (one being started
   * counts), {@link #HART_STOPPED} once it never started or its kernel stopped, or an error.
   */
  long hartStatus(int hartId);

  /**
   * Copies data to physical address addr and zero-fills up to memsz bytes, for a kernel about to be
   * started there (kexec_load's segments). Only the firmware may write memory outside the caller's
   * partition: it refuses ({@link #ERR_INVALID_ADDRESS}, with {@link #lastError}) a range that is
   * not the machine's memory or that a running kernel or the messaging window holds.
   */
  long writeStoppedMemory(long addr, byte[] data, long memsz);

  /**
   * Grants kernel to access to [base, base+size) of kernel owner's memory, a window of pages the
   * two share (share mode of distributed threads). The firmware refuses a range outside owner's
   * partition, a kernel that is not running, or the owner itself; the partition guard refuses
   * everything else as before.
   */
  default long shareMemory(int owner, long base, long size, int to) {
    return ERR_NOT_SUPPORTED;
  }

  /** Revokes a window {@link #shareMemory} granted, and drops to's harts' cached translations. */
  default long unshareMemory(int owner, long base, long size, int to) {
    return ERR_NOT_SUPPORTED;
  }

  /** A platform without hart state management: every start is refused. */
  static Sbi none() {
    return new Sbi() {
      @Override
      public long hartStart(int hartId, long startAddr) {
        return ERR_NOT_SUPPORTED;
      }

      @Override
      public String lastError() {
        return "this platform cannot start harts";
      }

      @Override
      public long hartStatus(int hartId) {
        return ERR_NOT_SUPPORTED;
      }

      @Override
      public long writeStoppedMemory(long addr, byte[] data, long memsz) {
        return ERR_NOT_SUPPORTED;
      }
    };
  }
}
