package dev.popcornj.kernel.services.ssi;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.RemoteSignal;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The single-system-image service's messages, numbers {@value #FIRST} to {@value #LAST}, after
 * Popcorn's remote ps, cpuinfo and meminfo and its remote signals. Layouts in {@link
 * SsiDescriptor}.
 *
 * <pre>
 *   kernel A                                   kernel B
 *   onPeerUp(B) ── Hello (CPUs, memory) ─────▶ remembers A's CPUs      (and B to A alike)
 *   ls /proc    ── CensusRequest ────────────▶ ── Census (memory, CPU time, pids) ──▶ A
 *   cat /proc/P/status ── ProcFileRequest ───▶ ── ProcFile (text), or ENOENT ───────▶ A
 *   kill P      ── SignalRequest ────────────▶ ── SignalResult (0 or -errno) ───────▶ A
 * </pre>
 */
public sealed interface SsiMessage extends KernelMessage {
  /** The numbers this service reserves (55 is spare). */
  int FIRST = 48;

  int LAST = 55;

  int HELLO = FIRST;
  int CENSUS_REQUEST = FIRST + 1;
  int CENSUS = FIRST + 2;
  int PROC_FILE_REQUEST = FIRST + 3;
  int PROC_FILE = FIRST + 4;
  int SIGNAL_REQUEST = FIRST + 5;
  int SIGNAL_RESULT = FIRST + 6;

  /** One CPU in a {@link Hello}: its hart (global number) and ISA. */
  record Cpu(int hart, String isa) {
    public Cpu {
      if (hart < 0 || isa.length() > 0xffff || !isa.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("cpu " + hart + " isa " + isa);
      }
    }
  }

  /** A kernel tells a kernel that came up (or that it came up to) its CPUs and its memory. */
  record Hello(long memoryBytes, List<Cpu> cpus) implements SsiMessage {
    public Hello {
      cpus = List.copyOf(cpus);
    }

    @Override
    public int type() {
      return HELLO;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.helloSize(cpus);
    }

    @Override
    public void write(ByteBuffer b) {
      SsiDescriptor.writeHello(b, memoryBytes, cpus);
    }
  }

  /** Asks a kernel for its {@link Census}. */
  record CensusRequest() implements SsiMessage {
    @Override
    public int type() {
      return CENSUS_REQUEST;
    }

    @Override
    public int wireSize() {
      return 0;
    }

    @Override
    public void write(ByteBuffer b) {}
  }

  /** The reply to a {@link CensusRequest}. */
  record CensusReply(Census census) implements SsiMessage {
    @Override
    public int type() {
      return CENSUS;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.censusSize(census);
    }

    @Override
    public void write(ByteBuffer b) {
      SsiDescriptor.writeCensus(b, census);
    }
  }

  /** Asks the origin of pid for /proc/PID/NAME (or the target of its exe or cwd link). */
  record ProcFileRequest(int pid, String name) implements SsiMessage {
    public ProcFileRequest {
      if (pid <= 0 || !SsiDescriptor.FILE_NAMES.contains(name)) {
        throw new IllegalArgumentException("/proc/" + pid + "/" + name);
      }
    }

    @Override
    public int type() {
      return PROC_FILE_REQUEST;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.fileRequestSize(name);
    }

    @Override
    public void write(ByteBuffer b) {
      SsiDescriptor.writeFileRequest(b, pid, name);
    }
  }

  /**
   * The reply to a {@link ProcFileRequest}: the file's text, UTF-8 (ENOENT comes as the layer's
   * error reply). The bytes are the sender's and then the receiver's alone.
   */
  record ProcFile(byte[] text) implements SsiMessage {
    public ProcFile {
      if (text.length > SsiDescriptor.MAX_TEXT) {
        throw new IllegalArgumentException("text of " + text.length + " bytes");
      }
    }

    @Override
    public int type() {
      return PROC_FILE;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.textSize(text);
    }

    @Override
    public void write(ByteBuffer b) {
      SsiDescriptor.writeText(b, text);
    }
  }

  /** Asks the origin of the signal's target to send it. */
  record SignalRequest(RemoteSignal signal) implements SsiMessage {
    @Override
    public int type() {
      return SIGNAL_REQUEST;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.SIGNAL_LENGTH;
    }

    @Override
    public void write(ByteBuffer b) {
      SsiDescriptor.writeSignal(b, signal);
    }
  }

  /** The reply to a {@link SignalRequest}: the call's result, 0 or -errno. */
  record SignalResult(int result) implements SsiMessage {
    public SignalResult {
      if (result > 0) {
        throw new IllegalArgumentException("signal result " + result);
      }
    }

    @Override
    public int type() {
      return SIGNAL_RESULT;
    }

    @Override
    public int wireSize() {
      return SsiDescriptor.RESULT_LENGTH;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(result);
    }
  }

  MessageType<Hello> HELLO_TYPE =
      new MessageType<>(HELLO, "ssi.hello", Hello.class, SsiDescriptor::readHello);

  MessageType<CensusRequest> CENSUS_REQUEST_TYPE =
      new MessageType<>(
          CENSUS_REQUEST,
          "ssi.census_request",
          CensusRequest.class,
          b -> {
            if (b.hasRemaining()) {
              throw new IllegalArgumentException("census request with a payload");
            }
            return new CensusRequest();
          });

  MessageType<CensusReply> CENSUS_TYPE =
      new MessageType<>(
          CENSUS,
          "ssi.census",
          CensusReply.class,
          b -> new CensusReply(SsiDescriptor.readCensus(b)));

  MessageType<ProcFileRequest> PROC_FILE_REQUEST_TYPE =
      new MessageType<>(
          PROC_FILE_REQUEST,
          "ssi.proc_file_request",
          ProcFileRequest.class,
          SsiDescriptor::readFileRequest);

  MessageType<ProcFile> PROC_FILE_TYPE =
      new MessageType<>(
          PROC_FILE, "ssi.proc_file", ProcFile.class, b -> new ProcFile(SsiDescriptor.readText(b)));

  MessageType<SignalRequest> SIGNAL_REQUEST_TYPE =
      new MessageType<>(
          SIGNAL_REQUEST,
          "ssi.signal_request",
          SignalRequest.class,
          b -> new SignalRequest(SsiDescriptor.readSignal(b)));

  MessageType<SignalResult> SIGNAL_RESULT_TYPE =
      new MessageType<>(
          SIGNAL_RESULT,
          "ssi.signal_result",
          SignalResult.class,
          b -> {
            SignalResult r = new SignalResult(b.getInt());
            if (b.hasRemaining()) {
              throw new IllegalArgumentException("signal result with more bytes");
            }
            return r;
          });

  /** Every type of the family, in number order. */
  List<MessageType<? extends SsiMessage>> TYPES =
      List.of(
          HELLO_TYPE,
          CENSUS_REQUEST_TYPE,
          CENSUS_TYPE,
          PROC_FILE_REQUEST_TYPE,
          PROC_FILE_TYPE,
          SIGNAL_REQUEST_TYPE,
          SIGNAL_RESULT_TYPE);
}
