package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UserMemoryTest {
  private static final long A = 0x1000_0000L;
  private final TestSpace t = new TestSpace();
  private final UserMemory m = t.user;

  @Test
  void copiesAcrossPageBoundaries() {
    t.space.map(A, 3 * MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    byte[] data = new byte[6000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 13);
    }
    m.write(A + 4000, data, 0, data.length);
    assertArrayEquals(data, m.read(A + 4000, data.length));
    m.write64(A + 4093, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, m.read64(A + 4093));
    m.write32(A + 4094, 0xcafebabe);
    assertEquals(0xcafebabe, m.read32(A + 4094));
  }

  @Test
  void readsStringsUpToTheirNul() {
    t.space.map(A, MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    m.write(A + 4090, "hello\0".getBytes(StandardCharsets.US_ASCII));
    assertEquals("hello", new String(m.readCString(A + 4090, 100), StandardCharsets.US_ASCII));
    assertNull(m.readCString(A + 4090, 3), "longer than allowed");
    m.write(A + 4090, "abcdef".getBytes(StandardCharsets.US_ASCII));
    assertThrows(
        BadAddressException.class, () -> m.readCString(A + 4090, 100), "runs off the area");
  }

  @Test
  void refusesBadPointers() {
    t.space.map(A, MemoryLayout.PAGE_SIZE, Prot.R, Vma.Kind.ANONYMOUS);
    assertThrows(BadAddressException.class, () -> m.write64(A, 1));
    assertThrows(BadAddressException.class, () -> m.read64(A + 4092));
    assertThrows(BadAddressException.class, () -> m.read(8, 1));
    assertThrows(BadAddressException.class, () -> m.check(A, 1 << 20, AddressTranslator.READ));
    assertThrows(BadAddressException.class, () -> m.check(-16, 8, AddressTranslator.READ));
    m.check(A, 4096, AddressTranslator.READ);
  }
}
