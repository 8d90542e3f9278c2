package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.ElfDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.testing.Rv;
import dev.popcornj.kernel.testing.TestElf;
import dev.popcornj.machine.cost.CostModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Whole runs of tiny hand-assembled programs, so the runner is tested without a cross compiler. */
class ProgramRunnerTest {
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

  private RunResult run(byte[] image, long budget, String... args) throws BadProgramException {
    List<String> argv = new ArrayList<>(List.of("/t/prog"));
    argv.addAll(List.of(args));
    RunSpec spec = RunSpec.of("/t/prog", "/t/prog", image, argv).withMaxInstructions(budget);
    return ProgramRunner.run(
        spec, new ByteArrayInputStream(new byte[0]), out, err, diagnostics::add);
  }

  /** write(1, msg, n); exit_group(status), with msg placed after the code. */
  private static byte[] hello(String message, int status) {
    byte[] msg = message.getBytes(StandardCharsets.US_ASCII);
    return program(
        rv -> {
          rv.li(Rv.A7, Syscalls.WRITE).li(Rv.A0, 1);
          int at = rv.here();
          rv.auipcAddi(Rv.A1, 7 * 4).li(Rv.A2, msg.length).ecall();
          rv.li(Rv.A7, Syscalls.EXIT_GROUP).li(Rv.A0, status).ecall();
          assertEquals(at + 7 * 4, rv.here());
          rv.data(msg);
        });
  }

  @Test
  void runsAProgramThatWritesAndExits() throws BadProgramException {
    RunResult r = run(hello("hi there\n", 3), 0);
    assertEquals("hi there\n", out.toString(StandardCharsets.US_ASCII));
    assertEquals(new RunResult.Finished(new ExitStatus.Exited(3)), r.outcome());
    assertEquals(3, r.exitStatus());
    // li li auipc addi li, li li: an ecall traps before it retires, as on hardware.
    assertEquals(7, r.instructions());
    assertEquals(2, r.syscalls());
    // The program's one page is mapped from its file when the program first runs it.
    assertEquals(1, r.pageFaults());
    assertEquals(
        r.instructions() * 500
            + r.syscalls() * CostModel.defaults().nullSyscallPs()
            + r.pageFaults() * CostModel.defaults().pageFaultPs(),
        r.virtualPs(),
        "one instruction a cycle at 2 GHz, plus the cost model's null system call per call and"
            + " minor page fault per fault");
    assertTrue(diagnostics.isEmpty());
  }

  @Test
  void theStackHoldsArgcAndArgv() throws BadProgramException {
    // exit_group(argc) with argc read from the initial stack.
    byte[] image = program(rv -> rv.ld(Rv.A0, Rv.SP, 0).li(Rv.A7, Syscalls.EXIT_GROUP).ecall());
    assertEquals(4, run(image, 0, "a", "b", "c").exitStatus());
  }

  @Test
  void faultsBecomeFatalSignals() throws BadProgramException {
    byte[] nullStore = program(rv -> rv.sd(Rv.A0, Rv.ZERO, 16));
    RunResult segv = run(nullStore, 0);
    assertEquals(128 + Signals.SIGSEGV, segv.exitStatus());
    byte[] illegal = program(Rv::illegal);
    assertEquals(128 + Signals.SIGILL, run(illegal, 0).exitStatus());
    byte[] trap = program(Rv::ebreak);
    assertEquals(128 + Signals.SIGTRAP, run(trap, 0).exitStatus());
    byte[] offTheEnd = program(rv -> rv.jal(Rv.ZERO, 0x100000 - 2 * 4096));
    assertEquals(128 + Signals.SIGSEGV, run(offTheEnd, 0).exitStatus());
  }

  @Test
  void theStackGrowsOnDemand() throws BadProgramException {
    // Store 1 MiB below the initial sp, load it back and exit with it.
    byte[] image =
        program(
            rv ->
                rv.li(Rv.T0, -(1 << 20))
                    .add(Rv.T0, Rv.T0, Rv.SP)
                    .li(Rv.A0, 55)
                    .sd(Rv.A0, Rv.T0, 0)
                    .ld(Rv.A0, Rv.T0, 0)
                    .li(Rv.A7, Syscalls.EXIT_GROUP)
                    .ecall());
    RunResult r = run(image, 0);
    assertEquals(55, r.exitStatus());
    assertTrue(r.pageFaults() > 0);
  }

  @Test
  void anEndlessLoopStopsAtTheBudget() throws BadProgramException {
    RunResult r = run(program(rv -> rv.jal(Rv.ZERO, 0)), 10_000);
    assertInstanceOf(RunResult.LimitReached.class, r.outcome());
    assertEquals(RunResult.STATUS_LIMIT, r.exitStatus());
    assertEquals(10_000, r.instructions());
  }

  @Test
  void badFilesAreRefusedBeforeRunning() {
    assertThrows(BadProgramException.class, () -> run(new byte[] {1, 2, 3}, 0));
  }

  @Test
  void runsAreDeterministic() throws BadProgramException {
    byte[] image = hello("same\n", 0);
    RunResult a = run(image, 0);
    RunResult b = run(image, 0);
    assertEquals(a, b);
  }
}
