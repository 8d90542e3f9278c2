package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A program that executes itself with as many bytes of arguments as Linux lets through: the new
 * image must start and see them all. The differential suite cannot check this (under qemu-riscv64
 * the host refuses to run a riscv64 file), so exec_args checks the refusals there and this the
 * successes.
 */
class ExecArgumentsTest {
  @ParameterizedTest
  @CsvSource({"2, 102400", "15, 102400", "1, 131071", "100000, 1"})
  void theNewImageGetsEveryArgument(int count, int size)
      throws IOException, InterruptedException, BadProgramException {
    Path root = Guest.build("out/exec_args");
    Path program = root.resolve("guest/out/exec_args");
    List<String> argv =
        new ArrayList<>(
            List.of(program.toString(), "--exec-self", Integer.toString(count), "" + size));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunResult r =
        ProgramRunner.run(
            Guest.spec(program, argv, 2_000_000_000L, 1),
            new ByteArrayInputStream(new byte[0]),
            out,
            new ByteArrayOutputStream(),
            diagnostics::add);
    assertEquals(
        "new image: " + count + " arguments, " + (long) count * size + " bytes\n",
        out.toString(StandardCharsets.UTF_8));
    assertEquals(0, r.exitStatus());
    assertEquals(List.of(), diagnostics);
  }
}
