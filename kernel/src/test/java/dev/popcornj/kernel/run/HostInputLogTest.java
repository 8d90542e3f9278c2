package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The --record/--replay file: what is written reads back the same; a damaged file is refused. */
class HostInputLogTest {
  private static String written() {
    StringWriter out = new StringWriter();
    Map<String, String> setup = new LinkedHashMap<>();
    setup.put("seed", "7");
    setup.put("machine", "my machine.toml (m)");
    HostInputLog.Writer w = new HostInputLog.Writer(out, setup);
    w.append(
        new HostInputLog.Console(
            1,
            10,
            HostInputLog.Call.POLL,
            "ls\n".getBytes(StandardCharsets.US_ASCII),
            false,
            false));
    w.append(new HostInputLog.Accepted(3, 30, 1, 0));
    w.append(new HostInputLog.Received(4, 40, 0, new byte[] {0, -1, 10}));
    w.append(new HostInputLog.Received(4, 40, 0, new byte[0]));
    w.append(new HostInputLog.HostEof(5, 50, 0));
    w.append(new HostInputLog.Drained(5, 50, 0));
    w.append(new HostInputLog.HostReset(6, 60, 0));
    w.append(new HostInputLog.Console(2, 70, HostInputLog.Call.NEXT, null, true, false));
    w.append(new HostInputLog.Console(9, 80, HostInputLog.Call.QUIT, new byte[0], true, true));
    w.close();
    return out.toString();
  }

  @Test
  void whatIsWrittenReadsBackTheSame() throws Exception {
    String text = written();
    HostInputLog log = HostInputLog.read(text);
    assertEquals(Map.of("seed", "7", "machine", "my machine.toml (m)"), log.setup());
    List<HostInputLog.Event> e = log.events();
    assertEquals(9, e.size());
    HostInputLog.Console typed = assertInstanceOf(HostInputLog.Console.class, e.get(0));
    assertArrayEquals("ls\n".getBytes(StandardCharsets.US_ASCII), typed.data());
    assertEquals(new HostInputLog.Accepted(3, 30, 1, 0), e.get(1));
    HostInputLog.Received r = assertInstanceOf(HostInputLog.Received.class, e.get(2));
    assertArrayEquals(new byte[] {0, -1, 10}, r.data());
    assertEquals(0, assertInstanceOf(HostInputLog.Received.class, e.get(3)).data().length);
    HostInputLog.Console end = assertInstanceOf(HostInputLog.Console.class, e.get(7));
    assertEquals(null, end.data());
    assertTrue(end.ended());
    HostInputLog.Console quit = assertInstanceOf(HostInputLog.Console.class, e.get(8));
    assertTrue(quit.quit() && quit.ended() && quit.data().length == 0);
    StringBuilder again = new StringBuilder();
    for (HostInputLog.Event ev : e) {
      again.append(HostInputLog.format(ev)).append('\n');
    }
    assertTrue(text.contains(again), "the records format as they were written");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "hello\n", // not a log
        "popcorn-host-input 9\nbegin\nend 0\n", // another version
        "popcorn-host-input 1\nbegin\n", // no end line
        "popcorn-host-input 1\nbegin\nend 0", // the last line cut short
        "popcorn-host-input 1\nbegin\nend 1\n", // counts a record it has not
        "popcorn-host-input 1\nsetup\nbegin\nend 0\n", // setup without key
        "popcorn-host-input 1\nbegin\nc 1 2 poll x0 -\nend 1\n", // odd hex
        "popcorn-host-input 1\nbegin\nc 1 2 poll xzz -\nend 1\n", // not hex
        "popcorn-host-input 1\nbegin\nc 1 2 type x00 -\nend 1\n", // unknown call
        "popcorn-host-input 1\nbegin\nc 1 2 poll x00 z\nend 1\n", // unknown state
        "popcorn-host-input 1\nbegin\nc -1 2 poll x00 -\nend 1\n", // negative
        "popcorn-host-input 1\nbegin\nf 1 2 open 0\nend 1\n", // a field short
        "popcorn-host-input 1\nbegin\nf 1 2 data 0 -\nend 1\n", // data without bytes
        "popcorn-host-input 1\nbegin\nf 1 2 shout 0\nend 1\n", // unknown event
        "popcorn-host-input 1\nbegin\nf 1 2 eof 99999999999\nend 1\n", // too large
        "popcorn-host-input 1\nbegin\nf 5 2 eof 0\nf 4 2 eof 0\nend 2\n", // out of order
        "popcorn-host-input 1\nbegin\nend 0\nc 1 2 poll - e\n", // after the end
      })
  void aDamagedLogIsRefusedWithItsLine(String text) {
    HostInputLog.BadLogException e =
        assertThrows(HostInputLog.BadLogException.class, () -> HostInputLog.read(text));
    assertTrue(
        e.getMessage().startsWith("line ") || e.getMessage().startsWith("truncated"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void aLogCutAnywhereIsRefused() {
    String text = written();
    for (int n = 0; n < text.length() - 1; n++) {
      String cut = text.substring(0, n);
      assertThrows(HostInputLog.BadLogException.class, () -> HostInputLog.read(cut), "cut at " + n);
    }
  }
}
