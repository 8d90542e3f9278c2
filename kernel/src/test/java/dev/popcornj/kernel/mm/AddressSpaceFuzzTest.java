package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of memory operations over several forked spaces. Invariants checked after every
 * step: each space's {@link AddressSpace#checkInvariants()}, frame accounting ({@link
 * FrameAccounting}), and, for private anonymous memory, that every space reads back exactly what it
 * wrote (the copy-on-write model). The failing seed is in the message.
 */
class AddressSpaceFuzzTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long BASE = 0x1000_0000L;
  private static final int WINDOW = 48; // pages the operations touch
  private static final int STEPS = 400;

  private static final int[] PROTS = {Prot.NONE, Prot.R, Prot.RW, Prot.RX, Prot.ALL};

  @Test
  void everyKindOfMappingKeepsTheInvariants() {
    for (long seed = 1; seed <= 40; seed++) {
      try {
        runMixed(seed);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void privateMemoryReadsBackWhatEachSpaceWrote() {
    for (long seed = 1; seed <= 40; seed++) {
      try {
        runPrivateModel(seed);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private static long page(Random r) {
    return BASE + r.nextInt(WINDOW) * PAGE;
  }

  private static long pages(Random r, long from) {
    long maxPages = (BASE + WINDOW * PAGE - from) / PAGE;
    return (1 + r.nextInt((int) Math.min(8, maxPages))) * PAGE;
  }

  private void runMixed(long seed) {
    Random r = new Random(seed);
    TestSpace t = new TestSpace(64L << 20);
    List<AddressSpace> spaces = new ArrayList<>(List.of(t.space));
    List<TestFile> files = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      files.add(TestFile.of(t.frames, TestFile.pattern((3 + i * 2) * (int) PAGE + 100)));
    }
    for (int step = 0; step < STEPS; step++) {
      if (spaces.isEmpty()) {
        spaces.add(new AddressSpace(t.frames, () -> {}));
      }
      AddressSpace s = spaces.get(r.nextInt(spaces.size()));
      UserMemory m = new UserMemory(s, t.view);
      long at = page(r);
      long len = pages(r, at);
      int prot = PROTS[r.nextInt(PROTS.length)];
      switch (r.nextInt(14)) {
        case 0 -> s.map(at, len, prot, Vma.Kind.ANONYMOUS);
        case 1 ->
            s.map(
                new Vma(
                    at,
                    at + len,
                    prot,
                    Vma.Kind.ANONYMOUS,
                    new SharedAnonymous(t.frames, len),
                    0,
                    true,
                    null));
        case 2 -> {
          TestFile f = files.get(r.nextInt(files.size()));
          s.map(
              new Vma(
                  at,
                  at + len,
                  prot,
                  Vma.Kind.FILE,
                  f,
                  r.nextInt(4) * PAGE,
                  r.nextBoolean(),
                  null));
        }
        case 3 -> s.unmap(at, len);
        case 4 -> s.protect(at, len, prot);
        case 5, 6 -> {
          try {
            m.write(at + r.nextInt((int) PAGE), new byte[] {(byte) r.nextInt()});
          } catch (BadAddressException e) {
            // a write the process may not make
          }
        }
        case 7 -> {
          int access = r.nextInt(3);
          s.handleFault(at + r.nextInt((int) PAGE), access);
        }
        case 8 -> {
          if (spaces.size() < 5) {
            spaces.add(s.fork(() -> {}));
          }
        }
        case 9 -> {
          if (r.nextInt(4) == 0) {
            s.release();
            spaces.remove(s);
          }
        }
        case 10 -> s.discard(at, len);
        case 11 -> {
          Vma a = s.areaAt(at);
          long to = page(r);
          if (a != null && (to + a.length() <= a.start() || to >= a.end())) {
            s.move(a.start(), a.length(), to, a.length() + r.nextInt(2) * PAGE, r.nextBoolean());
          }
        }
        case 12 -> {
          Vma a = s.areaAt(at);
          if (a != null) {
            s.growInPlace(a.start(), a.length(), a.length() + len);
          }
        }
        case 13 -> {
          TestFile f = files.get(r.nextInt(files.size()));
          if (r.nextBoolean()) {
            f.pages().truncate(r.nextInt(6) * PAGE + r.nextInt(100));
          } else {
            f.pages().write(r.nextInt(5) * PAGE, new byte[] {1, 2}, 0, 2);
          }
        }
        default -> throw new AssertionError();
      }
      FrameAccounting.check(t.frames, spaces, files.stream().map(TestFile::pages).toList());
    }
    for (AddressSpace s : spaces) {
      s.release();
    }
    for (TestFile f : files) {
      f.pages().release();
    }
    assertEquals(0, t.frames.framesInUse(), "frames left after everything was released");
  }

  /** A space with its model: address to the byte last written there (absent reads as zero). */
  private record Modelled(AddressSpace space, TreeMap<Long, Byte> bytes) {}

  private void runPrivateModel(long seed) {
    Random r = new Random(seed);
    TestSpace t = new TestSpace(64L << 20);
    List<Modelled> spaces = new ArrayList<>(List.of(new Modelled(t.space, new TreeMap<>())));
    for (int step = 0; step < STEPS; step++) {
      Modelled ms = spaces.get(r.nextInt(spaces.size()));
      AddressSpace s = ms.space();
      UserMemory m = new UserMemory(s, t.view);
      long at = page(r);
      long len = pages(r, at);
      switch (r.nextInt(8)) {
        case 0 -> {
          s.map(at, len, Prot.RW, Vma.Kind.ANONYMOUS);
          ms.bytes().subMap(at, at + len).clear();
        }
        case 1 -> {
          s.unmap(at, len);
          ms.bytes().subMap(at, at + len).clear();
        }
        case 2, 3 -> {
          long addr = at + r.nextInt((int) PAGE);
          if (s.areaAt(addr) != null) {
            byte v = (byte) (1 + r.nextInt(255));
            m.write(addr, new byte[] {v});
            ms.bytes().put(addr, v);
          }
        }
        case 4 -> {
          if (spaces.size() < 5) {
            spaces.add(new Modelled(s.fork(() -> {}), new TreeMap<>(ms.bytes())));
          }
        }
        case 5 -> {
          if (spaces.size() > 1) {
            s.release();
            spaces.remove(ms);
          }
        }
        case 6 -> {
          if (s.isCovered(at, at + len)) {
            s.discard(at, len);
            ms.bytes().subMap(at, at + len).clear();
          }
        }
        case 7 -> {
          Vma a = s.areaAt(at);
          long to = page(r);
          if (a != null && (to + a.length() <= a.start() || to >= a.end())) {
            Map<Long, Byte> moved = new HashMap<>(ms.bytes().subMap(a.start(), a.end()));
            ms.bytes().subMap(a.start(), a.end()).clear();
            ms.bytes().subMap(to, to + a.length()).clear();
            s.move(a.start(), a.length(), to, a.length());
            moved.forEach((k, v) -> ms.bytes().put(k - a.start() + to, v));
          }
        }
        default -> throw new AssertionError();
      }
      for (Modelled x : spaces) {
        UserMemory xm = new UserMemory(x.space(), t.view);
        for (Map.Entry<Long, Byte> e : x.bytes().entrySet()) {
          assertEquals(
              e.getValue(), xm.read(e.getKey(), 1)[0], "byte at 0x" + Long.toHexString(e.getKey()));
        }
        for (Vma a : x.space().areas()) {
          long probe = a.start() + r.nextInt((int) a.length());
          if (!x.bytes().containsKey(probe)
              && x.space().translate(probe, AddressTranslator.READ)
                  != AddressTranslator.NO_MAPPING) {
            assertEquals(0, xm.read(probe, 1)[0], "unwritten byte at 0x" + Long.toHexString(probe));
          }
        }
      }
      FrameAccounting.check(t.frames, spaces.stream().map(Modelled::space).toList(), List.of());
    }
    for (Modelled x : spaces) {
      x.space().release();
    }
    assertEquals(0, t.frames.framesInUse());
  }
}
