package dev.popcornj.bench;

import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Isa;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guest MIPS of the hart's execute loop on a hand-assembled compute loop that mixes integer ALU
 * work, loads and stores over a 4 KiB array, and taken and untaken branches. The score, in
 * operations per microsecond, is guest instructions per microsecond: guest MIPS.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HartLoopBenchmark {
  private static final int STEPS = 1_000_000;
  private static final long CODE = 0x10000;
  private static final long DATA = 0x20000;

  /** "rv32": only 4-byte encodings; "rvc": the same loop with compressed encodings. */
  @Param({"rv32", "rvc"})
  public String encoding;

  private Hart hart;

  private static final int A0 = 10, A1 = 11, A2 = 12, A3 = 13, T0 = 5, T1 = 6, T2 = 7, T3 = 28;
  private static final int S0 = 8, S1 = 9;

  private static int i(int imm, int rs1, int f3, int rd, int opcode) {
    return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
  }

  private static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
  }

  private static int b(int off, int rs2, int rs1, int f3) {
    return (((off >> 12) & 1) << 31)
        | (((off >> 5) & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((off >> 1) & 0xf) << 8)
        | (((off >> 11) & 1) << 7)
        | 0x63;
  }

  private static int sd(int rs2, int rs1, int imm) {
    return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23;
  }

  /**
   * The loop, 11 instructions a pass (12 when the branch falls through):
   *
   * <pre>
   * loop: slli t0,a3,3 ; add t0,t0,a0 ; ld t1,0(t0) ; add a2,a2,t1 ; xor t2,a2,a3
   *       sd t2,0(t0) ; andi t3,a2,1 ; beq t3,zero,skip ; addi a2,a2,3
   * skip: addi a3,a3,1 ; and a3,a3,a1 ; j loop
   * </pre>
   */
  private static int[] loop32() {
    return new int[] {
      i(3, A3, 1, T0, 0x13),
      r(0, A0, T0, 0, T0, 0x33),
      i(0, T0, 3, T1, 0x03),
      r(0, T1, A2, 0, A2, 0x33),
      r(0, A3, A2, 4, T2, 0x33),
      sd(T2, T0, 0),
      i(1, A2, 7, T3, 0x13),
      b(8, 0, T3, 0),
      i(3, A2, 0, A2, 0x13),
      i(1, A3, 0, A3, 0x13),
      r(0, A1, A3, 7, A3, 0x33),
      // jal x0, -44
      jal(-44)
    };
  }

  private static int jal(int off) {
    return (((off >> 20) & 1) << 31)
        | (((off >> 1) & 0x3ff) << 21)
        | (((off >> 11) & 1) << 20)
        | (((off >> 12) & 0xff) << 12)
        | 0x6f;
  }

  /** The same loop in the compressed registers s0/s1/a0..a3 with C encodings where they exist. */
  private static short[] loopRvc() {
    // registers: s0 = element pointer, s1 = scratch, a0 = base, a1 = mask, a2 = sum, a3 = index
    int cSlli = (0 << 13) | (S0 << 7) | (3 << 2) | 2; // c.slli s0,3  (after c.mv s0,a3)
    int cMvS0A3 = (4 << 13) | (S0 << 7) | (A3 << 2) | 2; // c.mv s0,a3
    int cAddS0A0 = (4 << 13) | (1 << 12) | (S0 << 7) | (A0 << 2) | 2; // c.add s0,a0
    int cLdS1 = (3 << 13) | ((S0 - 8) << 7) | ((S1 - 8) << 2); // c.ld s1,0(s0)
    int cAddA2S1 = (4 << 13) | (1 << 12) | (A2 << 7) | (S1 << 2) | 2; // c.add a2,s1
    int cMvS1A2 = (4 << 13) | (S1 << 7) | (A2 << 2) | 2; // c.mv s1,a2
    int cXorS1A3 = (4 << 13) | (3 << 10) | ((S1 - 8) << 7) | (1 << 5) | ((A3 - 8) << 2) | 1;
    int cSdS1 = (7 << 13) | ((S0 - 8) << 7) | ((S1 - 8) << 2); // c.sd s1,0(s0)
    int cAndiS1 = (4 << 13) | (2 << 10) | ((S1 - 8) << 7) | (1 << 2) | 1; // c.andi s1,1
    int cBeqzS1 = (6 << 13) | ((S1 - 8) << 7) | (1 << 4) | 1; // c.beqz s1,+4
    int cAddiA2 = (A2 << 7) | (3 << 2) | 1; // c.addi a2,3
    int cAddiA3 = (A3 << 7) | (1 << 2) | 1; // c.addi a3,1
    int cAndA3A1 = (4 << 13) | (3 << 10) | ((A3 - 8) << 7) | (3 << 5) | ((A1 - 8) << 2) | 1;
    // c.j back to the start: offset -26 from the c.j at byte 26
    int off = -26;
    int cJ =
        (5 << 13)
            | (((off >> 11) & 1) << 12)
            | (((off >> 4) & 1) << 11)
            | (((off >> 8) & 3) << 9)
            | (((off >> 10) & 1) << 8)
            | (((off >> 6) & 1) << 7)
            | (((off >> 7) & 1) << 6)
            | (((off >> 1) & 7) << 3)
            | (((off >> 5) & 1) << 2)
            | 1;
    int[] h = {
      cMvS0A3, cSlli, cAddS0A0, cLdS1, cAddA2S1, cMvS1A2, cXorS1A3, cSdS1, cAndiS1, cBeqzS1,
      cAddiA2, cAddiA3, cAndA3A1, cJ
    };
    short[] out = new short[h.length];
    for (int k = 0; k < h.length; k++) {
      out[k] = (short) h[k];
    }
    return out;
  }

  @Setup
  public void setUp() {
    PhysicalMemory memory = new PhysicalMemory();
    memory.addRange(0, 1 << 20);
    MemoryView view = new MemoryView("bench", memory, List.of(new Region(0, 1 << 20)));
    long a = CODE;
    if (encoding.equals("rvc")) {
      for (short h : loopRvc()) {
        view.write16(a, h);
        a += 2;
      }
    } else {
      for (int w : loop32()) {
        view.write32(a, w);
        a += 4;
      }
    }
    hart = new Hart(0, Isa.parse("rv64gc"), 2_000_000_000L);
    AddressTranslator identity = (va, access) -> va >= 0 && va < (1 << 20) ? va : -1;
    hart.bind(identity, view);
    hart.setPc(CODE);
    hart.setX(A0, DATA);
    hart.setX(A1, 511);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public long loop() {
    Hart.Stop stop = hart.run(STEPS);
    if (stop != Hart.Stop.BUDGET) {
      throw new IllegalStateException("benchmark loop stopped: " + hart.trap());
    }
    return hart.x(A2);
  }
}
