package dev.popcornj.machine.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.popcornj.machine.desc.DeviceId;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Regions and device ids, whose equality is written out rather than a record's, are values. */
class RegionTest {
  @Test
  void regionsAreEqualWhenBaseAndSizeAre() {
    Region a = new Region(0x8000_0000L, 0x1000);
    assertEquals(a, new Region(0x8000_0000L, 0x1000));
    assertEquals(a.hashCode(), new Region(0x8000_0000L, 0x1000).hashCode());
    assertNotEquals(a, new Region(0x8000_0000L, 0x2000));
    assertNotEquals(a, new Region(0x8000_1000L, 0x1000));
    assertNotEquals(a, null);
    assertNotEquals(a, (Object) "region");
    assertEquals(2, Set.of(a, new Region(0x1000, 0x8000_0000L)).size());
  }

  @Test
  void deviceIdsAreEqualWhenVendorAndDeviceAre() {
    DeviceId a = new DeviceId(0x1af4, 0x1000);
    assertEquals(a, new DeviceId(0x1af4, 0x1000));
    assertEquals(a.hashCode(), new DeviceId(0x1af4, 0x1000).hashCode());
    assertNotEquals(a, new DeviceId(0x1af4, 0x1001));
    assertNotEquals(a, new DeviceId(0x1000, 0x1af4));
    assertNotEquals(a, null);
  }
}
