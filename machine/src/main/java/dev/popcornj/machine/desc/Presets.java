package dev.popcornj.machine.desc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The built-in machines, kept as TOML resources beside this class so they are read, and checked, by
 * the same reader as a user's file.
 *
 * <pre>
 * default   8 harts rv64imafdc, 2 nodes of 4, 1 GiB (512 MiB per node), uart + timer
 * manycore  64 harts rv64imafdc, 8 nodes of 8, 8 GiB (1 GiB per node), uart + timer
 * hetero    4 harts rv64imafdc in node 0, 4 harts rv64imac in node 1, 1 GiB, uart + timer
 * </pre>
 */
public final class Presets {
  private Presets() {}

  private static final List<String> NAMES = List.of("default", "hetero", "manycore");

  /** The preset names, sorted. */
  public static List<String> names() {
    return NAMES;
  }

  public static boolean exists(String name) {
    return NAMES.contains(name);
  }

  /** Loads a preset by name; an unknown name is refused with the list of presets. */
  public static MachineDescription load(String name) throws MachineFileException {
    if (!exists(name)) {
      throw new MachineFileException(
          name, null, "unknown preset; presets are " + String.join(", ", NAMES));
    }
    return MachineFileReader.read("preset " + name, name, text(name));
  }

  /** The TOML text of a preset, for users who want to start their own file from one. */
  public static String text(String name) {
    if (!exists(name)) {
      throw new IllegalArgumentException("unknown preset " + name);
    }
    try (InputStream in =
        Presets.class.getResourceAsStream("/dev/popcornj/machine/presets/" + name + ".toml")) {
      if (in == null) {
        throw new IllegalStateException("preset resource missing from the build: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
