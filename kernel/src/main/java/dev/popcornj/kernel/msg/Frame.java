package dev.popcornj.kernel.msg;

/**
 * One whole message as a transport carries it: who sent it, its priority, type number, kind flags
 * ({@link WindowDescriptor#KIND_MASK}), correlation id and payload bytes.
 */
public record Frame(
    int from, Priority priority, int type, int kind, int correlation, byte[] payload) {
  public Frame {
    if (type < 0 || type > 0xffff) {
      throw new IllegalArgumentException("message type must be 0..65535, not " + type);
    }
  }

  public boolean isRequest() {
    return (kind & WindowDescriptor.FLAG_REQUEST) != 0;
  }

  public boolean isResponse() {
    return (kind & WindowDescriptor.FLAG_RESPONSE) != 0;
  }

  public boolean isNotification() {
    return (kind & WindowDescriptor.FLAG_NOTIFY) != 0;
  }
}
