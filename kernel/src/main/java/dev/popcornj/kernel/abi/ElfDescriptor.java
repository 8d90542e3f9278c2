package dev.popcornj.kernel.abi;

/**
 * Layouts of the ELF64 file header and program header (System V gABI), little-endian, and the
 * constants a riscv64 loader checks.
 *
 * <pre>
 * Elf64_Ehdr (64 bytes)
 *   0 +------------------------------------------------+
 *     | e_ident[16]: 7f 'E' 'L' 'F' class data version |
 *  16 +--------+--------+---------+--------------------+
 *     | e_type | e_mach | e_version u32                |  e_type, e_machine u16
 *  24 +-----------------+---------+--------------------+
 *     | e_entry     u64 | e_phoff u64                  |
 *  40 +-----------------+------------------------------+
 *     | e_shoff     u64 | e_flags u32 | e_ehsize u16   |
 *  54 +--------+--------+--------+--------+------------+
 *     |phentsz | phnum  |shentsz | shnum  | shstrndx   |  u16 each
 *  64 +--------+--------+--------+--------+------------+
 *
 * Elf64_Phdr (56 bytes)
 *   0 +---------------+---------------+
 *     | p_type    u32 | p_flags   u32 |
 *   8 +---------------+---------------+
 *     | p_offset  u64 | p_vaddr   u64 |
 *  24 +---------------+---------------+
 *     | p_paddr   u64 | p_filesz  u64 |
 *  40 +---------------+---------------+
 *     | p_memsz   u64 | p_align   u64 |
 *  56 +---------------+---------------+
 * </pre>
 */
public final class ElfDescriptor {
  public static final int EI_CLASS = 4;
  public static final int EI_DATA = 5;
  public static final int EI_VERSION = 6;
  public static final int E_TYPE = 16;
  public static final int E_MACHINE = 18;
  public static final int E_VERSION = 20;
  public static final int E_ENTRY = 24;
  public static final int E_PHOFF = 32;
  public static final int E_FLAGS = 48;
  public static final int E_EHSIZE = 52;
  public static final int E_PHENTSIZE = 54;
  public static final int E_PHNUM = 56;
  public static final int EHDR_LENGTH = 64;

  public static final int P_TYPE = 0;
  public static final int P_FLAGS = 4;
  public static final int P_OFFSET = 8;
  public static final int P_VADDR = 16;
  public static final int P_FILESZ = 32;
  public static final int P_MEMSZ = 40;
  public static final int P_ALIGN = 48;
  public static final int PHDR_LENGTH = 56;

  public static final int ELFCLASS64 = 2;
  public static final int ELFDATA2LSB = 1;
  public static final int EV_CURRENT = 1;
  public static final int ET_EXEC = 2;
  public static final int ET_DYN = 3;
  public static final int EM_RISCV = 243;

  public static final int PT_LOAD = 1;
  public static final int PT_DYNAMIC = 2;
  public static final int PT_INTERP = 3;
  public static final int PT_PHDR = 6;
  public static final int PT_TLS = 7;
  public static final int PT_GNU_STACK = 0x6474e551;

  public static final int PF_X = 1;
  public static final int PF_W = 2;
  public static final int PF_R = 4;

  /** e_flags bit for the compressed extension, and the float ABI field (EF_RISCV_FLOAT_ABI). */
  public static final int EF_RISCV_RVC = 0x1;

  public static final int EF_RISCV_FLOAT_ABI = 0x6;

  private ElfDescriptor() {}
}
