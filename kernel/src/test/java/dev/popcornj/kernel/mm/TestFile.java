package dev.popcornj.kernel.mm;

/** A file for mapping tests: a page cache with the access it was opened with. */
record TestFile(PageCache pages, boolean readable, boolean writable, String path)
    implements MappableFile {
  static TestFile of(FrameAllocator frames, byte[] contents) {
    PageCache c = new PageCache(frames);
    c.write(0, contents, 0, contents.length);
    return new TestFile(c, true, true, "/tmp/f");
  }

  /** length bytes where byte i is (i * 7 + i / 4096) & 0xff, so every page differs. */
  static byte[] pattern(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 7 + i / 4096);
    }
    return b;
  }
}
