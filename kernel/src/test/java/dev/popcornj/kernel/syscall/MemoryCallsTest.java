package dev.popcornj.kernel.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Mman;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.Fault;
import dev.popcornj.kernel.mm.FrameAccounting;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UnmappableFileException;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryCallsTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
  private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
  private static final int RW_FD = 3;
  private static final int RO_FD = 4;
  private static final int WO_FD = 5;
  private static final int PIPE_FD = 6;
  private static final int ZERO_FD = 7;

  private record File(PageCache pages, boolean readable, boolean writable, boolean anonymous)
      implements MappableFile {
    @Override
    public String path() {
      return "/f";
    }
  }

  private final TestSpace t = new TestSpace();
  private final AddressSpace s = t.space;
  private final PageCache cache = new PageCache(t.frames);
  private final MemoryCalls calls = new MemoryCalls(s, this::resolve);

  MemoryCallsTest() {
    cache.write(0, new byte[] {11, 22, 33}, 0, 3);
    cache.truncate(3 * PAGE);
  }

  private MappableFile resolve(int fd) {
    return switch (fd) {
      case RW_FD -> new File(cache, true, true, false);
      case RO_FD -> new File(cache, true, false, false);
      case WO_FD -> new File(cache, false, true, false);
      case ZERO_FD -> new File(cache, true, true, true);
      case PIPE_FD -> throw new UnmappableFileException("pipe");
      default -> null;
    };
  }

  @Test
  void mmapChecksItsArgumentsInLinuxOrder() {
    assertEquals(-Errno.EINVAL, calls.mmap(0, PAGE, RW, ANON, -1, 1));
    assertEquals(-Errno.EBADF, calls.mmap(0, 0, RW, Mman.MAP_PRIVATE, 9, 0));
    assertEquals(-Errno.ENODEV, calls.mmap(0, PAGE, RW, Mman.MAP_PRIVATE, PIPE_FD, 0));
    assertEquals(-Errno.EINVAL, calls.mmap(0, 0, RW, ANON, -1, 0));
    assertEquals(-Errno.EINVAL, calls.mmap(0, PAGE, RW, Mman.MAP_ANONYMOUS, -1, 0));
    assertEquals(
        -Errno.EINVAL,
        calls.mmap(0, PAGE, RW, Mman.MAP_SHARED_VALIDATE | Mman.MAP_ANONYMOUS, -1, 0),
        "anonymous memory knows only MAP_SHARED and MAP_PRIVATE");
    assertEquals(
        -MemoryCalls.EOPNOTSUPP,
        calls.mmap(0, PAGE, RW, Mman.MAP_SHARED_VALIDATE | 0x80000, RW_FD, 0),
        "MAP_SYNC is not supported by this file");
    assertEquals(-Errno.ENOMEM, calls.mmap(0, MemoryLayout.USER_TOP + PAGE, RW, ANON, -1, 0));
    assertEquals(-Errno.EACCES, calls.mmap(0, PAGE, RW, Mman.MAP_SHARED, RO_FD, 0));
    assertEquals(-Errno.EACCES, calls.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_PRIVATE, WO_FD, 0));
    assertTrue(calls.mmap(0, PAGE, RW, Mman.MAP_PRIVATE, RO_FD, 0) > 0, "private copy is fine");
    assertTrue(calls.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_SHARED, RO_FD, 0) > 0);
    int accepted = MemoryCalls.MAP_NORESERVE | MemoryCalls.MAP_STACK | MemoryCalls.MAP_GROWSDOWN;
    assertTrue(calls.mmap(0, PAGE, RW, ANON | accepted, -1, 0) > 0);
    assertTrue(calls.mmap(0, PAGE, RW, Mman.MAP_SHARED_VALIDATE, RW_FD, 0) > 0);
  }

  @Test
  void fixedHintsAndNoReplace() {
    long a = calls.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
    assertEquals(MemoryLayout.MMAP_TOP - 2 * PAGE, a);
    assertEquals(
        -Errno.EEXIST, calls.mmap(a + PAGE, PAGE, RW, ANON | Mman.MAP_FIXED_NOREPLACE, -1, 0));
    assertEquals(
        a + PAGE, calls.mmap(a + PAGE, PAGE, Mman.PROT_READ, ANON | Mman.MAP_FIXED, -1, 0));
    assertEquals(Prot.R, s.areaAt(a + PAGE).prot(), "MAP_FIXED replaced the page");
    long hint = 0x2000_0000L;
    assertEquals(hint, calls.mmap(hint, PAGE, RW, ANON, -1, 0), "a free hint is used");
    long other = calls.mmap(hint, PAGE, RW, ANON, -1, 0);
    assertNotEquals(hint, other, "a taken hint is not");
    assertEquals(-Errno.EINVAL, calls.mmap(hint + 1, PAGE, RW, ANON | Mman.MAP_FIXED, -1, 0));
    assertEquals(-Errno.EPERM, calls.mmap(0x1000, PAGE, RW, ANON | Mman.MAP_FIXED, -1, 0));
  }

  @Test
  void sharedFileMappingWritesReachTheFile() {
    long a = calls.mmap(0, 2 * PAGE, RW, Mman.MAP_SHARED, RW_FD, PAGE);
    assertEquals(PAGE, s.areaAt(a).offset());
    t.user.write(a + 5, new byte[] {99});
    byte[] b = new byte[1];
    cache.read(PAGE + 5, b, 0, 1);
    assertEquals(99, b[0]);
    long p = calls.mmap(0, PAGE, RW, Mman.MAP_PRIVATE, RW_FD, 0);
    assertEquals(22, t.user.read(p + 1, 1)[0]);
    FrameAccounting.check(t.frames, List.of(s), List.of(cache));
  }

  @Test
  void populateFaultsThePagesInAtOnce() {
    long a = calls.mmap(0, 3 * PAGE, RW, ANON | MemoryCalls.MAP_POPULATE, -1, 0);
    assertEquals(3, s.residentPages());
    assertNotEquals(AddressTranslator.NO_MAPPING, s.translate(a, AddressTranslator.WRITE));
  }

  @Test
  void mlockFaultsInUnlessOnFaultAndMincoreSeesIt() {
    long a = calls.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
    assertEquals(0, calls.mlock(a, 2 * PAGE, 1), "MLOCK_ONFAULT");
    assertEquals(0, s.residentPages());
    assertEquals(-Errno.EINVAL, calls.mlock(a, PAGE, 8));
    assertEquals(0, calls.mlock(a + PAGE + 1, PAGE, 0)); // pages 1 and 2
    byte[] v = calls.mincore(a, 4 * PAGE).pages();
    assertEquals(List.of((byte) 0, (byte) 1, (byte) 1, (byte) 0), List.of(v[0], v[1], v[2], v[3]));
    assertEquals(-Errno.EINVAL, calls.mincore(a + 1, PAGE).error());
    calls.munmap(a + 3 * PAGE, PAGE);
    assertEquals(-Errno.ENOMEM, calls.mincore(a, 4 * PAGE).error());
    assertEquals(-Errno.ENOMEM, calls.mlock(a, 4 * PAGE, 0));
    assertEquals(0, calls.mlockall(1));
    assertEquals(3, s.residentPages());
    assertEquals(-Errno.EINVAL, calls.mlockall(4), "MCL_ONFAULT alone");
  }

  @Test
  void devZeroSharedIsSharedAnonymousMemory() {
    long a = calls.mmap(0, PAGE, RW, Mman.MAP_SHARED, ZERO_FD, 0);
    Vma area = s.areaAt(a);
    assertTrue(area.shared());
    assertEquals("/dev/zero (deleted)", area.file().path());
    assertEquals(0, t.user.read(a, 1)[0], "not the file's bytes");
    long p = calls.mmap(0, PAGE, RW, Mman.MAP_PRIVATE, ZERO_FD, 0);
    assertNull(s.areaAt(p).file());
  }

  @Test
  void mprotectRefusesWriteOnAReadOnlySharedFileAndHoles() {
    long a = calls.mmap(0, 2 * PAGE, Mman.PROT_READ, Mman.MAP_SHARED, RO_FD, 0);
    assertEquals(-Errno.EACCES, calls.mprotect(a, PAGE, RW));
    assertEquals(0, calls.mprotect(a, PAGE, Mman.PROT_NONE));
    assertEquals(Fault.SEGV_ACCERR, s.handleFault(a, AddressTranslator.READ));
    assertEquals(-Errno.ENOMEM, calls.mprotect(a - PAGE, 2 * PAGE, Mman.PROT_READ));
    assertEquals(-Errno.EINVAL, calls.mprotect(a + 1, PAGE, Mman.PROT_READ));
    assertEquals(-Errno.EINVAL, calls.mprotect(a, PAGE, 0x10));
    assertEquals(0, calls.mprotect(a, 0, Mman.PROT_READ));
    long p = calls.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_PRIVATE, RO_FD, 0);
    assertEquals(0, calls.mprotect(p, PAGE, RW), "a private copy may become writable");
  }

  @Test
  void madviseDropsPagesAndRejectsBadAdvice() {
    long a = calls.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
    t.user.write64(a, 5);
    assertEquals(0, calls.madvise(a, 2 * PAGE, Mman.MADV_DONTNEED));
    assertEquals(0, t.user.read64(a));
    assertEquals(-Errno.EINVAL, calls.madvise(a, PAGE, 7));
    assertEquals(-Errno.EINVAL, calls.madvise(a + 1, PAGE, Mman.MADV_DONTNEED));
    assertEquals(0, calls.madvise(a, PAGE, 0), "MADV_NORMAL");
    assertEquals(0, calls.madvise(a, PAGE, 10), "MADV_DONTFORK is accepted");
    t.user.write64(a + PAGE, 6);
    assertEquals(-Errno.ENOMEM, calls.madvise(a + PAGE, 2 * PAGE, Mman.MADV_DONTNEED));
    assertEquals(0, t.user.read64(a + PAGE), "applied to the mapped part before the hole");
    long f = calls.mmap(0, PAGE, RW, Mman.MAP_SHARED, RW_FD, 0);
    assertEquals(-Errno.EINVAL, calls.madvise(f, PAGE, Mman.MADV_FREE));
    assertEquals(11, t.user.read(f, 1)[0]);
    assertEquals(-Errno.EINVAL, calls.madvise(a, PAGE, MemoryCalls.MADV_REMOVE), "private memory");
    assertEquals(0, calls.madvise(f, PAGE, MemoryCalls.MADV_REMOVE));
    assertEquals(0, t.user.read(f, 1)[0], "MADV_REMOVE zeroes the file");
    assertEquals(3 * PAGE, cache.size());
    assertEquals(-Errno.ENOMEM, calls.madvise(MemoryLayout.USER_TOP, PAGE, 0));
    assertEquals(-Errno.EINVAL, calls.madvise(a, -1, 0));
  }

  @Test
  void mremapKeepsBackingAndOffsets() {
    long a = calls.mmap(0, PAGE, RW, Mman.MAP_SHARED, RW_FD, PAGE);
    t.user.write(a, new byte[] {7});
    long moved = calls.mremap(a, PAGE, 2 * PAGE, Mman.MREMAP_MAYMOVE, 0);
    assertTrue(moved > 0);
    Vma area = s.areaAt(moved);
    assertEquals(PAGE, area.offset());
    assertEquals(2 * PAGE, area.length());
    assertEquals(7, t.user.read(moved, 1)[0]);
    t.user.write(moved + PAGE, new byte[] {8});
    byte[] b = new byte[1];
    cache.read(2 * PAGE, b, 0, 1);
    assertEquals(8, b[0], "the grown part continues the file");
    assertEquals(-Errno.EINVAL, calls.mremap(moved, PAGE, PAGE, 8, 0));
    assertEquals(-Errno.EINVAL, calls.mremap(moved, PAGE, PAGE, Mman.MREMAP_FIXED, 0));
    assertEquals(
        -Errno.EINVAL,
        calls.mremap(moved, PAGE, 2 * PAGE, Mman.MREMAP_MAYMOVE | Mman.MREMAP_DONTUNMAP, 0));
    assertEquals(-Errno.EFAULT, calls.mremap(0x7000_0000L, PAGE, PAGE, 0, 0));
    long twin = calls.mremap(moved, 0, PAGE, Mman.MREMAP_MAYMOVE, 0);
    assertEquals(7, t.user.read(twin, 1)[0], "old_size 0 duplicates a shared mapping");
    t.user.write(twin, new byte[] {9});
    assertEquals(9, t.user.read(moved, 1)[0]);
    long priv = calls.mmap(0, PAGE, RW, ANON, -1, 0);
    assertEquals(-Errno.EINVAL, calls.mremap(priv, 0, PAGE, Mman.MREMAP_MAYMOVE, 0));
    t.user.write64(priv, 3);
    long kept = calls.mremap(priv, PAGE, PAGE, Mman.MREMAP_MAYMOVE | Mman.MREMAP_DONTUNMAP, 0);
    assertEquals(3, t.user.read64(kept));
    assertEquals(0, t.user.read64(priv), "DONTUNMAP leaves the old range mapped and empty");
    FrameAccounting.check(t.frames, List.of(s), List.of(cache));
  }

  @Test
  void brkAndMunmap() {
    s.initHeap(0x40000, MemoryLayout.MMAP_TOP);
    assertEquals(0x40000, calls.brk(0));
    assertEquals(0x42000, calls.brk(0x42000));
    assertEquals(-Errno.EINVAL, calls.munmap(0x40001, PAGE));
    assertEquals(-Errno.EINVAL, calls.munmap(0x40000, 0));
    assertEquals(0, calls.munmap(0x7000_0000L, PAGE), "unmapping nothing succeeds");
  }
}
