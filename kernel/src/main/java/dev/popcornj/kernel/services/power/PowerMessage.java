package dev.popcornj.kernel.services.power;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;

/**
 * The power service's messages, numbers {@value #FIRST} to {@value #LAST}. Wire layout of {@link
 * PowerOff}, little-endian:
 *
 * <pre>
 *   0                4
 *   +----------------+
 *   | status u32     |   0..255, the status the machine powers off with
 *   +----------------+
 * </pre>
 */
public sealed interface PowerMessage extends KernelMessage {
  int FIRST = 40;
  int LAST = 41;

  int POWER_OFF = FIRST;

  /** Offsets of {@link PowerOff}'s layout. */
  int STATUS = 0;

  int POWER_OFF_LENGTH = 4;

  /** A secondary that ran `popcorn run --on`'s program asks the primary to power off. */
  record PowerOff(int status) implements PowerMessage {
    public PowerOff {
      if (status < 0 || status > 255) {
        throw new IllegalArgumentException("status " + status + " is not 0..255");
      }
    }

    @Override
    public int type() {
      return POWER_OFF;
    }

    @Override
    public int wireSize() {
      return POWER_OFF_LENGTH;
    }

    @Override
    public void write(ByteBuffer b) {
      b.putInt(status);
    }
  }

  MessageType<PowerOff> POWER_OFF_TYPE =
      new MessageType<>(POWER_OFF, "power.off", PowerOff.class, b -> new PowerOff(b.getInt()));
}
