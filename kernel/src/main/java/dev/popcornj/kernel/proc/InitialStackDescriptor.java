package dev.popcornj.kernel.proc;

/**
 * Layout of the initial user stack that Linux's binfmt_elf builds on riscv64 and that a program's
 * _start reads (glibc's, or any libc's): the sizes and rules {@link InitialStack} follows.
 *
 * <pre>
 * STACK_TOP  +----------------------------------+ high addresses
 *            | 8 zero bytes                     |  end marker
 *            | execfn "prog\0"                  |  <- AT_EXECFN
 *            | envp strings "K=V\0" ...         |  in order: envp[0] lowest
 *            | argv strings "arg\0" ...         |  in order: argv[0] lowest
 *            +----------------------------------+ rounded down to 16
 *            | 16 random bytes                  |  <- AT_RANDOM
 *            +----------------------------------+
 *            | padding to 16-byte alignment     |
 *            | AT_NULL, 0                       |
 *            | ... (type, value) pairs          |  auxv, 16 bytes each
 *            | AT_HWCAP, hwcap                  |
 *            | 0                                |  end of envp
 *            | envp[envc-1] ... envp[0]         |  pointers to the strings above
 *            | 0                                |  end of argv
 *            | argv[argc-1] ... argv[0]         |
 * sp ------> | argc                             |  sp is 16-byte aligned
 *            +----------------------------------+ low addresses
 * </pre>
 *
 * <p>The auxv order is Linux's: HWCAP, PAGESZ, CLKTCK, PHDR, PHENT, PHNUM, BASE, FLAGS, ENTRY, UID,
 * EUID, GID, EGID, SECURE, RANDOM, EXECFN, NULL. PHDR, PHENT, PHNUM and ENTRY describe the program
 * even when an interpreter runs first; BASE is where the interpreter was loaded (0 without one).
 * There is no AT_SYSINFO_EHDR: the page PopcornJ maps as [vdso] holds the signal return code only,
 * not an ELF image a dynamic loader could read. Registers other than sp and pc start at zero (a0 is
 * the rtld_fini argument of _start, null when the kernel starts the program itself).
 */
public final class InitialStackDescriptor {
  /** Zero bytes at the very top, below STACK_TOP (Linux's bprm->p starts one pointer down). */
  public static final int TOP_PAD = 8;

  public static final int RANDOM_BYTES = 16;
  public static final int STACK_ALIGN = 16;
  public static final int WORD = 8;
  public static final int AUXV_ENTRY = 16;

  /** Offset of argc from sp, and of argv[0]. */
  public static final int ARGC = 0;

  public static final int ARGV = 8;

  /**
   * Most bytes of argument and environment strings accepted: Linux's bound whatever the stack
   * rlimit, three quarters of its 8 MiB default (execve checks the process's own, smaller, room).
   */
  public static final int MAX_STRINGS = 6 * 1024 * 1024;

  private InitialStackDescriptor() {}
}
