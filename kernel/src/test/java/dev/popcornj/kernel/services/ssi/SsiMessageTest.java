package dev.popcornj.kernel.services.ssi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageRegistry;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.RemoteSignal;
import dev.popcornj.kernel.signal.SigInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The single-system-image messages survive their wire layouts, and no byte string a peer sends
 * makes decoding throw.
 */
class SsiMessageTest {
  private static MessageRegistry registry() {
    MessageRegistry r = new MessageRegistry();
    for (var type : SsiMessage.TYPES) {
      r.register("ssi", type);
    }
    return r;
  }

  private static KernelMessage roundTrip(KernelMessage m) {
    byte[] wire = m.encode();
    assertEquals(m.wireSize(), wire.length, "wireSize of " + m);
    return registry().decode(m.type(), wire).orElseThrow(() -> new AssertionError("refused " + m));
  }

  @Provide
  Arbitrary<SsiMessage> records() {
    Arbitrary<Integer> ids = Arbitraries.integers().between(1, Integer.MAX_VALUE);
    Arbitrary<String> isa = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(40);
    Arbitrary<SsiMessage.Cpu> cpu =
        Combinators.combine(Arbitraries.integers().between(0, 4095), isa).as(SsiMessage.Cpu::new);
    Arbitrary<Census.CpuTime> time =
        Combinators.combine(
                Arbitraries.integers().between(0, 4095), Arbitraries.longs(), Arbitraries.longs())
            .as(Census.CpuTime::new);
    Arbitrary<Census> census =
        Combinators.combine(
                Arbitraries.integers().between(0, 63),
                Arbitraries.longs(),
                Arbitraries.longs(),
                time.list().ofMaxSize(16),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000),
                ids.list().ofMaxSize(50))
            .as(Census::new);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.longs(), cpu.list().ofMaxSize(16))
            .as(SsiMessage.Hello::new),
        Arbitraries.just(new SsiMessage.CensusRequest()),
        census.map(SsiMessage.CensusReply::new),
        Combinators.combine(ids, Arbitraries.of(SsiDescriptor.FILE_NAMES))
            .as(SsiMessage.ProcFileRequest::new),
        Arbitraries.integers().between(-4095, 0).map(SsiMessage.SignalResult::new));
  }

  @Property
  void decodeInvertsEncode(@ForAll("records") SsiMessage m) {
    assertEquals(m, roundTrip(m));
  }

  @Test
  void aProcFileKeepsItsBytes() {
    byte[] text = "Name:\tsleep\nKernel:\t2\nOrigin:\t2\n".getBytes();
    var back =
        assertInstanceOf(SsiMessage.ProcFile.class, roundTrip(new SsiMessage.ProcFile(text)));
    assertArrayEquals(text, back.text());
  }

  @Test
  void aSignalKeepsItsTargetAndTheSiginfoItsHandlerWillSee() {
    SigInfo info = SigInfo.queue(44, 65538, 0, 0x1234_5678_9abcL);
    RemoteSignal s = new RemoteSignal(131075, 131076, 44, info);
    var back =
        assertInstanceOf(
            SsiMessage.SignalRequest.class, roundTrip(new SsiMessage.SignalRequest(s)));
    assertEquals(131075, back.signal().pid());
    assertEquals(131076, back.signal().tid());
    assertEquals(44, back.signal().sig());
    assertEquals(131076, back.signal().target());
    assertArrayEquals(info.encode(), back.signal().info().encode());
    assertEquals(65538, back.signal().info().senderPid());
  }

  @Test
  void layoutsRefuseCountsThatLie() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1 << 20).putInt(1000); // a hello that claims 1000 CPUs and carries none
    assertTrue(registry().decode(SsiMessage.HELLO, b.array()).isEmpty());
    byte[] request = new SsiMessage.ProcFileRequest(5, "status").encode();
    request[request.length - 1] = 'X'; // "statuX": not a file a peer may ask for
    assertTrue(registry().decode(SsiMessage.PROC_FILE_REQUEST, request).isEmpty());
    byte[] signal =
        new SsiMessage.SignalRequest(new RemoteSignal(5, 0, 9, SigInfo.kill(9, 1, 0))).encode();
    signal[SsiDescriptor.SIGNAL_SIG] = 65; // past the last signal
    assertTrue(registry().decode(SsiMessage.SIGNAL_REQUEST, signal).isEmpty());
    assertTrue(registry().decode(SsiMessage.CENSUS_REQUEST, new byte[1]).isEmpty());
    assertTrue(registry().decode(SsiMessage.SIGNAL_RESULT, new byte[] {1, 0, 0, 0}).isEmpty());
  }

  @Property
  void arbitraryBytesNeverThrow(
      @ForAll @IntRange(min = SsiMessage.FIRST, max = SsiMessage.LAST) int type,
      @ForAll byte[] bytes) {
    registry().decode(type, bytes).ifPresent(m -> assertEquals(type, m.type()));
  }

  @Test
  void theFamilyStaysInItsRange() {
    List<Integer> numbers = SsiMessage.TYPES.stream().map(t -> t.number()).toList();
    assertTrue(numbers.stream().allMatch(n -> n >= SsiMessage.FIRST && n <= SsiMessage.LAST));
    assertEquals(numbers.size(), numbers.stream().distinct().count());
  }
}
