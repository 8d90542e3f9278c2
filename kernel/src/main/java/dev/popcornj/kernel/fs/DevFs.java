package dev.popcornj.kernel.fs;

import java.util.function.Consumer;

/**
 * /dev: a devtmpfs (a tmpfs, so programs may add files to it) holding the memory devices and the
 * character devices the kernel registers, such as the console and tty of the terminal.
 *
 * <pre>
 *   null 1:3  zero 1:5  full 1:7  random 1:8  urandom 1:9     (built in)
 *   tty 5:0   console 5:1   ...                                (registerCharDevice)
 *   shm/  pts/                                                 (empty directories)
 * </pre>
 */
public final class DevFs {
  private final Vfs vfs;
  private final Tmpfs fs;

  /**
   * Builds /dev's contents; mount {@link #fileSystem()} at /dev.
   *
   * @param random fills an array with bytes from the kernel's seeded generator
   */
  public DevFs(Vfs vfs, Consumer<byte[]> random) {
    this(vfs, random, true);
  }

  /**
   * As above; without memoryDevices, /dev has no null, zero, full, random or urandom (a kernel
   * image that leaves them out).
   */
  public DevFs(Vfs vfs, Consumer<byte[]> random, boolean memoryDevices) {
    this.vfs = vfs;
    this.fs = vfs.newTmpfs("devtmpfs");
    fs.root().setPermissions(0755);
    for (MemDevice.Kind k : memoryDevices ? MemDevice.Kind.values() : new MemDevice.Kind[0]) {
      registerCharDevice(k.name().toLowerCase(java.util.Locale.ROOT), new MemDevice(k, random));
    }
    for (String dir : new String[] {"shm", "pts"}) {
      vfs.mkdirAt(vfs.newContext(), fs.root(), dir, 0755)
          .setPermissions(dir.equals("shm") ? 01777 : 0755);
    }
  }

  public Tmpfs fileSystem() {
    return fs;
  }

  /** Adds /dev/name for dev: mode 0600 for the console, 0666 otherwise, as udev leaves them. */
  public DeviceInode registerCharDevice(String name, CharDevice dev) {
    return vfs.mknodAt(fs.root(), name, dev, name.equals("console") ? 0600 : 0666);
  }
}
