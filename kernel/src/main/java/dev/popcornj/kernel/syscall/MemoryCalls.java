package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Mman;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Vma;

/**
 * The memory system calls: brk, anonymous mmap, munmap, mprotect, mremap and madvise, with Linux's
 * argument checks and error numbers. File-backed mappings are refused (no file can be opened yet).
 */
final class MemoryCalls {
  /** PROT_GROWSDOWN and PROT_GROWSUP, accepted by mprotect and ignored. */
  private static final int PROT_GROWS = 0x01000000 | 0x02000000;

  private final AddressSpace space;
  private final FileTable files;

  MemoryCalls(AddressSpace space, FileTable files) {
    this.space = space;
    this.files = files;
  }

  long brk(long addr) {
    return space.setBrk(addr);
  }

  long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
    if (length <= 0 || (offset & MemoryLayout.PAGE_MASK) != 0) {
      return -Errno.EINVAL;
    }
    int type = (int) (flags & Mman.MAP_TYPE);
    if (type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED && type != Mman.MAP_SHARED_VALIDATE) {
      return -Errno.EINVAL;
    }
    if ((flags & Mman.MAP_ANONYMOUS) == 0) {
      return files.get(fd) == null ? -Errno.EBADF : -Errno.ENODEV;
    }
    if (length > MemoryLayout.USER_TOP) {
      return -Errno.ENOMEM;
    }
    long len = MemoryLayout.pageUp(length);
    boolean fixed = (flags & Mman.MAP_FIXED) != 0;
    boolean noReplace = (flags & Mman.MAP_FIXED_NOREPLACE) != 0;
    long at;
    if (fixed || noReplace) {
      if (!MemoryLayout.isPageAligned(addr)) {
        return -Errno.EINVAL;
      }
      if (!MemoryLayout.isUserRange(addr, len)) {
        return -Errno.ENOMEM;
      }
      if (addr < MemoryLayout.MMAP_MIN) {
        return -Errno.EPERM;
      }
      if (noReplace && !space.isFree(addr, len)) {
        return -Errno.EEXIST;
      }
      at = addr;
    } else {
      long hint = MemoryLayout.pageDown(addr);
      at = hint != 0 && space.isFree(hint, len) ? hint : space.findFree(len);
      if (at < 0) {
        return -Errno.ENOMEM;
      }
    }
    space.map(at, len, (int) prot, Vma.Kind.ANONYMOUS);
    return at;
  }

  long munmap(long addr, long length) {
    if (!MemoryLayout.isPageAligned(addr) || length <= 0) {
      return -Errno.EINVAL;
    }
    long len = MemoryLayout.pageUp(length);
    if (!MemoryLayout.isUserRange(addr, len)) {
      return -Errno.EINVAL;
    }
    space.unmap(addr, len);
    return 0;
  }

  long mprotect(long addr, long length, long prot) {
    if (!MemoryLayout.isPageAligned(addr)
        || (prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC | PROT_GROWS)) != 0) {
      return -Errno.EINVAL;
    }
    if (length < 0) {
      return -Errno.EINVAL;
    }
    long len = MemoryLayout.pageUp(length);
    if (len == 0) {
      return 0;
    }
    if (!MemoryLayout.isUserRange(addr, len)) {
      return -Errno.ENOMEM;
    }
    return space.protect(addr, len, (int) prot & 7) ? 0 : -Errno.ENOMEM;
  }

  long madvise(long addr, long length, long advice) {
    if (!MemoryLayout.isPageAligned(addr) || length < 0) {
      return -Errno.EINVAL;
    }
    long len = MemoryLayout.pageUp(length);
    if (len == 0) {
      return 0;
    }
    if (!MemoryLayout.isUserRange(addr, len) || !space.isCovered(addr, addr + len)) {
      return -Errno.ENOMEM;
    }
    if (advice == Mman.MADV_DONTNEED || advice == Mman.MADV_FREE) {
      space.discard(addr, len);
    }
    return 0;
  }

  long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr) {
    if ((flags & ~(Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) != 0
        || (flags & Mman.MREMAP_DONTUNMAP) != 0
        || ((flags & Mman.MREMAP_FIXED) != 0 && (flags & Mman.MREMAP_MAYMOVE) == 0)
        || !MemoryLayout.isPageAligned(oldAddr)
        || oldLength < 0
        || newLength <= 0
        || newLength > MemoryLayout.USER_TOP
        || oldLength > MemoryLayout.USER_TOP) {
      return -Errno.EINVAL;
    }
    long oldLen = MemoryLayout.pageUp(oldLength);
    long newLen = MemoryLayout.pageUp(newLength);
    if (oldLen == 0) {
      // Duplicating a shared mapping (old_size 0) is the only use; private memory cannot be.
      return -Errno.EINVAL;
    }
    Vma area = space.areaAt(oldAddr);
    if (area == null || oldAddr + oldLen > area.end()) {
      return -Errno.EFAULT;
    }
    if ((flags & Mman.MREMAP_FIXED) != 0) {
      if (!MemoryLayout.isPageAligned(newAddr)
          || !MemoryLayout.isUserRange(newAddr, newLen)
          || newAddr < MemoryLayout.MMAP_MIN) {
        return -Errno.EINVAL;
      }
      if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
        return -Errno.EINVAL;
      }
      space.unmap(newAddr, newLen);
      if (newLen < oldLen) {
        space.unmap(oldAddr + newLen, oldLen - newLen);
      }
      space.move(oldAddr, Math.min(oldLen, newLen), newAddr, newLen);
      return newAddr;
    }
    if (newLen <= oldLen) {
      if (newLen < oldLen) {
        space.unmap(oldAddr + newLen, oldLen - newLen);
      }
      return oldAddr;
    }
    long tail = oldAddr + oldLen;
    if (area.end() == tail && space.isFree(tail, newLen - oldLen)) {
      space.map(tail, newLen - oldLen, area.prot(), area.kind());
      return oldAddr;
    }
    if ((flags & Mman.MREMAP_MAYMOVE) == 0) {
      return -Errno.ENOMEM;
    }
    long to = space.findFree(newLen);
    if (to < 0) {
      return -Errno.ENOMEM;
    }
    space.move(oldAddr, oldLen, to, newLen);
    return to;
  }
}
