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
        id.map(KernelMessage.CheckIn::new),
        id.map(KernelMessage.CheckInAck::new),
        i.map(KernelMessage.Subscribe::new),
        i.map(KernelMessage.Unsubscribe::new),
        l.map(KernelMessage.Ping::new),
        l.map(KernelMessage.Pong::new),
        i.map(KernelMessage.ErrorReply::new),
        Combinators.combine(i, l).as(KernelMessage.TopicEvent::new),
        Combinators.combine(i, Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
            .as(KernelMessage.Blob::new));
  }

  @Property
  void decodeInvertsEncode(@ForAll("messages") KernelMessage m) {
    byte[] wire = m.encode();
    assertEquals(m.wireSize(), wire.length);
    assertEquals(Optional.of(m), KernelMessage.decode(m.type(), wire));
  }

  @Property
  void arbitraryBytesNeverThrow(
      @ForAll @IntRange(min = 0, max = 20) int type, @ForAll byte[] bytes) {
    KernelMessage.decode(type, bytes).ifPresent(m -> assertEquals(type, m.type()));
  }
}
