package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.testing.TestElf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ElfFileTest {
  private static final int RX = ElfDescriptor.PF_R | ElfDescriptor.PF_X;
  private static final int RW = ElfDescriptor.PF_R | ElfDescriptor.PF_W;

  static TestElf valid() {
    return new TestElf()
        .entry(0x10010)
        .load(RX, 0x10000, new byte[300], 300)
        .load(RW, 0x11f00, new byte[64], 4000)
        .segment(ElfDescriptor.PT_GNU_STACK, RW, 0, new byte[0], 0);
  }

  private static String reason(byte[] image) {
    return assertThrows(BadProgramException.class, () -> ElfFile.parse(image)).getMessage();
  }

  @Test
  void readsOnlyItsHeadersAndInterpreterPath() throws BadProgramException {
    byte[] interp = "/lib/ld.so\0".getBytes(StandardCharsets.US_ASCII);
    byte[] image =
        new TestElf()
            .entry(0x11010)
            .segment(ElfDescriptor.PT_INTERP, ElfDescriptor.PF_R, 0x10000, interp, interp.length)
            .load(RX, 0x11000, new byte[1 << 20], 1 << 20)
            .build();
    long[] read = new long[1];
    ProgramBytes counted =
        new ProgramBytes() {
          @Override
          public long length() {
            return image.length;
          }

          @Override
          public void read(long offset, byte[] dst, int off, int length) {
            read[0] += length;
            System.arraycopy(image, (int) offset, dst, off, length);
          }
        };
    ElfFile elf = ElfFile.parse(counted);
    assertEquals("/lib/ld.so", elf.interpreter());
    assertEquals(
        ElfDescriptor.EHDR_LENGTH + 2 * ElfDescriptor.PHDR_LENGTH + interp.length,
        read[0],
        "a mapped program's segments are not read to check it");
  }

  @Test
  void acceptsAStaticExecutable() throws BadProgramException {
    ElfFile elf = ElfFile.parse(valid().build());
    assertEquals(ElfDescriptor.ET_EXEC, elf.type());
    assertEquals(0x10010, elf.entry());
    assertEquals(3, elf.phnum());
    assertEquals(0x10000, elf.lowestVaddr());
    assertEquals(0x11f00 + 4000, elf.highestEnd());
    assertFalse(elf.stackExecutable());
    assertFalse(elf.isPositionIndependent());
  }

  @Test
  void acceptsStaticPie() throws BadProgramException {
    ElfFile elf =
        ElfFile.parse(
            new TestElf()
                .type(ElfDescriptor.ET_DYN)
                .entry(0x40)
                .load(RX, 0, new byte[128], 128)
                .build());
    assertTrue(elf.isPositionIndependent());
  }

  @Test
  void refusesWhatIsNotAnElfFile() {
    assertEquals(
        "not an ELF file", reason("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("not an ELF file", reason(new byte[0]));
    assertTrue(reason(Arrays.copyOf(valid().build(), 40)).startsWith("truncated ELF file"));
  }

  @Test
  void refusesOtherArchitecturesAndKinds() {
    byte[] x86 = valid().machine(62).build();
    assertEquals("not a riscv64 program: ELF for x86-64 (machine 62)", reason(x86));
    byte[] b32 = valid().build();
    b32[ElfDescriptor.EI_CLASS] = 1;
    assertEquals("not a riscv64 program: 32-bit ELF", reason(b32));
    byte[] be = valid().build();
    be[ElfDescriptor.EI_DATA] = 2;
    assertEquals("not a riscv64 program: big-endian ELF", reason(be));
    assertTrue(reason(valid().type(1).build()).startsWith("not an executable"));
  }

  @Test
  void acceptsADynamicallyLinkedProgramAndNamesItsInterpreter() throws BadProgramException {
    byte[] interp = "/lib/ld-linux-riscv64-lp64d.so.1\0".getBytes(StandardCharsets.US_ASCII);
    ElfFile elf =
        ElfFile.parse(
            valid()
                .segment(
                    ElfDescriptor.PT_INTERP, ElfDescriptor.PF_R, 0x10200, interp, interp.length)
                .build());
    assertTrue(elf.isDynamic());
    assertEquals("/lib/ld-linux-riscv64-lp64d.so.1", elf.interpreter());
    assertFalse(ElfFile.parse(valid().build()).isDynamic());
  }

  @Test
  void refusesABadInterpreterPath() {
    byte[] noNul = "/lib/ld.so".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        "the interpreter path does not end with NUL",
        reason(
            valid()
                .segment(ElfDescriptor.PT_INTERP, ElfDescriptor.PF_R, 0x10200, noNul, noNul.length)
                .build()));
    byte[] tooShort = {0};
    assertTrue(
        reason(valid().segment(ElfDescriptor.PT_INTERP, 0, 0x10200, tooShort, 1).build())
            .startsWith("bad interpreter path length"));
    byte[] path = "/lib/ld.so\0".getBytes(StandardCharsets.US_ASCII);
    byte[] cut = valid().segment(ElfDescriptor.PT_INTERP, 0, 0x10200, path, path.length).build();
    assertTrue(reason(Arrays.copyOf(cut, cut.length - 3)).contains("interpreter path lies past"));
  }

  @Test
  void refusesTruncatedAndInconsistentSegments() {
    byte[] full = valid().build();
    String r = reason(Arrays.copyOf(full, full.length - 10));
    assertTrue(r.startsWith("truncated ELF file: segment 1"), r);

    byte[] phdrsCut = Arrays.copyOf(full, ElfDescriptor.EHDR_LENGTH + 20);
    assertTrue(reason(phdrsCut).contains("program headers end at byte"));

    assertTrue(
        reason(new TestElf().load(RX, 0x10000, new byte[300], 100).build())
            .contains("file size larger"));
    assertTrue(
        reason(new TestElf().entry(0x90000).load(RX, 0x10000, new byte[30], 30).build())
            .contains("entry point"));
    assertTrue(
        reason(new TestElf().entry(0x100).load(RX, 0x0, new byte[300], 300).build())
            .contains("outside user space"));

    long nearStack = MemoryLayout.MMAP_TOP - 0x1000;
    assertTrue(
        reason(new TestElf().entry(nearStack).load(RX, nearStack, new byte[16], 0x10000).build())
            .contains("outside user space"),
        "a segment reaching into the stack's region");

    byte[] skewed = valid().build();
    ByteBuffer.wrap(skewed)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(ElfDescriptor.EHDR_LENGTH + ElfDescriptor.P_VADDR, 0x10008);
    assertTrue(reason(skewed).contains("not congruent"));

    byte[] noLoads =
        new TestElf().segment(ElfDescriptor.PT_GNU_STACK, RW, 0, new byte[0], 0).build();
    assertTrue(reason(noLoads).contains("no loadable"));
  }

  /** Whatever bytes it is given, the parser answers with an ElfFile or a one-line reason. */
  @Property(tries = 400)
  void neverFailsWithAnythingButAReason(
      @ForAll @IntRange(min = 0, max = 600) int cut,
      @ForAll @IntRange(min = 0, max = 255) int position,
      @ForAll byte value) {
    byte[] image = valid().build();
    image[position % image.length] = value;
    byte[] truncated = Arrays.copyOf(image, Math.min(cut * 8, image.length));
    try {
      ElfFile.parse(truncated);
    } catch (BadProgramException e) {
      assertFalse(e.getMessage().isBlank());
      assertFalse(e.getMessage().contains("\n"));
    }
  }
}
