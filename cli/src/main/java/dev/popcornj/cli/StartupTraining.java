package dev.popcornj.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of a start-up cache: the popcorn script runs this once per build under JDK 25's
 * {@code -XX:AOTCacheOutput}, which keeps the classes it loads and links and the profiles of the
 * methods it runs, so that every later {@code popcorn} starts from them. There are two caches, each
 * trained on what its commands do. {@code run} (every command but boot): what a short {@code
 * popcorn run} does, the guest's hello when the guest is built, else a built-in freestanding
 * program that writes one line and exits. {@code boot}: a boot of {@link #BOOT_KERNELS} kernels
 * from the guest's initramfs, which loads and runs much that one program does not (kexec, the
 * messaging layer, the services, busybox's shell on every kernel); without the initramfs it trains
 * as {@code run} does. Its output is the caller's to discard.
 */
final class StartupTraining {
  /** Kernels of the boot training: enough that each kernel checks in with several others. */
  static final int BOOT_KERNELS = 8;

  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    Path home = HostView.popcornHome();
    if (args.length > 0 && args[0].equals("boot") && home != null) {
      Path initramfs = home.resolve("guest/out/initramfs.cpio");
      Path light = home.resolve("guest/out/initramfs-light.cpio");
      if (Files.isRegularFile(initramfs) && Files.isRegularFile(light)) {
        // Its input is empty, so the primary's shell ends at once and the machine powers off.
        System.exit(
            Main.execute(
                "boot",
                "--machine",
                "manycore",
                "--kernels",
                Integer.toString(BOOT_KERNELS),
                "--initramfs",
                initramfs.toString(),
                "--light-initramfs",
                light.toString()));
      }
    }
    Path hello = home == null ? null : home.resolve("guest/out/hello");
    Path builtIn = null;
    if (hello == null || !Files.isRegularFile(hello)) {
      builtIn = Files.createTempFile("popcorn-training-", "");
      Files.write(builtIn, freestandingHello());
      hello = builtIn;
    }
    int status;
    try {
      Main.execute("--version");
      status = Main.execute("run", hello.toString());
    } finally {
      if (builtIn != null) {
        Files.deleteIfExists(builtIn);
      }
    }
    System.exit(status);
  }

  private static final long LOAD_ADDRESS = 0x10000;
  private static final int ELF_HEADER_SIZE = 64;
  private static final int PROGRAM_HEADER_SIZE = 56;
  private static final int CODE_OFFSET = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE;
  private static final byte[] MESSAGE = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /**
   * A static riscv64 ELF of one PT_LOAD segment (the whole file, read and execute, at 0x10000):
   *
   * <pre>
   *   0   ELF header (64 bytes)
   *  64   program header (56 bytes)
   * 120   code: write(1, message, 6); exit(0)          (9 instructions)
   * 156   message "hello\n"
   * </pre>
   */
  static byte[] freestandingHello() {
    int[] code = {
      addi(17, 0, 64), // a7 = write
      addi(10, 0, 1), // a0 = stdout
      auipc(11, 0), // a1 = this pc ...
      addi(11, 11, 9 * 4 - 2 * 4), // ... + the distance from here to the message
      addi(12, 0, MESSAGE.length), // a2 = length
      ECALL,
      addi(17, 0, 93), // a7 = exit
      addi(10, 0, 0), // a0 = 0
      ECALL
    };
    int size = CODE_OFFSET + code.length * 4 + MESSAGE.length;
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
    b.putShort((short) 2) // ET_EXEC
        .putShort((short) 243) // EM_RISCV
        .putInt(1)
        .putLong(LOAD_ADDRESS + CODE_OFFSET) // entry
        .putLong(ELF_HEADER_SIZE) // program headers
        .putLong(0) // no section headers
        .putInt(0x5) // RVC, double-float ABI
        .putShort((short) ELF_HEADER_SIZE)
        .putShort((short) PROGRAM_HEADER_SIZE)
        .putShort((short) 1)
        .putShort((short) 64)
        .putShort((short) 0)
        .putShort((short) 0);
    b.putInt(1) // PT_LOAD
        .putInt(5) // read, execute
        .putLong(0)
        .putLong(LOAD_ADDRESS)
        .putLong(LOAD_ADDRESS)
        .putLong(size)
        .putLong(size)
        .putLong(0x1000);
    for (int instruction : code) {
      b.putInt(instruction);
    }
    b.put(MESSAGE);
    return b.array();
  }

  private static final int ECALL = 0x00000073;

  private static int addi(int rd, int rs1, int imm) {
    return (imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
  }

  private static int auipc(int rd, int imm20) {
    return imm20 << 12 | rd << 7 | 0x17;
  }
}
