package dev.popcornj.kernel.services.vtty;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;

/**
 * The virtual TTY service's messages, numbers {@value #FIRST} to {@value #LAST}: console output a
 * secondary sends to the primary, and keys the primary sends to a secondary's console. Both carry
 * bytes in the layout of {@link VttyDescriptor}.
 */
public sealed interface VttyMessage extends KernelMessage {
  /** The numbers this service reserves. */
  int FIRST = 32;

  int LAST = 39;

  int OUTPUT = FIRST;
  int INPUT = FIRST + 1;

  /** What the bytes are. */
  byte[] data();

  @Override
  default int wireSize() {
    return VttyDescriptor.wireSize(data().length);
  }

  @Override
  default void write(ByteBuffer b) {
    VttyDescriptor.write(b, data());
  }

  /**
   * Output of a secondary's console, for the primary (secondary to primary). The bytes are the
   * sender's and then the receiver's alone: neither keeps the array after handing it over.
   */
  record Output(byte[] data) implements VttyMessage {
    @Override
    public int type() {
      return OUTPUT;
    }
  }

  /** Keys typed for a secondary's console (primary to secondary); the bytes as for Output. */
  record Input(byte[] data) implements VttyMessage {
    @Override
    public int type() {
      return INPUT;
    }
  }

  MessageType<Output> OUTPUT_TYPE =
      new MessageType<>(
          OUTPUT, "vtty.output", Output.class, b -> new Output(VttyDescriptor.read(b)));

  MessageType<Input> INPUT_TYPE =
      new MessageType<>(INPUT, "vtty.input", Input.class, b -> new Input(VttyDescriptor.read(b)));
}
