package dev.popcornj.machine.desc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds a machine description from what a user typed: a preset name or the path of a TOML file. A
 * bare word that names a preset is the preset; write {@code ./default} for a file so named. What it
 * returns has passed {@link MachineLimits}, so a machine that {@code popcorn machine check} accepts
 * is one that boots.
 */
public final class MachineFiles {
  private MachineFiles() {}

  /** Loads a preset by name, or else the machine file at that path. */
  public static MachineDescription load(String presetOrPath) throws MachineFileException {
    if (Presets.exists(presetOrPath)) {
      return MachineLimits.check(Presets.load(presetOrPath));
    }
    Path path;
    try {
      path = Path.of(presetOrPath);
    } catch (InvalidPathException e) {
      throw new MachineFileException(presetOrPath, null, "not a valid path");
    }
    if (!Files.exists(path) && looksLikePresetName(presetOrPath)) {
      throw new MachineFileException(
          presetOrPath,
          null,
          "no such file, nor a preset; presets are " + String.join(", ", Presets.names()));
    }
    return load(path, presetOrPath);
  }

  /**
   * Loads the machine file at a path.
   *
   * @param label how to name the file in error messages, usually as the user wrote it
   */
  public static MachineDescription load(Path path, String label) throws MachineFileException {
    byte[] bytes;
    try {
      bytes = InputFiles.read(path, 4L * MachineFileReader.MAX_FILE_CHARS, "a machine file");
    } catch (InputFiles.Refused e) {
      throw new MachineFileException(label, null, e.getMessage());
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new MachineFileException(label, null, "not UTF-8 text; a machine file is TOML");
    }
    return MachineLimits.check(MachineFileReader.read(label, defaultName(path), text));
  }

  private static boolean looksLikePresetName(String s) {
    return s.matches("[A-Za-z0-9_-]+");
  }

  private static String defaultName(Path path) {
    Path f = path.getFileName();
    String n = f == null ? "machine" : f.toString();
    return n.endsWith(".toml") ? n.substring(0, n.length() - 5) : n;
  }
}
