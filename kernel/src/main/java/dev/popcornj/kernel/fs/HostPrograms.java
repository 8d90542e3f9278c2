package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.machine.mem.PhysicalMemory;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies of the host programs execve ran more than once, kept in the kernel's memory so that every
 * process running the same host program maps one copy of it, as Linux maps a program from its page
 * cache: a shell script starting busybox two hundred times reads it from the host twice, and the
 * harts decode and compile its code twice (for the first process, which got its own copy, and for
 * the copy kept). A program's first exec copies it into its process, as for any file that cannot be
 * mapped.
 *
 * <p>A copy stands for the host file while the file's identity on the host stays the same: its
 * path, device, inode, size, and modification and change times, read at each exec. A file changed
 * on the host gets a new copy at its next exec, and programs already running keep the copy they
 * started with, so a program never sees its file change under it. The {@link #KEPT} copies run most
 * recently are kept; one dropped while a process runs it is freed with its last mapping. Owned by
 * one kernel; its frames are the kernel's.
 */
public final class HostPrograms {
  /** Host programs kept at most. */
  static final int KEPT = 8;

  private record Key(String path, long dev, long ino, long size, long mtimeNs, long ctimeNs) {}

  /** Host programs remembered as run once, at most. */
  static final int SEEN = 64;

  /**
   * The copies kept take at most this fraction of the frames free when one is made: unlike Linux's
   * page cache, they are not given back when memory runs short, so a large program run twice on a
   * small kernel is copied into each process instead.
   */
  static final int SHARE = 4;

  private static final int PAGE = PhysicalMemory.FRAME_SIZE;

  private final FrameAllocator frames;
  private long keptPages; // the pages of the copies kept
  private final LinkedHashMap<Key, PageCache> kept = new LinkedHashMap<>(16, 0.75f, true);
  // Programs run once since: a copy is made at a program's second exec, so that a program run once
  // (popcorn run's own) is copied into its process as before, without a copy kept beside it.
  private final LinkedHashMap<Key, Boolean> seen = new LinkedHashMap<>(16, 0.75f, true);

  public HostPrograms(FrameAllocator frames) {
    this.frames = frames;
  }

  /**
   * The copy of program when it is a host file ({@link Vfs#executable} gave it), made now unless an
   * equal one is kept; null at the file's first exec, for any other file, and when the host cannot
   * say what the file is now, it changed while being read, or the copies would take more than their
   * share of the kernel's memory ({@link #SHARE}): the caller then copies the program into the
   * process.
   *
   * @throws FsException ENOMEM for a file larger than execve takes, or the host's errno reading it
   */
  public PageCache copyOf(Inode program) {
    if (!(program instanceof HostFile file)) {
      return null;
    }
    HostFs.Attrs a;
    try {
      a = HostFs.readAttrs(file.place().hostPath());
    } catch (IOException e) {
      return null;
    }
    Key key =
        new Key(
            file.place().hostPath().toString(),
            a.dev(),
            a.ino(),
            a.size(),
            a.mtimeNs(),
            a.ctimeNs());
    PageCache c = kept.get(key);
    if (c != null) {
      return c;
    }
    if (seen.put(key, Boolean.TRUE) == null) {
      if (seen.size() > SEEN) {
        Iterator<Key> eldest = seen.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      return null; // its first exec
    }
    long pages = (a.size() + PAGE - 1) / PAGE;
    if (keptPages + pages > frames.framesFree() / SHARE) {
      return null; // the copies would take more than their share of the memory left
    }
    seen.remove(key);
    byte[] bytes = file.readAll();
    if (bytes.length != a.size()) {
      return null; // it changed while being read
    }
    c = new PageCache(frames);
    try {
      c.write(0, bytes, 0, bytes.length);
    } catch (OutOfFramesException e) {
      c.release();
      return null;
    }
    kept.put(key, c);
    keptPages += pages;
    if (kept.size() > KEPT) {
      Iterator<Map.Entry<Key, PageCache>> eldest = kept.entrySet().iterator();
      PageCache dropped = eldest.next().getValue();
      keptPages -= (dropped.size() + PAGE - 1) / PAGE;
      dropped.releaseWhenUnmapped();
      eldest.remove();
    }
    return c;
  }

  /** Host programs kept now. */
  int size() {
    return kept.size();
  }
}
