package dev.popcornj.kernel.mm;

/**
 * The memory object behind a shared anonymous mapping (MAP_SHARED|MAP_ANONYMOUS, or a shared
 * mapping of /dev/zero), as Linux backs one with a shmem file: a page cache owned by the mapping,
 * so that a forked child that inherits the mapping shares its pages.
 *
 * <p>It counts the areas ({@link Vma}) that refer to it, in every address space, and gives its
 * frames back when the last one goes. Used only on the owning kernel's simulation thread.
 */
public final class SharedAnonymous implements MappableFile {
  private final PageCache pages;
  private int users;

  /** A zero-filled object of length bytes; access past that length raises SIGBUS, as in Linux. */
  public SharedAnonymous(FrameAllocator frames, long length) {
    this.pages = new PageCache(frames);
    pages.truncate(length);
  }

  @Override
  public PageCache pages() {
    return pages;
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public String path() {
    return "/dev/zero (deleted)";
  }

  /** Areas that refer to this object now. */
  public int users() {
    return users;
  }

  void addUser() {
    users++;
  }

  void dropUser() {
    if (--users == 0) {
      pages.release();
    }
  }
}
