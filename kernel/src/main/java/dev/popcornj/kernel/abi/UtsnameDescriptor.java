package dev.popcornj.kernel.abi;

/**
 * Layout of struct new_utsname filled by uname: six NUL-terminated strings of 65 bytes each.
 *
 * <pre>
 *   0 sysname | 65 nodename | 130 release | 195 version | 260 machine | 325 domainname | 390
 * </pre>
 */
public final class UtsnameDescriptor {
  public static final int FIELD_LENGTH = 65;
  public static final int SYSNAME = 0;
  public static final int NODENAME = 65;
  public static final int RELEASE = 130;
  public static final int VERSION = 195;
  public static final int MACHINE = 260;
  public static final int DOMAINNAME = 325;
  public static final int LENGTH = 390;

  private UtsnameDescriptor() {}
}
