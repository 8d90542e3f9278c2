package dev.popcornj.kernel.signal;

/**
 * Layout of siginfo_t on riscv64 (asm-generic/siginfo.h), 128 bytes. Three ints open it; the union
 * of per-cause fields starts at 16 because it holds pointers (__ARCH_SI_PREAMBLE_SIZE is 4 ints on
 * 64-bit), and every member starts with the same two ints where it has a pid and uid.
 *
 * <pre>
 *   0 +----------+----------+---------+---------+
 *     | si_signo | si_errno | si_code |   pad   |
 *  16 +----------+----------+---------+---------+----------------------------
 *     | kill:     pid i32  | uid i32  |
 *     | rt/queue: pid i32  | uid i32  | sigval u64 (24)
 *     | chld:     pid i32  | uid i32  | status i32 (24) | pad | utime i64 (32) | stime i64 (40)
 *     | fault:    addr u64            | addr_lsb i16 (24) ...
 *     | timer:    tid i32  | overrun  | sigval u64 (24)
 *     | sys:      call_addr u64       | syscall i32 (24) | arch u32 (28)
 * 128 +---------------------------------------------------------------------
 * </pre>
 */
public final class SigInfoDescriptor {
  public static final int SIGNO = 0;
  public static final int ERRNO = 4;
  public static final int CODE = 8;
  public static final int FIELDS = 16;

  public static final int PID = 16;
  public static final int UID = 20;
  public static final int VALUE = 24;
  public static final int STATUS = 24;
  public static final int UTIME = 32;
  public static final int STIME = 40;
  public static final int ADDR = 16;
  public static final int TIMER_ID = 16;
  public static final int OVERRUN = 20;
  public static final int CALL_ADDR = 16;
  public static final int SYSCALL = 24;
  public static final int ARCH = 28;

  public static final int LENGTH = 128;

  private SigInfoDescriptor() {}
}
