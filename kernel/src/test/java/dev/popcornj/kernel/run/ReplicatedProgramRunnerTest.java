package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.fs.Initramfs;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.testing.Rv;
import dev.popcornj.kernel.testing.TestElf;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.Presets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A program run on the primary of a replicated system (popcorn run --kernels K): the primary boots
 * the other kernels with kexec before the program starts, the program gets the host's streams, and
 * the result counts instructions by kernel. Hand-assembled programs stand in for the guest build:
 * each secondary's init sleeps in ppoll forever.
 */
class ReplicatedProgramRunnerTest {
  private static final long TEXT = 0x10000;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> diagnostics = new ArrayList<>();

  private static byte[] program(Consumer<Rv> body) {
    Rv rv = new Rv();
    body.accept(rv);
    byte[] code = rv.bytes();
    return new TestElf()
        .entry(TEXT)
        .load(ElfDescriptor.PF_R | ElfDescriptor.PF_X, TEXT, code, code.length)
        .build();
  }

  /** write(1, "up\n", 3); exit_group(status). */
  private static byte[] hello(int status) {
    byte[] msg = "up\n".getBytes(StandardCharsets.US_ASCII);
    return program(
        rv -> {
          rv.li(Rv.A7, Syscalls.WRITE).li(Rv.A0, 1);
          rv.auipcAddi(Rv.A1, 7 * 4).li(Rv.A2, msg.length).ecall();
          rv.li(Rv.A7, Syscalls.EXIT_GROUP).li(Rv.A0, status).ecall();
          rv.data(msg);
        });
  }

  /** Copies /proc/popcorn/kernels (at most 2000 bytes) to stdout and exits 0. */
  private static byte[] catKernels() {
    byte[] path = "/proc/popcorn/kernels\0".getBytes(StandardCharsets.US_ASCII);
    return program(
        rv -> {
          rv.li(Rv.A7, Syscalls.OPENAT).li(Rv.A0, -100);
          int at = rv.here();
          rv.auipcAddi(Rv.A1, 18 * 4).li(Rv.A2, 0).ecall();
          rv.addi(Rv.T0, Rv.A0, 0).li(Rv.A7, Syscalls.READ).addi(Rv.A0, Rv.T0, 0);
          rv.li(Rv.A1, -2048).add(Rv.A1, Rv.A1, Rv.SP).li(Rv.A2, 2000).ecall();
          rv.addi(Rv.A2, Rv.A0, 0).li(Rv.A7, Syscalls.WRITE).li(Rv.A0, 1).ecall();
          rv.li(Rv.A7, Syscalls.EXIT_GROUP).li(Rv.A0, 0).ecall();
          assertEquals(at + 18 * 4, rv.here());
          rv.data(path);
        });
  }

  /** A secondary's initramfs whose /init sleeps: ppoll(NULL, 0, NULL, NULL) again and again. */
  private static byte[] sleepingInitramfs() {
    byte[] init =
        program(
            rv ->
                rv.li(Rv.A7, Syscalls.PPOLL)
                    .li(Rv.A0, 0)
                    .li(Rv.A1, 0)
                    .li(Rv.A2, 0)
                    .li(Rv.A3, 0)
                    .ecall()
                    .jal(Rv.ZERO, -6 * 4));
    return CpioAppend.withFile(emptyArchive(), "/init", init, 0755);
  }

  /** A newc archive holding only its trailer. */
  private static byte[] emptyArchive() {
    String name = Initramfs.TRAILER + "\0";
    StringBuilder h = new StringBuilder(Initramfs.MAGIC);
    long[] fields = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, name.length(), 0};
    for (long f : fields) {
      h.append(String.format("%08X", f));
    }
    h.append(name);
    while (h.length() % 4 != 0) {
      h.append('\0');
    }
    return h.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private RunResult run(byte[] image, int kernels) throws Exception {
    MachineDescription machine = Presets.load("default");
    RunSpec spec =
        RunSpec.of("/t/prog", "/t/prog", image, List.of("/t/prog"))
            .withKernels(new RunSpec.Kernels(kernels, machine, sleepingInitramfs()));
    return ProgramRunner.run(
        spec, new ByteArrayInputStream(new byte[0]), out, err, diagnostics::add);
  }

  @Test
  void theProgramRunsOnThePrimaryOnceEveryKernelIsUp() throws Exception {
    RunResult r = run(hello(5), 4);
    assertEquals("up\n", out.toString(StandardCharsets.US_ASCII));
    assertEquals("", err.toString(StandardCharsets.US_ASCII));
    assertEquals(List.of(), diagnostics);
    assertEquals(new RunResult.Finished(new ExitStatus.Exited(5)), r.outcome());
    assertEquals(4, r.instructionsByKernel().size());
    for (int k = 0; k < 4; k++) {
      assertTrue(r.instructionsByKernel().get(k) > 0, "kernel " + k + " ran its init: " + r);
    }
    assertEquals(
        r.instructions(), r.instructionsByKernel().stream().mapToLong(Long::longValue).sum());
    // The secondaries' ppoll and the program's two calls.
    assertTrue(r.syscalls() >= 3 + 2, r.toString());
    assertEquals(0, r.counter("migrations"), "no service counts migrations yet");
  }

  /** The program starts once the primary has booted every other kernel and knows it online. */
  @Test
  void theProgramSeesEveryKernelOnline() throws Exception {
    RunResult r = run(catKernels(), 4);
    assertEquals(0, r.exitStatus(), err.toString(StandardCharsets.US_ASCII));
    List<String> lines = out.toString(StandardCharsets.US_ASCII).lines().toList();
    assertEquals(5, lines.size(), out.toString(StandardCharsets.US_ASCII));
    for (int k = 0; k < 4; k++) {
      assertTrue(lines.get(k + 1).matches(k + " +online .*"), lines.get(k + 1));
    }
    // The primary booted the others, so it knows their images.
    assertTrue(lines.get(1).endsWith(" full"), lines.get(1));
    assertTrue(lines.get(4).endsWith(" light"), lines.get(4));
  }

  @Test
  void replicatedRunsAreDeterministic() throws Exception {
    RunResult a = run(hello(0), 3);
    RunResult b = run(hello(0), 3);
    assertEquals(a, b);
  }

  @Test
  void aMachineThatCannotHoldTheKernelsIsRefused() {
    BootException e = assertThrows(BootException.class, () -> run(hello(0), 9));
    assertTrue(e.getMessage().contains("9"), e.getMessage());
  }

  @Test
  void aBadProgramIsRefusedBeforeAnythingBoots() {
    assertThrows(BadProgramException.class, () -> run(new byte[] {1, 2, 3}, 2));
  }
}
