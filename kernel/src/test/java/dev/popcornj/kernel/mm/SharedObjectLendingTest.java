package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Replicate mode over one shared object: two processes of kernel 0 map the same shared anonymous
 * memory (at different addresses), and each has running copies on kernels 1..3, wired directly as
 * the migration service wires them with messages. The object's own page directory ({@link
 * SharedCopies}) keeps one set of contents for every mapping of it, at home and elsewhere, and for
 * home's read(2) and write(2) of it.
 *
 * <p>After every step: SINGLE_WRITER (an object page writable anywhere is mapped nowhere else),
 * DIRECTORY_MATCHES_PAGE_TABLES (a copy holds the page exactly when the object lists its site, and
 * writes it exactly when it is the writer), every copy reads the object's contents when nobody
 * writes, and every space's own invariants.
 */
class SharedObjectLendingTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final int PAGES = 4;
  private static final long[] AT = {0x1000_0000L, 0x2000_0000L}; // where process 1 and 2 map it

  private final TestSpace home = new TestSpace();
  private final SharedAnonymous shm = new SharedAnonymous(home.frames, PAGES * PAGE);
  private final PageCache cache = shm.pages();
  private final AddressSpace[] homes = new AddressSpace[2];
  private final UserMemory[] homeUsers = new UserMemory[2];
  private final Map<Integer, TestSpace> copies = new TreeMap<>(); // by kernel * 10 + process

  SharedObjectLendingTest() {
    for (int p = 0; p < 2; p++) {
      homes[p] = p == 0 ? home.space : new AddressSpace(home.frames, () -> {});
      homeUsers[p] = new UserMemory(homes[p], home.view);
      homes[p].map(
          new Vma(AT[p], AT[p] + PAGES * PAGE, Prot.RW, Vma.Kind.ANONYMOUS, shm, 0, true, null));
      int process = p;
      homes[p].setLending(
          new Lending() {
            @Override
            public int pid() {
              return process + 1;
            }

            @Override
            public void reclaim(long start, long end, boolean keep) {
              for (int k = 1; k <= 3; k++) {
                AddressSpace s = copy(k, process).space;
                int mode = keep ? AddressSpace.RECALL_TAKE : AddressSpace.RECALL_DROP;
                for (var c : s.giveBack(start, end, mode, true, Integer.MAX_VALUE)) {
                  homes[process].returned(c.vaddr(), k, c.contents(), false);
                }
                homes[process].forgetSharedIn(k, start, end, false);
              }
            }

            @Override
            public void recall(long page, int access) {
              throw new AssertionError("no private page here");
            }

            @Override
            public boolean recallShared(PageCache c, long index, boolean changes) {
              SharedCopies.Holders h = c.remote().get(index);
              if (h == null || !(h.writer() || changes)) {
                return true;
              }
              int mode =
                  !h.writer()
                      ? AddressSpace.RECALL_DROP
                      : changes ? AddressSpace.RECALL_TAKE : AddressSpace.RECALL_SHARE;
              takeBack(index, h.sites(), mode);
              return true;
            }
          });
    }
    for (int k = 1; k <= 3; k++) {
      for (int p = 0; p < 2; p++) {
        TestSpace copy = new TestSpace();
        int kernel = k;
        int process = p;
        copy.space.setPager(
            new Pager() {
              @Override
              public Vma area(long vaddr) {
                Vma a = homes[process].areaAt(vaddr);
                return a == null ? null : new Vma(a.start(), a.end(), a.prot(), a.kind());
              }

              @Override
              public Fault page(long vaddr, int access) {
                while (true) {
                  AddressSpace.Loan loan = homes[process].lend(vaddr, access, kernel);
                  if (loan.fault() == Fault.BUSY && loan.shared() != null) {
                    takeBack(loan.shared().index(), loan.shared().sites(), loan.recallMode());
                    continue;
                  }
                  if (loan.fault() == Fault.RESOLVED) {
                    assertTrue(
                        copy.space.installPage(
                            vaddr, loan.contents(), loan.prot(), loan.upgrade()));
                  }
                  return loan.fault();
                }
              }
            });
        copies.put(k * 10 + p, copy);
      }
    }
  }

  private TestSpace copy(int kernel, int process) {
    return copies.get(kernel * 10 + process);
  }

  /** What the service does to take page index back from sites in mode, and their answers. */
  private void takeBack(long index, List<SharedCopies.Site> sites, int mode) {
    for (SharedCopies.Site s : sites) {
      byte[] contents = null;
      for (var c :
          copy(s.kernel(), s.pid() - 1)
              .space
              .giveBack(s.vaddr(), s.vaddr() + PAGE, mode, false, 1)) {
        contents = c.contents();
      }
      cache.remote().answered(cache, index, s, contents, mode == AddressSpace.RECALL_SHARE);
    }
  }

  private UserMemory user(int kernel, int process) {
    return kernel == 0 ? homeUsers[process] : copy(kernel, process).user;
  }

  private void check() {
    SharedCopies sc = cache.remote();
    for (int i = 0; i < PAGES; i++) {
      String at = "object page " + i;
      SharedCopies.Holders h = sc == null ? null : sc.get(i);
      long frame = cache.residentFrame(i);
      int writers = 0;
      int present = 0;
      for (int p = 0; p < 2; p++) {
        long page = AT[p] + i * PAGE;
        long r = homes[p].translate(page, AddressTranslator.READ);
        long w = homes[p].translate(page, AddressTranslator.WRITE);
        if (r != AddressSpace.NO_MAPPING) {
          assertEquals(frame, r & ~MemoryLayout.PAGE_MASK, at + ": home maps the object's frame");
          present++;
          writers += w != AddressSpace.NO_MAPPING ? 1 : 0;
        }
        for (int k = 1; k <= 3; k++) {
          AddressSpace s = copy(k, p).space;
          SharedCopies.Site site = new SharedCopies.Site(k, p + 1, page);
          boolean reads = s.translate(page, AddressTranslator.READ) != AddressSpace.NO_MAPPING;
          boolean writes = s.translate(page, AddressTranslator.WRITE) != AddressSpace.NO_MAPPING;
          assertEquals(h != null && h.has(site), reads, at + ": directory vs " + site);
          assertEquals(h != null && h.has(site) && h.writer(), writes, at + ": writer " + site);
          present += reads ? 1 : 0;
          writers += writes ? 1 : 0;
          if (reads && (h == null || !h.writer())) {
            assertArrayEquals(
                home.view.frameForRead(frame),
                copy(k, p).view.frameForRead(s.translate(page, AddressTranslator.READ)),
                at + ": " + site + " reads the object's contents");
          }
        }
      }
      boolean copiesWrite = h != null && h.writer();
      assertTrue(writers <= 1 || !copiesWrite, at + ": " + writers + " writers");
      assertTrue(!copiesWrite || present == 1, at + ": a writer's page is mapped elsewhere too");
    }
    for (AddressSpace s : homes) {
      s.checkInvariants();
    }
    copies.values().forEach(c -> c.space.checkInvariants());
  }

  private static long counterOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  @Test
  void aWriterElsewhereTakesEveryHomeMappingAndReadTwoBringsItBack() {
    homeUsers[0].write64(AT[0], 5);
    assertEquals(5, homeUsers[1].read64(AT[1]), "both processes map one page");
    copy(2, 1).user.write64(AT[1] + 8, 6); // process 2's copy on kernel 2 writes
    check();
    SharedCopies.Holders h = cache.remote().get(0);
    assertNotNull(h);
    assertTrue(h.writer());
    assertEquals(List.of(new SharedCopies.Site(2, 2, AT[1])), h.sites());
    assertEquals(AddressSpace.NO_MAPPING, homes[0].translate(AT[0], AddressTranslator.READ));
    byte[] got = new byte[16];
    cache.read(0, got, 0, 16); // read(2) at home: the writer shares
    assertEquals(6, ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
    assertFalse(cache.remote().get(0).writer(), "the writer kept a read-only copy");
    check();
    assertEquals(6, copy(1, 0).user.read64(AT[0] + 8), "process 1's copy reads it too");
    check();
    cache.write(8, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, 0, 8); // write(2): readers' copies go
    assertNull(cache.remote().get(0));
    assertEquals(7, copy(3, 0).user.read64(AT[0] + 8));
    check();
  }

  @Test
  void homeWritesTakeReadersCopiesAndUnmapBringsWritersContentsHome() {
    homeUsers[0].write64(AT[0] + PAGE, 10);
    assertEquals(10, copy(1, 0).user.read64(AT[0] + PAGE));
    assertEquals(10, copy(3, 1).user.read64(AT[1] + PAGE));
    check();
    assertTrue(homes[0].translate(AT[0] + PAGE, AddressTranslator.READ) != AddressSpace.NO_MAPPING);
    assertEquals(
        AddressSpace.NO_MAPPING,
        homes[0].translate(AT[0] + PAGE, AddressTranslator.WRITE),
        "home maps it read-only while others read it");
    homeUsers[0].write64(AT[0] + PAGE, 11); // both readers' copies go
    assertNull(cache.remote().get(1));
    check();
    copy(2, 0).user.write64(AT[0] + 2 * PAGE, 12);
    homes[0].unmap(AT[0], PAGES * PAGE); // the range goes, the object keeps what kernel 2 wrote
    assertEquals(12, homeUsers[1].read64(AT[1] + 2 * PAGE));
    assertEquals(11, homeUsers[1].read64(AT[1] + PAGE));
    assertTrue(cache.remote().isEmpty());
  }

  @Test
  void truncationTakesTheCopiesOfThePagesThatGo() {
    copy(1, 0).user.write64(AT[0] + 3 * PAGE, 1);
    assertEquals(0, copy(2, 1).user.read64(AT[1] + 2 * PAGE));
    cache.truncate(2 * PAGE);
    assertTrue(cache.remote().isEmpty());
    assertFalse(copy(1, 0).space.holds(0, MemoryLayout.USER_TOP));
    assertEquals(
        Fault.BUS_ADRERR, copy(1, 0).space.handleFault(AT[0] + 3 * PAGE, AddressTranslator.READ));
  }

  /**
   * Seeded: reads and increments of per-page counters from both processes on every kernel, with
   * home's read(2), write(2) and discards among them. After every step the invariants hold; the
   * counters add up (NO_LOST_UPDATE); once the copies give everything back no frame is left on them
   * (NO_FRAME_LEAKED).
   */
  @Test
  void randomAccessesFromEveryProcessAndKernelKeepTheInvariants() {
    for (long seed = 1; seed <= 12; seed++) {
      new SharedObjectLendingTest().run(new SplittableRandom(seed));
    }
  }

  private void run(SplittableRandom rnd) {
    long[] expected = new long[PAGES];
    for (int step = 0; step < 300; step++) {
      int k = rnd.nextInt(4);
      int p = rnd.nextInt(2);
      int page = rnd.nextInt(PAGES);
      long counter = AT[p] + page * PAGE + 256;
      switch (rnd.nextInt(6)) {
        case 0 -> user(k, p).read64(AT[p] + page * PAGE);
        case 1, 2 -> {
          long v = user(k, p).read64(counter);
          assertEquals(expected[page], v, "counter " + page + " of process " + p + " on " + k);
          user(k, p).write64(counter, v + 1);
          expected[page]++;
        }
        case 3 -> {
          byte[] b = new byte[8];
          cache.read(page * PAGE + 256, b, 0, 8);
          assertEquals(expected[page], counterOf(b), "read(2) of counter " + page);
        }
        case 4 -> {
          byte[] b = new byte[8];
          cache.read(page * PAGE + 256, b, 0, 8);
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, counterOf(b) + 1);
          cache.write(page * PAGE + 256, b, 0, 8);
          expected[page]++;
        }
        default -> homes[p].discard(AT[p] + page * PAGE, PAGE); // the object keeps its contents
      }
      check();
    }
    for (int i = 0; i < PAGES; i++) {
      for (int k = 0; k <= 3; k++) {
        for (int p = 0; p < 2; p++) {
          assertEquals(expected[i], user(k, p).read64(AT[p] + i * PAGE + 256), "page " + i);
        }
      }
    }
    List<AddressSpace> all = new ArrayList<>(List.of(homes));
    for (int p = 0; p < 2; p++) {
      homes[p].setLending(null); // the copies are gone: the process no longer spreads
      for (int k = 1; k <= 3; k++) {
        copy(k, p).space.giveBack(0, MemoryLayout.USER_TOP, AddressSpace.RECALL_DROP, false, 1);
        assertEquals(0, copy(k, p).frames.framesInUse(), "kernel " + k + " leaked frames");
      }
    }
    assertTrue(cache.remote().isEmpty(), "the object lists no copy once the processes stop");
    for (AddressSpace s : all) {
      s.checkInvariants();
    }
  }
}
