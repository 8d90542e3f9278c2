package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.machine.mem.MemoryView;

/**
 * Maps a validated {@link ElfFile} into an address space as Linux's binfmt_elf does: each PT_LOAD
 * segment becomes an area with its permissions, its file bytes are copied in, the rest up to
 * p_memsz (the bss) is zero, and the program break starts at the next page after the highest
 * segment. A program's ET_DYN image (static-pie or PIE) is placed at {@link MemoryLayout#PIE_BASE}
 * (ELF_ET_DYN_BASE); its interpreter's at the top of the free mmap area, where Linux's mmap puts
 * it. PT_TLS is left to the C library, which sets up its own thread pointer.
 */
public final class ElfLoader {
  private ElfLoader() {}

  /** Loads the program execve runs. */
  public static LoadedImage load(ElfFile elf, AddressSpace space, MemoryView view) {
    long bias =
        elf.isPositionIndependent()
            ? MemoryLayout.PIE_BASE - MemoryLayout.pageDown(elf.lowestVaddr())
            : 0;
    return loadWithBias(elf, bias, space, view);
  }

  /**
   * Loads a program's interpreter (PT_INTERP) into the space that already holds the program: an
   * ET_DYN interpreter as mmap(NULL, span) would place it, an ET_EXEC one at its link address.
   *
   * @throws ErrnoException ENOMEM when no gap holds it, EEXIST when an ET_EXEC interpreter overlaps
   *     what is mapped (binfmt_elf's MAP_FIXED_NOREPLACE)
   */
  public static LoadedImage loadInterpreter(ElfFile interp, AddressSpace space, MemoryView view) {
    long low = MemoryLayout.pageDown(interp.lowestVaddr());
    long span = MemoryLayout.pageUp(interp.highestEnd()) - low;
    long bias = 0;
    if (interp.isPositionIndependent()) {
      long at = space.findFree(span);
      if (at < 0) {
        throw new ErrnoException(Errno.ENOMEM);
      }
      bias = at - low;
    } else if (!space.areasIn(low, low + span).isEmpty()) {
      throw new ErrnoException(Errno.EEXIST);
    }
    return loadWithBias(interp, bias, space, view);
  }

  private static LoadedImage loadWithBias(
      ElfFile elf, long bias, AddressSpace space, MemoryView view) {
    long mappedEnd = 0;
    for (ElfFile.Segment s : elf.segments()) {
      if (!s.isLoad() || s.memsz() == 0) {
        continue;
      }
      long start = MemoryLayout.pageDown(s.vaddr() + bias);
      long end = MemoryLayout.pageUp(s.vaddr() + bias + s.memsz());
      int prot = prot(s.flags());
      if (start < mappedEnd) {
        // The segment shares its first page(s) with the previous one, as tightly linked images
        // do: that page keeps its bytes and gets the permissions of both.
        long shared = Math.min(mappedEnd, end);
        Vma previous = space.areaAt(start);
        space.protect(start, shared - start, previous.prot() | prot);
        start = shared;
      }
      if (start < end) {
        space.map(start, end - start, prot, Vma.Kind.IMAGE);
      }
      copy(elf.image(), s.offset(), s.vaddr() + bias, s.filesz(), space, view);
      mappedEnd = Math.max(mappedEnd, end);
    }
    return new LoadedImage(
        elf.entry() + bias,
        bias,
        phdrAddress(elf) + bias,
        elf.phnum(),
        elf.phentsize(),
        MemoryLayout.pageUp(elf.highestEnd() + bias));
  }

  private static void copy(
      byte[] image, long offset, long vaddr, long length, AddressSpace space, MemoryView view) {
    while (length > 0) {
      int n = (int) Math.min(length, MemoryLayout.PAGE_SIZE - (vaddr & MemoryLayout.PAGE_MASK));
      view.writeBytes(space.populate(vaddr), image, (int) offset, n);
      offset += n;
      vaddr += n;
      length -= n;
    }
  }

  private static int prot(int flags) {
    int p = 0;
    if ((flags & ElfDescriptor.PF_R) != 0) {
      p |= Prot.R;
    }
    if ((flags & ElfDescriptor.PF_W) != 0) {
      p |= Prot.W;
    }
    if ((flags & ElfDescriptor.PF_X) != 0) {
      p |= Prot.X;
    }
    return p;
  }

  /**
   * The unbiased address of the program headers: PT_PHDR when present, else the place where the
   * loadable segment holding file offset e_phoff puts them.
   */
  private static long phdrAddress(ElfFile elf) {
    for (ElfFile.Segment s : elf.segments()) {
      if (s.type() == ElfDescriptor.PT_PHDR) {
        return s.vaddr();
      }
    }
    for (ElfFile.Segment s : elf.segments()) {
      if (s.isLoad() && elf.phoff() >= s.offset() && elf.phoff() - s.offset() < s.filesz()) {
        return s.vaddr() + (elf.phoff() - s.offset());
      }
    }
    return elf.lowestVaddr() + elf.phoff();
  }
}
