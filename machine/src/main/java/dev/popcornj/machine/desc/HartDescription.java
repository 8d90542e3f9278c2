package dev.popcornj.machine.desc;

import dev.popcornj.machine.hart.Isa;
import java.util.Objects;

/** One hart of a described machine: its id, ISA, clock and the NUMA node it sits in. */
public record HartDescription(int id, Isa isa, long clockHz, int node) {
  public HartDescription {
    Objects.requireNonNull(isa, "isa");
    if (id < 0 || clockHz <= 0) {
      throw new IllegalArgumentException("hart " + id + " clock " + clockHz);
    }
  }
}
