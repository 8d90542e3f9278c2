package dev.popcornj.kernel.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.msg.LayerMessage.Ping;
import dev.popcornj.machine.mem.MemoryFault;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window's bytes in simulated memory match {@link WindowDescriptor}, and format checks fit. */
class WindowLayoutTest {
  @Test
  void formatRefusesAWindowThatIsTooSmall() {
    MsgCluster c = new MsgCluster(1, 1);
    MemoryView v = c.views.get(0);
    long need = WindowDescriptor.windowBytes(8, 2, 128);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MessageWindow.format(v, MsgCluster.WINDOW_BASE, need - 1, 8, 128));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    MessageWindow.format(v, MsgCluster.WINDOW_BASE, need, 8, 128);
  }

  @Test
  void attachingToUnformattedMemoryFails() {
    MsgCluster c = new MsgCluster(1, 1);
    MemoryView v = c.views.get(0);
    long elsewhere = MsgCluster.WINDOW_BASE + MsgCluster.WINDOW_SIZE / 2;
    assertThrows(
        IllegalStateException.class,
        () -> new MessageWindow(v, elsewhere, MsgCluster.WINDOW_SIZE / 2));
  }

  @Test
  void aSentSlotHasTheDescribedLittleEndianLayout() {
    MsgCluster c = new MsgCluster(1, 2);
    c.checkInAll();
    MessageWindow w = c.get(0).window();
    w.setInterruptEnabled(1, false);
    long ticket = w.ticket(1, Priority.HIGH);
    assertEquals(SendResult.SENT, c.get(0).send(1, Priority.HIGH, new Ping(0x1122334455667788L)));
    long slot = w.slot(1, Priority.HIGH, ticket);
    MemoryView v = c.views.get(1);
    assertEquals(1, v.read8(slot + WindowDescriptor.SLOT_READY));
    assertEquals(
        WindowDescriptor.FLAG_FIRST | WindowDescriptor.FLAG_LAST,
        v.read8(slot + WindowDescriptor.SLOT_FLAGS));
    assertEquals(0, v.read16(slot + WindowDescriptor.SLOT_SENDER));
    assertEquals(LayerMessage.PING, v.read16(slot + WindowDescriptor.SLOT_TYPE));
    assertEquals(8, v.read16(slot + WindowDescriptor.SLOT_LENGTH));
    assertEquals((byte) 0x88, v.read8(slot + WindowDescriptor.SLOT_PAYLOAD));
    assertEquals(0x11223344, v.read32(slot + WindowDescriptor.SLOT_PAYLOAD + 4));
    assertEquals(ticket + 1, w.ticket(1, Priority.HIGH));
    assertEquals(WindowDescriptor.MAGIC, v.read64(MsgCluster.WINDOW_BASE));
    assertEquals(
        "PCNKMSG\0",
        new String(
            java.nio.ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(WindowDescriptor.MAGIC)
                .array(),
            java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(0, WindowDescriptor.areasOffset(8) % WindowDescriptor.LINE);
  }

  @Test
  void anEndpointReachesOnlyItsPartitionAndTheWindow() {
    MsgCluster c = new MsgCluster(1, 2);
    MemoryView v = c.views.get(0);
    assertThrows(
        MemoryFault.class, () -> v.read64(MsgCluster.PARTITION_BASE + MsgCluster.PARTITION_SIZE));
    assertEquals(
        List.of(
            new Region(MsgCluster.PARTITION_BASE, MsgCluster.PARTITION_SIZE),
            new Region(MsgCluster.WINDOW_BASE, MsgCluster.WINDOW_SIZE)),
        v.grants());
  }

  @Test
  void aRawSendLargerThanTheRingIsRefusedAndNothingIsWritten() {
    MsgCluster c = new MsgCluster(1, 2, 4, 8);
    c.checkInAll();
    MessageWindow w = c.get(0).window();
    long ticket = w.ticket(1, Priority.NORMAL);
    byte[] big = new byte[4 * WindowDescriptor.SLOT_PAYLOAD_SIZE];
    assertEquals(SendResult.TOO_LARGE, c.get(0).send(1, Priority.NORMAL, new TestBlob(0, big)));
    assertEquals(ticket, w.ticket(1, Priority.NORMAL));
    assertEquals(SendResult.NO_SUCH_PEER, c.get(0).send(5, Priority.NORMAL, new Ping(1)));
    assertEquals(SendResult.NO_SUCH_PEER, c.get(0).send(99, Priority.NORMAL, new Ping(1)));
  }
}
