package dev.popcornj.machine.dev;

/**
 * A device on the machine, reached by its owner's driver through byte-wide registers, as a kernel
 * reaches MMIO registers. A device belongs to at most one kernel at a time.
 */
public interface Device {
  /** The device's unique id in the machine description. */
  String id();

  int readRegister(int offset);

  void writeRegister(int offset, int value);
}
