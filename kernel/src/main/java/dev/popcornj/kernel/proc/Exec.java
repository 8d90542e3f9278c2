package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.signal.SignalFrame;
import dev.popcornj.machine.mem.MemoryView;
import java.util.List;
import java.util.function.Supplier;

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

  /**
   * Loads program into a fresh address space from newSpace (released again if the program cannot be
   * loaded).
   *
   * @param view the kernel's memory, where space's frames are
   * @param hwcap what AT_HWCAP tells the program of the harts
   * @param random the 16 bytes AT_RANDOM points at
   */
  static Image prepare(
      Supplier<AddressSpace> newSpace,
      MemoryView view,
      long hwcap,
      byte[] random,
      ProgramFiles.Program program,
      List<String> argv,
      List<String> env)
      throws BadProgramException {
    ElfFile elf = ElfFile.parse(program.image());
    AddressSpace space = newSpace.get();
    UserMemory memory = new UserMemory(space, view);
    try {
      LoadedImage image = ElfLoader.load(elf, space, view);
      space.initHeap(image.heapStart(), MemoryLayout.MMAP_TOP);
      space.map(
          MemoryLayout.STACK_TOP - MemoryLayout.STACK_LIMIT,
          MemoryLayout.STACK_LIMIT,
          elf.stackExecutable() ? Prot.ALL : Prot.RW,
          Vma.Kind.STACK);
      space.mapSpecial(TRAMPOLINE_ADDRESS, SignalFrame.trampolineCode(), Prot.R | Prot.X, "[vdso]");
      long sp =
          InitialStack.build(
              memory,
              MemoryLayout.STACK_TOP,
              argv,
              env,
              program.path(),
              image,
              hwcap,
              new InitialStack.Credentials(Process.UID, Process.UID, Process.GID, Process.GID),
              random);
      return new Image(program.path(), space, memory, image.entry(), sp);
    } catch (OutOfFramesException e) {
      space.release();
      throw new BadProgramException("does not fit in memory");
    } catch (BadProgramException | RuntimeException e) {
      space.release();
      throw e;
    }
  }
}
