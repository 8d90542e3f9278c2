package dev.popcornj.kernel.msg;

import java.nio.ByteBuffer;

/**
 * One message type a service owns: its number, a name for logs and traces, the record class it
 * decodes to, and its decoder.
 *
 * @param number the type number on the wire, from {@link KernelMessage#FIRST_SERVICE_TYPE} on
 * @param name how logs and counters call it, such as {@code vtty.output}
 * @param decoder reads one message from a little-endian buffer holding exactly its payload
 */
public record MessageType<M extends KernelMessage>(
    int number, String name, Class<M> recordClass, Decoder<M> decoder) {
  /**
   * Reads a message from the bytes a peer sent. It may throw {@link
   * java.nio.BufferUnderflowException} for bytes too short, or {@link IllegalArgumentException} for
   * values its layout forbids; the registry turns both into a malformed message, never an error of
   * the receiving kernel.
   */
  @FunctionalInterface
  public interface Decoder<M> {
    M decode(ByteBuffer payload);
  }
}
