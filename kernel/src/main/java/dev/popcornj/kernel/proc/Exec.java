package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.signal.SignalFrame;
import dev.popcornj.machine.mem.MemoryView;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Building a program's address space for execve: the ELF image and its interpreter (the dynamic
 * loader PT_INTERP names), the heap, the stack with argv, envp and the auxiliary vector, all in a
 * fresh space so that a failure leaves the caller's program untouched.
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
   * @param files where an interpreter path is looked up, as the calling process sees files
   */
  static Image prepare(
      Supplier<AddressSpace> newSpace,
      MemoryView view,
      long hwcap,
      byte[] random,
      ProgramFiles.Program program,
      Function<String, ProgramFiles.Program> files,
      List<String> argv,
      List<String> env)
      throws BadProgramException {
    ElfFile elf = ElfFile.parse(program.image());
    ProgramFiles.Program interpFile =
        elf.isDynamic() ? interpreter(elf.interpreter(), files) : null;
    ElfFile interp = interpFile == null ? null : parseInterpreter(elf.interpreter(), interpFile);
    AddressSpace space = newSpace.get();
    UserMemory memory = new UserMemory(space, view);
    try {
      LoadedImage image = ElfLoader.load(elf, program.file(), space, view);
      long entry = image.entry();
      long interpBase = 0;
      if (interp != null) {
        LoadedImage loader = ElfLoader.loadInterpreter(interp, interpFile.file(), space, view);
        entry = loader.entry();
        interpBase = loader.loadBias();
      }
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
              interpBase,
              hwcap,
              new InitialStack.Credentials(Process.UID, Process.UID, Process.GID, Process.GID),
              random);
      return new Image(program.path(), space, memory, entry, sp);
    } catch (OutOfFramesException e) {
      space.release();
      throw new BadProgramException("does not fit in memory");
    } catch (BadProgramException | RuntimeException e) {
      space.release();
      throw e;
    }
  }

  /**
   * The interpreter at path, opened as execve opens a program: an error opening it is execve's
   * (ENOENT, EACCES, ...).
   */
  private static ProgramFiles.Program interpreter(
      String path, Function<String, ProgramFiles.Program> files) throws BadProgramException {
    try {
      return files.apply(path);
    } catch (ErrnoException e) {
      throw BadProgramException.ofInterpreter(
          path, e.errno(), "cannot open its interpreter " + path + ": " + Errno.name(e.errno()));
    }
  }

  /**
   * The interpreter checked as binfmt_elf checks one: a file that is not a riscv64 ELF executable
   * or shared object is ELIBBAD.
   */
  private static ElfFile parseInterpreter(String path, ProgramFiles.Program file)
      throws BadProgramException {
    try {
      return ElfFile.parse(file.image());
    } catch (BadProgramException e) {
      throw BadProgramException.ofInterpreter(
          path, Errno.ELIBBAD, "bad interpreter " + path + ": " + e.getMessage());
    }
  }
}
