package dev.popcornj.kernel.syscall;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.mm.FrameAccounting;
import dev.popcornj.kernel.mm.MappableFile;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.testing.TestSpace;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random, often hostile, arguments to the memory system calls: none may throw (a guest cannot make
 * the host fail), and the space's invariants and the frame accounting hold after each call. The
 * failing seed and call are in the message.
 */
class MemoryCallsFuzzTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long BASE = 0x2000_0000L;

  private record File(PageCache pages, boolean readable, boolean writable) implements MappableFile {
    @Override
    public String path() {
      return "/f";
    }
  }

  private static long address(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> 0;
      case 1 -> -PAGE;
      case 2 -> MemoryLayout.USER_TOP - PAGE * r.nextInt(3);
      case 3 -> BASE + r.nextInt(64) * PAGE + (r.nextInt(4) == 0 ? 1 : 0);
      case 4 -> r.nextLong();
      default -> BASE + r.nextInt(64) * PAGE;
    };
  }

  private static long length(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> 0;
      case 1 -> -1;
      case 2 -> MemoryLayout.USER_TOP;
      case 3 -> r.nextLong();
      case 4 -> 1 + r.nextInt(3 * (int) PAGE);
      default -> (1 + r.nextInt(8)) * PAGE;
    };
  }

  private static long bits(Random r, int width) {
    return r.nextInt(6) == 0 ? r.nextLong() : r.nextInt(1 << width);
  }

  @Test
  void hostileArgumentsNeverEscapeAsHostExceptions() {
    int mapped = 0;
    for (long seed = 1; seed <= 30; seed++) {
      Random r = new Random(seed);
      TestSpace t = new TestSpace(64L << 20);
      PageCache cache = new PageCache(t.frames);
      cache.truncate(5 * PAGE + 7);
      MemoryCalls calls =
          new MemoryCalls(t.space, fd -> fd == 3 ? new File(cache, true, fd == 3) : null);
      t.space.initHeap(0x100000, MemoryLayout.MMAP_TOP);
      for (int step = 0; step < 300; step++) {
        String call = "";
        try {
          switch (r.nextInt(7)) {
            case 0, 1 -> {
              long fd = r.nextInt(3) == 0 ? 3 : -1;
              long flags =
                  r.nextInt(5) == 0 ? bits(r, 21) : (fd == 3 ? 0 : 0x20) | 1 + r.nextInt(2);
              call = "mmap flags 0x" + Long.toHexString(flags);
              if (calls.mmap(address(r), length(r), bits(r, 3), flags, fd, r.nextInt(3) * PAGE)
                  > 0) {
                mapped++;
              }
            }
            case 2 -> {
              call = "munmap";
              calls.munmap(address(r), length(r));
            }
            case 3 -> {
              call = "mprotect";
              calls.mprotect(address(r), length(r), bits(r, 3));
            }
            case 4 -> {
              call = "madvise";
              calls.madvise(address(r), length(r), r.nextInt(30));
            }
            case 5 -> {
              call = "mremap";
              calls.mremap(address(r), length(r), length(r), bits(r, 3), address(r));
            }
            default -> {
              call = "brk";
              calls.brk(r.nextBoolean() ? address(r) : 0x100000 + r.nextInt(1 << 20));
            }
          }
          FrameAccounting.check(t.frames, List.of(t.space), List.of(cache));
        } catch (RuntimeException e) {
          throw new AssertionError("seed " + seed + " step " + step + " " + call + ": " + e, e);
        }
      }
    }
    assertTrue(mapped > 1000, "only " + mapped + " mmaps succeeded: the fuzz explores too little");
  }
}
