package dev.popcornj.kernel.fs;

import java.util.List;

/**
 * /sys: the little of sysfs that programs read to learn the machine, generated from a {@link
 * Source} when looked up and opened, as /proc is. glibc's sysconf counts CPUs here.
 *
 * <pre>
 *   /sys/devices/system/cpu/{online,possible,present}   CPU lists, such as "0-7"
 *   /sys/devices/system/cpu/cpuN/online                 1 or 0
 * </pre>
 */
public final class SysFs extends GeneratedFs {
  /** What /sys shows, asked each time a file is opened or a directory listed. */
  public interface Source {
    /** Paths of the files, such as "devices/system/cpu/online". */
    List<String> files();

    /** Contents of one of {@link #files()}; null when it does not exist. */
    String file(String path);
  }

  private final Source source;
  private final FilesDir root;

  public SysFs(Vfs vfs, Source source) {
    super(vfs);
    this.source = source;
    this.root = new FilesDir("", null);
  }

  @Override
  public DirInode root() {
    return root;
  }

  @Override
  public String type() {
    return "sysfs";
  }

  @Override
  List<String> generatedFiles() {
    return source.files();
  }

  @Override
  String generatedFile(String path) {
    return source.file(path);
  }
}
