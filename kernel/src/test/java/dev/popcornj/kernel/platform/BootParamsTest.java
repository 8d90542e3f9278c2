package dev.popcornj.kernel.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootParamsTest {
  @Test
  void quotesGroupSpacesAndAreRemoved() {
    BootParams p = BootParams.parse("a=1 msg=\"hello  world\" flag -- \"two words\" \"\" x\"y z\"");
    assertEquals("hello  world", p.get("msg").orElseThrow());
    assertEquals("1", p.get("a").orElseThrow());
    assertEquals(true, p.flag("flag"));
    assertEquals(List.of("two words", "", "xy z"), p.initArgs());
  }

  @Test
  void aQuotedDashDashIsAnArgumentNotTheSeparator() {
    BootParams p = BootParams.parse("a=1 \"--\" b=2 -- c");
    assertEquals("2", p.get("b").orElseThrow());
    assertEquals(List.of("c"), p.initArgs());
  }

  @Test
  void anUnclosedQuoteRunsToTheEnd() {
    assertEquals(List.of("k", "a b c"), BootParams.words("k \"a b c"));
  }

  @Test
  void quotedArgumentsReadBackAsThemselves() {
    List<String> args = List.of("plain", "two words", "", "--", "tab\there");
    StringBuilder line = new StringBuilder("init=/bin/x --");
    for (String a : args) {
      line.append(' ').append(BootParams.quote(a));
    }
    assertEquals(args, BootParams.parse(line.toString()).initArgs());
    assertThrows(BootException.class, () -> BootParams.quote("say \"hi\""));
    assertThrows(BootException.class, () -> BootParams.quote("two\nlines"));
  }

  @Test
  void loaderWordsGoBeforeInitsPart() {
    assertEquals("a=1 b=2 -- x y", BootParams.withKernelWords("a=1 -- x y", "b=2"));
    assertEquals("a=1 b=2", BootParams.withKernelWords("a=1", "b=2"));
    assertEquals("a=\" -- \" b=2 -- x", BootParams.withKernelWords("a=\" -- \" -- x", "b=2"));
  }
}
