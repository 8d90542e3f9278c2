package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Registration rules of the message registry, and decoding that a peer cannot make throw. */
class MessageRegistryTest {
  @Test
  void aNumberCanBeRegisteredOnlyOnceAndTheErrorNamesBothOwners() {
    MessageRegistry r = new MessageRegistry();
    r.register("test", TestBlob.TYPE);
    var clash =
        new MessageType<>(TestBlob.BLOB, "other.blob", TestBlob.class, TestBlob.TYPE.decoder());
    var e = assertThrows(IllegalArgumentException.class, () -> r.register("other", clash));
    assertTrue(e.getMessage().contains("test") && e.getMessage().contains("other.blob"));
  }

  @Test
  void theLayersNumbersAreNotForServices() {
    MessageRegistry r = new MessageRegistry();
    var ping = new MessageType<>(LayerMessage.PING, "x.ping", TestBlob.class, b -> null);
    assertThrows(IllegalArgumentException.class, () -> r.register("x", ping));
  }

  @Test
  void aDecoderThatRejectsItsBytesGivesAMalformedMessageNotAnError() {
    MessageRegistry r = new MessageRegistry();
    r.register("test", TestBlob.TYPE);
    ByteBuffer lying = ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    lying.putInt(7).putInt(1000).putInt(0);
    assertTrue(r.decode(TestBlob.BLOB, lying.array()).isEmpty());
    assertTrue(r.decode(TestBlob.BLOB, new byte[3]).isEmpty());
    assertTrue(r.decode(TestBlob.BLOB + 1, new byte[8]).isEmpty(), "an unregistered type");
    assertEquals(
        new TestBlob(3, new byte[] {9}),
        r.decode(TestBlob.BLOB, new TestBlob(3, new byte[] {9}).encode()).orElseThrow());
  }

  @Test
  void anEndpointRefusesToHandleATypeNobodyRegistered() {
    MsgCluster c = new MsgCluster(1, 2);
    assertThrows(
        IllegalArgumentException.class, () -> c.get(0).handle(TestBlob.BLOB + 1, in -> {}));
    assertThrows(
        IllegalArgumentException.class, () -> c.get(0).handle(LayerMessage.CHECK_IN, in -> {}));
  }
}
