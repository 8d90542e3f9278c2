package dev.popcornj.kernel.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Mman;
import dev.popcornj.kernel.abi.RlimitDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.StatDescriptor;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.abi.UtsnameDescriptor;
import dev.popcornj.kernel.fs.ConsoleFile;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Isa;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemCallsTest {
  private static final long BUF = 0x1000_0000L;
  private static final long PC = 0x10000;

  /** A process with console streams, a buffer area at BUF and a settable clock. */
  static final class Fixture {
    final TestSpace t = new TestSpace();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<String> diagnostics = new ArrayList<>();
    final Hart hart = new Hart(0, Isa.parse("rv64gc"), 2_000_000_000L);
    long nowPs = 5_000_000_000_000L;
    long idled;
    final Process process;
    final SystemCalls calls;

    Fixture(byte[] stdin, OutputStream stdout) {
      FileTable files = new FileTable();
      files.installAt(0, ConsoleFile.input(new ByteArrayInputStream(stdin)), false);
      files.installAt(1, ConsoleFile.output(stdout == null ? out : stdout), false);
      files.installAt(2, ConsoleFile.output(new ByteArrayOutputStream()), false);
      process = new Process(100, "/abs/prog", t.space, t.user, files, new Entropy(42));
      VirtualClock clock =
          new VirtualClock() {
            @Override
            public long nowPs() {
              return nowPs + idled;
            }

            @Override
            public void idle(long ps) {
              idled += ps;
            }
          };
      calls = new SystemCalls(process, clock, diagnostics::add, 1L << 30, "prog");
      t.space.map(BUF, 4 * MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    }

    long call(int nr, long... args) {
      hart.setPc(PC);
      hart.setX(17, nr);
      for (int i = 0; i < 6; i++) {
        hart.setX(10 + i, i < args.length ? args[i] : 0);
      }
      calls.handle(hart);
      if (!process.isDead()) {
        assertEquals(PC + 4, hart.pc(), "pc steps past the ecall");
      }
      return hart.x(10);
    }

    void put(long addr, String s) {
      t.user.write(addr, (s + "\0").getBytes(StandardCharsets.UTF_8));
    }
  }

  private final Fixture f = new Fixture(new byte[] {'i', 'n', 'p', 'u', 't'}, null);
  private final TestSpace t = f.t;
  private final ByteArrayOutputStream out = f.out;
  private final List<String> diagnostics = f.diagnostics;
  private final Process process = f.process;

  private long call(int nr, long... args) {
    return f.call(nr, args);
  }

  private void put(long addr, String s) {
    f.put(addr, s);
  }

  @Test
  void writeAndReadMoveBytesThroughTheConsoles() {
    put(BUF, "hello");
    assertEquals(5, call(Syscalls.WRITE, 1, BUF, 5));
    assertEquals("hello", out.toString(StandardCharsets.UTF_8));
    assertEquals(5, call(Syscalls.READ, 0, BUF + 100, 64));
    assertArrayEquals("input".getBytes(StandardCharsets.UTF_8), t.user.read(BUF + 100, 5));
    assertEquals(0, call(Syscalls.READ, 0, BUF + 100, 64), "end of input");
    assertEquals(-Errno.EBADF, call(Syscalls.WRITE, 7, BUF, 1));
    assertEquals(-Errno.EBADF, call(Syscalls.READ, 1, BUF, 1));
    assertEquals(0, call(Syscalls.WRITE, 1, 0, 0));
  }

  @Test
  void writevGathersInOrder() {
    put(BUF + 256, "ab");
    put(BUF + 512, "cde");
    t.user.write64(BUF, BUF + 256);
    t.user.write64(BUF + 8, 2);
    t.user.write64(BUF + 16, BUF + 512);
    t.user.write64(BUF + 24, 3);
    assertEquals(5, call(Syscalls.WRITEV, 1, BUF, 2));
    assertEquals("abcde", out.toString(StandardCharsets.UTF_8));
    assertEquals(-Errno.EINVAL, call(Syscalls.WRITEV, 1, BUF, -1));
  }

  @Test
  void badPointersGiveEfaultNotExceptions() {
    assertEquals(-Errno.EFAULT, call(Syscalls.WRITE, 1, 8, 4));
    assertEquals(-Errno.EFAULT, call(Syscalls.READ, 0, BUF + 4 * MemoryLayout.PAGE_SIZE - 2, 4));
    assertEquals(-Errno.EFAULT, call(Syscalls.UNAME, 0));
    assertEquals(-Errno.EFAULT, call(Syscalls.CLOCK_GETTIME, 1, -8));
    assertEquals(-Errno.EFAULT, call(Syscalls.OPENAT, FileConstants.AT_FDCWD, 12345));
    assertEquals(-Errno.EFAULT, call(Syscalls.WRITEV, 1, 0, 1));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writeToAClosedReaderFailsWithEpipeAndSigpipe() {
    Fixture broken =
        new Fixture(
            new byte[0],
            new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
              }
            });
    broken.put(BUF, "x");
    broken.call(Syscalls.WRITE, 1, BUF, 1);
    assertEquals(
        new ExitStatus.Killed(Signals.SIGPIPE, "write to a closed output"),
        broken.process.exitStatus());
  }

  @Test
  void unimplementedCallsAreReportedOnceByName() {
    assertEquals(-Errno.ENOSYS, call(Syscalls.GETCWD + 10000));
    assertEquals(-Errno.ENOSYS, call(220));
    assertEquals(-Errno.ENOSYS, call(220));
    assertEquals(
        List.of(
            "unimplemented system call syscall_10017 (10017)",
            "unimplemented system call clone (220)"),
        diagnostics);
    assertEquals(-Errno.ENOSYS, call(Syscalls.RSEQ));
    assertEquals(-Errno.ENOSYS, call(Syscalls.RISCV_HWPROBE));
    assertEquals(2, diagnostics.size(), "tolerated calls are not reported");
  }

  @Test
  void exitGroupKeepsTheLowEightBits() {
    call(Syscalls.EXIT_GROUP, 300);
    assertTrue(process.isDead());
    assertEquals(new ExitStatus.Exited(44), process.exitStatus());
    assertEquals(44, process.exitStatus().shellStatus());
  }

  @Test
  void abortsSignalKillsUnlessIgnoredAndWaitsWhileBlocked() {
    assertEquals(0, call(Syscalls.TGKILL, 100, 100, 0), "signal 0 only probes");
    assertEquals(-Errno.ESRCH, call(Syscalls.TGKILL, 100, 55, Signals.SIGABRT));
    assertEquals(0, call(Syscalls.KILL, 100, Signals.SIGCHLD), "ignored by default");
    t.user.write64(BUF, Signals.bit(Signals.SIGABRT));
    assertEquals(0, call(Syscalls.RT_SIGPROCMASK, Signals.SIG_BLOCK, BUF, 0, 8));
    assertEquals(0, call(Syscalls.TGKILL, 100, 100, Signals.SIGABRT));
    assertFalse(process.isDead(), "blocked: pending");
    call(Syscalls.RT_SIGPROCMASK, Signals.SIG_UNBLOCK, BUF, 0, 8);
    assertTrue(process.isDead());
    assertEquals(128 + Signals.SIGABRT, process.exitStatus().shellStatus());
  }

  @Test
  void aHandlerIsRecordedButNotRunYet() {
    t.user.write64(BUF, 0x10000);
    assertEquals(0, call(Syscalls.RT_SIGACTION, Signals.SIGABRT, BUF, 0, 8));
    assertTrue(process.hasHandler(Signals.SIGABRT));
    call(Syscalls.TGKILL, 100, 100, Signals.SIGABRT);
    assertTrue(process.isDead());
    assertTrue(process.handlerBypassed(), "the runner reports the handler it did not run");
  }

  @Test
  void sigactionRecordsAndReturnsTheOldAction() {
    t.user.write64(BUF, Signals.SIG_IGN);
    t.user.write64(BUF + 8, 0x04000000);
    t.user.write64(BUF + 16, 0x5);
    assertEquals(0, call(Syscalls.RT_SIGACTION, Signals.SIGPIPE, BUF, BUF + 64, 8));
    assertEquals(Signals.SIG_DFL, t.user.read64(BUF + 64));
    assertEquals(0, call(Syscalls.RT_SIGACTION, Signals.SIGPIPE, 0, BUF + 64, 8));
    assertEquals(Signals.SIG_IGN, t.user.read64(BUF + 64));
    assertEquals(0x5, t.user.read64(BUF + 80));
    assertEquals(-Errno.EINVAL, call(Syscalls.RT_SIGACTION, Signals.SIGKILL, BUF, 0, 8));
    assertEquals(-Errno.EINVAL, call(Syscalls.RT_SIGACTION, 65, 0, 0, 8));
    assertEquals(-Errno.EINVAL, call(Syscalls.RT_SIGACTION, Signals.SIGINT, 0, 0, 16));
    assertEquals(0, call(Syscalls.KILL, 100, Signals.SIGPIPE));
    assertFalse(process.isDead(), "ignored");
  }

  @Test
  void memoryCallsFollowLinuxRules() {
    long heap = 0x40000;
    t.space.initHeap(heap, MemoryLayout.MMAP_TOP);
    assertEquals(heap, call(Syscalls.BRK, 0));
    assertEquals(heap + 0x2345, call(Syscalls.BRK, heap + 0x2345));
    long anon = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    long a = call(Syscalls.MMAP, 0, 10000, Mman.PROT_READ | Mman.PROT_WRITE, anon, -1, 0);
    assertEquals(MemoryLayout.MMAP_TOP - 12288, a);
    assertEquals(0, t.user.read64(a + 9000));
    assertEquals(-Errno.EINVAL, call(Syscalls.MMAP, 0, 0, 3, anon, -1, 0));
    assertEquals(-Errno.EINVAL, call(Syscalls.MMAP, 0, 4096, 3, Mman.MAP_ANONYMOUS, -1, 0));
    assertEquals(-Errno.EBADF, call(Syscalls.MMAP, 0, 4096, 3, Mman.MAP_PRIVATE, 9, 0));
    assertEquals(-Errno.ENODEV, call(Syscalls.MMAP, 0, 4096, 3, Mman.MAP_PRIVATE, 0, 0));
    assertEquals(-Errno.EINVAL, call(Syscalls.MMAP, a + 1, 4096, 3, anon | Mman.MAP_FIXED, -1, 0));
    assertEquals(
        -Errno.EEXIST, call(Syscalls.MMAP, a, 4096, 3, anon | Mman.MAP_FIXED_NOREPLACE, -1, 0));
    assertEquals(a, call(Syscalls.MMAP, a, 4096, 3, anon | Mman.MAP_FIXED, -1, 0));
    assertEquals(0, call(Syscalls.MPROTECT, a, 4096, Mman.PROT_READ));
    assertEquals(-Errno.EFAULT, call(Syscalls.READ, 0, a, 1), "read into a read-only page");
    assertEquals(-Errno.ENOMEM, call(Syscalls.MPROTECT, a - 4096, 8192, Mman.PROT_READ));
    assertEquals(-Errno.EINVAL, call(Syscalls.MUNMAP, a + 1, 4096));
    assertEquals(0, call(Syscalls.MUNMAP, a, 12288));
    assertEquals(-Errno.EFAULT, call(Syscalls.WRITE, 1, a, 1));
    long b = call(Syscalls.MMAP, 0, 8192, 3, anon, -1, 0);
    t.user.write64(b, 77);
    long grown = call(Syscalls.MREMAP, b, 8192, 1 << 20, Mman.MREMAP_MAYMOVE);
    assertEquals(77, t.user.read64(grown));
    assertEquals(
        -Errno.EFAULT, call(Syscalls.MREMAP, 0x7000_0000L, 4096, 8192, Mman.MREMAP_MAYMOVE));
    assertEquals(0, call(Syscalls.MADVISE, grown, 4096, Mman.MADV_DONTNEED));
    assertEquals(0, t.user.read64(grown), "discarded pages read as zero");
  }

  @Test
  void identityTimeAndSystemInformation() {
    assertEquals(100, call(Syscalls.GETPID));
    assertEquals(100, call(Syscalls.GETTID));
    assertEquals(100, call(Syscalls.SET_TID_ADDRESS, BUF));
    assertEquals(0, call(Syscalls.UNAME, BUF));
    assertEquals("Linux", cstring(BUF + UtsnameDescriptor.SYSNAME));
    assertEquals("riscv64", cstring(BUF + UtsnameDescriptor.MACHINE));
    assertEquals("6.1.0", cstring(BUF + UtsnameDescriptor.RELEASE));

    assertEquals(0, call(Syscalls.CLOCK_GETTIME, 1, BUF));
    assertEquals(5, t.user.read64(BUF));
    assertEquals(0, t.user.read64(BUF + 8));
    assertEquals(0, call(Syscalls.CLOCK_GETTIME, 0, BUF));
    assertEquals(TimeCalls.BOOT_EPOCH_SECONDS + 5, t.user.read64(BUF));
    assertEquals(-Errno.EINVAL, call(Syscalls.CLOCK_GETTIME, 99, BUF));
    t.user.write64(BUF, 2);
    t.user.write64(BUF + 8, 500);
    assertEquals(0, call(Syscalls.NANOSLEEP, BUF, 0));
    assertEquals(2_000_000_500_000L, f.idled, "sleeping advances virtual time");
    t.user.write64(BUF + 8, 1_000_000_000L);
    assertEquals(-Errno.EINVAL, call(Syscalls.NANOSLEEP, BUF, 0));

    assertEquals(0, call(Syscalls.PRLIMIT64, 0, RlimitDescriptor.RLIMIT_STACK, 0, BUF));
    assertEquals(MemoryLayout.STACK_LIMIT, t.user.read64(BUF));
    assertEquals(RlimitDescriptor.RLIM_INFINITY, t.user.read64(BUF + 8));
    assertEquals(-Errno.ESRCH, call(Syscalls.PRLIMIT64, 5, 3, 0, BUF));

    assertEquals(8, call(Syscalls.SCHED_GETAFFINITY, 0, 128, BUF));
    assertEquals(1, t.user.read64(BUF));
    assertEquals(-Errno.ENOTTY, call(Syscalls.IOCTL, 1, FileConstants.TCGETS, BUF));
    assertEquals(0, call(Syscalls.FSTAT, 1, BUF));
    assertEquals(StatDescriptor.S_IFCHR, t.user.read32(BUF + StatDescriptor.MODE) & 0170000);
    put(BUF + 512, "");
    assertEquals(0, call(Syscalls.NEWFSTATAT, 0, BUF + 512, BUF, FileConstants.AT_EMPTY_PATH));
    put(BUF + 512, "/etc/passwd");
    assertEquals(-Errno.ENOENT, call(Syscalls.OPENAT, FileConstants.AT_FDCWD, BUF + 512, 0));
    put(BUF + 512, "/proc/self/exe");
    assertEquals(9, call(Syscalls.READLINKAT, FileConstants.AT_FDCWD, BUF + 512, BUF + 1024, 64));
    assertEquals("/abs/prog", new String(t.user.read(BUF + 1024, 9), StandardCharsets.UTF_8));
  }

  @Test
  void getrandomIsSeeded() {
    assertEquals(16, call(Syscalls.GETRANDOM, BUF, 16, 0));
    byte[] expected = new Entropy(42).bytes(16);
    assertArrayEquals(expected, t.user.read(BUF, 16));
    assertEquals(-Errno.EINVAL, call(Syscalls.GETRANDOM, BUF, 16, 0x80));
  }

  @Test
  void futexForASingleThread() {
    t.user.write32(BUF, 5);
    assertEquals(0, call(Syscalls.FUTEX, BUF, 1 | 128, 1));
    assertEquals(-Errno.EAGAIN, call(Syscalls.FUTEX, BUF, 128, 4, 0));
    t.user.write64(BUF + 64, 0);
    t.user.write64(BUF + 72, 1000);
    assertEquals(-Errno.ETIMEDOUT, call(Syscalls.FUTEX, BUF, 128, 5, BUF + 64));
    assertEquals(1_000_000, f.idled);
    assertTrue(diagnostics.isEmpty());
    call(Syscalls.FUTEX, BUF, 128, 5, 0);
    assertTrue(process.isDead(), "a wait nobody can end is a deadlock");
    assertEquals(1, diagnostics.size());
  }

  private String cstring(long addr) {
    return new String(t.user.readCString(addr, 100), StandardCharsets.UTF_8);
  }
}
