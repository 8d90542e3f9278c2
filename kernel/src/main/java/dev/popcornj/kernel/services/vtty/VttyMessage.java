package dev.popcornj.kernel.services.vtty;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;
import java.util.Arrays;

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

  /** Output of a secondary's console, for the primary (secondary to primary). */
  record Output(byte[] data) implements VttyMessage {
    public Output {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return OUTPUT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Output other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Output[" + data.length + " bytes]";
    }
  }

  /** Keys typed for a secondary's console (primary to secondary). */
  record Input(byte[] data) implements VttyMessage {
    public Input {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public int type() {
      return INPUT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Input other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Input[" + data.length + " bytes]";
    }
  }

  MessageType<Output> OUTPUT_TYPE =
      new MessageType<>(
          OUTPUT, "vtty.output", Output.class, b -> new Output(VttyDescriptor.read(b)));

  MessageType<Input> INPUT_TYPE =
      new MessageType<>(INPUT, "vtty.input", Input.class, b -> new Input(VttyDescriptor.read(b)));
}
