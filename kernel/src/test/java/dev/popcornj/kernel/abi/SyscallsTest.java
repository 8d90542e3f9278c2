package dev.popcornj.kernel.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SyscallsTest {
  @Test
  void namesFollowTheRiscv64Table() {
    assertEquals("read", Syscalls.name(63));
    assertEquals("write", Syscalls.name(64));
    assertEquals("newfstatat", Syscalls.name(79));
    assertEquals("exit", Syscalls.name(93));
    assertEquals("exit_group", Syscalls.name(94));
    assertEquals("brk", Syscalls.name(214));
    assertEquals("mmap", Syscalls.name(222));
    assertEquals("riscv_hwprobe", Syscalls.name(258));
    assertEquals("riscv_flush_icache", Syscalls.name(259));
    assertEquals("rseq", Syscalls.name(293));
    assertEquals("clone3", Syscalls.name(435));
    assertEquals("syscall_403", Syscalls.name(403), "time64 calls are 32-bit only");
    assertEquals("syscall_-1", Syscalls.name(-1));
    assertEquals("syscall_100000", Syscalls.name(100000));
  }

  @Test
  void constantsAgreeWithTheTable() {
    assertEquals("openat", Syscalls.name(Syscalls.OPENAT));
    assertEquals("prlimit64", Syscalls.name(Syscalls.PRLIMIT64));
    assertEquals("getrandom", Syscalls.name(Syscalls.GETRANDOM));
    assertEquals("mremap", Syscalls.name(Syscalls.MREMAP));
    assertEquals("statx", Syscalls.name(Syscalls.STATX));
  }

  @Test
  void structSizesMatchTheKernelHeaders() {
    assertEquals(128, StatDescriptor.LENGTH);
    assertEquals(256, StatxDescriptor.LENGTH);
    assertEquals(390, UtsnameDescriptor.LENGTH);
    assertEquals(24, SigactionDescriptor.LENGTH);
    assertEquals(64, ElfDescriptor.EHDR_LENGTH);
    assertEquals(56, ElfDescriptor.PHDR_LENGTH);
    assertEquals("SIGSEGV", Signals.name(11));
    assertEquals("SIGRTMIN+2", Signals.name(34));
  }
}
