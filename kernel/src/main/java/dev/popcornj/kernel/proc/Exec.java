package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.signal.SignalFrame;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.List;

/**
 * Building a program's address space for execve: the ELF image, the heap, the stack with argv, envp
 * and the auxiliary vector, all in a fresh space so that a failure leaves the caller's program
 * untouched.
 */
final class Exec {
  /** A program ready to be installed: its space, entry point and initial stack pointer. */
  record Image(String path, AddressSpace space, UserMemory memory, long entry, long sp) {}

  /**
   * Where every process finds the code signal handlers return through (li a7, 139; ecall): one
   * read+execute page just above the mmap area, the role Linux's vDSO plays.
   */
  static final long TRAMPOLINE_ADDRESS = MemoryLayout.MMAP_TOP;

  private Exec() {}

  static Image prepare(
      Kernel kernel, ProgramFiles.Program program, List<String> argv, List<String> env)
      throws BadProgramException {
    ElfFile elf = ElfFile.parse(program.image());
    AddressSpace space = kernel.lifecycle() == null ? null : kernel.lifecycle().newSpace();
    UserMemory memory = new UserMemory(space, kernel.view());
    try {
      LoadedImage image = ElfLoader.load(elf, space, kernel.view());
      space.initHeap(image.heapStart(), MemoryLayout.MMAP_TOP);
      space.map(
          MemoryLayout.STACK_TOP - MemoryLayout.STACK_LIMIT,
          MemoryLayout.STACK_LIMIT,
          elf.stackExecutable() ? Prot.ALL : Prot.RW,
          Vma.Kind.STACK);
      space.map(TRAMPOLINE_ADDRESS, MemoryLayout.PAGE_SIZE, Prot.R | Prot.X, Vma.Kind.IMAGE);
      byte[] code = SignalFrame.TRAMPOLINE_CODE;
      kernel.view().writeBytes(space.populate(TRAMPOLINE_ADDRESS), code, 0, code.length);
      long sp =
          InitialStack.build(
              memory,
              MemoryLayout.STACK_TOP,
              argv,
              env,
              program.path(),
              image,
              kernel.harts().getFirst().isa().hwcap(),
              new InitialStack.Credentials(Process.UID, Process.UID, Process.GID, Process.GID),
              kernel.entropy().bytes(16));
      return new Image(program.path(), space, memory, image.entry(), sp);
    } catch (OutOfFramesException e) {
      space.release();
      throw new BadProgramException("does not fit in memory");
    } catch (BadProgramException | RuntimeException e) {
      space.release();
      throw e;
    }
  }

  /** The child's copy of a parent's address space at fork. */
  static AddressSpace forkSpace(Lifecycle lifecycle, AddressSpace parent, Kernel kernel) {
    AddressSpace child = lifecycle.newSpace();
    try {
      for (Vma a : parent.areas()) {
        child.map(a.start(), a.length(), a.prot(), a.kind());
        for (long v = a.start(); v < a.end(); v += MemoryLayout.PAGE_SIZE) {
          long src = parent.translate(v, AddressTranslator.READ);
          if (src == AddressTranslator.NO_MAPPING
              && Prot.allows(a.prot(), AddressTranslator.READ)) {
            continue;
          }
          if (src == AddressTranslator.NO_MAPPING) {
            continue;
          }
          long dst = child.populate(v);
          byte[] page = new byte[(int) MemoryLayout.PAGE_SIZE];
          kernel.view().readBytes(src, page, 0, page.length);
          kernel.view().writeBytes(dst, page, 0, page.length);
        }
      }
      if (parent.heapStart() >= 0) {
        child.copyHeapFrom(parent);
      }
      return child;
    } catch (OutOfFramesException e) {
      child.release();
      throw e;
    }
  }
}
