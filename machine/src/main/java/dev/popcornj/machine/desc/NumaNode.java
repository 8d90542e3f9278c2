package dev.popcornj.machine.desc;

import java.util.List;

/** A NUMA node: the harts and memory ranges that are close to each other. */
public record NumaNode(int id, List<Integer> harts, List<MemoryRange> memory) {
  public NumaNode {
    harts = List.copyOf(harts);
    memory = List.copyOf(memory);
  }

  public long memoryBytes() {
    return memory.stream().mapToLong(MemoryRange::size).sum();
  }
}
