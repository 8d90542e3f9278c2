package dev.popcornj.kernel.msg;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The message types one kernel understands: the layer's own ({@link LayerMessage}) and those its
 * services registered at boot, each under a number the service reserved. Registering a number
 * twice, or one of the layer's, is refused, so two services can never read each other's traffic.
 * Decoding never throws: a payload that does not match its type's layout, or leaves bytes over, is
 * malformed.
 *
 * <p>Owned by one kernel instance's {@link Endpoint}.
 */
public final class MessageRegistry {
  private record Entry(String owner, MessageType<?> type) {}

  private final Map<Integer, Entry> types = new TreeMap<>();

  /**
   * Adds type for owner (a service's name).
   *
   * @throws IllegalArgumentException when the number is the layer's, out of range, or taken
   */
  public void register(String owner, MessageType<?> type) {
    int n = type.number();
    if (n < KernelMessage.FIRST_SERVICE_TYPE || n > KernelMessage.MAX_TYPE) {
      throw new IllegalArgumentException(
          owner
              + ": message type "
              + n
              + " ("
              + type.name()
              + ") is outside "
              + KernelMessage.FIRST_SERVICE_TYPE
              + ".."
              + KernelMessage.MAX_TYPE);
    }
    Entry had = types.get(n);
    if (had != null) {
      throw new IllegalArgumentException(
          owner
              + ": message type "
              + n
              + " ("
              + type.name()
              + ") is already "
              + had.owner()
              + "'s "
              + had.type().name());
    }
    types.put(n, new Entry(owner, type));
  }

  /** Whether a service registered number. */
  public boolean isRegistered(int number) {
    return types.containsKey(number);
  }

  /** The name of a type number, for logs: the layer's, a service's, or "type N". */
  public String nameOf(int number) {
    Entry e = types.get(number);
    return e != null ? e.type().name() : "type " + number;
  }

  /**
   * The message a payload of the given type holds, or empty if the type is unknown or the bytes do
   * not match its layout (a peer can never make this throw).
   */
  public Optional<KernelMessage> decode(int type, byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    try {
      KernelMessage m;
      if (type < KernelMessage.FIRST_SERVICE_TYPE) {
        m = LayerMessage.decode(type, b);
      } else {
        Entry e = types.get(type);
        m = e == null ? null : e.type().decoder().decode(b);
      }
      if (m == null || m.type() != type || b.hasRemaining()) {
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
