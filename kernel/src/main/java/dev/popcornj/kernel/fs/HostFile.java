package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.param.Param;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of a {@link HostFs} other than a directory or a link: a regular file, or a FIFO, socket or
 * device node, which can be looked at but not opened. While open it holds host channels for reading
 * and for writing, opened as the guest opened it (so the host refuses what the user may not do) and
 * kept until the last close, as an unlinked Linux file lives on while open.
 *
 * <p>read(2) and write(2) go to the host file. A mapping gets a page cache over the host file: its
 * pages are loaded when first touched and written back at msync and when the last mapping goes;
 * while it exists, reads come from it and writes go to both, so mappings and read(2) agree.
 */
final class HostFile extends Inode implements HostInode, PageCache.Backing {
  private final HostPlace place;
  private FileChannel reader;
  private FileChannel writer;
  private PageCache cache;

  HostFile(HostFs fs, HostFs.Attrs a, HostDir parent, String name) {
    super(fs, a.ino(), a.mode(), a.mtimeNs());
    this.place = new HostPlace(fs, a, parent, name);
    place.load(this, a);
  }

  @Override
  public HostPlace place() {
    return place;
  }

  @Override
  protected void revalidate() {
    place.revalidate(this);
  }

  @Override
  public long dev() {
    return place.attrs().dev();
  }

  @Override
  public long rdev() {
    return place.attrs().rdev();
  }

  @Override
  public long size() {
    revalidate();
    if (cache != null) {
      return cache.size();
    }
    if (nlink() == 0 && (reader != null || writer != null)) {
      try {
        return (reader != null ? reader : writer).size();
      } catch (IOException e) {
        return place.attrs().size();
      }
    }
    return place.attrs().size();
  }

  @Override
  public long blocks() {
    long size = size();
    return (size + 4095) / 4096 * 8;
  }

  // ---------------------------------------------------------------- open and close

  /** An open for reading and/or writing, with O_TRUNC truncating: host channels as asked. */
  void open(boolean read, boolean write, boolean truncate) {
    if (!isRegular()) {
      throw new FsException(Errno.ENXIO); // a host FIFO, socket or device is not the guest's
    }
    Path p = place.hostPath();
    try {
      if (read && reader == null) {
        reader = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      }
      if ((write || truncate) && writer == null) {
        writer = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      }
      if (truncate && writer.size() != 0) {
        writer.truncate(0);
        if (cache != null) {
          cache.truncate(0);
        }
        place.invalidate();
      }
    } catch (IOException e) {
      if (openCount() == 0) {
        closeChannels();
      }
      throw HostPlace.failure(e);
    }
  }

  @Override
  void onClose() {
    super.onClose();
    if (openCount() == 0 && (cache == null || !cache.isMapped())) {
      dropCache();
      closeChannels();
    }
  }

  private void closeChannels() {
    for (FileChannel c : new FileChannel[] {reader, writer}) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // Closing a channel that read or wrote nothing more has nothing to lose.
        }
      }
    }
    reader = null;
    writer = null;
  }

  // ---------------------------------------------------------------- read, write, truncate

  /** pread at pos; a count or a negative errno. */
  long read(long pos, byte[] buf, int off, int length) {
    if (cache != null) {
      try {
        return cache.read(pos, buf, off, length);
      } catch (OutOfFramesException e) {
        return -Errno.ENOMEM;
      }
    }
    if (reader == null) {
      return -Errno.EBADF;
    }
    try {
      int done = 0;
      while (done < length) {
        int n = reader.read(ByteBuffer.wrap(buf, off + done, length - done), pos + done);
        if (n <= 0) {
          break;
        }
        done += n;
      }
      return done;
    } catch (IOException e) {
      return -HostFs.errno(e, Errno.EACCES);
    }
  }

  /** pwrite at pos; a count or a negative errno. */
  long write(long pos, byte[] buf, int off, int length) {
    if (writer == null) {
      return -Errno.EBADF;
    }
    try {
      int done = 0;
      while (done < length) {
        done += writer.write(ByteBuffer.wrap(buf, off + done, length - done), pos + done);
      }
    } catch (IOException e) {
      return -HostFs.errno(e, Errno.EACCES);
    }
    place.invalidate();
    if (cache != null) {
      try {
        cache.write(pos, buf, off, length);
      } catch (OutOfFramesException e) {
        dropCacheUnmapped();
      }
    }
    return length;
  }

  /** truncate(2) and ftruncate(2). */
  void truncate(long length) {
    try {
      if (writer != null) {
        writer.truncate(length);
        if (writer.size() < length) {
          writer.write(ByteBuffer.allocate(1), length - 1);
        }
      } else {
        try (FileChannel c =
            FileChannel.open(
                place.hostPath(), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
          c.truncate(length);
          if (c.size() < length) {
            c.write(ByteBuffer.allocate(1), length - 1);
          }
        }
      }
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
    if (cache != null) {
      cache.truncate(length);
    }
    place.invalidate();
  }

  /**
   * The whole file, for execve. A file larger than {@link Param#MAX_EXEC_BYTES} is refused with
   * ENOMEM before anything is read, so a guest cannot make the host hold an arbitrary file.
   */
  byte[] readAll() {
    try {
      long size = java.nio.file.Files.size(place.hostPath());
      if (size > Param.MAX_EXEC_BYTES) {
        throw new FsException(Errno.ENOMEM);
      }
      byte[] b = java.nio.file.Files.readAllBytes(place.hostPath());
      if (b.length > Param.MAX_EXEC_BYTES) {
        throw new FsException(Errno.ENOMEM); // it grew while being read
      }
      return b;
    } catch (IOException e) {
      throw HostPlace.failure(e);
    }
  }

  // ---------------------------------------------------------------- mappings

  /** The page cache a mapping maps, made on first use over the host file. */
  PageCache pageCache() {
    if (cache == null) {
      cache = place.fs().newCache(this, size());
    }
    return cache;
  }

  @Override
  public void load(long index, byte[] page) {
    FileChannel c = reader;
    try {
      if (c == null) {
        try (FileChannel once =
            FileChannel.open(
                place.hostPath(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
          fill(once, index, page);
        }
      } else {
        fill(c, index, page);
      }
    } catch (IOException e) {
      // A page the host cannot give reads as zeros, as a page past a file's end does.
    }
  }

  private static void fill(FileChannel c, long index, byte[] page) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(page);
    long pos = index * page.length;
    while (b.hasRemaining()) {
      int n = c.read(b, pos + b.position());
      if (n <= 0) {
        break;
      }
    }
  }

  @Override
  public void store(long index, byte[] page, int length) {
    if (writer == null) {
      return; // nothing was mapped shared and writable
    }
    try {
      writer.write(ByteBuffer.wrap(page, 0, length), index * page.length);
    } catch (IOException e) {
      // As a failed writeback in Linux: the data is lost and the mapping goes on.
    }
    place.invalidate();
  }

  @Override
  public void onUnmapped() {
    if (cache != null) {
      cache.writeBack();
    }
    if (openCount() == 0) {
      dropCacheUnmapped();
      closeChannels();
    }
  }

  private void dropCache() {
    if (cache != null && !cache.isMapped()) {
      dropCacheUnmapped();
    }
  }

  private void dropCacheUnmapped() {
    PageCache c = cache;
    cache = null;
    c.releaseWhenUnmapped();
  }

  // ---------------------------------------------------------------- attributes, set on the host

  @Override
  public void setPermissions(int perm) {
    HostFs.setAttribute(place.hostPath(), "mode", perm & 07777);
    place.invalidate();
  }

  @Override
  public void setOwner(int uid, int gid) {
    chown(place.hostPath(), this, uid, gid);
    place.invalidate();
  }

  @Override
  public void setAtime(long ns) {
    setTime(place.hostPath(), "lastAccessTime", ns);
    place.invalidate();
  }

  @Override
  public void setMtime(long ns) {
    setTime(place.hostPath(), "lastModifiedTime", ns);
    place.invalidate();
  }

  @Override
  public void setCtime(long ns) {
    place.invalidate();
  }

  @Override
  public void touchModified(long nowNs) {
    place.invalidate();
  }

  static void chown(Path p, Inode node, int uid, int gid) {
    if (uid != node.uid()) {
      HostFs.setAttribute(p, "uid", uid);
    }
    if (gid != node.gid()) {
      HostFs.setAttribute(p, "gid", gid);
    }
  }

  static void setTime(Path p, String which, long ns) {
    try {
      java.nio.file.Files.setAttribute(
          p, "basic:" + which, HostTimes.fromNs(ns), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new FsException(HostFs.errno(e, Errno.EPERM));
    }
  }
}
