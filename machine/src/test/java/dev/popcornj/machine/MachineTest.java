package dev.popcornj.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.desc.Presets;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.mem.MemoryFault;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {
  @Test
  void buildsTheDefaultPresetWithItsHartsNodesMemoryAndConsole() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Machine m = new Machine(Presets.load("default"), Machine.Options.defaults(console));
    assertEquals(8, m.harts().size());
    assertEquals(0, m.nodeOf(3));
    assertEquals(1, m.nodeOf(4));
    assertEquals("rv64imafdc", m.hart(7).isa().canonical());
    Uart uart = m.console().orElseThrow();
    uart.writeRegister(Uart.RBR_THR, 'k');
    assertEquals("k", console.toString(StandardCharsets.US_ASCII));
    assertEquals(0, m.touchedFrames(), "a new machine holds no guest memory");
  }

  @Test
  void heterogeneousHartsKeepTheirIsa() throws Exception {
    Machine m =
        new Machine(
            Presets.load("hetero"), Machine.Options.defaults(OutputStream.nullOutputStream()));
    long withFp = m.harts().stream().filter(h -> h.isa().d()).count();
    assertTrue(withFp > 0 && withFp < m.harts().size());
  }

  @Test
  void memoryViewsGuardPartitions() throws Exception {
    Machine m =
        new Machine(
            Presets.load("default"), Machine.Options.defaults(OutputStream.nullOutputStream()));
    long base = m.description().memory().get(0).base();
    MemoryView k0 = m.memoryView("kernel0", List.of(new Region(base, 1 << 20)));
    k0.write64(base, 1);
    assertThrows(MemoryFault.class, () -> k0.write64(base + (1 << 20), 1));
    assertFalse(k0.isGranted(base + (1 << 20), 8));
  }
}
