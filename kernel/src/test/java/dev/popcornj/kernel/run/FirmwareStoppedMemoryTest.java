package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What kexec_load's segments become in the memory of a partition no kernel runs on. */
class FirmwareStoppedMemoryTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void pooledContentIsPlacedAndNewContentDoesNotGrowThePool() throws Exception {
    Machine machine =
        new Machine(
            MachineFiles.load("default"),
            Machine.Options.defaults(OutputStream.nullOutputStream()));
    Firmware firmware = new Firmware(machine, line -> {});
    long base = machine.description().memory().getFirst().base();
    long at = base + (64L << 20);

    byte[] fresh = random(200 << 10, 1);
    assertEquals(Sbi.SUCCESS, firmware.writeStoppedMemory(at, fresh, fresh.length + 8192));
    assertNull(machine.contents().find(fresh), "a guest's new bytes are written, not pooled");
    byte[] back = new byte[fresh.length + 8192];
    firmware.memory().readBytes(at, back, 0, back.length);
    assertArrayEquals(java.util.Arrays.copyOf(fresh, back.length), back);

    byte[] archive = random(300 << 10, 2);
    at += 16L << 20; // frames nobody touched
    ReadOnlyBytes pooled = machine.contents().intern(archive);
    long touched = machine.touchedFrames();
    assertEquals(Sbi.SUCCESS, firmware.writeStoppedMemory(at, archive.clone(), archive.length));
    assertSame(
        pooled,
        machine.contents().intern(firmware.memory(), at, archive.length),
        "pooled bytes are placed, and found there");
    assertEquals(touched, machine.touchedFrames(), "without a copy in frames");
    byte[] read = new byte[archive.length];
    firmware.memory().readBytes(at, read, 0, read.length);
    assertArrayEquals(archive, read);
  }
}
