package dev.popcornj.kernel.param;

/**
 * The kernel's limits and fixed names in one place, as xv6's param.h: what uname reports, and the
 * sizes every part of a kernel agrees on. The user address-space layout and the page size are
 * {@link dev.popcornj.kernel.mm.MemoryLayout}'s.
 */
public final class Param {
  /** The release uname reports; glibc needs at least 3.2 on riscv64. */
  public static final String RELEASE = "6.1.0-popcornj";

  private Param() {}
}
