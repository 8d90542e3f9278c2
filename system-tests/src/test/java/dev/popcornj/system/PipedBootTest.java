package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code popcorn boot} with piped input: what the guest wrote is on stdout before the next line is
 * read (before, it sat in the console's buffer until the machine stopped), and a session whose
 * guest stops reading the console (here {@code cat /dev/vtty2}, which reads another kernel's
 * console forever) ends once the input has ended.
 */
class PipedBootTest {
  private static final String READS_FOREVER = "cat /dev/vtty2\n";
  private static Path root;

  @BeforeAll
  static void buildGuest() throws IOException, InterruptedException {
    root = Guest.build();
  }

  @Test
  void outputIsShownBeforeTheNextLineIsRead() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> shownAtRead = new ArrayList<>();
    InputStream in =
        new ByteArrayInputStream("echo hi\n".getBytes(StandardCharsets.US_ASCII)) {
          @Override
          public synchronized int read() {
            shownAtRead.add(out.toString(StandardCharsets.UTF_8));
            return super.read();
          }
        };
    BootCommand boot = new BootCommand(in, out, new ByteArrayOutputStream(), false);
    int status = Main.execute(boot, Guest.bootArgs("--kernels", "4").toArray(String[]::new));
    String console = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        shownAtRead.getFirst().contains("PopcornJ init: starting /bin/sh"),
        "console when the first line was read: " + shownAtRead.getFirst());
    assertTrue(console.contains("# echo hi\nhi\n"), console);
    assertEquals(0, status, console);
  }

  @Test
  void aGuestThatStopsReadingEndsTheSessionAfterTheGrace() throws Exception {
    // A stop that does not depend on the fix: the typist ticks every 10 ms of virtual time while
    // the machine is busy, so 12000 ticks are 120 s, well past the grace.
    int[] ticks = {0};
    BootRunner.Keyboard piped =
        BootRunner.lines(
            new ByteArrayInputStream(READS_FOREVER.getBytes(StandardCharsets.US_ASCII)),
            () -> {},
            true);
    BootRunner.Keyboard guarded =
        new BootRunner.Keyboard() {
          @Override
          public byte[] next() {
            return piped.next();
          }

          @Override
          public byte[] poll(boolean guestWaiting) {
            ticks[0]++;
            return piped.poll(guestWaiting);
          }

          @Override
          public boolean ended() {
            return piped.ended();
          }

          @Override
          public boolean quitRequested() {
            return ticks[0] > 12_000;
          }

          @Override
          public boolean endsWithInput() {
            return piped.endsWithInput();
          }
        };
    List<String> diagnostics = new ArrayList<>();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    BootRunner.Result result =
        BootRunner.boot(
            MachineFiles.load("default"),
            Machine.Options.defaults(console),
            Files.readAllBytes(root.resolve("guest/out/initramfs.cpio")),
            4,
            Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio")),
            guarded,
            diagnostics::add);
    String context = "diagnostics " + diagnostics + "; console:\n" + console;
    assertFalse(guarded.quitRequested(), "the test's stop ended the run: " + context);
    assertEquals(new Kernel.Outcome.PoweredOff(0), result.outcome(), context);
    assertTrue(
        diagnostics.contains(
            "input ended and the guest has not read the console for 10 s (virtual): powering off"),
        context);
    // The grace runs twice, in ticks of 10 ms: once before end of file is typed ahead, once after.
    int graceTicks = (int) (BootRunner.UNREAD_GRACE_PS / 10_000_000_000L);
    assertTrue(
        ticks[0] >= 2 * graceTicks && ticks[0] < 3 * graceTicks, ticks[0] + " ticks; " + context);
  }
}
