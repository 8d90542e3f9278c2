package dev.popcornj.machine.hart;

/** The synchronous exceptions a user-level hart can raise, with their RISC-V mcause codes. */
public enum TrapCause {
  INSTRUCTION_MISALIGNED(0),
  INSTRUCTION_ACCESS_FAULT(1),
  ILLEGAL_INSTRUCTION(2),
  BREAKPOINT(3),
  LOAD_MISALIGNED(4),
  LOAD_ACCESS_FAULT(5),
  STORE_MISALIGNED(6),
  STORE_ACCESS_FAULT(7),
  ECALL_FROM_U(8),
  INSTRUCTION_PAGE_FAULT(12),
  LOAD_PAGE_FAULT(13),
  STORE_PAGE_FAULT(15);

  private final int code;

  TrapCause(int code) {
    this.code = code;
  }

  /** The exception code as the privileged specification numbers it. */
  public int code() {
    return code;
  }
}
