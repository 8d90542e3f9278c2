package dev.popcornj.kernel.services.ssi;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.ProcFs;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.PidSpace;
import dev.popcornj.kernel.proc.RemoteSignal;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.signal.SigInfoDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire layouts of the single-system-image messages ({@link SsiMessage}), little-endian. Counts and
 * lengths must agree with the bytes that follow them; a decoder refuses anything else with {@link
 * IllegalArgumentException}.
 *
 * <pre>
 * Hello (a kernel's CPUs and memory):
 *   0             8            12
 *   +-------------+------------+------------------------------------------------+
 *   | memory u64  | count u32  | count x [ hart u32 | isa length u16 | isa u8[] ] |
 *   +-------------+------------+------------------------------------------------+
 *
 * CensusRequest: no payload.
 *
 * Census (the reply):
 *   0            4            12          20           24          28
 *   +------------+------------+-----------+------------+-----------+-----------+
 *   | kernel u32 | memory u64 | free u64  | running u32| tasks u32 | cpus u32  |
 *   +------------+------------+-----------+------------+-----------+-----------+
 *   | cpus x [ cpu u32 | busy ps u64 | idle ps u64 ] | pids u32 | pids x pid u32 |
 *   +-----------------------------------------------+----------+----------------+
 *
 * ProcFileRequest:                     ProcFile (the reply):
 *   0         4              5           0             4
 *   +---------+--------------+--------+  +-------------+-------------------+
 *   | pid u32 | name len u8  | name   |  | length u32  | text u8[length]   |
 *   +---------+--------------+--------+  +-------------+-------------------+
 *
 * SignalRequest:                                              SignalResult (the reply):
 *   0         4         8         12                  140       0
 *   +---------+---------+---------+-------------------+         +------------+
 *   | pid u32 | tid u32 | sig u32 | siginfo u8[128]   |         | result i32 |  0 or -errno
 *   +---------+---------+---------+-------------------+         +------------+
 * </pre>
 */
final class SsiDescriptor {
  // Hello
  static final int HELLO_MEMORY = 0;
  static final int HELLO_COUNT = 8;
  static final int HELLO_CPUS = 12;

  // Census
  static final int CENSUS_KERNEL = 0;
  static final int CENSUS_MEMORY = 4;
  static final int CENSUS_FREE = 12;
  static final int CENSUS_RUNNING = 20;
  static final int CENSUS_TASKS = 24;
  static final int CENSUS_CPU_COUNT = 28;
  static final int CENSUS_CPUS = 32;
  static final int CENSUS_CPU_LENGTH = 20;

  // ProcFileRequest and ProcFile
  static final int FILE_PID = 0;
  static final int FILE_NAME_LENGTH = 4;
  static final int FILE_NAME = 5;
  static final int TEXT_LENGTH = 0;
  static final int TEXT = 4;

  // SignalRequest and SignalResult
  static final int SIGNAL_PID = 0;
  static final int SIGNAL_TID = 4;
  static final int SIGNAL_SIG = 8;
  static final int SIGNAL_INFO = 12;
  static final int SIGNAL_LENGTH = SIGNAL_INFO + SigInfoDescriptor.LENGTH;
  static final int RESULT_LENGTH = 4;

  /** The most CPUs a kernel reports, and the most pids one census carries (a kernel's range). */
  static final int MAX_CPUS = 4096;

  static final int MAX_PIDS = PidSpace.IDS_PER_KERNEL;

  /** The most text one /proc file reply carries (a longer file is cut there). */
  static final int MAX_TEXT = 512 * 1024;

  /** The files a ProcFileRequest may name: a process directory's, and its links' targets. */
  static final List<String> FILE_NAMES = fileNames();

  private SsiDescriptor() {}

  private static List<String> fileNames() {
    List<String> names = new ArrayList<>(ProcFs.PROCESS_FILES);
    names.add("exe");
    names.add("cwd");
    return List.copyOf(names);
  }

  // ---- Hello

  static int helloSize(List<SsiMessage.Cpu> cpus) {
    int n = HELLO_CPUS;
    for (SsiMessage.Cpu c : cpus) {
      n += 6 + isa(c).length;
    }
    return n;
  }

  static void writeHello(ByteBuffer b, long memory, List<SsiMessage.Cpu> cpus) {
    b.putLong(memory).putInt(cpus.size());
    for (SsiMessage.Cpu c : cpus) {
      byte[] isa = isa(c);
      b.putInt(c.hart()).putShort((short) isa.length).put(isa);
    }
  }

  private static byte[] isa(SsiMessage.Cpu c) {
    return c.isa().getBytes(StandardCharsets.US_ASCII);
  }

  static SsiMessage.Hello readHello(ByteBuffer b) {
    long memory = b.getLong();
    int count = count(b.getInt(), MAX_CPUS, 6, b, "cpus");
    List<SsiMessage.Cpu> cpus = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int hart = nonNegative(b.getInt(), "hart");
      byte[] isa = new byte[b.getShort() & 0xffff];
      b.get(isa);
      cpus.add(new SsiMessage.Cpu(hart, new String(isa, StandardCharsets.US_ASCII)));
    }
    end(b);
    return new SsiMessage.Hello(memory, cpus);
  }

  // ---- Census

  static int censusSize(Census c) {
    return CENSUS_CPUS + CENSUS_CPU_LENGTH * c.cpus().size() + 4 + 4 * c.pids().size();
  }

  static void writeCensus(ByteBuffer b, Census c) {
    b.putInt(c.kernel()).putLong(c.memoryBytes()).putLong(c.freeBytes());
    b.putInt(c.running()).putInt(c.tasks()).putInt(c.cpus().size());
    for (Census.CpuTime t : c.cpus()) {
      b.putInt(t.cpu()).putLong(t.busyPs()).putLong(t.idlePs());
    }
    b.putInt(c.pids().size());
    for (int pid : c.pids()) {
      b.putInt(pid);
    }
  }

  static Census readCensus(ByteBuffer b) {
    int kernel = nonNegative(b.getInt(), "kernel");
    long memory = b.getLong();
    long free = b.getLong();
    int running = nonNegative(b.getInt(), "running");
    int tasks = nonNegative(b.getInt(), "tasks");
    int cpuCount = count(b.getInt(), MAX_CPUS, CENSUS_CPU_LENGTH, b, "cpus");
    List<Census.CpuTime> cpus = new ArrayList<>();
    for (int i = 0; i < cpuCount; i++) {
      cpus.add(new Census.CpuTime(nonNegative(b.getInt(), "cpu"), b.getLong(), b.getLong()));
    }
    int pidCount = count(b.getInt(), MAX_PIDS, 4, b, "pids");
    List<Integer> pids = new ArrayList<>();
    for (int i = 0; i < pidCount; i++) {
      int pid = b.getInt();
      if (pid <= 0) {
        throw new IllegalArgumentException("pid " + pid);
      }
      pids.add(pid);
    }
    end(b);
    return new Census(kernel, memory, free, cpus, running, tasks, pids);
  }

  // ---- ProcFileRequest and ProcFile

  static int fileRequestSize(String name) {
    return FILE_NAME + name.length();
  }

  static void writeFileRequest(ByteBuffer b, int pid, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    b.putInt(pid).put((byte) n.length).put(n);
  }

  static SsiMessage.ProcFileRequest readFileRequest(ByteBuffer b) {
    int pid = b.getInt();
    byte[] n = new byte[b.get() & 0xff];
    b.get(n);
    end(b);
    return new SsiMessage.ProcFileRequest(pid, new String(n, StandardCharsets.US_ASCII));
  }

  static int textSize(byte[] text) {
    return TEXT + text.length;
  }

  static void writeText(ByteBuffer b, byte[] text) {
    b.putInt(text.length).put(text);
  }

  static byte[] readText(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > MAX_TEXT || length != b.remaining()) {
      throw new IllegalArgumentException("text length " + length + " with " + b.remaining());
    }
    byte[] text = new byte[length];
    b.get(text);
    return text;
  }

  // ---- SignalRequest and SignalResult

  static void writeSignal(ByteBuffer b, RemoteSignal s) {
    b.putInt(s.pid()).putInt(s.tid()).putInt(s.sig()).put(s.info().encode());
  }

  static RemoteSignal readSignal(ByteBuffer b) {
    int pid = b.getInt();
    int tid = b.getInt();
    int sig = b.getInt();
    if (sig < 0 || sig > Signals.NSIG) {
      throw new IllegalArgumentException("signal " + sig);
    }
    byte[] info = new byte[SigInfoDescriptor.LENGTH];
    b.get(info);
    end(b);
    return new RemoteSignal(pid, tid, sig, SigInfo.decode(info));
  }

  // ---- checks

  private static int nonNegative(int v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " " + v);
    }
    return v;
  }

  /** A count of records of at least each bytes that must fit in what is left. */
  private static int count(int n, int max, int each, ByteBuffer b, String what) {
    if (n < 0 || n > max || (long) n * each > b.remaining()) {
      throw new IllegalArgumentException(what + " " + n + " with " + b.remaining() + " bytes");
    }
    return n;
  }

  private static void end(ByteBuffer b) {
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(b.remaining() + " bytes past the end");
    }
  }
}
