package dev.popcornj.kernel.services.kexec;

import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.services.ImageFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A PopcornJ kernel image as a file in /boot: a 64-byte header the loader checks. PopcornJ's
 * kernels are Java code, so the header is the whole image; its service mask says what the loaded
 * kernel starts (a full kernel: every {@link ImageFeature}; a light one: scheduler, memory,
 * messaging, console, processes and the files a program needs, that is procfs and sysrq of the
 * optional ones).
 *
 * <pre>
 *   0  magic     "PJKIMG\0\1"
 *   8  kind      u32   1 = full, 2 = light
 *  12  version   u32   2 (1 is read too: it had no mask, its kind's default set is meant)
 *  16  header    u32   64
 *  20  services  u32   bit mask of {@link ImageFeature} (version 1: reserved, 0)
 *  24  name      char[32], NUL padded
 *  56  checksum  u64   FNV-1a 64 of bytes 0..55
 * </pre>
 */
public final class KernelImage {
  public static final int LENGTH = 64;
  public static final int KIND = 8;
  public static final int VERSION = 12;
  public static final int HEADER = 16;
  public static final int SERVICES = 20;
  public static final int NAME = 24;
  public static final int NAME_LENGTH = 32;
  public static final int CHECKSUM = 56;
  public static final int CURRENT_VERSION = 2;
  private static final long MAGIC = 0x0100_474d_494b_4a50L; // "PJKIMG\0\1" little-endian

  /** What an image is called, and what it boots unless its header says otherwise. */
  public enum Kind {
    FULL(1, EnumSet.allOf(ImageFeature.class)),
    LIGHT(2, EnumSet.of(ImageFeature.PROCFS, ImageFeature.SYSRQ));

    final int code;
    private final Set<ImageFeature> defaults;

    Kind(int code, Set<ImageFeature> defaults) {
      this.code = code;
      this.defaults = defaults;
    }

    /** The services an image of this kind starts when built without a set of its own. */
    public Set<ImageFeature> defaultServices() {
      return EnumSet.copyOf(defaults);
    }

    /** "full" or "light", as file names and boot parameters spell it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a checked image boots: its kind and the services it starts. */
  public record Header(Kind kind, Set<ImageFeature> services) {
    public Header {
      EnumSet<ImageFeature> copy = EnumSet.noneOf(ImageFeature.class);
      copy.addAll(services);
      services = Collections.unmodifiableSet(copy);
    }

    /** The image of a kind with that kind's services. */
    public static Header of(Kind kind) {
      return new Header(kind, kind.defaultServices());
    }

    public boolean has(ImageFeature s) {
      return services.contains(s);
    }

    /** The services this image leaves out. */
    public Set<ImageFeature> missing() {
      EnumSet<ImageFeature> out = EnumSet.allOf(ImageFeature.class);
      out.removeAll(services);
      return out;
    }

    /** "popcorn-full" or "popcorn-light". */
    public String name() {
      return "popcorn-" + kind.label();
    }

    /**
     * The words the firmware adds to the command line of a kernel it boots from this image: {@code
     * popcorn_image=KIND popcorn_services=0xMASK}.
     */
    public String bootParams() {
      return "popcorn_image="
          + kind.label()
          + " popcorn_services=0x"
          + Integer.toHexString(ImageFeature.mask(services));
    }

    /**
     * The image a kernel was booted from, as its command line says ({@link #bootParams}); a kernel
     * booted without them (the primary, which the firmware starts directly) is full.
     *
     * @throws BootException when a word names no kind or an unknown service
     */
    public static Header fromBootParams(BootParams params) {
      String kindWord = params.get("popcorn_image").orElse("full");
      Kind kind =
          switch (kindWord) {
            case "full" -> Kind.FULL;
            case "light" -> Kind.LIGHT;
            default ->
                throw new BootException(
                    "boot parameter popcorn_image=" + kindWord + ": expected full or light");
          };
      if (params.get("popcorn_services").isEmpty()) {
        return of(kind);
      }
      long mask = params.number("popcorn_services", 0);
      if (mask < 0 || mask > Integer.MAX_VALUE) {
        throw new BootException("boot parameter popcorn_services=0x" + Long.toHexString(mask));
      }
      return new Header(kind, ImageFeature.fromMask((int) mask));
    }
  }

  private KernelImage() {}

  /** The image file of a kind, with that kind's services. */
  public static byte[] build(Kind kind) {
    return build(Header.of(kind));
  }

  /** The image file of a header: its kind, its own set of services. */
  public static byte[] build(Header header) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, MAGIC);
    b.putInt(KIND, header.kind().code);
    b.putInt(VERSION, CURRENT_VERSION);
    b.putInt(HEADER, LENGTH);
    b.putInt(SERVICES, ImageFeature.mask(header.services()));
    byte[] name = (header.name() + " " + Param.RELEASE).getBytes(StandardCharsets.US_ASCII);
    b.put(NAME, name, 0, Math.min(name.length, NAME_LENGTH - 1));
    b.putLong(CHECKSUM, fnv(b.array(), CHECKSUM));
    return b.array();
  }

  /**
   * Checks an image and returns what it boots. A version 1 image (no service mask yet) boots its
   * kind's default services.
   *
   * @throws BootException naming what is wrong with it
   */
  public static Header check(byte[] image) {
    if (image.length < LENGTH) {
      throw new BootException("kernel image too short (" + image.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getLong(0) != MAGIC) {
      throw new BootException("not a PopcornJ kernel image (bad magic)");
    }
    if (b.getLong(CHECKSUM) != fnv(image, CHECKSUM)) {
      throw new BootException("kernel image checksum mismatch");
    }
    int version = b.getInt(VERSION);
    if (version < 1 || version > CURRENT_VERSION || b.getInt(HEADER) != LENGTH) {
      throw new BootException(
          "kernel image version "
              + version
              + " with a "
              + b.getInt(HEADER)
              + "-byte header not supported (versions 1 and 2, 64 bytes)");
    }
    Kind kind =
        switch (b.getInt(KIND)) {
          case 1 -> Kind.FULL;
          case 2 -> Kind.LIGHT;
          default -> throw new BootException("kernel image of unknown kind " + b.getInt(KIND));
        };
    int services = b.getInt(SERVICES);
    if (version == 1) {
      if (services != 0) {
        throw new BootException("kernel image version 1 with a nonzero reserved field");
      }
      return Header.of(kind);
    }
    return new Header(kind, ImageFeature.fromMask(services));
  }

  static long fnv(byte[] data, int length) {
    long h = 0xcbf2_9ce4_8422_2325L;
    for (int i = 0; i < length; i++) {
      h ^= data[i] & 0xff;
      h *= 0x100_0000_01b3L;
    }
    return h;
  }
}
