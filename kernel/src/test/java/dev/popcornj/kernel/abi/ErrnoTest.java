package dev.popcornj.kernel.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
  @Test
  void everyConstantHasItsLinuxName() {
    assertEquals("ENOENT", Errno.name(2));
    assertEquals("ENXIO", Errno.name(6));
    assertEquals("EOPNOTSUPP", Errno.name(95), "ENOTSUP is an alias");
    assertEquals("EHOSTDOWN", Errno.name(112));
    assertEquals("errno 200", Errno.name(200));
    assertEquals("errno 512", Errno.name(Errno.ERESTARTSYS), "kernel-internal values have no name");
  }

  @Test
  void theNameTableCoversEveryConstant() throws Exception {
    for (java.lang.reflect.Field f : Errno.class.getFields()) {
      String n = f.getName();
      if (f.getType() == int.class && !n.startsWith("ERESTART") && !n.equals("ENOTSUP")) {
        assertEquals(n, Errno.name(f.getInt(null)), n + " is missing from the name table");
      }
    }
  }
}
