package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Auxv;
import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.testing.TestElf;
import dev.popcornj.kernel.testing.TestSpace;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** execve's image of a dynamically linked program: the program, its interpreter, and the auxv. */
class ExecTest {
  private static final int RX = ElfDescriptor.PF_R | ElfDescriptor.PF_X;
  private static final int RW = ElfDescriptor.PF_R | ElfDescriptor.PF_W;
  private static final String LOADER = "/lib/ld-linux-riscv64-lp64d.so.1";
  private static final byte[] LOADER_CODE = {0x13, 0, 0, 0, 0x73, 0, 0x10, 0};

  private final TestSpace t = new TestSpace(64L << 20);

  private static byte[] program(String interpreter) {
    byte[] path = (interpreter + "\0").getBytes(StandardCharsets.US_ASCII);
    return new TestElf()
        .type(ElfDescriptor.ET_DYN)
        .entry(0x5b0)
        .load(RX, 0, new byte[0x700], 0x700)
        .load(RW, 0x1e08, new byte[0x40], 0x250)
        .segment(ElfDescriptor.PT_INTERP, ElfDescriptor.PF_R, 0x270, path, path.length)
        .build();
  }

  private static byte[] loader() {
    return new TestElf()
        .type(ElfDescriptor.ET_DYN)
        .entry(0x100)
        .load(RX, 0, new byte[0x100], 0x100)
        .load(RX, 0x100, LOADER_CODE, LOADER_CODE.length)
        .load(RW, 0x3000, new byte[16], 0x2000)
        .build();
  }

  private Exec.Image prepare(byte[] program, Function<String, ProgramFiles.Program> files)
      throws BadProgramException {
    return Exec.prepare(
        () -> t.space,
        t.view,
        0x112d,
        new byte[16],
        new ProgramFiles.Program("/bin/prog", program),
        files,
        List.of("prog"),
        List.of("A=1"));
  }

  private static Function<String, ProgramFiles.Program> only(String path, byte[] image) {
    return p -> {
      if (!p.equals(path)) {
        throw new ErrnoException(Errno.ENOENT);
      }
      return new ProgramFiles.Program(p, image);
    };
  }

  private static Map<Long, Long> auxv(UserMemory m, long sp) {
    long at = sp + 8 + 8 * (m.read64(sp) + 1);
    while (m.read64(at) != 0) {
      at += 8;
    }
    at += 8;
    Map<Long, Long> out = new HashMap<>();
    for (; m.read64(at) != Auxv.AT_NULL; at += 16) {
      out.put(m.read64(at), m.read64(at + 8));
    }
    return out;
  }

  @Test
  void startsTheInterpreterAndTellsItWhereTheProgramIs() throws BadProgramException {
    Exec.Image image = prepare(program(LOADER), only(LOADER, loader()));
    Map<Long, Long> auxv = auxv(image.memory(), image.sp());

    long base = auxv.get((long) Auxv.AT_BASE);
    assertTrue(base > MemoryLayout.PIE_BASE && base < MemoryLayout.MMAP_TOP, "in the mmap area");
    assertEquals(0, base & MemoryLayout.PAGE_MASK);
    assertEquals(base + 0x100, image.entry(), "the first instruction is the interpreter's");
    assertArrayEquals(LOADER_CODE, image.memory().read(base + 0x100, LOADER_CODE.length));
    assertEquals(MemoryLayout.PIE_BASE + 0x5b0, auxv.get((long) Auxv.AT_ENTRY));
    assertEquals(MemoryLayout.PIE_BASE + ElfDescriptor.EHDR_LENGTH, auxv.get((long) Auxv.AT_PHDR));
    assertEquals(3, auxv.get((long) Auxv.AT_PHNUM));
    assertEquals(
        MemoryLayout.pageUp(MemoryLayout.PIE_BASE + 0x1e08 + 0x250),
        t.space.heapStart(),
        "the break follows the program, not the interpreter");
  }

  @Test
  void aStaticProgramHasNoInterpreterBase() throws BadProgramException {
    byte[] program = new TestElf().entry(0x10000).load(RX, 0x10000, new byte[64], 64).build();
    Exec.Image image = prepare(program, only(LOADER, loader()));
    assertEquals(0, auxv(image.memory(), image.sp()).get((long) Auxv.AT_BASE));
    assertEquals(0x10000, image.entry());
  }

  @Test
  void aMissingInterpreterFailsAsOpeningItDid() {
    long before = t.frames.framesInUse();
    BadProgramException e =
        assertThrows(
            BadProgramException.class,
            () -> prepare(program("/lib/ld-missing.so.1"), only(LOADER, loader())));
    assertEquals(Errno.ENOENT, e.errno());
    assertEquals("/lib/ld-missing.so.1", e.interpreter());
    assertEquals(before, t.frames.framesInUse(), "nothing was mapped");
  }

  @Test
  void anInterpreterThatIsNoRiscvElfIsElibbad() {
    byte[] x86 =
        new TestElf()
            .machine(62)
            .type(ElfDescriptor.ET_DYN)
            .entry(0)
            .load(RX, 0, new byte[8], 8)
            .build();
    for (byte[] bad : List.of(x86, "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII))) {
      BadProgramException e =
          assertThrows(
              BadProgramException.class, () -> prepare(program(LOADER), only(LOADER, bad)));
      assertEquals(Errno.ELIBBAD, e.errno());
      assertTrue(e.getMessage().startsWith("bad interpreter " + LOADER + ": "), e.getMessage());
    }
  }

  @Test
  void aBadProgramIsEnoexecWithoutInterpreter() {
    BadProgramException e =
        assertThrows(
            BadProgramException.class,
            () -> prepare("not elf".getBytes(StandardCharsets.US_ASCII), only(LOADER, loader())));
    assertEquals(Errno.ENOEXEC, e.errno());
    assertNull(e.interpreter());
  }
}
