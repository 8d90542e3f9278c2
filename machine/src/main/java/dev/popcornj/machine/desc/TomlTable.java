package dev.popcornj.machine.desc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One table of a parsed machine file together with its TOML path, so that every value read from it
 * can be reported as {@code FILE: harts[2].isa: REASON}.
 */
final class TomlTable {
  /** Converts one TOML value; throws IllegalArgumentException with the reason when it cannot. */
  @FunctionalInterface
  interface ValueParser<T> {
    T parse(Toml.Value value);
  }

  private final String file;
  private final String path;
  private final Toml.Table node;

  TomlTable(String file, String path, Toml.Table node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  String path() {
    return path;
  }

  /** The full TOML path of a key of this table, such as {@code memory[1].base}. */
  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  MachineFileException error(String key, String reason) {
    return new MachineFileException(file, keyPath(key), reason);
  }

  /** An error about this table as a whole. */
  MachineFileException error(String reason) {
    return new MachineFileException(file, path.isEmpty() ? null : path, reason);
  }

  /** Refuses any key this table does not define, naming the ones it does. */
  void allowOnly(String... keys) throws MachineFileException {
    Set<String> known = new TreeSet<>(List.of(keys));
    for (String k : node.entries().keySet()) {
      if (!known.contains(k)) {
        throw error(k, "unknown key; expected one of " + String.join(", ", known));
      }
    }
  }

  boolean has(String key) {
    return node.get(key) != null;
  }

  <T> Optional<T> optional(String key, ValueParser<T> parser) throws MachineFileException {
    Toml.Value v = node.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Toml.DateTimeValue d) {
      throw error(
          key,
          "dates and times are not supported here, got "
              + d.kind().description()
              + " ("
              + Quantities.clip(d.text())
              + ")");
    }
    try {
      return Optional.of(parser.parse(v));
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  <T> T required(String key, ValueParser<T> parser) throws MachineFileException {
    return optional(key, parser).orElseThrow(() -> error(key, "required key is missing"));
  }

  /**
   * The tables of an array of tables ({@code [[key]]}); none when the key is absent. Elements are
   * named {@code key[i]}.
   */
  List<TomlTable> tables(String key) throws MachineFileException {
    Toml.Value v = node.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof Toml.Array array)) {
      throw error(key, "expected tables written as [[" + key + "]], got " + Quantities.type(v));
    }
    List<TomlTable> out = new ArrayList<>();
    for (int i = 0; i < array.items().size(); i++) {
      Toml.Value e = array.items().get(i);
      String p = keyPath(key) + "[" + i + "]";
      if (!(e instanceof Toml.Table o)) {
        throw new MachineFileException(
            file, p, "expected a table written as [[" + key + "]], got " + Quantities.type(e));
      }
      out.add(new TomlTable(file, p, o));
    }
    return out;
  }
}
