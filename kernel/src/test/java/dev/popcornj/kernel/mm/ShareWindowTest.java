package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.mem.MemoryFault;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Share mode (Popcorn's first generation): a process homed on kernel 0 with threads on kernels
 * 1..3, four partitions of one physical memory. The process's pages live in windows of kernel 0's
 * memory that are granted to exactly the kernels it runs on; those kernels map home's frames in
 * their own page tables, so the memory itself is coherent and only mappings are replicated. Wired
 * directly, as the migration service wires it with messages and the firmware.
 */
class ShareWindowTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;
  private static final long RAM = 0x8000_0000L;
  private static final long PART = 16L << 20;
  private static final int WINDOW_FRAMES = 4;

  /** Four kernels over one memory, the process homed on kernel 0. */
  private static final class World {
    private final PhysicalMemory memory = new PhysicalMemory();
    private final Map<Integer, Kernel> kernels = new TreeMap<>();
    private final List<Region> granted = new ArrayList<>();

    /** One kernel's partition: its view (the partition guard), its frames, the process's space. */
    private static final class Kernel {
      final MemoryView view;
      final FrameAllocator frames;
      final AddressSpace space;
      final UserMemory user;

      Kernel(PhysicalMemory memory, int id) {
        Region own = new Region(RAM + id * PART, PART);
        view = new MemoryView("kernel " + id, memory, List.of(own));
        frames = new FrameAllocator(view, own);
        space = new AddressSpace(frames, () -> {});
        user = new UserMemory(space, view);
      }
    }

    World(boolean shareNow) {
      memory.addRange(RAM, 4 * PART);
      for (int k = 0; k < 4; k++) {
        kernels.put(k, new Kernel(memory, k));
      }
      Kernel home = kernels.get(0);
      for (int k = 1; k < 4; k++) {
        Kernel copy = kernels.get(k);
        int kernel = k;
        copy.space.setPager(
            new Pager() {
              @Override
              public Vma area(long vaddr) {
                Vma a = home.space.areaAt(vaddr);
                return a == null ? null : new Vma(a.start(), a.end(), a.prot(), a.kind());
              }

              @Override
              public Fault page(long vaddr, int access) {
                while (true) {
                  AddressSpace.Loan loan = home.space.lendFrame(vaddr, access, kernel);
                  if (loan.fault() == Fault.BUSY && loan.recallFrom() != 0) {
                    assertEquals(AddressSpace.RECALL_DROP, loan.recallMode());
                    drop(vaddr, vaddr + PAGE, loan.recallFrom(), false);
                    continue;
                  }
                  if (loan.fault() == Fault.RESOLVED) {
                    copy.space.installForeign(vaddr, loan.frame(), loan.prot());
                  }
                  return loan.fault();
                }
              }
            });
      }
      home.space.setLending(
          new Lending() {
            @Override
            public int pid() {
              return 1;
            }

            @Override
            public boolean recallShared(PageCache cache, long index, boolean changes) {
              throw new AssertionError("no shared mapping here");
            }

            @Override
            public void reclaim(long start, long end, boolean keep) {
              drop(start, end, 0b1110, true);
            }

            @Override
            public void recall(long page, int access) {
              throw new AssertionError("share mode never recalls a page for home's own access");
            }
          });
      if (shareNow) {
        share();
      }
    }

    /** Home's pages go into windows from now on, granted to kernels 1..3. */
    private void share() {
      Kernel home = kernels.get(0);
      home.space.useWindows(
          new AddressSpace.WindowSource() {
            @Override
            public int windowFrames() {
              return WINDOW_FRAMES;
            }

            @Override
            public void opened(Region r) {
              granted.add(r);
              for (int k = 1; k < 4; k++) {
                kernels.get(k).view.grantWindow(r);
              }
            }

            @Override
            public void closed(Region r) {
              granted.remove(r);
              for (int k = 1; k < 4; k++) {
                kernels.get(k).view.revokeWindow(r);
              }
            }
          });
    }

    /** A TLB shootdown by message: the kernels in mask drop their mappings of [start, end). */
    private void drop(long start, long end, long mask, boolean areas) {
      Kernel home = kernels.get(0);
      for (int k = 1; k < 4; k++) {
        if ((mask & (1L << k)) == 0) {
          continue;
        }
        List<AddressSpace.PageCopy> back =
            kernels.get(k).space.giveBack(start, end, AddressSpace.RECALL_DROP, areas, 64);
        assertTrue(back.isEmpty(), "a mapping of home's frame carries no contents");
        for (var e : home.space.copies().entrySet()) {
          if (e.getKey() >= start && e.getKey() < end && e.getValue().has(k)) {
            home.space.returned(e.getKey(), k, null, false);
          }
        }
      }
    }

    private Kernel on(int k) {
      return kernels.get(k);
    }

    /**
     * SHARED_FRAME and DIRECTORY_MATCHES_PAGE_TABLES: a kernel maps a page exactly when the
     * directory lists it, and then maps home's own frame, which lies in a granted window, with no
     * more permission than home's entry; the partition guard lets a copy reach the windows and
     * nothing else of home's memory.
     */
    private void check(long pages, AddressSpace... forks) {
      Kernel home = on(0);
      Map<Long, AddressSpace.Copies> dir = home.space.copies();
      for (long page = A; page < A + pages * PAGE; page += PAGE) {
        String at = "page 0x" + Long.toHexString(page);
        AddressSpace.Copies c = dir.get(page);
        long homeRead = home.space.translate(page, AddressTranslator.READ);
        long homeWrite = home.space.translate(page, AddressTranslator.WRITE);
        for (int k = 1; k < 4; k++) {
          AddressSpace s = on(k).space;
          long read = s.translate(page, AddressTranslator.READ);
          long write = s.translate(page, AddressTranslator.WRITE);
          assertEquals(c != null && c.has(k), read != AddressSpace.NO_MAPPING, at + " on " + k);
          if (read != AddressSpace.NO_MAPPING) {
            assertEquals(homeRead, read, at + ": kernel " + k + " maps home's frame");
            assertTrue(on(k).view.isGranted(read, PAGE), at + ": in a window granted to " + k);
          }
          if (write != AddressSpace.NO_MAPPING) {
            assertEquals(homeWrite, write, at + ": writable there only where writable at home");
          }
        }
      }
      home.space.checkInvariants();
      for (int k = 1; k < 4; k++) {
        on(k).space.checkInvariants();
        for (Region w : granted) {
          assertTrue(on(k).view.isGranted(w.base(), w.size()), "window granted to " + k);
        }
        assertFalse(on(k).view.isGranted(RAM + PART - PAGE, PAGE), "home's own memory, not " + k);
      }
      List<AddressSpace> spaces = new ArrayList<>(List.of(forks));
      spaces.add(home.space);
      FrameAccounting.check(home.frames, spaces, List.of());
    }
  }

  @Test
  void everyKernelWritesTheSameFrame() {
    World w = new World(true);
    w.on(0).space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    w.on(0).user.write64(A, 7);
    for (int k = 1; k < 4; k++) {
      w.on(k).user.write64(A + 8 * k, k);
      w.check(4);
    }
    for (int k = 0; k < 4; k++) {
      for (int j = 1; j < 4; j++) {
        assertEquals(j, w.on(k).user.read64(A + 8 * j), "kernel " + k + " sees kernel " + j);
      }
      assertEquals(7, w.on(k).user.read64(A));
    }
    assertEquals(new AddressSpace.Copies(0b1110, false), w.on(0).space.copies().get(A));
    for (int k = 1; k < 4; k++) {
      assertEquals(0, w.on(k).frames.framesInUse(), "kernel " + k + " uses none of its own frames");
    }
  }

  @Test
  void pagesFromBeforeMoveIntoAWindowAndCopyOnWriteStaysPrivate() {
    World t = new World(false);
    World.Kernel home = t.on(0);
    home.space.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    home.user.write64(A, 5);
    AddressSpace child = home.space.fork(() -> {}); // copy-on-write, in the kernel's frames
    UserMemory childMemory = new UserMemory(child, home.view);
    t.share();
    long old = home.space.translate(A, AddressTranslator.READ);
    assertTrue(home.space.windowRegions().isEmpty(), "no window until a page is lent");
    t.on(2).user.write64(A, 6);
    long now = home.space.translate(A, AddressTranslator.READ);
    assertNotEquals(old, now, "the page moved");
    assertTrue(home.space.windowRegions().getFirst().contains(now, PAGE), "into a window");
    assertEquals(6, home.user.read64(A));
    assertEquals(5, childMemory.read64(A), "the child does not see the parent's threads");
    AddressSpace second = home.space.fork(() -> {});
    long copy = second.translate(A, AddressTranslator.READ);
    assertFalse(home.space.windowRegions().getFirst().contains(copy, PAGE), "a fork copies");
    assertEquals(6, new UserMemory(second, home.view).read64(A));
    t.check(2, child, second);
  }

  @Test
  void unmapAndProtectAtHomeShootDownTheOtherKernelsMappings() {
    World w = new World(true);
    w.on(0).space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    w.on(1).user.write64(A, 1);
    w.on(2).user.write64(A + PAGE, 2);
    w.on(3).user.read64(A + PAGE);
    w.check(4);
    assertTrue(w.on(0).space.protect(A, 4 * PAGE, Prot.R));
    assertEquals(Fault.SEGV_ACCERR, w.on(1).space.handleFault(A, AddressTranslator.WRITE));
    assertEquals(1, w.on(3).user.read64(A));
    w.check(4);
    w.on(0).space.unmap(A, 2 * PAGE);
    for (int k = 1; k < 4; k++) {
      assertEquals(AddressSpace.NO_MAPPING, w.on(k).space.translate(A, AddressTranslator.READ));
    }
    assertEquals(Fault.SEGV_MAPERR, w.on(1).space.handleFault(A, AddressTranslator.READ));
    w.check(4);
  }

  @Test
  void windowsGrowAndCloseWithTheSpaceAndTheGuardForgetsThem() {
    World w = new World(true);
    w.on(0).space.map(A, 10 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    for (int i = 0; i < 10; i++) {
      w.on(1 + i % 3).user.write64(A + i * PAGE, i);
    }
    w.check(10);
    List<Region> windows = w.on(0).space.windowRegions();
    assertEquals(3, windows.size(), "10 pages in windows of 4 frames");
    long inWindow = windows.getFirst().base();
    assertTrue(w.on(1).view.isGranted(inWindow, PAGE));
    long homeOnly = RAM + PART - PAGE; // home's memory that no window holds
    assertThrows(MemoryFault.class, () -> w.on(1).view.read64(homeOnly), "the guard refuses");
    w.on(0).space.release();
    for (int k = 1; k < 4; k++) {
      w.on(k).space.giveBack(0, MemoryLayout.USER_TOP, AddressSpace.RECALL_DROP, true, 64);
      assertFalse(w.on(k).view.isGranted(inWindow, PAGE), "revoked from " + k);
    }
    assertEquals(0, w.on(0).frames.framesInUse(), "every window's frames went back");
    assertTrue(w.granted.isEmpty());
  }

  /** NO_LOST_UPDATE under random increments and area changes from every kernel, seeded. */
  @Test
  void seededIncrementsFromEveryKernelAddUp() {
    for (long seed = 1; seed <= 6; seed++) {
      run(new World(true), new SplittableRandom(seed));
    }
  }

  private static void run(World w, SplittableRandom rnd) {
    int pages = 6;
    w.on(0).space.map(A, pages * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    long[] expected = new long[pages];
    for (int step = 0; step < 400; step++) {
      int k = rnd.nextInt(4);
      int i = rnd.nextInt(pages);
      int what = rnd.nextInt(20);
      if (what == 0) {
        w.on(0).space.discard(A + i * PAGE, PAGE);
        expected[i] = 0;
      } else if (what == 1) {
        w.on(0).space.protect(A, pages * PAGE, Prot.R);
        w.on(0).space.protect(A, pages * PAGE, Prot.RW);
      } else {
        long v = w.on(k).user.read64(A + i * PAGE);
        assertEquals(expected[i], v, "page " + i + " read on " + k);
        w.on(k).user.write64(A + i * PAGE, v + 1);
        expected[i]++;
      }
      w.check(pages);
    }
    for (int i = 0; i < pages; i++) {
      assertEquals(expected[i], w.on(rnd.nextInt(4)).user.read64(A + i * PAGE));
    }
    assertNotEquals(0, w.on(0).space.windowRegions().size());
  }
}
