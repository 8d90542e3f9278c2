package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.machine.mem.MemoryView;

/**
 * Maps a validated {@link ElfFile} into an address space as Linux's binfmt_elf does: each PT_LOAD
 * segment becomes an area with its permissions holding its file bytes, the rest up to p_memsz (the
 * bss) is zero, and the program break starts at the next page after the highest segment.
 *
 * <p>When the program's file can be mapped (a tmpfs file), a segment's file bytes are a private
 * mapping of the file's pages, as binfmt_elf maps them: a page is read in when the program first
 * touches it, every process running the program shares the frames it only reads (and the harts'
 * decoded code of them), and a write makes a private copy. The part of the segment's last file page
 * past its file bytes is zeroed when the segment has a bss (binfmt_elf's padzero, a private copy of
 * that page), and the bss's further pages are anonymous. Otherwise (a host file, bytes from another
 * kernel), and for a segment that begins in a page the previous one ends in, the bytes are copied
 * in. A program's ET_DYN image (static-pie or PIE) is placed at {@link MemoryLayout#PIE_BASE}
 * (ELF_ET_DYN_BASE); its interpreter's at the top of the free mmap area, where Linux's mmap puts
 * it. PT_TLS is left to the C library, which sets up its own thread pointer.
 */
public final class ElfLoader {
  private ElfLoader() {}

  /**
   * Loads the program execve runs.
   *
   * @param file the program's file, whose pages hold the image's bytes, or null to copy them
   */
  public static LoadedImage load(
      ElfFile elf, MappableFile file, AddressSpace space, MemoryView view) {
    long bias =
        elf.isPositionIndependent()
            ? MemoryLayout.PIE_BASE - MemoryLayout.pageDown(elf.lowestVaddr())
            : 0;
    return loadWithBias(elf, file, bias, space, view);
  }

  /**
   * Loads a program's interpreter (PT_INTERP) into the space that already holds the program: an
   * ET_DYN interpreter as mmap(NULL, span) would place it, an ET_EXEC one at its link address.
   *
   * @throws ErrnoException ENOMEM when no gap holds it, EEXIST when an ET_EXEC interpreter overlaps
   *     what is mapped (binfmt_elf's MAP_FIXED_NOREPLACE)
   */
  public static LoadedImage loadInterpreter(
      ElfFile interp, MappableFile file, AddressSpace space, MemoryView view) {
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
    return loadWithBias(interp, file, bias, space, view);
  }

  private static LoadedImage loadWithBias(
      ElfFile elf, MappableFile file, long bias, AddressSpace space, MemoryView view) {
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
      long fileEnd = MemoryLayout.pageUp(s.vaddr() + bias + s.filesz());
      if (file != null && start == MemoryLayout.pageDown(s.vaddr() + bias) && s.filesz() > 0) {
        space.map(
            new Vma(
                start,
                fileEnd,
                prot,
                Vma.Kind.IMAGE,
                file,
                MemoryLayout.pageDown(s.offset()),
                false,
                null));
        if (fileEnd < end) {
          space.map(fileEnd, end - fileEnd, prot, Vma.Kind.IMAGE);
        }
        if (s.memsz() > s.filesz()) {
          long bss = s.vaddr() + bias + s.filesz();
          zero(bss, fileEnd - bss, space, view);
        }
      } else {
        if (start < end) {
          space.map(start, end - start, prot, Vma.Kind.IMAGE);
        }
        copy(elf.image(), s.offset(), s.vaddr() + bias, s.filesz(), space, view);
      }
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
      ProgramBytes image,
      long offset,
      long vaddr,
      long length,
      AddressSpace space,
      MemoryView view) {
    byte[] page = new byte[(int) MemoryLayout.PAGE_SIZE];
    while (length > 0) {
      int n = (int) Math.min(length, MemoryLayout.PAGE_SIZE - (vaddr & MemoryLayout.PAGE_MASK));
      image.read(offset, page, 0, n);
      view.writeBytes(space.populate(vaddr), page, 0, n);
      offset += n;
      vaddr += n;
      length -= n;
    }
  }

  /** Zeroes length bytes at vaddr, within one page, in a private copy of the page. */
  private static void zero(long vaddr, long length, AddressSpace space, MemoryView view) {
    if (length > 0) {
      view.writeBytes(space.populate(vaddr), new byte[(int) length], 0, (int) length);
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
