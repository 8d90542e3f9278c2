package dev.popcornj.kernel.services.kexec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.BootParams;
import dev.popcornj.kernel.services.ImageFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kernel image header: its service mask, the checksum over it, and what it refuses. */
class KernelImageTest {
  private static ByteBuffer le(byte[] image) {
    return ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes a fresh checksum, as a tool that builds images on purpose would. */
  private static byte[] resealed(byte[] image) {
    le(image).putLong(KernelImage.CHECKSUM, KernelImage.fnv(image, KernelImage.CHECKSUM));
    return image;
  }

  private static String refusal(byte[] image) {
    return assertThrows(BootException.class, () -> KernelImage.check(image)).getMessage();
  }

  @Test
  void everySetOfServicesRoundTripsForBothKinds() {
    for (KernelImage.Kind kind : KernelImage.Kind.values()) {
      for (int mask = 0; mask <= ImageFeature.KNOWN_MASK; mask++) {
        KernelImage.Header h = new KernelImage.Header(kind, ImageFeature.fromMask(mask));
        byte[] image = KernelImage.build(h);
        assertEquals(mask, le(image).getInt(KernelImage.SERVICES), "mask in the header");
        assertEquals(h, KernelImage.check(image), kind + " mask 0x" + Integer.toHexString(mask));
      }
    }
  }

  @Test
  void fullHasEveryServiceAndLightOnlyProcfsAndSysrq() {
    assertEquals(
        EnumSet.allOf(ImageFeature.class),
        KernelImage.check(KernelImage.build(KernelImage.Kind.FULL)).services());
    KernelImage.Header light = KernelImage.check(KernelImage.build(KernelImage.Kind.LIGHT));
    assertEquals(KernelImage.Kind.LIGHT, light.kind());
    assertEquals(EnumSet.of(ImageFeature.PROCFS, ImageFeature.SYSRQ), light.services());
    assertEquals(
        EnumSet.of(
            ImageFeature.UART_CONSOLE,
            ImageFeature.VTTY_HOST,
            ImageFeature.KEXEC,
            ImageFeature.MEM_DEVICES),
        light.missing());
    assertEquals("uart, vtty-host, kexec, mem-devices", ImageFeature.labels(light.missing()));
  }

  @Test
  void theChecksumCoversTheServiceMask() {
    byte[] image = KernelImage.build(KernelImage.Kind.LIGHT);
    ByteBuffer b = le(image);
    b.putInt(
        KernelImage.SERVICES,
        b.getInt(KernelImage.SERVICES) | ImageFeature.mask(Set.of(ImageFeature.KEXEC)));
    assertEquals("kernel image checksum mismatch", refusal(image));
  }

  @Test
  void unknownServiceBitsAreRefused() {
    byte[] image = KernelImage.build(KernelImage.Kind.FULL);
    le(image).putInt(KernelImage.SERVICES, ImageFeature.KNOWN_MASK | 0x8000_0000);
    String why = refusal(resealed(image));
    assertTrue(why.contains("unknown services (mask 0x80000000)"), why);
  }

  @Test
  void versionOneMeansTheKindsDefaultsAndItsReservedFieldMustBeZero() {
    byte[] image = KernelImage.build(new KernelImage.Header(KernelImage.Kind.LIGHT, Set.of()));
    le(image).putInt(KernelImage.VERSION, 1);
    assertEquals(KernelImage.Header.of(KernelImage.Kind.LIGHT), KernelImage.check(resealed(image)));
    le(image).putInt(KernelImage.SERVICES, 1);
    String why = refusal(resealed(image));
    assertTrue(why.contains("version 1 with a nonzero reserved field"), why);
  }

  @Test
  void otherVersionsAndKindsAreRefused() {
    for (int version : new int[] {0, 3, -1}) {
      byte[] image = KernelImage.build(KernelImage.Kind.FULL);
      le(image).putInt(KernelImage.VERSION, version);
      String why = refusal(resealed(image));
      assertTrue(why.contains("kernel image version " + version), why);
    }
    byte[] image = KernelImage.build(KernelImage.Kind.FULL);
    le(image).putInt(KernelImage.KIND, 3);
    assertEquals("kernel image of unknown kind 3", refusal(resealed(image)));
  }

  @Test
  void theBootParametersCarryTheHeaderToTheKernel() {
    KernelImage.Header custom =
        new KernelImage.Header(
            KernelImage.Kind.LIGHT, EnumSet.of(ImageFeature.KEXEC, ImageFeature.PROCFS));
    assertEquals("popcorn_image=light popcorn_services=0xc", custom.bootParams());
    assertEquals(
        custom,
        KernelImage.Header.fromBootParams(
            BootParams.parse("console=ttyS0 " + custom.bootParams())));
    assertEquals(
        KernelImage.Header.of(KernelImage.Kind.FULL),
        KernelImage.Header.fromBootParams(BootParams.parse("console=ttyS0")));
    assertEquals(
        KernelImage.Header.of(KernelImage.Kind.LIGHT),
        KernelImage.Header.fromBootParams(BootParams.parse("popcorn_image=light")));
    assertThrows(
        BootException.class,
        () -> KernelImage.Header.fromBootParams(BootParams.parse("popcorn_image=tiny")));
    assertThrows(
        BootException.class,
        () ->
            KernelImage.Header.fromBootParams(
                BootParams.parse("popcorn_image=full popcorn_services=0x100")));
  }
}
