package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Auxv;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestSpace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitialStackTest {
  private static final long TOP = MemoryLayout.STACK_TOP;
  private static final LoadedImage IMAGE = new LoadedImage(0x10abc, 0, 0x10040, 9, 56, 0x80000);
  private static final long INTERPRETER_BASE = 0x3f_f7fd_5000L;
  private static final byte[] RANDOM = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  private final TestSpace t = new TestSpace();

  private long build(List<String> argv, List<String> env) throws BadProgramException {
    t.space.map(TOP - MemoryLayout.STACK_LIMIT, MemoryLayout.STACK_LIMIT, Prot.RW, Vma.Kind.STACK);
    return InitialStack.build(
        t.user,
        TOP,
        argv,
        env,
        "/bin/prog",
        IMAGE,
        INTERPRETER_BASE,
        0x112d,
        new InitialStack.Credentials(1, 2, 3, 4),
        RANDOM);
  }

  private static String string(UserMemory m, long addr) {
    return new String(m.readCString(addr, 4096), StandardCharsets.UTF_8);
  }

  @Test
  void laysOutArgcArgvEnvpAndAuxvAsLinuxDoes() throws BadProgramException {
    List<String> argv = List.of("prog", "-n", "", "ünïcode");
    List<String> env = List.of("A=1", "PATH=/bin");
    long sp = build(argv, env);
    UserMemory m = t.user;
    assertEquals(0, sp % 16, "sp is 16-byte aligned");

    assertEquals(argv.size(), m.read64(sp));
    long at = sp + 8;
    List<String> seenArgv = new ArrayList<>();
    long previous = 0;
    for (int i = 0; i < argv.size(); i++, at += 8) {
      long p = m.read64(at);
      assertTrue(p > previous, "strings in order, argv[0] lowest");
      previous = p;
      seenArgv.add(string(m, p));
    }
    assertEquals(argv, seenArgv);
    assertEquals(0, m.read64(at));
    at += 8;
    List<String> seenEnv = new ArrayList<>();
    for (long p; (p = m.read64(at)) != 0; at += 8) {
      seenEnv.add(string(m, p));
    }
    assertEquals(env, seenEnv);
    at += 8;

    Map<Long, Long> auxv = new LinkedHashMap<>();
    while (true) {
      long type = m.read64(at);
      long value = m.read64(at + 8);
      at += 16;
      if (type == Auxv.AT_NULL) {
        break;
      }
      auxv.put(type, value);
    }
    assertEquals(
        List.of(
            (long) Auxv.AT_HWCAP,
            (long) Auxv.AT_PAGESZ,
            (long) Auxv.AT_CLKTCK,
            (long) Auxv.AT_PHDR,
            (long) Auxv.AT_PHENT,
            (long) Auxv.AT_PHNUM,
            (long) Auxv.AT_BASE,
            (long) Auxv.AT_FLAGS,
            (long) Auxv.AT_ENTRY,
            (long) Auxv.AT_UID,
            (long) Auxv.AT_EUID,
            (long) Auxv.AT_GID,
            (long) Auxv.AT_EGID,
            (long) Auxv.AT_SECURE,
            (long) Auxv.AT_RANDOM,
            (long) Auxv.AT_EXECFN),
        List.copyOf(auxv.keySet()));
    assertEquals(0x112d, auxv.get((long) Auxv.AT_HWCAP));
    assertEquals(4096, auxv.get((long) Auxv.AT_PAGESZ));
    assertEquals(100, auxv.get((long) Auxv.AT_CLKTCK));
    assertEquals(0x10040, auxv.get((long) Auxv.AT_PHDR));
    assertEquals(56, auxv.get((long) Auxv.AT_PHENT));
    assertEquals(9, auxv.get((long) Auxv.AT_PHNUM));
    assertEquals(INTERPRETER_BASE, auxv.get((long) Auxv.AT_BASE));
    assertEquals(0x10abc, auxv.get((long) Auxv.AT_ENTRY));
    assertEquals(1, auxv.get((long) Auxv.AT_UID));
    assertEquals(4, auxv.get((long) Auxv.AT_EGID));
    assertEquals(0, auxv.get((long) Auxv.AT_SECURE));
    assertArrayEquals(RANDOM, m.read(auxv.get((long) Auxv.AT_RANDOM), 16));
    long execfn = auxv.get((long) Auxv.AT_EXECFN);
    assertEquals("/bin/prog", string(m, execfn));
    assertEquals(
        TOP - 8 - "/bin/prog".length() - 1, execfn, "execfn sits just below the top marker");
    assertEquals(0, m.read64(TOP - 8));
    assertTrue(auxv.get((long) Auxv.AT_RANDOM) > at, "random bytes above the tables");
  }

  @Test
  void refusesAnOversizedArgumentList() {
    List<String> huge = List.of("prog", "x".repeat(InitialStackDescriptor.MAX_STRINGS));
    assertThrows(BadProgramException.class, () -> build(huge, List.of()));
  }
}
