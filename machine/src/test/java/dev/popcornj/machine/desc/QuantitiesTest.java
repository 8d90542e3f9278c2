package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes, addresses and frequencies are read as their documentation says. */
class QuantitiesTest {
  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "0x1000, 4096",
    "0X1_000, 4096",
    "4K, 4096",
    "4k, 4096",
    "4KiB, 4096",
    "512MiB, 536870912",
    "512 M, 536870912",
    "1G, 1073741824",
    "1GiB, 1073741824",
    "2T, 2199023255552",
    "1_024, 1024"
  })
  void readsSizes(String text, long bytes) {
    assertEquals(bytes, Quantities.size(text));
  }

  @ParameterizedTest
  @CsvSource({"512MB", "1.5G", "G", "-1K", "0x", "1 GiBs", "99999999999999999999"})
  void refusesBadSizes(String text) {
    assertThrows(IllegalArgumentException.class, () -> Quantities.size(text));
  }

  @Test
  void refusesSizesThatOverflow() {
    assertThrows(IllegalArgumentException.class, () -> Quantities.size("8388608T"));
  }

  @ParameterizedTest
  @CsvSource({
    "2GHz, 2000000000",
    "2.5 GHz, 2500000000",
    "10MHz, 10000000",
    "32.768kHz, 32768",
    "32768Hz, 32768",
    "100, 100",
    "1.000GHz, 1000000000",
    "0.5kHz, 500",
    "007 MHz, 7000000",
    "9223372036 GHz, 9223372036000000000",
    "1.000000001GHz, 1000000001"
  })
  void readsFrequencies(String text, long hz) {
    assertEquals(hz, Quantities.frequency(text));
  }

  @ParameterizedTest
  @CsvSource({
    "0GHz",
    "0.1Hz",
    "2 THz",
    "fast",
    "1e9",
    "99999999999GHz",
    "1.0000000001GHz",
    "0.0MHz",
    "9223372037 GHz",
    "99999999999999999999"
  })
  void refusesBadFrequencies(String text) {
    assertThrows(IllegalArgumentException.class, () -> Quantities.frequency(text));
  }

  @ParameterizedTest
  @CsvSource({
    "4096, 4 KiB",
    "536870912, 512 MiB",
    "1073741824, 1 GiB",
    "1536, 1536 B",
    "6000, 6000 B",
    "0, 0 B"
  })
  void printsSizes(long bytes, String text) {
    assertEquals(text, Quantities.formatSize(bytes));
  }

  @ParameterizedTest
  @CsvSource({
    "2000000000, 2 GHz",
    "2500000000, 2.5 GHz",
    "10000000, 10 MHz",
    "32768, 32.768 kHz",
    "7, 7 Hz",
    "1000, 1 kHz",
    "999, 999 Hz",
    "1000000001, 1.000000001 GHz",
    "9223372036854775807, 9223372036.854775807 GHz",
    "1234567, 1.234567 MHz"
  })
  void printsFrequencies(long hz, String text) {
    assertEquals(text, Quantities.formatFrequency(hz));
  }
}
