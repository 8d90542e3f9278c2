package dev.popcornj.machine.hart;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Just enough of Linux to run a static riscv64 glibc program on one hart for hart tests: an ELF
 * loader onto identity-mapped flat memory, an initial stack, and the handful of system calls that
 * glibc's startup, stdio and malloc make. Not the kernel: it exists to check the hart against
 * qemu-riscv64 on real compiled code.
 */
final class MiniLinux {
  static final long RAM = 256L << 20;
  private static final long STACK_TOP = RAM - 0x1000;
  private static final long MMAP_BASE = 128L << 20;
  private static final long ENOSYS = -38;

  final PhysicalMemory memory = new PhysicalMemory();
  final MemoryView view;
  final Hart hart;
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private long brkStart;
  private long brk;
  private long mmapNext = MMAP_BASE;
  private Integer exitStatus;

  MiniLinux(byte[] elf, String isa, List<String> argv) {
    memory.addRange(0, RAM);
    view = new MemoryView("mini", memory, List.of(new Region(0, RAM)));
    hart = new Hart(0, Isa.parse(isa), 1_000_000_000L);
    hart.bind((va, access) -> va >= 0x1000 && va < RAM ? va : AddressTranslator.NO_MAPPING, view);
    load(elf, argv);
  }

  private void load(byte[] elf, List<String> argv) {
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    long entry = b.getLong(24);
    long phoff = b.getLong(32);
    int phentsize = b.getShort(54) & 0xffff;
    int phnum = b.getShort(56) & 0xffff;
    long phdrAddr = 0;
    long end = 0;
    for (int i = 0; i < phnum; i++) {
      int p = (int) (phoff + (long) i * phentsize);
      int type = b.getInt(p);
      long offset = b.getLong(p + 8);
      long vaddr = b.getLong(p + 16);
      long filesz = b.getLong(p + 32);
      long memsz = b.getLong(p + 40);
      if (type == 1) {
        view.writeBytes(vaddr, elf, (int) offset, (int) filesz);
        end = Math.max(end, vaddr + memsz);
        if (phoff >= offset && phoff < offset + filesz) {
          phdrAddr = vaddr + (phoff - offset);
        }
      } else if (type == 6) {
        phdrAddr = vaddr;
      }
    }
    brkStart = (end + 0xfff) & ~0xfffL;
    brk = brkStart;

    // strings and AT_RANDOM bytes at the top, then the argc/argv/envp/auxv block below them
    long sp = STACK_TOP;
    long[] argvAddr = new long[argv.size()];
    for (int i = argv.size() - 1; i >= 0; i--) {
      byte[] s = (argv.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
      sp -= s.length;
      view.writeBytes(sp, s, 0, s.length);
      argvAddr[i] = sp;
    }
    sp -= 16;
    long random = sp;
    for (int i = 0; i < 16; i++) {
      view.write8(random + i, (byte) (i * 37 + 11));
    }
    sp &= ~15L;
    long[] auxv = {
      3,
      phdrAddr,
      4,
      56,
      5,
      phnum,
      6,
      4096,
      7,
      0,
      8,
      0,
      9,
      entry,
      11,
      0,
      12,
      0,
      13,
      0,
      14,
      0,
      16,
      hart.isa().hwcap(),
      17,
      100,
      23,
      0,
      25,
      random,
      31,
      argvAddr[0],
      0,
      0
    };
    int words = 1 + argv.size() + 1 + 1 + auxv.length;
    sp -= 8L * words;
    sp &= ~15L;
    long p = sp;
    view.write64(p, argv.size());
    p += 8;
    for (long a : argvAddr) {
      view.write64(p, a);
      p += 8;
    }
    view.write64(p, 0); // argv end
    p += 8;
    view.write64(p, 0); // empty environment
    p += 8;
    for (long v : auxv) {
      view.write64(p, v);
      p += 8;
    }
    hart.setX(2, sp);
    hart.setPc(entry);
  }

  /** Runs to exit; returns the exit status. Fails on any trap other than ecall. */
  int run(long maxInstructions) {
    while (exitStatus == null) {
      if (hart.instret() > maxInstructions) {
        throw new AssertionError("guest still running after " + maxInstructions + " instructions");
      }
      Hart.Stop stop = hart.run(1_000_000);
      if (stop == Hart.Stop.BUDGET) {
        continue;
      }
      Trap t = hart.trap();
      if (t.cause() != TrapCause.ECALL_FROM_U) {
        throw new AssertionError("guest trapped: " + t);
      }
      long ret = syscall((int) hart.x(17));
      if (exitStatus == null) {
        hart.setX(10, ret);
        hart.setPc(hart.pc() + 4);
      }
    }
    return exitStatus;
  }

  private long syscall(int nr) {
    long a0 = hart.x(10);
    long a1 = hart.x(11);
    long a2 = hart.x(12);
    switch (nr) {
      case 64: // write
        if (a0 != 1 && a0 != 2) {
          return -9;
        }
        byte[] buf = new byte[(int) a2];
        view.readBytes(a1, buf, 0, buf.length);
        stdout.write(buf, 0, buf.length);
        return a2;
      case 66: // writev
        {
          long total = 0;
          for (int i = 0; i < a2; i++) {
            long base = view.read64(a1 + 16L * i);
            long len = view.read64(a1 + 16L * i + 8);
            byte[] chunk = new byte[(int) len];
            view.readBytes(base, chunk, 0, chunk.length);
            stdout.write(chunk, 0, chunk.length);
            total += len;
          }
          return total;
        }
      case 93: // exit
      case 94: // exit_group
        exitStatus = (int) a0 & 0xff;
        return 0;
      case 214: // brk
        if (a0 >= brkStart && a0 < MMAP_BASE) {
          brk = a0;
        }
        return brk;
      case 222: // mmap: anonymous only, bump allocated
        {
          if ((hart.x(13) & 0x20) == 0) {
            return ENOSYS;
          }
          long len = (a1 + 0xfff) & ~0xfffL;
          long addr = mmapNext;
          mmapNext += len;
          return addr;
        }
      case 215: // munmap
      case 226: // mprotect
      case 135: // rt_sigprocmask
      case 134: // rt_sigaction
        return 0;
      case 96: // set_tid_address
      case 172: // getpid
      case 178: // gettid
        return 1000;
      case 278: // getrandom
        for (int i = 0; i < a1; i++) {
          view.write8(a0 + i, (byte) (i * 7 + 3));
        }
        return a1;
      default:
        return ENOSYS;
    }
  }

  String output() {
    return stdout.toString(StandardCharsets.UTF_8);
  }
}
