package dev.popcornj.kernel.proc;

import static dev.popcornj.kernel.abi.ElfDescriptor.EHDR_LENGTH;
import static dev.popcornj.kernel.abi.ElfDescriptor.EI_CLASS;
import static dev.popcornj.kernel.abi.ElfDescriptor.EI_DATA;
import static dev.popcornj.kernel.abi.ElfDescriptor.EI_VERSION;
import static dev.popcornj.kernel.abi.ElfDescriptor.ELFCLASS64;
import static dev.popcornj.kernel.abi.ElfDescriptor.ELFDATA2LSB;
import static dev.popcornj.kernel.abi.ElfDescriptor.EM_RISCV;
import static dev.popcornj.kernel.abi.ElfDescriptor.ET_DYN;
import static dev.popcornj.kernel.abi.ElfDescriptor.ET_EXEC;
import static dev.popcornj.kernel.abi.ElfDescriptor.EV_CURRENT;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_ENTRY;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_MACHINE;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_PHENTSIZE;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_PHNUM;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_PHOFF;
import static dev.popcornj.kernel.abi.ElfDescriptor.E_TYPE;
import static dev.popcornj.kernel.abi.ElfDescriptor.PF_X;
import static dev.popcornj.kernel.abi.ElfDescriptor.PHDR_LENGTH;
import static dev.popcornj.kernel.abi.ElfDescriptor.PT_GNU_STACK;
import static dev.popcornj.kernel.abi.ElfDescriptor.PT_INTERP;
import static dev.popcornj.kernel.abi.ElfDescriptor.PT_LOAD;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_ALIGN;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_FILESZ;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_FLAGS;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_MEMSZ;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_OFFSET;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_TYPE;
import static dev.popcornj.kernel.abi.ElfDescriptor.P_VADDR;

import dev.popcornj.kernel.mm.MemoryLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated ELF64 riscv64 executable: static (ET_EXEC), static-pie (ET_DYN without PT_INTERP), or
 * dynamically linked (either type with PT_INTERP, naming the program interpreter that execve loads
 * beside it). {@link #parse} checks everything the loader relies on and refuses anything else with
 * a one-line reason, so loading never meets a malformed header.
 *
 * @param interpreter the path PT_INTERP names (the dynamic loader), or null for a static program
 */
public record ElfFile(
    int type,
    long entry,
    long phoff,
    int phentsize,
    List<Segment> segments,
    boolean stackExecutable,
    String interpreter,
    ProgramBytes image) {

  /** One program header. */
  public record Segment(
      int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
    public boolean isLoad() {
      return type == PT_LOAD;
    }
  }

  /** The largest program file accepted; more would not fit the guest's memory anyway. */
  public static final int MAX_IMAGE_BYTES = 1 << 30;

  /** The longest PT_INTERP accepted, its NUL included (Linux's PATH_MAX). */
  public static final int MAX_INTERPRETER_BYTES = 4096;

  public boolean isPositionIndependent() {
    return type == ET_DYN;
  }

  /** True when the program needs its interpreter (PT_INTERP) to run. */
  public boolean isDynamic() {
    return interpreter != null;
  }

  public int phnum() {
    return segments.size();
  }

  /** Lowest p_vaddr of the PT_LOAD segments. */
  public long lowestVaddr() {
    return segments.stream().filter(Segment::isLoad).mapToLong(Segment::vaddr).min().orElse(0);
  }

  /** Highest p_vaddr + p_memsz of the PT_LOAD segments. */
  public long highestEnd() {
    return segments.stream()
        .filter(Segment::isLoad)
        .mapToLong(s -> s.vaddr() + s.memsz())
        .max()
        .orElse(0);
  }

  /** Parses and validates image; throws with the reason when it is not a runnable program. */
  public static ElfFile parse(byte[] image) throws BadProgramException {
    return parse(ProgramBytes.of(image));
  }

  /**
   * Parses and validates a program file, reading its ELF header, program headers and PT_INTERP's
   * path; throws with the reason when it is not a runnable program.
   */
  public static ElfFile parse(ProgramBytes image) throws BadProgramException {
    long length = image.length();
    byte[] h = image.range(0, (int) Math.min(length, EHDR_LENGTH));
    if (h.length < 4 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
      throw new BadProgramException("not an ELF file");
    }
    if (h.length < EHDR_LENGTH) {
      throw new BadProgramException(
          "truncated ELF file: " + length + " bytes, the ELF header needs " + EHDR_LENGTH);
    }
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    if (h[EI_CLASS] != ELFCLASS64) {
      throw new BadProgramException(
          "not a riscv64 program: " + (h[EI_CLASS] == 1 ? "32-bit" : "unknown class") + " ELF");
    }
    if (h[EI_DATA] != ELFDATA2LSB) {
      throw new BadProgramException("not a riscv64 program: big-endian ELF");
    }
    int machine = Short.toUnsignedInt(b.getShort(E_MACHINE));
    if (machine != EM_RISCV) {
      throw new BadProgramException(
          "not a riscv64 program: ELF for " + machineName(machine) + " (machine " + machine + ")");
    }
    int type = Short.toUnsignedInt(b.getShort(E_TYPE));
    if (type != ET_EXEC && type != ET_DYN) {
      throw new BadProgramException("not an executable: ELF type " + typeName(type));
    }
    if (h[EI_VERSION] != EV_CURRENT) {
      throw new BadProgramException("unsupported ELF version " + h[EI_VERSION]);
    }
    long entry = b.getLong(E_ENTRY);
    long phoff = b.getLong(E_PHOFF);
    int phentsize = Short.toUnsignedInt(b.getShort(E_PHENTSIZE));
    int phnum = Short.toUnsignedInt(b.getShort(E_PHNUM));
    if (phnum == 0) {
      throw new BadProgramException("no program headers");
    }
    if (phentsize != PHDR_LENGTH) {
      throw new BadProgramException("bad program header size " + phentsize);
    }
    long phEnd = phoff + (long) phnum * PHDR_LENGTH;
    if (phoff < 0 || phoff > length || phEnd > length) {
      throw new BadProgramException(
          "truncated ELF file: program headers end at byte " + phEnd + ", file has " + length);
    }
    ByteBuffer ph =
        ByteBuffer.wrap(image.range(phoff, phnum * PHDR_LENGTH)).order(ByteOrder.LITTLE_ENDIAN);
    List<Segment> segments = new ArrayList<>();
    boolean stackExecutable = false;
    String interpreter = null;
    for (int i = 0; i < phnum; i++) {
      int at = i * PHDR_LENGTH;
      Segment s =
          new Segment(
              ph.getInt(at + P_TYPE),
              ph.getInt(at + P_FLAGS),
              ph.getLong(at + P_OFFSET),
              ph.getLong(at + P_VADDR),
              ph.getLong(at + P_FILESZ),
              ph.getLong(at + P_MEMSZ),
              ph.getLong(at + P_ALIGN));
      if (s.type() == PT_INTERP && interpreter == null) {
        // As binfmt_elf: the first PT_INTERP counts.
        interpreter = interpreter(image, s);
      }
      if (s.type() == PT_GNU_STACK) {
        stackExecutable = (s.flags() & PF_X) != 0;
      }
      if (s.isLoad()) {
        checkLoad(i, s, length, type);
      }
      segments.add(s);
    }
    ElfFile elf =
        new ElfFile(
            type,
            entry,
            phoff,
            phentsize,
            List.copyOf(segments),
            stackExecutable,
            interpreter,
            image);
    long loads = segments.stream().filter(Segment::isLoad).count();
    if (loads == 0) {
      throw new BadProgramException("no loadable (PT_LOAD) segments");
    }
    boolean entryMapped =
        segments.stream()
            .anyMatch(s -> s.isLoad() && entry >= s.vaddr() && entry - s.vaddr() < s.memsz());
    if (!entryMapped) {
      throw new BadProgramException(
          "entry point 0x" + Long.toHexString(entry) + " lies outside every loadable segment");
    }
    if (type == ET_DYN
        && elf.highestEnd() - MemoryLayout.pageDown(elf.lowestVaddr())
            > MemoryLayout.MMAP_TOP - MemoryLayout.PIE_BASE) {
      throw new BadProgramException("position-independent image too large");
    }
    return elf;
  }

  private static void checkLoad(int index, Segment s, long fileLength, int type)
      throws BadProgramException {
    String which = "segment " + index + ": ";
    if (s.filesz() < 0
        || s.offset() < 0
        || s.offset() > fileLength
        || s.filesz() > fileLength - s.offset()) {
      throw new BadProgramException(
          "truncated ELF file: "
              + which
              + "ends at byte "
              + Long.toUnsignedString(s.offset() + s.filesz())
              + ", file has "
              + fileLength);
    }
    if (Long.compareUnsigned(s.filesz(), s.memsz()) > 0) {
      throw new BadProgramException(which + "file size larger than memory size");
    }
    if (((s.offset() - s.vaddr()) & MemoryLayout.PAGE_MASK) != 0) {
      throw new BadProgramException(
          which + "offset and address not congruent modulo the page size");
    }
    if (type == ET_EXEC) {
      if (s.vaddr() < MemoryLayout.MMAP_MIN
          || !MemoryLayout.isUserRange(s.vaddr(), s.memsz())
          || s.vaddr() + s.memsz() > MemoryLayout.MMAP_TOP) {
        throw new BadProgramException(
            which + "address 0x" + Long.toHexString(s.vaddr()) + " outside user space");
      }
    } else if (s.vaddr() < 0 || !MemoryLayout.isUserRange(s.vaddr(), s.memsz())) {
      throw new BadProgramException(which + "bad address 0x" + Long.toHexString(s.vaddr()));
    }
  }

  /**
   * The path PT_INTERP holds, checked as binfmt_elf does: 2 to PATH_MAX bytes inside the file,
   * ending with its NUL (the path ends at the first NUL, as the kernel's string would).
   */
  private static String interpreter(ProgramBytes image, Segment s) throws BadProgramException {
    if (s.filesz() < 2 || s.filesz() > MAX_INTERPRETER_BYTES) {
      throw new BadProgramException("bad interpreter path length " + s.filesz());
    }
    if (s.offset() < 0 || s.offset() > image.length() - s.filesz()) {
      throw new BadProgramException("truncated ELF file: the interpreter path lies past its end");
    }
    int n = (int) s.filesz();
    byte[] path = image.range(s.offset(), n);
    if (path[n - 1] != 0) {
      throw new BadProgramException("the interpreter path does not end with NUL");
    }
    int end = 0;
    while (path[end] != 0) {
      end++;
    }
    return new String(path, 0, end, StandardCharsets.UTF_8);
  }

  private static String machineName(int m) {
    return switch (m) {
      case 3 -> "x86";
      case 8 -> "MIPS";
      case 20 -> "PowerPC";
      case 21 -> "PowerPC64";
      case 22 -> "s390";
      case 40 -> "ARM";
      case 62 -> "x86-64";
      case 183 -> "AArch64";
      case 258 -> "LoongArch";
      default -> "another architecture";
    };
  }

  private static String typeName(int t) {
    return switch (t) {
      case 0 -> "none";
      case 1 -> "relocatable object (ET_REL)";
      case 4 -> "core dump (ET_CORE)";
      default -> String.valueOf(t);
    };
  }
}
