package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.cost.CostModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The guest tree for the tests that run guest programs: where it is, building it, run specs. */
final class Guest {
  private Guest() {}

  /** The project directory: the first directory at or above the working one with guest/tests. */
  static Path root() {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(root.resolve("guest/tests"))) {
      root = root.getParent();
      if (root == null) {
        fail("cannot find guest/ above " + Path.of("").toAbsolutePath());
      }
    }
    return root;
  }

  /**
   * A popcorn boot command line: options, then the guest's initramfs archives (the full one for the
   * primary, the light one for the others), as a list the caller may add to.
   */
  static List<String> bootArgs(String... options) {
    Path out = root().resolve("guest/out");
    List<String> args = new java.util.ArrayList<>(List.of(options));
    args.addAll(
        List.of(
            "--initramfs",
            out.resolve("initramfs.cpio").toString(),
            "--light-initramfs",
            out.resolve("initramfs-light.cpio").toString()));
    return args;
  }

  /** Runs make -C guest for the given targets (all when none); fails the test if make does. */
  static Path build(String... targets) throws IOException, InterruptedException {
    Path root = root();
    List<String> command =
        new ArrayList<>(List.of("make", "-s", "-C", root.resolve("guest").toString()));
    command.addAll(List.of(targets));
    Process make = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, make.waitFor(), "make -C guest failed:\n" + log);
    return root;
  }

  /** A run of program on the default run machine with the given budget and seed. */
  static RunSpec spec(Path program, List<String> argv, long maxInstructions, long seed)
      throws IOException {
    return new RunSpec(
        program.toString(),
        program.toString(),
        Files.readAllBytes(program),
        argv,
        RunSpec.DEFAULT_ENV,
        RunSpec.DEFAULT_ISA,
        RunSpec.DEFAULT_CLOCK_HZ,
        RunSpec.DEFAULT_RAM_BYTES,
        maxInstructions,
        seed,
        CostModel.defaults(),
        null,
        dev.popcornj.kernel.param.Param.DEFAULT_EPOCH_SECONDS);
  }
}
