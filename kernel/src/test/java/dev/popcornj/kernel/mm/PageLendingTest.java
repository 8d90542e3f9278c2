package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A process's address space homed on one kernel and run on another, wired directly (the migration
 * service carries the same calls in messages): areas and pages come to the running copy on demand,
 * each page is owned by exactly one side, and home takes pages back when it touches them or changes
 * areas.
 */
class PageLendingTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;
  private static final int GUEST_KERNEL = 2;

  private final TestSpace home = new TestSpace();
  private final TestSpace guest = new TestSpace();

  PageLendingTest() {
    guest.space.setPager(
        new Pager() {
          @Override
          public Vma area(long vaddr) {
            Vma a = home.space.areaAt(vaddr);
            return a == null ? null : new Vma(a.start(), a.end(), a.prot(), a.kind());
          }

          @Override
          public Fault page(long vaddr, int access) {
            AddressSpace.Loan loan = home.space.lend(vaddr, access, GUEST_KERNEL);
            if (loan.fault() == Fault.RESOLVED) {
              guest.space.installPage(vaddr, loan.contents(), loan.prot());
            }
            return loan.fault();
          }
        });
    home.space.setLending(
        (start, end, keep) -> {
          for (AddressSpace.PageCopy c :
              guest.space.giveBack(start, end, keep, Integer.MAX_VALUE)) {
            home.space.acceptPage(c.vaddr(), c.contents());
          }
          for (long page : home.space.lentPages().keySet()) {
            if (page >= start && page < end) {
              home.space.acceptPage(page, null);
            }
          }
        });
  }

  /** Every page is present on one side only, and lent exactly when the guest holds it. */
  private void checkOwnedOnce() {
    Map<Long, Integer> lent = home.space.lentPages();
    for (long page = A; page < A + 8 * PAGE; page += PAGE) {
      boolean atHome = home.space.isResident(page) && home.space.translate(page, 0) != -1;
      boolean atGuest = guest.space.translate(page, AddressTranslator.READ) != -1;
      assertTrue(!(atHome && atGuest), "page 0x" + Long.toHexString(page) + " on both sides");
      assertEquals(atGuest, lent.containsKey(page), "directory for 0x" + Long.toHexString(page));
    }
    home.space.checkInvariants();
    guest.space.checkInvariants();
  }

  @Test
  void pagesMoveWithOwnershipAndComeBackWhenHomeTouchesThem() {
    home.space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    home.user.write64(A + 8, 0x1122334455667788L);
    guest.space.handleFault(A + 8, AddressTranslator.READ);
    assertEquals(0x1122334455667788L, guest.user.read64(A + 8));
    assertEquals(0, home.frames.framesInUse(), "the page left home");
    checkOwnedOnce();

    guest.user.write64(A + 16, 42);
    guest.user.write64(A + 2 * PAGE, 7); // a never-touched page goes as zeros
    checkOwnedOnce();
    assertEquals(42, home.user.read64(A + 16), "home reclaims what it reads");
    assertEquals(7, home.user.read64(A + 2 * PAGE));
    assertTrue(home.space.lentPages().isEmpty());
    assertEquals(0, guest.frames.framesInUse());
    checkOwnedOnce();
  }

  @Test
  void aPageOnItsWayIsBusyAndASharedOneCannotMove() {
    home.space.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(Fault.RESOLVED, home.space.lend(A, AddressTranslator.READ, 3).fault());
    assertEquals(Fault.BUSY, home.space.lend(A, AddressTranslator.READ, GUEST_KERNEL).fault());
    TestSpace other = new TestSpace();
    SharedAnonymous shm = new SharedAnonymous(other.frames, PAGE);
    other.space.map(new Vma(A, A + PAGE, Prot.RW, Vma.Kind.ANONYMOUS, shm, 0, true, null));
    assertEquals(Fault.BUS_OBJERR, other.space.lend(A, AddressTranslator.READ, 1).fault());
    assertEquals(Fault.SEGV_MAPERR, home.space.lend(A + PAGE, AddressTranslator.READ, 1).fault());
  }

  @Test
  void unmapAtHomeDropsTheGuestsPagesAndItsCopyOfTheArea() {
    home.space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    guest.user.write64(A, 1);
    guest.user.write64(A + PAGE, 2);
    home.space.unmap(A, 2 * PAGE);
    assertEquals(0, guest.frames.framesInUse());
    assertNull(guest.space.areaAt(A + 3 * PAGE), "the guest forgot the area");
    assertEquals(Fault.SEGV_MAPERR, guest.space.handleFault(A, AddressTranslator.READ));
    assertEquals(Fault.RESOLVED, guest.space.handleFault(A + 3 * PAGE, AddressTranslator.READ));
    checkOwnedOnce();
  }

  @Test
  void protectAtHomeReachesTheGuestAndKeepsContents() {
    home.space.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    guest.user.write64(A, 99);
    assertTrue(home.space.protect(A, 2 * PAGE, Prot.R));
    assertEquals(Fault.SEGV_ACCERR, guest.space.handleFault(A, AddressTranslator.WRITE));
    assertEquals(99, guest.user.read64(A), "contents came home and went back");
    checkOwnedOnce();
  }

  @Test
  void aGuestGivesEverythingBackInBatches() {
    home.space.map(A, 8 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    for (int i = 0; i < 8; i++) {
      guest.user.write64(A + i * PAGE, i + 1);
    }
    int batches = 0;
    while (true) {
      var batch = guest.space.giveBack(0, MemoryLayout.USER_TOP, true, 3);
      if (batch.isEmpty()) {
        break;
      }
      batches++;
      for (var c : batch) {
        home.space.acceptPage(c.vaddr(), c.contents());
      }
    }
    assertEquals(3, batches);
    for (int i = 0; i < 8; i++) {
      assertEquals(i + 1, home.user.read64(A + i * PAGE));
    }
    assertTrue(home.space.lentPages().isEmpty());
    assertEquals(0, guest.frames.framesInUse());
  }
}
