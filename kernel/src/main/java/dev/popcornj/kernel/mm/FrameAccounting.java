package dev.popcornj.kernel.mm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a kernel's frame accounting adds up: every frame's reference count in the allocator
 * equals the number of its holders (page-table entries of the live address spaces, frames of the
 * live page caches and of the shared anonymous objects those spaces map), and no frame is held that
 * nobody accounts for. A harness for tests and the kernel's self-check, not used on any fast path.
 */
public final class FrameAccounting {
  private FrameAccounting() {}

  /**
   * Checks the accounting of frames against every live space and every live page cache the kernel
   * owns (the caches of mapped files and shared anonymous objects are also found through the
   * spaces' areas, so an unlinked file kept alive by a mapping is counted); also checks each
   * space's invariants and that each shared anonymous object counts exactly the areas that use it.
   *
   * @throws IllegalStateException with the frames that do not add up
   */
  public static void check(
      FrameAllocator frames, Collection<AddressSpace> spaces, Collection<PageCache> caches) {
    Map<Long, Integer> holders = new HashMap<>();
    Set<PageCache> seenCaches = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<SharedAnonymous, Integer> objectUsers = new IdentityHashMap<>();
    List<PageCache> mappedCaches = new ArrayList<>();
    Map<FrameAllocator, Map<Long, Integer>> windowHolders = new IdentityHashMap<>();
    for (AddressSpace s : spaces) {
      s.checkInvariants();
      if (s.foreign()) {
        continue; // home's frames, mapped here: home counts them
      }
      for (AddressSpace.Window w : s.windowList()) {
        windowHolders.computeIfAbsent(w.frames(), k -> new HashMap<>());
        for (long f = w.region().base(); f < w.region().end(); f += MemoryLayout.PAGE_SIZE) {
          holders.merge(f, 1, Integer::sum); // the window holds its run
        }
      }
      for (long f : s.mappedFrames()) {
        FrameAllocator owner = s.ownerOf(f);
        if (owner != frames) {
          windowHolders.get(owner).merge(f, 1, Integer::sum);
          continue;
        }
        holders.merge(f, 1, Integer::sum);
      }
      for (Vma a : s.areas()) {
        if (a.file() instanceof SharedAnonymous o) {
          objectUsers.merge(o, 1, Integer::sum);
        }
        if (a.file() != null) {
          mappedCaches.add(a.file().pages());
        }
      }
    }
    List<PageCache> allCaches = new ArrayList<>(caches);
    allCaches.addAll(mappedCaches);
    for (PageCache c : allCaches) {
      if (seenCaches.add(c)) {
        for (long f : c.heldFrames()) {
          holders.merge(f, 1, Integer::sum);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<FrameAllocator, Map<Long, Integer>> w : windowHolders.entrySet()) {
      for (long f : w.getKey().heldFrames()) {
        int mapped = w.getValue().getOrDefault(f, 0);
        if (mapped != w.getKey().refCount(f)) {
          problems.add(
              "window frame 0x"
                  + Long.toHexString(f)
                  + ": "
                  + mapped
                  + " holders, count "
                  + w.getKey().refCount(f));
        }
      }
      if (w.getKey().heldFrames().length != w.getValue().size()) {
        problems.add("a window's pages and its counts differ");
      }
    }
    for (Map.Entry<SharedAnonymous, Integer> e : objectUsers.entrySet()) {
      if (e.getKey().users() != e.getValue()) {
        problems.add(
            "shared object counts " + e.getKey().users() + " users, " + e.getValue() + " areas");
      }
    }
    for (Map.Entry<Long, Integer> e : holders.entrySet()) {
      int recorded = frames.refCount(e.getKey());
      if (recorded != e.getValue()) {
        problems.add(
            "frame 0x"
                + Long.toHexString(e.getKey())
                + ": "
                + e.getValue()
                + " holders, count "
                + recorded);
      }
    }
    for (long f : frames.heldFrames()) {
      if (!holders.containsKey(f)) {
        problems.add(
            "frame 0x"
                + Long.toHexString(f)
                + " is held (count "
                + frames.refCount(f)
                + ") by nobody");
      }
    }
    if (frames.framesInUse() != frames.heldFrames().length) {
      problems.add(
          "allocator says "
              + frames.framesInUse()
              + " frames in use, counts "
              + frames.heldFrames().length);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "frame accounting: "
              + problems.size()
              + " problems, first: "
              + String.join("; ", problems.subList(0, Math.min(8, problems.size()))));
    }
  }
}
