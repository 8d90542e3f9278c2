package dev.popcornj.machine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import org.junit.jupiter.api.Test;

class ChromeTraceTest {
  @Test
  void stringsAreQuotedAsJson() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", ChromeTrace.quote("a\"b\\c\n\u0001"));
  }

  @Test
  void writesValidTraceEventJson() throws Exception {
    StringWriter out = new StringWriter();
    try (ChromeTrace t = new ChromeTrace(out)) {
      t.nameProcess(0, "kernel \"0\"");
      t.instant("irq", "timer", 0, 1, 1_250_000, null);
      t.span("sched", "run", 0, 2, 500, 1_000_500, "\"pid\":7");
      t.flow("irq", "ipi", 9, 0, 0, 1_000, 0, 3, 2_001_000);
    }
    JsonNode root = new ObjectMapper().readTree(out.toString());
    JsonNode events = root.get("traceEvents");
    assertEquals(5, events.size());
    assertEquals("kernel \"0\"", events.get(0).get("args").get("name").asText());
    assertEquals(1.25, events.get(1).get("ts").asDouble(), 1e-12);
    assertEquals(1.0005, events.get(2).get("dur").asDouble(), 1e-12);
    assertEquals(7, events.get(2).get("args").get("pid").asInt());
    assertEquals("s", events.get(3).get("ph").asText());
    assertEquals("f", events.get(4).get("ph").asText());
    assertEquals(3, events.get(4).get("tid").asInt());
    assertEquals("0.000001", ChromeTrace.micros(1));
  }

  /** A full disk must not throw into the simulation that records events; the owner asks after. */
  @Test
  void aFailedWriteIsKeptNotThrown() {
    int[] writes = {0};
    Writer full =
        new Writer() {
          @Override
          public void write(char[] b, int off, int len) throws IOException {
            writes[0]++;
            throw new IOException("No space left on device");
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    ChromeTrace t = new ChromeTrace(full);
    t.instant("irq", "timer", 0, 1, 1_000, null);
    t.close();
    assertEquals("No space left on device", t.failure().getMessage());
    assertEquals(1, writes[0], "nothing more is written after the first failure");
  }
}
