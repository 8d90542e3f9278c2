package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every typed message survives its wire layout, and no byte string makes decoding throw. */
class KernelMessageTest {
  @Provide
  Arbitrary<KernelMessage> messages() {
    Arbitrary<Integer> i = Arbitraries.integers();
    Arbitrary<Long> l = Arbitraries.longs();
    Arbitrary<KernelIdentity> id = Combinators.combine(i, i, l, l).as(KernelIdentity::new);
    return Arbitraries.oneOf(
        id.map(LayerMessage.CheckIn::new),
        id.map(LayerMessage.CheckInAck::new),
        i.map(LayerMessage.Subscribe::new),
        i.map(LayerMessage.Unsubscribe::new),
        l.map(LayerMessage.Ping::new),
        l.map(LayerMessage.Pong::new),
        i.map(LayerMessage.ErrorReply::new),
        Combinators.combine(i, l).as(LayerMessage.TopicEvent::new),
        Combinators.combine(i, Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
            .as(TestBlob::new));
  }

  private static MessageRegistry registry() {
    MessageRegistry r = new MessageRegistry();
    r.register("test", TestBlob.TYPE);
    return r;
  }

  @Property
  void decodeInvertsEncode(@ForAll("messages") KernelMessage m) {
    byte[] wire = m.encode();
    assertEquals(m.wireSize(), wire.length);
    assertEquals(Optional.of(m), registry().decode(m.type(), wire));
  }

  @Property
  void arbitraryBytesNeverThrow(
      @ForAll @IntRange(min = 0, max = 120) int type, @ForAll byte[] bytes) {
    registry().decode(type, bytes).ifPresent(m -> assertEquals(type, m.type()));
  }
}
