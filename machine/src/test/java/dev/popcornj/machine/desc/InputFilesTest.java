package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files a user names are read whole only when they are regular files within their limit. */
class InputFilesTest {
  @TempDir Path dir;

  private static String refusal(Path p, long limit) {
    return assertThrows(InputFiles.Refused.class, () -> InputFiles.read(p, limit, "a thing"))
        .getMessage();
  }

  @Test
  void aRegularFileWithinItsLimitIsReadWhole() throws Exception {
    Path f = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, InputFiles.read(f, 3, "a thing"));
  }

  /** Read in chunks (see {@link InputFiles#READ_CHUNK}), a large file still comes whole. */
  @Test
  void aFileOfSeveralChunksIsReadWholeAndInOrder() throws Exception {
    byte[] data = new byte[2 * InputFiles.READ_CHUNK + 12345];
    new java.util.Random(5).nextBytes(data);
    Path f = Files.write(dir.resolve("big"), data);
    assertArrayEquals(data, InputFiles.read(f, data.length, "a thing"));
    assertEquals(
        "larger than " + Quantities.formatSize(data.length - 1) + ", the most a thing may be",
        refusal(f, data.length - 1));
  }

  /** /dev/zero has size 0 and never ends: reading it whole used to fill the heap. */
  @Test
  void devicesThatNeverEndAreRefusedBeforeAnyRead() {
    for (String device : new String[] {"/dev/zero", "/dev/urandom", "/dev/null"}) {
      Path p = Path.of(device);
      assumeTrue(Files.exists(p), device);
      assertEquals(
          "not a regular file (a device, pipe or socket); give a file", refusal(p, 1 << 20));
    }
  }

  /** A sparse file takes no disk; its size alone refuses it. */
  @Test
  void aFileOverTheLimitIsRefusedWithTheLimit() throws IOException {
    Path big = dir.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    assertEquals("larger than 1 MiB, the most a thing may be", refusal(big, 1 << 20));
  }

  @Test
  void missingFilesAndDirectoriesAreRefused() {
    assertEquals("no such file", refusal(dir.resolve("nope"), 10));
    assertEquals("is a directory, not a thing", refusal(dir, 10));
  }
}
