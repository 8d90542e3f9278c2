package dev.popcornj.machine.desc;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a device is, which decides the driver a kernel probes it with. */
public enum DeviceKind {
  UART,
  TIMER,
  BLOCK,
  NIC;

  /** The name used in machine files, such as {@code uart}. */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Looks a kind up by its file name; throws IllegalArgumentException naming the valid kinds. */
  public static DeviceKind fromFileName(String s) {
    for (DeviceKind k : values()) {
      if (k.fileName().equals(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown device kind '"
            + Quantities.clip(s)
            + "'; kinds are "
            + Arrays.stream(values()).map(DeviceKind::fileName).collect(Collectors.joining(", ")));
  }
}
