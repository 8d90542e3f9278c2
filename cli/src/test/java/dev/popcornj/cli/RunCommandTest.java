package dev.popcornj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.popcornj.machine.cost.CostModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  /**
   * read(0, sp-512, 64); write(1, sp-512, n); exit_group(argc): echoes up to 64 bytes of stdin and
   * exits with its argument count.
   */
  private static final int[] ECHO = {
    0xe0010593,
    0x00000513,
    0x04000613,
    0x03f00893,
    0x00000073,
    0x00050613,
    0x00100513,
    0x04000893,
    0x00000073,
    0x00013503,
    0x05e00893,
    0x00000073
  };

  /** j . : never ends. */
  private static final int[] LOOP = {0x0000006f};

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** A static riscv64 ELF with the given code as its only segment, at 0x10000. */
  static byte[] elf(int[] code, int machine) {
    int codeOffset = 0x1000;
    ByteBuffer b = ByteBuffer.allocate(codeOffset + code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) 2).putShort(18, (short) machine).putInt(20, 1);
    b.putLong(24, 0x10000).putLong(32, 64).putShort(52, (short) 64);
    b.putShort(54, (short) 56).putShort(56, (short) 1);
    b.putInt(64, 1).putInt(68, 5).putLong(72, codeOffset).putLong(80, 0x10000);
    b.putLong(96, code.length * 4L).putLong(104, code.length * 4L).putLong(112, 0x1000);
    b.position(codeOffset);
    for (int w : code) {
      b.putInt(w);
    }
    return b.array();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private int run(String stdin, String... args) {
    RunCommand command =
        new RunCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
    return Main.execute(
        command,
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true),
        args);
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void passesStreamsArgumentsAndExitStatusThrough() throws IOException {
    Path prog = write("echo", elf(ECHO, 243));
    int status = run("some input\n", prog.toString(), "-n", "--stats", "x");
    assertEquals("some input\n", out.toString(StandardCharsets.UTF_8));
    assertEquals(4, status, "argc: program, -n, --stats, x");
    assertEquals("", errText());
  }

  @Test
  void startupTrainingsBuiltInProgramSaysHelloAndExits() throws IOException {
    Path prog = write("hello", StartupTraining.freestandingHello());
    assertEquals(0, run("", prog.toString()));
    assertEquals("hello\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("", errText());
  }

  @Test
  void guestOptionsAfterProgAreNotPopcornsInTheFullCommand() {
    String[] args = {"run", "--max-instructions", "5", "prog", "-n", "--help", "--isa=x"};
    Cli.Invocation parsed = Cli.parse(new Main(), new PrintWriter(new StringWriter()), args);
    assertEquals(Cli.Request.RUN, parsed.request());
    RunCommand run = (RunCommand) parsed.command();
    assertEquals("prog", run.program);
    assertEquals(List.of("-n", "--help", "--isa=x"), run.args);
    assertEquals(5, run.maxInstructions);
    assertEquals("rv64imafdc", run.isa);
  }

  @Test
  void writesStatisticsAsJson() throws IOException {
    Path prog = write("echo", elf(ECHO, 243));
    Path stats = dir.resolve("stats.json");
    assertEquals(1, run("", "--stats", stats.toString(), prog.toString()));
    String json = Files.readString(stats);
    assertEquals(9, number(json, "instructions"), 0, "ecalls trap before they retire");
    CostModel cost = CostModel.defaults();
    // Loading the program touched every page it uses, so the run itself takes no page fault.
    double expected = 9 * 500e-12 + 3 * cost.nullSyscallPs() * 1e-12;
    assertEquals(
        expected, number(json, "virtual_seconds"), 1e-15, "instructions plus system calls");
    assertTrue(number(json, "host_seconds") >= 0);
    assertTrue(number(json, "host_jit_seconds") >= 0);
    assertTrue(number(json, "mips") >= 0);
    assertEquals(1, number(json, "exit_status"), 0);
    assertEquals(3, number(json, "syscalls"), 0);
    assertTrue(json.contains("\"isa\": \"rv64imafdc\""), json);
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+)").matcher(json);
    assertTrue(m.find(), key + " missing in " + json);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void writesATraceOfSystemCallsInVirtualTime() throws IOException {
    Path prog = write("echo", elf(ECHO, 243));
    Path trace = dir.resolve("trace.json");
    assertEquals(1, run("hi", "--trace", trace.toString(), prog.toString()));
    JsonNode events = new ObjectMapper().readTree(trace.toFile()).get("traceEvents");
    List<String> calls = new ArrayList<>();
    double lastTs = -1;
    for (JsonNode e : events) {
      if (e.path("cat").asText().equals("syscall")) {
        calls.add(e.get("name").asText());
        assertTrue(e.get("ts").asDouble() > lastTs, "system calls in virtual-time order");
        lastTs = e.get("ts").asDouble();
      }
    }
    assertEquals(List.of("read", "write", "exit_group"), calls);
  }

  @Test
  void stopsAProgramAtItsInstructionBudget() throws IOException {
    Path prog = write("loop", elf(LOOP, 243));
    assertEquals(124, run("", "--max-instructions", "5000", prog.toString()));
    assertEquals(
        "popcorn: " + prog + ": stopped after 5000 instructions (--max-instructions)\n", errText());
  }

  @Test
  void userErrorsAreOneLineAndStatusTwo() throws IOException {
    Path x86 = write("x86", elf(ECHO, 62));
    Path text = write("script", "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
    Path cut = write("cut", Arrays.copyOf(elf(ECHO, 243), 0x1010));
    Object[][] cases = {
      {new String[] {dir.resolve("missing").toString()}, "no such file"},
      {new String[] {dir.toString()}, "is a directory"},
      {new String[] {text.toString()}, "not an ELF file"},
      {new String[] {x86.toString()}, "not a riscv64 program: ELF for x86-64 (machine 62)"},
      {new String[] {cut.toString()}, "truncated ELF file"},
      {new String[] {"--isa", "rv32i", x86.toString()}, "--isa: "},
      {new String[] {"--max-instructions", "-1", x86.toString()}, "must not be negative"},
      {new String[] {"--quantum", "0", x86.toString()}, "--quantum 0: give 1 to"},
      {new String[] {"--hop", "2", x86.toString()}, "--hop needs --kernels"},
      {new String[] {}, "Missing required parameter"},
    };
    for (Object[] c : cases) {
      err.reset();
      String[] args = (String[]) c[0];
      assertEquals(2, run("", args), String.join(" ", args));
      String e = errText();
      assertTrue(e.startsWith("popcorn: "), e);
      assertTrue(e.contains((String) c[1]), e);
      assertEquals(1, e.lines().count(), "one line: " + e);
      assertFalse(e.contains("Exception"), e);
    }
  }

  @Test
  void aKilledProgramExitsWith128PlusTheSignal() throws IOException {
    Path prog = write("bad", elf(new int[] {0}, 243));
    assertEquals(128 + 4, run("", prog.toString()));
  }

  /** Devices that never end used to be read whole until the heap ran out. */
  @Test
  void devicesAsProgramsAreRefusedInOneLine() {
    for (String device : new String[] {"/dev/zero", "/dev/urandom"}) {
      org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of(device)));
      err.reset();
      assertEquals(2, run("", device), device);
      assertEquals(
          "popcorn: " + device + ": not a regular file (a device, pipe or socket); give a file\n",
          errText());
    }
  }

  /** A trace file that cannot be written (a full disk) is one line and status 2 after the run. */
  @Test
  void aTraceThatCannotBeWrittenIsOneLineAndStatusTwo() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")));
    Path prog = write("echo", elf(ECHO, 243));
    assertEquals(2, run("hi", "--trace", "/dev/full", prog.toString()));
    assertEquals("hi", out.toString(StandardCharsets.UTF_8), "the program ran");
    assertEquals("popcorn: --trace /dev/full: cannot write: No space left on device\n", errText());
  }

  /** Options that a run would silently ignore, and kernels that do not exist, are refused. */
  @Test
  void kernelCountsBelowOneAndIgnoredOptionsAreRefused() throws IOException {
    Path prog = write("echo", elf(ECHO, 243));
    String[][] cases = {
      {"--kernels", "0", prog.toString()},
      {"--kernels", "-2", prog.toString()},
      {"--kernels", "3", "--on", "1", "--stats", "s.json", prog.toString()},
      {"--kernels", "3", "--on", "1", "--max-instructions", "9", prog.toString()},
      {"--kernels", "3", "--on", "1", "--isa", "rv64imac", prog.toString()},
      {"--kernels", "3", "--isa", "rv64imac", prog.toString()},
      {"--kernels", "3", "--on", "3", prog.toString()},
      {"--kernels", "3", "--on", "-1", prog.toString()},
      {"--kernels", "3", "--on", "2", "--root", "/", prog.toString()},
      {"--kernels", "3", "--on", "2", "-L", "/", prog.toString()},
      {"--kernels", "3", "--on", "2", "--env", "A=b", prog.toString()},
      {"--kernels", "3", "--on", "2", "-U", "HOME", prog.toString()},
      {"--kernels", "3", "--on", "2", "--epoch", "0", prog.toString()},
      {"--on", "0", prog.toString()},
      {"--machine", "hetero", prog.toString()},
    };
    for (String[] args : cases) {
      err.reset();
      assertEquals(2, run("", args), String.join(" ", args));
      String e = errText();
      assertTrue(e.startsWith("popcorn: -"), e);
      assertEquals(1, e.lines().count(), "one line: " + e);
    }
    assertFalse(Files.exists(Path.of("s.json")));
  }

  /** Each refusal says what to do instead. */
  @Test
  void refusalsOfCombinationsSayWhy() throws IOException {
    Path prog = write("echo", elf(ECHO, 243));
    assertEquals(2, run("", "--kernels", "4", "--on", "4", prog.toString()));
    assertEquals(
        "popcorn: --on 4: must name one of the kernels, 0..3 (0 the primary)\n", errText());
    err.reset();
    assertEquals(2, run("", "--kernels", "2", "--on", "1", "--stats", "s.json", prog.toString()));
    assertEquals(
        "popcorn: --stats is for a program on the primary (leave --on out); with --on 1 PROG"
            + " runs as init of kernel 1, from its initramfs\n",
        errText());
    err.reset();
    assertEquals(2, run("", "--kernels", "2", "--isa", "rv64imac", prog.toString()));
    assertEquals(
        "popcorn: --isa is for a one-kernel run; with --kernels 2 the machine gives each hart's"
            + " ISA (see --machine)\n",
        errText());
  }
}
