package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.Presets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The primary boots only from an image with what a primary does (the UART, vTTYs and kexec), and
 * only with a console it can show.
 */
class PrimaryImageTest {
  private static MachineDescription withCmdline(String extra) throws Exception {
    MachineDescription d = Presets.load("default");
    return new MachineDescription(
        d.name(),
        d.harts(),
        d.nodes(),
        d.memory(),
        d.devices(),
        d.bootCommandLine() + " " + extra,
        d.timebaseHz(),
        d.source());
  }

  @Test
  void aLightImageCannotBootThePrimary() throws Exception {
    List<String> diagnostics = new ArrayList<>();
    BootException e =
        assertThrows(
            BootException.class,
            () ->
                BootRunner.boot(
                    withCmdline("popcorn_image=light"),
                    Machine.Options.defaults(new ByteArrayOutputStream()),
                    new byte[0],
                    () -> null,
                    diagnostics::add));
    assertEquals(
        "image popcorn-light cannot boot the primary kernel: it leaves out uart, vtty-host, kexec"
            + ", which the primary needs (boot it from a full image)",
        e.getMessage());
  }

  @Test
  void norOneWithoutKexec() throws Exception {
    BootException e =
        assertThrows(
            BootException.class,
            () ->
                BootRunner.boot(
                    withCmdline("popcorn_image=full popcorn_services=0x3b"),
                    Machine.Options.defaults(new ByteArrayOutputStream()),
                    new byte[0],
                    () -> null,
                    line -> {}));
    assertEquals(
        "image popcorn-full cannot boot the primary kernel: it leaves out kexec"
            + ", which the primary needs (boot it from a full image)",
        e.getMessage());
  }

  @Test
  void aLoneKernelRefusesToShowAnotherKernelsConsole() throws Exception {
    BootException e =
        assertThrows(
            BootException.class,
            () ->
                BootRunner.boot(
                    withCmdline("popcorn_console=2"),
                    Machine.Options.defaults(new ByteArrayOutputStream()),
                    new byte[0],
                    () -> null,
                    line -> {}));
    assertEquals(
        "popcorn_console=2: this kernel runs alone (no popcorn_msg= window), so there is no other"
            + " kernel's console to show; leave popcorn_console out",
        e.getMessage());
  }
}
