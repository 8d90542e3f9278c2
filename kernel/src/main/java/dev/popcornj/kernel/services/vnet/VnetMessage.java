package dev.popcornj.kernel.services.vnet;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;

/**
 * The virtual network's messages, numbers {@value #FIRST} to {@value #LAST}: one IPv4 packet from
 * one kernel's vnet0 to another's. The payload is the packet itself, header first, as the stack
 * made it; nothing is added, so the message is as long as the packet (at most {@link
 * VnetDevice#MTU} bytes; the messaging layer chunks what does not fit a slot).
 */
public sealed interface VnetMessage extends KernelMessage {
  /** The numbers this service reserves (81 to 87 are spare). */
  int FIRST = 80;

  int LAST = 87;

  int PACKET = FIRST;

  /**
   * One IPv4 packet. The bytes are the sender's and then the receiver's alone: neither keeps the
   * array after handing it over.
   */
  record Packet(byte[] data) implements VnetMessage {
    public Packet {
      if (data.length == 0 || data.length > VnetDevice.MTU) {
        throw new IllegalArgumentException("packet of " + data.length + " bytes");
      }
    }

    @Override
    public int type() {
      return PACKET;
    }

    @Override
    public int wireSize() {
      return data.length;
    }

    @Override
    public void write(ByteBuffer b) {
      b.put(data);
    }
  }

  MessageType<Packet> PACKET_TYPE =
      new MessageType<>(
          PACKET,
          "vnet.packet",
          Packet.class,
          b -> {
            byte[] data = new byte[b.remaining()];
            b.get(data);
            return new Packet(data);
          });
}
