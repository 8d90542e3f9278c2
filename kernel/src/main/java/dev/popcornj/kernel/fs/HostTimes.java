package dev.popcornj.kernel.fs;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * Host file times to and from nanoseconds since the epoch. The one place in the kernel that names
 * java.time: these are times recorded in host files (host input), never a reading of a host clock.
 */
final class HostTimes {
  private HostTimes() {}

  static long toNs(FileTime t) {
    Instant i = t.toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  static FileTime fromNs(long ns) {
    return FileTime.from(
        Instant.ofEpochSecond(
            Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)));
  }
}
