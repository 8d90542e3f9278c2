package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the user typed is found as a preset or a file, and failures to read say why. */
class MachineFilesTest {
  @TempDir Path dir;

  @Test
  void aPathIsReadAndNamedAfterTheFile() throws IOException, MachineFileException {
    Path f = dir.resolve("small.toml");
    Files.writeString(f, Presets.text("default").replace("name = \"default\"\n", ""));
    MachineDescription m = MachineFiles.load(f.toString());
    assertEquals("small", m.name());
    assertEquals(f.toString(), m.source());
    assertEquals(8, m.harts().size());
  }

  @Test
  void aMissingFileIsRefused() {
    String p = dir.resolve("nope.toml").toString();
    MachineFileException e = assertThrows(MachineFileException.class, () -> MachineFiles.load(p));
    assertEquals(p + ": no such file", e.getMessage());
  }

  @Test
  void aBareWordThatIsNeitherFileNorPresetListsThePresets() {
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load("manycor"));
    assertEquals(
        "manycor: no such file, nor a preset; presets are default, hetero, manycore",
        e.getMessage());
  }

  @Test
  void aDirectoryIsRefused() {
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load(dir.toString()));
    assertEquals(dir + ": is a directory, not a machine file", e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() throws IOException {
    Path f = dir.resolve("bin.toml");
    Files.write(f, new byte[] {'n', '=', (byte) 0xff, (byte) 0xfe, 0});
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load(f.toString()));
    assertEquals(f + ": not UTF-8 text; a machine file is TOML", e.getMessage());
  }
}
