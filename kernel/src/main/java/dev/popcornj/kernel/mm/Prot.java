package dev.popcornj.kernel.mm;

import dev.popcornj.machine.hart.AddressTranslator;

/**
 * Page permissions as a bit set with the values of PROT_READ, PROT_WRITE and PROT_EXEC, so a
 * guest's prot argument can be used as is. RISC-V page tables have no write-only pages, so W
 * implies R.
 */
public final class Prot {
  public static final int NONE = 0;
  public static final int R = 1;
  public static final int W = 2;
  public static final int X = 4;
  public static final int RW = R | W;
  public static final int RX = R | X;
  public static final int ALL = R | W | X;

  private Prot() {}

  /** The permissions a page really gets for a requested prot. */
  public static int normalize(int prot) {
    int p = prot & ALL;
    return (p & W) != 0 ? p | R : p;
  }

  /** True when prot allows the hart access kind (AddressTranslator.READ, WRITE or EXECUTE). */
  public static boolean allows(int prot, int access) {
    return switch (access) {
      case AddressTranslator.READ -> (prot & R) != 0;
      case AddressTranslator.WRITE -> (prot & W) != 0;
      case AddressTranslator.EXECUTE -> (prot & X) != 0;
      default -> false;
    };
  }

  public static String toString(int prot) {
    return ((prot & R) != 0 ? "r" : "-")
        + ((prot & W) != 0 ? "w" : "-")
        + ((prot & X) != 0 ? "x" : "-");
  }
}
