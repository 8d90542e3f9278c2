package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A process's address space homed on one kernel (0) with copies on kernels 1..3, wired directly
 * (the migration service carries the same calls in messages, and takes copies back without
 * blocking): areas and pages come to the copies on demand; readers replicate, a writer invalidates;
 * home takes pages back when it touches them or changes areas. After every step the page directory
 * is checked against every kernel's page map.
 */
class PageLendingTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;
  private static final int PAGES = 8;

  private final TestSpace home = new TestSpace();
  private final Map<Integer, TestSpace> copies = new TreeMap<>();

  PageLendingTest() {
    for (int k = 1; k <= 3; k++) {
      TestSpace copy = new TestSpace();
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
                AddressSpace.Loan loan = home.space.lend(vaddr, access, kernel);
                if (loan.fault() == Fault.BUSY && loan.recallFrom() != 0) {
                  takeBack(vaddr, vaddr + PAGE, loan.recallFrom(), loan.recallMode(), false);
                  continue;
                }
                if (loan.fault() == Fault.RESOLVED) {
                  assertTrue(
                      copy.space.installPage(vaddr, loan.contents(), loan.prot(), loan.upgrade()));
                }
                return loan.fault();
              }
            }
          });
      copies.put(k, copy);
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
            takeBack(
                start,
                end,
                0b1110,
                keep ? AddressSpace.RECALL_TAKE : AddressSpace.RECALL_DROP,
                true);
          }

          @Override
          public void recall(long page, int access) {
            AddressSpace.Copies c = home.space.copies().get(page);
            if (c == null) {
              return;
            }
            int mode =
                !c.writer()
                    ? AddressSpace.RECALL_DROP
                    : access == AddressTranslator.WRITE
                        ? AddressSpace.RECALL_TAKE
                        : AddressSpace.RECALL_SHARE;
            takeBack(page, page + PAGE, c.kernels(), mode, false);
          }
        });
  }

  /** What the service does on Reclaim and its answer, for the kernels in mask. */
  private void takeBack(long start, long end, long mask, int mode, boolean areas) {
    for (var e : copies.entrySet()) {
      int k = e.getKey();
      if ((mask & (1L << k)) == 0) {
        continue;
      }
      for (AddressSpace.PageCopy c :
          e.getValue().space.giveBack(start, end, mode, areas, Integer.MAX_VALUE)) {
        home.space.returned(c.vaddr(), k, c.contents(), mode == AddressSpace.RECALL_SHARE);
      }
      for (var entry : home.space.copies().entrySet()) {
        long page = entry.getKey();
        AddressSpace.Copies cs = entry.getValue();
        if (page >= start && page < end && cs.has(k)) {
          if (mode == AddressSpace.RECALL_SHARE && !cs.writer()) {
            continue;
          }
          home.space.returned(page, k, null, false);
        }
      }
    }
  }

  /**
   * SINGLE_WRITER and DIRECTORY_MATCHES_PAGE_TABLES: a page writable anywhere is present nowhere
   * else; a copy holds a page exactly when the directory lists it there, writable exactly when it
   * is the writer; home has the page when it has readers; every copy reads what home reads.
   */
  private void check() {
    Map<Long, AddressSpace.Copies> dir = home.space.copies();
    for (long page = A; page < A + PAGES * PAGE; page += PAGE) {
      String at = "page 0x" + Long.toHexString(page);
      AddressSpace.Copies c = dir.get(page);
      long homeRead = home.space.translate(page, AddressTranslator.READ);
      long homeWrite = home.space.translate(page, AddressTranslator.WRITE);
      int writers = homeWrite != AddressSpace.NO_MAPPING ? 1 : 0;
      int present = homeRead != AddressSpace.NO_MAPPING ? 1 : 0;
      for (var e : copies.entrySet()) {
        int k = e.getKey();
        AddressSpace s = e.getValue().space;
        boolean reads = s.translate(page, AddressTranslator.READ) != AddressSpace.NO_MAPPING;
        boolean writes = s.translate(page, AddressTranslator.WRITE) != AddressSpace.NO_MAPPING;
        assertEquals(c != null && c.has(k), reads, at + ": directory vs kernel " + k);
        assertEquals(c != null && c.has(k) && c.writer(), writes, at + ": writer " + k);
        writers += writes ? 1 : 0;
        present += reads ? 1 : 0;
        if (reads && homeRead != AddressSpace.NO_MAPPING) {
          assertArrayEquals(
              home.view.frameForRead(homeRead),
              e.getValue().view.frameForRead(s.translate(page, AddressTranslator.READ)),
              at + ": kernel " + k + " reads what home reads");
        }
      }
      assertTrue(writers <= 1, at + ": " + writers + " writers");
      assertTrue(writers == 0 || present == 1, at + ": a writer's page is elsewhere too");
      if (c != null && !c.writer()) {
        assertTrue(homeRead != AddressSpace.NO_MAPPING, at + ": readers but home has no copy");
      }
      if (c != null && c.writer()) {
        assertEquals(AddressSpace.NO_MAPPING, homeRead, at + ": home reads a writer's page");
      }
    }
    home.space.checkInvariants();
    copies.values().forEach(c -> c.space.checkInvariants());
  }

  private TestSpace on(int kernel) {
    return kernel == 0 ? home : copies.get(kernel);
  }

  @Test
  void readersReplicateAndAWriterInvalidatesThem() {
    home.space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    home.user.write64(A + 8, 0x1122334455667788L);
    for (int k = 1; k <= 3; k++) {
      assertEquals(0x1122334455667788L, on(k).user.read64(A + 8));
      check();
    }
    assertEquals(
        new AddressSpace.Copies(0b1110, false), home.space.copies().get(A), "three readers");
    on(2).user.write64(A + 16, 42);
    check();
    assertEquals(new AddressSpace.Copies(0b100, true), home.space.copies().get(A));
    assertEquals(0, on(1).frames.framesInUse(), "kernel 1's copy was invalidated");
    assertEquals(42, on(3).user.read64(A + 16), "a reader after the write sees it");
    check();
    assertEquals(42, home.user.read64(A + 16), "home reads it too");
    home.user.write64(A + 16, 43);
    check();
    assertTrue(home.space.copies().isEmpty(), "home's write took every copy back");
    assertEquals(43, on(1).user.read64(A + 16));
    check();
  }

  /**
   * A reader whose copy went without home hearing of it (a running copy that closed while another
   * thread was on its way there) says so when it asks again: home drops it from the readers, and a
   * write then gets the contents rather than an upgrade of a copy that is not there.
   */
  @Test
  void aReaderThatLostItsCopyGetsContentsNotAnUpgrade() {
    home.space.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    home.user.write64(A, 77);
    assertEquals(77, on(1).user.read64(A));
    on(1).space.giveBack(A, A + PAGE, AddressSpace.RECALL_DROP, false, 1); // home not told
    assertEquals(new AddressSpace.Copies(0b10, false), home.space.copies().get(A));
    home.space.forgetReader(A, 1);
    assertNull(home.space.copies().get(A));
    AddressSpace.Loan loan = home.space.lend(A, AddressTranslator.WRITE, 1);
    assertFalse(loan.upgrade(), "no copy to upgrade");
    assertEquals(
        77,
        java.nio.ByteBuffer.wrap(loan.contents())
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getLong(0));
    home.space.forgetReader(A, 1); // a writer's entry stays: its contents are nowhere else
    assertEquals(new AddressSpace.Copies(0b10, true), home.space.copies().get(A));
  }

  @Test
  void aPageInTransitIsBusyAndOnlyRealKernelsGetPages() {
    home.space.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    home.space.setInTransit(A, true);
    assertEquals(Fault.BUSY, home.space.lend(A, AddressTranslator.READ, 1).fault());
    assertEquals(0, home.space.lend(A, AddressTranslator.READ, 1).recallFrom());
    home.space.setInTransit(A, false);
    home.space.beginTransit(A, A + PAGE);
    assertTrue(home.space.inTransit(A));
    home.space.endTransit(A, A + PAGE);
    assertEquals(Fault.RESOLVED, home.space.lend(A, AddressTranslator.WRITE, 1).fault());
    AddressSpace.Loan loan = home.space.lend(A, AddressTranslator.READ, 2);
    assertEquals(Fault.BUSY, loan.fault());
    assertEquals(0b10, loan.recallFrom(), "the writer must share it first");
    assertEquals(AddressSpace.RECALL_SHARE, loan.recallMode());
    TestSpace other = new TestSpace();
    SharedAnonymous shm = new SharedAnonymous(other.frames, PAGE);
    other.space.map(new Vma(A, A + PAGE, Prot.RW, Vma.Kind.ANONYMOUS, shm, 0, true, null));
    assertEquals(
        Fault.RESOLVED,
        other.space.lend(A, AddressTranslator.READ, 1).fault(),
        "a shared page is lent too, through its object's directory");
    assertEquals(Fault.SEGV_MAPERR, home.space.lend(A + PAGE, AddressTranslator.READ, 1).fault());
    assertEquals(Fault.BUS_OBJERR, home.space.lend(A, AddressTranslator.READ, 64).fault());
  }

  @Test
  void unmapAtHomeDropsEveryCopyAndTheirAreas() {
    home.space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    on(1).user.write64(A, 1);
    on(2).user.write64(A + PAGE, 2);
    on(3).user.read64(A + PAGE);
    home.space.unmap(A, 2 * PAGE);
    for (int k = 1; k <= 3; k++) {
      assertEquals(0, on(k).frames.framesInUse(), "kernel " + k);
      assertNull(on(k).space.areaAt(A), "kernel " + k + " forgot the unmapped part");
    }
    assertEquals(Fault.SEGV_MAPERR, on(1).space.handleFault(A, AddressTranslator.READ));
    assertEquals(Fault.RESOLVED, on(1).space.handleFault(A + 3 * PAGE, AddressTranslator.READ));
    check();
  }

  @Test
  void protectAtHomeReachesTheCopiesAndKeepsContents() {
    home.space.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    on(1).user.write64(A, 99);
    assertTrue(home.space.protect(A, 2 * PAGE, Prot.R));
    assertEquals(Fault.SEGV_ACCERR, on(1).space.handleFault(A, AddressTranslator.WRITE));
    assertEquals(99, on(2).user.read64(A), "contents came home and went on");
    check();
  }

  @Test
  void aForkAtHomeTakesEveryPageBackFirst() {
    home.space.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    on(3).user.write64(A + PAGE, 5);
    AddressSpace child = home.space.fork(() -> {});
    assertTrue(home.space.copies().isEmpty());
    assertEquals(5, new UserMemory(child, home.view).read64(A + PAGE));
    check();
  }

  @Test
  void aCopyGivesEverythingBackInBatches() {
    home.space.map(A, 8 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    for (int i = 0; i < 8; i++) {
      on(1).user.write64(A + i * PAGE, i + 1);
    }
    on(1).user.read64(A); // still its own
    int batches = 0;
    while (on(1).space.holds(0, MemoryLayout.USER_TOP)) {
      var batch =
          on(1).space.giveBack(0, MemoryLayout.USER_TOP, AddressSpace.RECALL_TAKE, false, 3);
      batches++;
      for (var c : batch) {
        home.space.returned(c.vaddr(), 1, c.contents(), false);
      }
    }
    assertEquals(3, batches);
    for (int i = 0; i < 8; i++) {
      assertEquals(i + 1, home.user.read64(A + i * PAGE));
    }
    assertTrue(home.space.copies().isEmpty());
    assertEquals(0, on(1).frames.framesInUse());
  }

  /**
   * Seeded: random reads, writes and increments by all four kernels, home's own area changes among
   * them. After every step the invariants hold; at the end every counter adds up (NO_LOST_UPDATE)
   * and, once the copies gave everything back, no frame is left anywhere but home's
   * (NO_FRAME_LEAKED).
   */
  @Test
  void randomAccessesFromEveryKernelKeepTheInvariants() {
    for (long seed = 1; seed <= 20; seed++) {
      PageLendingTest t = new PageLendingTest();
      t.run(new SplittableRandom(seed));
    }
  }

  private void run(SplittableRandom rnd) {
    home.space.map(A, PAGES * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    long[] expected = new long[PAGES];
    for (int step = 0; step < 400; step++) {
      int k = rnd.nextInt(4);
      int page = rnd.nextInt(PAGES);
      long at = A + page * PAGE + 8L * rnd.nextInt(4);
      long counter = A + page * PAGE + 512;
      switch (rnd.nextInt(5)) {
        case 0, 1 -> on(k).user.read64(at);
        case 2, 3 -> {
          long v = on(k).user.read64(counter);
          assertEquals(expected[page], v, "counter of page " + page + " read on kernel " + k);
          on(k).user.write64(counter, v + 1);
          expected[page]++;
        }
        default -> {
          if (rnd.nextBoolean()) {
            assertTrue(home.space.protect(A + page * PAGE, PAGE, Prot.RW));
          } else {
            home.space.discard(A + page * PAGE, PAGE);
            expected[page] = 0;
          }
        }
      }
      check();
    }
    for (int p = 0; p < PAGES; p++) {
      for (int k = 0; k <= 3; k++) {
        assertEquals(expected[p], on(k).user.read64(A + p * PAGE + 512), "page " + p);
      }
    }
    for (int k = 1; k <= 3; k++) {
      while (on(k).space.holds(0, MemoryLayout.USER_TOP)) {
        for (var c :
            on(k).space.giveBack(0, MemoryLayout.USER_TOP, AddressSpace.RECALL_TAKE, false, 4)) {
          home.space.returned(c.vaddr(), k, c.contents(), false);
        }
      }
      for (long page : List.copyOf(home.space.copies().keySet())) {
        home.space.returned(page, k, null, false);
      }
      assertEquals(0, on(k).frames.framesInUse(), "kernel " + k + " leaked frames");
    }
    assertTrue(home.space.copies().isEmpty());
    assertEquals(home.space.residentPages(), home.frames.framesInUse());
    assertFalse(home.space.inTransit(A));
    check();
  }
}
