package dev.popcornj.machine.desc;

import java.util.regex.Pattern;

/**
 * A device's vendor:device identity, 16 bits each as in PCI, written in hex as {@code 1af4:1000}.
 * Drivers match on it. Model-only devices with no real identity use vendor 0000.
 */
public record DeviceId(int vendor, int device) {
  private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{4}");

  public DeviceId {
    if ((vendor & ~0xffff) != 0 || (device & ~0xffff) != 0) {
      throw new IllegalArgumentException("vendor and device ids are 16 bits");
    }
  }

  // equals and hashCode written out: a record's own are linked at their first call, which took
  // 9 ms of every replicated boot (the partition resolver compares device ids)
  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceId d && d.vendor == vendor && d.device == device;
  }

  @Override
  public int hashCode() {
    return vendor * 65537 + device;
  }

  /** Parses {@code vvvv:dddd} (four hex digits each); throws IllegalArgumentException if not. */
  public static DeviceId parse(String s) {
    if (!FORM.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "'"
              + Quantities.clip(s)
              + "' is not a vendor:device id; write four hex digits each, like \"1af4:1000\"");
    }
    return new DeviceId(
        Integer.parseInt(s.substring(0, 4), 16), Integer.parseInt(s.substring(5), 16));
  }

  @Override
  public String toString() {
    return String.format("%04x:%04x", vendor, device);
  }
}
