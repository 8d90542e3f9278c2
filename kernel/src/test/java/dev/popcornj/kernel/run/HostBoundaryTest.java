package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's keyboard through the boundary: what a recorded keyboard answered, a replayed one
 * answers to the same calls without reading the host; a replay asked otherwise stops the machine
 * and says where it went another way.
 */
class HostBoundaryTest {
  private static final BootRunner.Keyboard UNREADABLE =
      () -> {
        throw new AssertionError("a replay read the host's keyboard");
      };

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Records piped input "a\nb\n" through poll, ended, next and quit calls; returns the log. */
  private static String record() {
    Simulation sim = new Simulation(0, 1_000_000, Trace.off());
    StringWriter text = new StringWriter();
    HostInputLog.Writer log = new HostInputLog.Writer(text, Map.of());
    HostBoundary boundary = HostBoundary.recording(log);
    boundary.attach(sim);
    BootRunner.Keyboard k =
        boundary.keyboard(
            BootRunner.lines(new ByteArrayInputStream(ascii("a\nb\n")), () -> {}, true));
    assertNull(k.poll(false));
    assertArrayEquals(ascii("a\n"), k.poll(true));
    assertFalse(k.ended());
    assertArrayEquals(ascii("b\n"), k.next());
    assertNull(k.next());
    assertTrue(k.ended());
    assertFalse(k.quitRequested());
    log.close();
    return text.toString();
  }

  @Test
  void aReplayedKeyboardAnswersTheSameCallsTheSameWithoutTheHost() throws Exception {
    String text = record();
    assertEquals(3, text.lines().filter(l -> l.startsWith("c ")).count(), text);
    Simulation sim = new Simulation(0, 1_000_000, Trace.off());
    HostBoundary boundary = HostBoundary.replaying(HostInputLog.read(text), true);
    boundary.attach(sim);
    BootRunner.Keyboard k = boundary.keyboard(UNREADABLE);
    assertTrue(k.endsWithInput(), "as recorded");
    assertNull(k.poll(false));
    assertArrayEquals(ascii("a\n"), k.poll(true));
    assertFalse(k.ended());
    assertArrayEquals(ascii("b\n"), k.next());
    assertNull(k.next());
    assertTrue(k.ended());
    assertFalse(k.quitRequested());
    assertNull(boundary.divergence());
  }

  @Test
  void aReplayAskedOtherwiseStopsAndSaysWhere() throws Exception {
    String text = record();
    Simulation sim = new Simulation(0, 1_000_000, Trace.off());
    HostBoundary boundary = HostBoundary.replaying(HostInputLog.read(text), true);
    boundary.attach(sim);
    BootRunner.Keyboard k = boundary.keyboard(UNREADABLE);
    assertNull(k.next(), "call 1 got nothing");
    assertNull(k.next(), "call 2 is a poll in the recording: not answered");
    assertTrue(k.quitRequested(), "the machine is asked to stop");
    assertEquals(1, sim.powerOffStatus());
    String why = boundary.divergence();
    assertTrue(why.startsWith("the run went another way than the recording at 0 ps"), why);
    assertTrue(why.contains("keyboard was asked (next)"), why);
    assertTrue(why.contains("'c 2 0 poll x610a -'"), why);
  }

  @Test
  void aReplayThatEndsBeforeItsInputSaysSo() throws Exception {
    HostBoundary boundary = HostBoundary.replaying(HostInputLog.read(record()), true);
    boundary.attach(new Simulation(0, 1_000_000, Trace.off()));
    BootRunner.Keyboard k = boundary.keyboard(UNREADABLE);
    assertNull(k.poll(false));
    String why = boundary.divergence();
    assertTrue(why.startsWith("the run ended at 0 ps (virtual) before the recorded input"), why);
  }
}
