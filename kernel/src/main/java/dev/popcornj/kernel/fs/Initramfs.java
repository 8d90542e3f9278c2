package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unpacks an initramfs, a cpio archive in the "newc" format, into the root tmpfs at boot:
 * directories, regular files (hard links included) and symbolic links with their modes, owners and
 * mtimes. Device nodes are skipped (/dev is devfs). Entries must come parents first, as
 * gen_init_cpio and {@code cpio -o} write them; a missing parent is made.
 *
 * <pre>
 *  0 +--------+------+------+-----+-----+-------+-------+----------+---------+---------+
 *    | 070701 | ino  | mode | uid | gid | nlink | mtime | filesize | devmajor| devminor|
 *    +--------+------+------+-----+-----+-------+-------+----------+---------+---------+
 * 78 | rdevmajor | rdevminor | namesize | check |   six magic chars, then 13 fields of
 * 110 +-----------+-----------+----------+-------+   8 hex digits each
 *    | name, namesize bytes with its NUL, padded so header+name is a multiple of 4 |
 *    | data, filesize bytes, padded to a multiple of 4 (a symlink's data is its target) |
 *    ... next header; the last entry is named TRAILER!!!
 * </pre>
 */
public final class Initramfs {
  public static final String MAGIC = "070701";
  public static final String TRAILER = "TRAILER!!!";
  public static final int HEADER = 110;

  private static final int FIELD_INO = 0;
  private static final int FIELD_MODE = 1;
  private static final int FIELD_UID = 2;
  private static final int FIELD_GID = 3;
  private static final int FIELD_NLINK = 4;
  private static final int FIELD_MTIME = 5;
  private static final int FIELD_FILESIZE = 6;
  private static final int FIELD_DEVMAJOR = 7;
  private static final int FIELD_DEVMINOR = 8;
  private static final int FIELD_NAMESIZE = 11;
  private static final int FIELDS = 13;

  /** The archive is not a well-formed newc cpio; the message names the entry and the fault. */
  public static final class MalformedArchiveException extends Exception {
    public MalformedArchiveException(String message) {
      super(message);
    }
  }

  private Initramfs() {}

  /** Unpacks archive into vfs's root, copying the files' bytes now; returns the entries made. */
  public static int unpack(byte[] archive, Vfs vfs) throws MalformedArchiveException {
    return unpack(new HeapArchive(archive), vfs);
  }

  /**
   * As {@link #unpack(byte[], Vfs)}, the regular files' bytes coming from archive as their pages
   * are needed rather than copied now ({@link Vfs#writeFile(String, ReadOnlyBytes, int, int,
   * int)}).
   */
  public static int unpack(ReadOnlyBytes archive, Vfs vfs) throws MalformedArchiveException {
    return unpack(new SharedArchive(archive), vfs);
  }

  /** The archive's bytes, wherever they are held. */
  private sealed interface Archive {
    int length();

    byte get(int index);

    void copyTo(int at, byte[] dst, int off, int length);

    /** Makes the regular file at path from size bytes at dataAt. */
    TmpFile writeFile(Vfs vfs, String path, int dataAt, int size, int perm);
  }

  /** An archive in a host array: the files' bytes are copied out of it. */
  private record HeapArchive(byte[] bytes) implements Archive {
    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public byte get(int index) {
      return bytes[index];
    }

    @Override
    public void copyTo(int at, byte[] dst, int off, int length) {
      System.arraycopy(bytes, at, dst, off, length);
    }

    @Override
    public TmpFile writeFile(Vfs vfs, String path, int dataAt, int size, int perm) {
      byte[] data = new byte[size];
      System.arraycopy(bytes, dataAt, data, 0, size);
      return vfs.writeFile(path, data, perm);
    }
  }

  /** An archive in read-only bytes: the files' pages come from it when needed. */
  private record SharedArchive(ReadOnlyBytes bytes) implements Archive {
    @Override
    public int length() {
      return bytes.length();
    }

    @Override
    public byte get(int index) {
      return bytes.get(index);
    }

    @Override
    public void copyTo(int at, byte[] dst, int off, int length) {
      bytes.copyTo(at, dst, off, length);
    }

    @Override
    public TmpFile writeFile(Vfs vfs, String path, int dataAt, int size, int perm) {
      return vfs.writeFile(path, bytes, dataAt, size, perm);
    }
  }

  private static int unpack(Archive archive, Vfs vfs) throws MalformedArchiveException {
    int at = 0;
    int made = 0;
    // Adding names to a directory moves its mtime, so directories get theirs at the end, as
    // Linux's unpacker does (dir_utime).
    List<Inode> dirs = new ArrayList<>();
    List<Long> dirTimes = new ArrayList<>();
    // Regular files with more than one link share an inode: later names become hard links to the
    // first, and whichever entry carries the data fills it (cpio puts it on the last).
    Map<String, String> linked = new HashMap<>();
    String name = "(first entry)";
    byte[] header = new byte[HEADER];
    while (true) {
      if (at + HEADER > archive.length()) {
        throw bad(name, at, "archive ends inside a header (no " + TRAILER + ")");
      }
      archive.copyTo(at, header, 0, HEADER);
      String magic = new String(header, 0, 6, StandardCharsets.ISO_8859_1);
      if (!magic.equals(MAGIC)) {
        throw bad(name, at, "bad magic '" + magic + "', expected " + MAGIC + " (cpio -H newc)");
      }
      long[] f = new long[FIELDS];
      for (int i = 0; i < FIELDS; i++) {
        f[i] = hex(header, 6 + 8 * i, name, at);
      }
      long nameSize = f[FIELD_NAMESIZE];
      long fileSize = f[FIELD_FILESIZE];
      int nameAt = at + HEADER;
      if (nameSize < 1 || nameAt + nameSize > archive.length()) {
        throw bad(name, at, "name size " + nameSize + " runs past the archive");
      }
      if (archive.get((int) (nameAt + nameSize - 1)) != 0) {
        throw bad(name, at, "name is not NUL-terminated");
      }
      name = text(archive, nameAt, (int) nameSize - 1);
      int dataAt = align4(nameAt + (int) nameSize);
      if (dataAt + fileSize > archive.length()) {
        throw bad(name, at, "file size " + fileSize + " runs past the archive");
      }
      if (name.equals(TRAILER)) {
        for (int i = 0; i < dirs.size(); i++) {
          dirs.get(i).setMtime(dirTimes.get(i));
        }
        return made;
      }
      try {
        Inode node = make(vfs, name, f, archive, dataAt, (int) fileSize, linked);
        if (node != null) {
          made++;
          if (node.isDirectory()) {
            dirs.add(node);
            dirTimes.add(node.mtimeNs());
          }
        }
      } catch (FsException e) {
        throw bad(name, at, "cannot be made (errno " + e.errno() + ")");
      } catch (OutOfFramesException e) {
        throw bad(name, at, "does not fit in the kernel's memory");
      }
      at = align4(dataAt + (int) fileSize);
    }
  }

  private static String text(Archive archive, int at, int length) {
    byte[] b = new byte[length];
    archive.copyTo(at, b, 0, length);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static Inode make(
      Vfs vfs, String name, long[] f, Archive a, int dataAt, int size, Map<String, String> linked) {
    String path = name;
    while (path.startsWith("./") || path.startsWith("/")) {
      path = path.substring(path.charAt(0) == '/' ? 1 : 2);
    }
    if (path.isEmpty() || path.equals(".")) {
      return null;
    }
    int mode = (int) f[FIELD_MODE];
    int perm = mode & 07777;
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      vfs.mkdirs(path.substring(0, slash), 0755);
    }
    FsContext ctx = vfs.newContext();
    Inode made;
    switch (mode & FileConstants.S_IFMT) {
      case FileConstants.S_IFDIR -> {
        made = vfs.mkdirs(path, perm);
        made.setPermissions(perm);
      }
      case FileConstants.S_IFREG -> {
        String key = f[FIELD_INO] + ":" + f[FIELD_DEVMAJOR] + ":" + f[FIELD_DEVMINOR];
        String first = f[FIELD_NLINK] > 1 ? linked.putIfAbsent(key, path) : null;
        if (first != null) {
          vfs.linkAt(ctx, vfs.root(), first, vfs.root(), path, false);
          made = vfs.lookup(ctx, path, false);
          if (size > 0 && made instanceof TmpFile file) {
            byte[] data = new byte[size];
            a.copyTo(dataAt, data, 0, size);
            file.data().truncate(0);
            file.data().write(0, data, 0, size);
          }
        } else {
          made = a.writeFile(vfs, path, dataAt, size, perm);
        }
      }
      case FileConstants.S_IFLNK -> {
        String target = text(a, dataAt, size);
        try {
          vfs.unlinkAt(ctx, vfs.root(), path, false);
        } catch (FsException e) {
          // nothing to replace
        }
        made = vfs.symlinkAt(ctx, target, vfs.root(), path);
      }
      default -> {
        return null;
      }
    }
    made.setOwner((int) f[FIELD_UID], (int) f[FIELD_GID]);
    long ns = f[FIELD_MTIME] * 1_000_000_000L;
    made.setMtime(ns);
    made.setAtime(ns);
    made.setCtime(ns);
    return made;
  }

  /** The 8 hex digits at header[i..]; entryAt is where the entry starts, for the message. */
  private static long hex(byte[] header, int i, String entry, int entryAt)
      throws MalformedArchiveException {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      int d = Character.digit(header[i + k], 16);
      if (d < 0) {
        throw bad(entry, entryAt + i, "header field is not 8 hex digits");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int align4(int n) {
    return (n + 3) & ~3;
  }

  private static MalformedArchiveException bad(String entry, int offset, String what) {
    return new MalformedArchiveException(
        "initramfs: entry '" + entry + "' at byte " + offset + ": " + what);
  }
}
