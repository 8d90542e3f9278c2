package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Mman;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.SharedAnonymous;
import dev.popcornj.kernel.mm.UnmappableFileException;
import dev.popcornj.kernel.mm.Vma;
import java.util.List;

/**
 * The memory system calls: brk, mmap (anonymous and file, private and shared), munmap, mprotect,
 * mremap and madvise, with Linux riscv64's argument checks and error numbers, in the order Linux
 * makes them.
 */
final class MemoryCalls {
  // Flags not yet in abi.Mman (asm-generic/mman.h, mman-common.h, errno.h).
  static final int MAP_GROWSDOWN = 0x0100;
  static final int MAP_DENYWRITE = 0x0800;
  static final int MAP_EXECUTABLE = 0x1000;
  static final int MAP_LOCKED = 0x2000;
  static final int MAP_NORESERVE = 0x4000;
  static final int MAP_POPULATE = 0x8000;
  static final int MAP_NONBLOCK = 0x10000;
  static final int MAP_STACK = 0x20000;
  static final int MAP_HUGETLB = 0x40000;
  static final int MAP_UNINITIALIZED = 0x4000000;
  static final int MADV_NORMAL = 0;
  static final int MADV_WILLNEED = 3;
  static final int MADV_REMOVE = 9;
  static final int MADV_COLLAPSE = 25;
  static final int MADV_POPULATE_READ = 22;
  static final int MADV_POPULATE_WRITE = 23;
  static final int EOVERFLOW = 75;
  static final int EOPNOTSUPP = 95;

  /**
   * The flags every file's mmap accepts under MAP_SHARED_VALIDATE (Linux's LEGACY_MAP_MASK, without
   * the x86-only MAP_32BIT); MAP_FIXED_NOREPLACE is accepted too since it only narrows MAP_FIXED.
   */
  private static final long VALIDATED_FLAGS =
      Mman.MAP_SHARED
          | Mman.MAP_PRIVATE
          | Mman.MAP_FIXED
          | Mman.MAP_ANONYMOUS
          | MAP_DENYWRITE
          | MAP_EXECUTABLE
          | MAP_UNINITIALIZED
          | MAP_GROWSDOWN
          | MAP_LOCKED
          | MAP_NORESERVE
          | MAP_POPULATE
          | MAP_NONBLOCK
          | MAP_STACK
          | MAP_HUGETLB
          | Mman.MAP_FIXED_NOREPLACE;

  /** PROT_GROWSDOWN and PROT_GROWSUP, accepted by mprotect and ignored. */
  private static final int PROT_GROWSDOWN = 0x01000000;

  private static final int PROT_GROWSUP = 0x02000000;

  /** PROT_SEM: accepted (every page supports atomics) and without effect. */
  private static final int PROT_SEM = 0x8;

  /** The largest file offset a mapping may reach: what a page cache can index. */
  private static final long MAX_FILE_OFFSET = (long) Integer.MAX_VALUE << MemoryLayout.PAGE_SHIFT;

  private final AddressSpace space;
  private final MappableFile.Resolver files;

  MemoryCalls(AddressSpace space, MappableFile.Resolver files) {
    this.space = space;
    this.files = files;
  }

  /** Until the VFS gives mappable files: every open descriptor is unmappable (ENODEV). */
  MemoryCalls(AddressSpace space, FileTable table) {
    this(
        space,
        fd -> {
          if (table.get(fd) == null) {
            return null;
          }
          throw new UnmappableFileException("fd " + fd);
        });
  }

  long brk(long addr) {
    return space.setBrk(addr);
  }

  /** Resident pages of the process, for sysinfo and /proc/PID/status. */
  long residentPages() {
    return space.residentPages();
  }

  long mmap(long addr, long length, long protArg, long flags, long fd, long offset) {
    if ((offset & MemoryLayout.PAGE_MASK) != 0) {
      return -Errno.EINVAL;
    }
    int type = (int) (flags & Mman.MAP_TYPE);
    boolean anonymous = (flags & Mman.MAP_ANONYMOUS) != 0;
    MappableFile file = null;
    if (!anonymous) {
      try {
        file = fd < 0 || fd > Integer.MAX_VALUE ? null : files.resolve((int) fd);
      } catch (UnmappableFileException e) {
        return -Errno.ENODEV;
      }
      if (file == null) {
        return -Errno.EBADF;
      }
    }
    if (length == 0) {
      return -Errno.EINVAL;
    }
    boolean noReplace = (flags & Mman.MAP_FIXED_NOREPLACE) != 0;
    boolean fixed = noReplace || (flags & Mman.MAP_FIXED) != 0;
    if (Long.compareUnsigned(length, MemoryLayout.USER_TOP) > 0) {
      return -Errno.ENOMEM;
    }
    long len = MemoryLayout.pageUp(length);
    if (file != null && (offset < 0 || offset > MAX_FILE_OFFSET - len)) {
      return -EOVERFLOW;
    }
    long at;
    if (fixed) {
      if (!MemoryLayout.isPageAligned(addr)) {
        return -Errno.EINVAL;
      }
      if (!MemoryLayout.isUserRange(addr, len)) {
        return -Errno.ENOMEM;
      }
      if (addr < MemoryLayout.MMAP_MIN) {
        return -Errno.EPERM;
      }
      if (noReplace && !space.areasIn(addr, addr + len).isEmpty()) {
        return -Errno.EEXIST;
      }
      at = addr;
    } else {
      long hint = addr == 0 ? 0 : Math.max(MemoryLayout.pageUp(addr), MemoryLayout.MMAP_MIN);
      at = hint > 0 && space.isFree(hint, len) ? hint : space.findFree(len);
      if (at < 0) {
        return -Errno.ENOMEM;
      }
    }
    int prot = (int) protArg & Prot.ALL;
    boolean shared;
    if (file != null && !file.anonymous()) {
      switch (type) {
        case Mman.MAP_SHARED_VALIDATE -> {
          if ((flags & ~VALIDATED_FLAGS) != 0) {
            return -EOPNOTSUPP;
          }
          shared = true;
        }
        case Mman.MAP_SHARED -> shared = true;
        case Mman.MAP_PRIVATE -> shared = false;
        default -> {
          return -Errno.EINVAL;
        }
      }
      if (shared && (prot & Prot.W) != 0 && !file.writable()) {
        return -Errno.EACCES;
      }
      if (!file.readable()) {
        return -Errno.EACCES;
      }
    } else {
      // Anonymous memory (and /dev/zero) knows only the two plain types.
      switch (type) {
        case Mman.MAP_SHARED -> {
          if ((flags & MAP_GROWSDOWN) != 0) {
            return -Errno.EINVAL;
          }
          shared = true;
        }
        case Mman.MAP_PRIVATE -> shared = false;
        default -> {
          return -Errno.EINVAL;
        }
      }
      if (file != null && file.anonymous() && shared && (prot & Prot.W) != 0 && !file.writable()) {
        return -Errno.EACCES;
      }
      file = null;
    }
    Vma area;
    if (file != null) {
      area = new Vma(at, at + len, prot, Vma.Kind.FILE, file, offset, shared, null);
    } else if (shared) {
      SharedAnonymous object = new SharedAnonymous(space.frames(), len);
      area = new Vma(at, at + len, prot, Vma.Kind.ANONYMOUS, object, 0, true, null);
    } else {
      // MAP_STACK and MAP_GROWSDOWN memory is plain anonymous memory: only the main stack is
      // [stack] in /proc/PID/maps.
      area = new Vma(at, at + len, prot, Vma.Kind.ANONYMOUS);
    }
    space.map(area);
    if ((flags & MAP_POPULATE) != 0 && (flags & MAP_NONBLOCK) == 0) {
      try {
        space.prefault(at, len);
      } catch (OutOfFramesException e) {
        // Like Linux, populating is best effort: the mapping stands, a later fault reports.
      }
    }
    return at;
  }

  long munmap(long addr, long length) {
    if (!MemoryLayout.isPageAligned(addr) || length <= 0) {
      return -Errno.EINVAL;
    }
    if (!MemoryLayout.isUserRange(addr, length)) {
      return -Errno.EINVAL;
    }
    long len = MemoryLayout.pageUp(length);
    if (!MemoryLayout.isUserRange(addr, len)) {
      return -Errno.EINVAL;
    }
    space.unmap(addr, len);
    return 0;
  }

  long mprotect(long addr, long length, long protArg) {
    long grows = protArg & (PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || !MemoryLayout.isPageAligned(addr)) {
      return -Errno.EINVAL;
    }
    if (length == 0) {
      return 0;
    }
    long len = MemoryLayout.pageUp(length);
    if (Long.compareUnsigned(addr + len, addr) <= 0) {
      return -Errno.ENOMEM;
    }
    if ((protArg & ~(Prot.ALL | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)) != 0) {
      return -Errno.EINVAL;
    }
    if (!MemoryLayout.isUserRange(addr, len) || !space.isCovered(addr, addr + len)) {
      return -Errno.ENOMEM;
    }
    int prot = Prot.normalize((int) protArg & Prot.ALL);
    if ((prot & Prot.W) != 0) {
      for (Vma a : space.areasIn(addr, addr + len)) {
        if (a.shared() && !a.file().writable()) {
          return -Errno.EACCES;
        }
      }
    }
    space.protect(addr, len, prot);
    return 0;
  }

  long madvise(long addr, long length, long advice) {
    if (!validAdvice(advice) || !MemoryLayout.isPageAligned(addr)) {
      return -Errno.EINVAL;
    }
    long len = MemoryLayout.pageUp(length);
    if (length != 0 && len == 0) {
      return -Errno.EINVAL; // a small negative length rounded up to zero
    }
    if (Long.compareUnsigned(addr + len, addr) < 0) {
      return -Errno.EINVAL;
    }
    if (len == 0) {
      return 0;
    }
    if (Long.compareUnsigned(addr, MemoryLayout.USER_TOP) >= 0) {
      return -Errno.ENOMEM; // nothing is mapped up there
    }
    long end =
        Long.compareUnsigned(addr + len, MemoryLayout.USER_TOP) > 0
            ? MemoryLayout.USER_TOP
            : addr + len;
    List<Vma> hit = space.areasIn(addr, end);
    if (advice == Mman.MADV_FREE) {
      for (Vma a : hit) {
        if (a.file() != null) {
          return -Errno.EINVAL; // only private anonymous memory can be freed lazily
        }
      }
    }
    if (advice == MADV_REMOVE) {
      for (Vma a : hit) {
        if (!a.shared()) {
          return -Errno.EINVAL;
        }
      }
    }
    for (Vma a : hit) {
      long from = Math.max(a.start(), addr);
      long to = Math.min(a.end(), end);
      switch ((int) advice) {
        // Dropping the pages now is a correct MADV_FREE too: a later read sees zero.
        case Mman.MADV_DONTNEED, Mman.MADV_FREE -> space.discard(from, to - from);
        case MADV_REMOVE -> punchHole(a, from, to);
        case MADV_WILLNEED, MADV_POPULATE_READ, MADV_POPULATE_WRITE ->
            space.prefault(from, to - from);
        default -> {}
      }
    }
    // Like Linux, the advice is applied to the mapped parts before a hole is reported.
    return end == addr + len && space.isCovered(addr, end) ? 0 : -Errno.ENOMEM;
  }

  /**
   * MADV_REMOVE over [from, to) of shared area a: the backing's bytes there become zero (the page
   * cache has no holes to punch, so zeros are written; the file keeps its size).
   */
  private void punchHole(Vma a, long from, long to) {
    PageCache cache = a.file().pages();
    long offset = a.offsetOf(from);
    long n = Math.min(to - from, cache.size() - offset);
    byte[] zeros = new byte[(int) MemoryLayout.PAGE_SIZE];
    for (long done = 0; done < n; done += zeros.length) {
      cache.write(offset + done, zeros, 0, (int) Math.min(zeros.length, n - done));
    }
  }

  /** mincore's result: one byte per page (bit 0: resident), or a negative errno. */
  record Residency(long error, byte[] pages) {}

  /**
   * mincore(addr, length): residency of every page of the range; EINVAL for an unaligned start,
   * ENOMEM for a range outside user space or with a hole.
   */
  Residency mincore(long addr, long length) {
    if (!MemoryLayout.isPageAligned(addr)) {
      return new Residency(-Errno.EINVAL, null);
    }
    long len = MemoryLayout.pageUp(length);
    if ((length != 0 && len == 0) || !MemoryLayout.isUserRange(addr, len)) {
      return new Residency(-Errno.ENOMEM, null);
    }
    if (!space.isCovered(addr, addr + len)) {
      return new Residency(-Errno.ENOMEM, null);
    }
    if (len / MemoryLayout.PAGE_SIZE > Integer.MAX_VALUE - 8) {
      return new Residency(-Errno.ENOMEM, null);
    }
    byte[] vec = new byte[(int) (len / MemoryLayout.PAGE_SIZE)];
    for (int i = 0; i < vec.length; i++) {
      vec[i] = (byte) (space.isResident(addr + (long) i * MemoryLayout.PAGE_SIZE) ? 1 : 0);
    }
    return new Residency(0, vec);
  }

  /**
   * mlock and mlock2 (flags MLOCK_ONFAULT = 1): nothing is ever swapped out here, so a lock only
   * faults the range in (not with MLOCK_ONFAULT), as Linux's mlock populates it. ENOMEM for a range
   * with a hole or outside user space.
   */
  long mlock(long addr, long length, long flags) {
    if ((flags & ~1L) != 0) {
      return -Errno.EINVAL;
    }
    long checked = lockRange(addr, length);
    if (checked == 0 && flags == 0 && length != 0) {
      long start = addr & ~(MemoryLayout.PAGE_SIZE - 1);
      space.prefault(start, MemoryLayout.pageUp(addr + length) - start);
    }
    return checked;
  }

  /** munlock: checks the range as mlock does; there is nothing to undo. */
  long munlock(long addr, long length) {
    return lockRange(addr, length);
  }

  /** The range check of mlock and munlock: whole pages around it, no hole, in user space. */
  private long lockRange(long addr, long length) {
    long start = addr & ~(MemoryLayout.PAGE_SIZE - 1);
    long end = MemoryLayout.pageUp(addr + length);
    if (Long.compareUnsigned(addr + length, addr) < 0) {
      return -Errno.EINVAL;
    }
    if (end == start) {
      return 0;
    }
    if (!MemoryLayout.isUserRange(start, end - start) || !space.isCovered(start, end)) {
      return -Errno.ENOMEM;
    }
    return 0;
  }

  /**
   * mlockall(MCL_CURRENT 1 | MCL_FUTURE 2 | MCL_ONFAULT 4): with MCL_CURRENT (and not MCL_ONFAULT)
   * every mapped page is faulted in; MCL_FUTURE has nothing to do where nothing is swapped.
   */
  long mlockall(long flags) {
    if (flags == 0 || (flags & ~7L) != 0 || flags == 4) {
      return -Errno.EINVAL;
    }
    if ((flags & 1) != 0 && (flags & 4) == 0) {
      for (Vma a : space.areas()) {
        space.prefault(a.start(), a.length());
      }
    }
    return 0;
  }

  private static boolean validAdvice(long advice) {
    return (advice >= MADV_NORMAL && advice <= Mman.MADV_DONTNEED)
        || (advice >= Mman.MADV_FREE && advice <= MADV_COLLAPSE);
  }

  long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr) {
    boolean mayMove = (flags & Mman.MREMAP_MAYMOVE) != 0;
    boolean fixed = (flags & Mman.MREMAP_FIXED) != 0;
    boolean dontUnmap = (flags & Mman.MREMAP_DONTUNMAP) != 0;
    if ((flags & ~(Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) != 0
        || (fixed && !mayMove)
        || (dontUnmap && (!mayMove || oldLength != newLength))
        || !MemoryLayout.isPageAligned(oldAddr)) {
      return -Errno.EINVAL;
    }
    if (Long.compareUnsigned(oldLength, MemoryLayout.USER_TOP) > 0
        || Long.compareUnsigned(newLength, MemoryLayout.USER_TOP) > 0) {
      return -Errno.EINVAL;
    }
    long oldLen = MemoryLayout.pageUp(oldLength);
    long newLen = MemoryLayout.pageUp(newLength);
    if (newLen == 0) {
      return -Errno.EINVAL;
    }
    Vma area = space.areaAt(oldAddr);
    if (area == null) {
      return -Errno.EFAULT;
    }
    if (oldLen == 0) {
      return duplicate(area, oldAddr, newLen, mayMove, fixed, newAddr);
    }
    if (fixed || dontUnmap) {
      long to = newAddr;
      if (fixed) {
        if (!MemoryLayout.isPageAligned(newAddr) || !MemoryLayout.isUserRange(newAddr, newLen)) {
          return -Errno.EINVAL;
        }
        if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
          return -Errno.EINVAL;
        }
        if (newAddr < MemoryLayout.MMAP_MIN) {
          return -Errno.EPERM;
        }
      }
      if (oldLen > area.end() - oldAddr) {
        return -Errno.EFAULT;
      }
      if (fixed) {
        space.unmap(newAddr, newLen);
      } else {
        to = space.findFree(newLen);
        if (to < 0) {
          return -Errno.ENOMEM;
        }
      }
      if (newLen < oldLen) {
        space.unmap(oldAddr + newLen, oldLen - newLen);
      }
      space.move(oldAddr, Math.min(oldLen, newLen), to, newLen, dontUnmap);
      return to;
    }
    if (newLen <= oldLen) {
      if (newLen < oldLen) {
        if (!MemoryLayout.isUserRange(oldAddr + newLen, oldLen - newLen)) {
          return -Errno.EINVAL; // what munmap says of that range
        }
        space.unmap(oldAddr + newLen, oldLen - newLen);
      }
      return oldAddr;
    }
    if (oldLen > area.end() - oldAddr) {
      return -Errno.EFAULT;
    }
    if (space.growInPlace(oldAddr, oldLen, newLen)) {
      return oldAddr;
    }
    if (!mayMove) {
      return -Errno.ENOMEM;
    }
    long to = space.findFree(newLen);
    if (to < 0) {
      return -Errno.ENOMEM;
    }
    space.move(oldAddr, oldLen, to, newLen);
    return to;
  }

  /** mremap with old_size 0: a second mapping of the same shared pages; the first stays. */
  private long duplicate(
      Vma area, long oldAddr, long newLen, boolean mayMove, boolean fixed, long newAddr) {
    if (!area.shared()) {
      return -Errno.EINVAL;
    }
    if (!mayMove) {
      return -Errno.ENOMEM;
    }
    long to;
    if (fixed) {
      if (!MemoryLayout.isPageAligned(newAddr) || !MemoryLayout.isUserRange(newAddr, newLen)) {
        return -Errno.EINVAL;
      }
      if (newAddr < MemoryLayout.MMAP_MIN) {
        return -Errno.EPERM;
      }
      to = newAddr;
    } else {
      to = space.findFree(newLen);
      if (to < 0) {
        return -Errno.ENOMEM;
      }
    }
    space.map(area.withRange(oldAddr, oldAddr + newLen).movedTo(to, newLen));
    return to;
  }
}
