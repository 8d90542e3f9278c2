package dev.popcornj.kernel.proc;

import static dev.popcornj.kernel.proc.InitialStackDescriptor.AUXV_ENTRY;
import static dev.popcornj.kernel.proc.InitialStackDescriptor.RANDOM_BYTES;
import static dev.popcornj.kernel.proc.InitialStackDescriptor.STACK_ALIGN;
import static dev.popcornj.kernel.proc.InitialStackDescriptor.TOP_PAD;
import static dev.popcornj.kernel.proc.InitialStackDescriptor.WORD;

import dev.popcornj.kernel.abi.Auxv;
import dev.popcornj.kernel.mm.UserMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a new program's initial stack (argc, argv, envp, auxv and the strings they point to) below
 * a stack top, laid out as {@link InitialStackDescriptor} shows, and returns the initial sp.
 */
public final class InitialStack {
  /** The process identity and machine facts that go into the auxiliary vector. */
  public record Credentials(long uid, long euid, long gid, long egid) {}

  private InitialStack() {}

  /**
   * Builds the stack in memory that must be mapped writable below stackTop; random supplies the
   * AT_RANDOM bytes.
   *
   * @param interpreterBase where the program's interpreter was loaded (AT_BASE), 0 without one
   * @throws BadProgramException when the arguments and environment are too large
   */
  public static long build(
      UserMemory memory,
      long stackTop,
      List<String> argv,
      List<String> envp,
      String execfn,
      LoadedImage image,
      long interpreterBase,
      long hwcap,
      Credentials ids,
      byte[] random)
      throws BadProgramException {
    if (random.length != RANDOM_BYTES) {
      throw new IllegalArgumentException("AT_RANDOM needs " + RANDOM_BYTES + " bytes");
    }
    long total = 0;
    List<byte[]> strings = new ArrayList<>();
    for (String s : argv) {
      strings.add(cString(s));
    }
    for (String s : envp) {
      strings.add(cString(s));
    }
    for (byte[] s : strings) {
      total += s.length;
    }
    if (total > InitialStackDescriptor.MAX_STRINGS) {
      throw new BadProgramException("argument list and environment too long (" + total + " bytes)");
    }

    long p = stackTop - TOP_PAD;
    memory.zero(p, TOP_PAD);
    byte[] fn = cString(execfn);
    p -= fn.length;
    memory.write(p, fn);
    long execfnAddr = p;
    p -= total;
    long[] addrs = new long[strings.size()];
    long at = p;
    for (int i = 0; i < strings.size(); i++) {
      addrs[i] = at;
      memory.write(at, strings.get(i));
      at += strings.get(i).length;
    }
    p &= -STACK_ALIGN;
    p -= RANDOM_BYTES;
    memory.write(p, random);
    long randomAddr = p;

    long[] auxv = {
      Auxv.AT_HWCAP,
      hwcap,
      Auxv.AT_PAGESZ,
      4096,
      Auxv.AT_CLKTCK,
      Auxv.USER_HZ,
      Auxv.AT_PHDR,
      image.phdr(),
      Auxv.AT_PHENT,
      image.phent(),
      Auxv.AT_PHNUM,
      image.phnum(),
      Auxv.AT_BASE,
      interpreterBase,
      Auxv.AT_FLAGS,
      0,
      Auxv.AT_ENTRY,
      image.entry(),
      Auxv.AT_UID,
      ids.uid(),
      Auxv.AT_EUID,
      ids.euid(),
      Auxv.AT_GID,
      ids.gid(),
      Auxv.AT_EGID,
      ids.egid(),
      Auxv.AT_SECURE,
      0,
      Auxv.AT_RANDOM,
      randomAddr,
      Auxv.AT_EXECFN,
      execfnAddr,
      Auxv.AT_NULL,
      0
    };
    int argc = argv.size();
    int envc = envp.size();
    long words = 1 + (argc + 1) + (envc + 1);
    long sp = (p - words * WORD - (long) (auxv.length / 2) * AUXV_ENTRY) & -STACK_ALIGN;

    long w = sp;
    memory.write64(w, argc);
    w += WORD;
    for (int i = 0; i < argc; i++, w += WORD) {
      memory.write64(w, addrs[i]);
    }
    memory.write64(w, 0);
    w += WORD;
    for (int i = 0; i < envc; i++, w += WORD) {
      memory.write64(w, addrs[argc + i]);
    }
    memory.write64(w, 0);
    w += WORD;
    for (long v : auxv) {
      memory.write64(w, v);
      w += WORD;
    }
    return sp;
  }

  private static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }
}
