package dev.popcornj.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.machine.mem.ContentPool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitramfsTest {
  private final FsFixture fx = new FsFixture();

  /** A newc cpio writer, as gen_init_cpio writes archives. */
  static final class NewcWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int ino = 1;

    NewcWriter entry(String name, int mode, long mtime, byte[] data) {
      return entry(name, mode, mtime, data, ino++, 1);
    }

    NewcWriter entry(String name, int mode, long mtime, byte[] data, long inode, int nlink) {
      byte[] nm = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
      long[] fields = {inode, mode, 0, 0, nlink, mtime, data.length, 0, 0, 0, 0, nm.length, 0};
      StringBuilder h = new StringBuilder(Initramfs.MAGIC);
      for (long f : fields) {
        h.append(String.format("%08X", f));
      }
      out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(nm);
      pad();
      out.writeBytes(data);
      pad();
      return this;
    }

    private void pad() {
      while (out.size() % 4 != 0) {
        out.write(0);
      }
    }

    byte[] finish() {
      entry(Initramfs.TRAILER, 0, 0, new byte[0]);
      return out.toByteArray();
    }
  }

  @Test
  void unpacksDirectoriesFilesAndLinks() throws Exception {
    byte[] sh = "#!binary".getBytes(StandardCharsets.ISO_8859_1);
    byte[] archive =
        new NewcWriter()
            .entry(".", FileConstants.S_IFDIR | 0755, 0, new byte[0])
            .entry("bin", FileConstants.S_IFDIR | 0755, 100, new byte[0])
            .entry("bin/sh", FileConstants.S_IFREG | 0755, 1_000_000, sh)
            .entry(
                "etc/motd",
                FileConstants.S_IFREG | 0644,
                5,
                "hi\n".getBytes(StandardCharsets.ISO_8859_1))
            .entry(
                "init",
                FileConstants.S_IFLNK | 0777,
                0,
                "bin/sh".getBytes(StandardCharsets.ISO_8859_1))
            .entry("dev/console", FileConstants.S_IFCHR | 0600, 0, new byte[0])
            .finish();
    assertEquals(4, Initramfs.unpack(archive, fx.vfs));
    assertArrayEquals(sh, Vfs.readAll(fx.vfs.executable(fx.ctx, "/init")));
    Inode shNode = fx.vfs.lookup(fx.ctx, "/bin/sh", true);
    assertEquals(FileConstants.S_IFREG | 0755, shNode.mode());
    assertEquals(1_000_000L * 1_000_000_000L, shNode.mtimeNs());
    assertEquals("hi\n", FsFixture.readAll(fx.vfs.open(fx.ctx, "/etc/motd", 0, 0)));
    assertEquals(100L * 1_000_000_000L, fx.vfs.lookup(fx.ctx, "/bin", true).mtimeNs());
    assertTrue(fx.vfs.lookup(fx.ctx, "/etc", true).isDirectory(), "a missing parent is made");
  }

  @Test
  void aMalformedArchiveNamesTheEntry() {
    byte[] good =
        new NewcWriter()
            .entry("a", FileConstants.S_IFREG | 0644, 0, new byte[] {1})
            .entry("b", FileConstants.S_IFREG | 0644, 0, new byte[] {2})
            .finish();
    byte[] badMagic = good.clone();
    badMagic[112 + 4] = 'X'; // the second header starts at 112 + 4: 110 + "a\0" + 1 byte, padded
    var e =
        assertThrows(
            Initramfs.MalformedArchiveException.class, () -> Initramfs.unpack(badMagic, fx.vfs));
    assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    assertTrue(e.getMessage().contains("magic"), e.getMessage());

    byte[] truncated = Arrays.copyOf(good, good.length - 120);
    var t =
        assertThrows(
            Initramfs.MalformedArchiveException.class, () -> Initramfs.unpack(truncated, fx.vfs));
    assertTrue(t.getMessage().contains("TRAILER"), t.getMessage());

    byte[] badHex = good.clone();
    badHex[6] = 'g';
    var h =
        assertThrows(
            Initramfs.MalformedArchiveException.class, () -> Initramfs.unpack(badHex, fx.vfs));
    assertTrue(h.getMessage().contains("hex"), h.getMessage());
  }

  @Test
  void anArchiveInReadOnlyBytesUnpacksAsTheSameArchiveInAnArray() throws Exception {
    byte[] big = new byte[3 * 4096 + 5];
    new java.util.Random(3).nextBytes(big);
    byte[] archive =
        new NewcWriter()
            .entry("bin", FileConstants.S_IFDIR | 0755, 100, new byte[0])
            .entry("bin/prog", FileConstants.S_IFREG | 0755, 7, big)
            .entry("a", FileConstants.S_IFREG | 0750, 0, new byte[0], 500, 2)
            .entry("b", FileConstants.S_IFREG | 0750, 0, new byte[] {4, 5}, 500, 2)
            .entry("sh", FileConstants.S_IFLNK | 0777, 0, "bin/prog".getBytes())
            .finish();
    FsFixture copied = new FsFixture();
    FsFixture shared = new FsFixture();
    assertEquals(
        Initramfs.unpack(archive, copied.vfs),
        Initramfs.unpack(new ContentPool().intern(archive), shared.vfs));
    for (String path : new String[] {"/bin/prog", "/a", "/b", "/sh"}) {
      assertArrayEquals(
          Vfs.readAll(copied.vfs.executable(copied.ctx, path)),
          Vfs.readAll(shared.vfs.executable(shared.ctx, path)));
      Inode c = copied.vfs.lookup(copied.ctx, path, false);
      Inode s = shared.vfs.lookup(shared.ctx, path, false);
      assertEquals(c.mode(), s.mode(), path);
      assertEquals(c.mtimeNs(), s.mtimeNs(), path);
      assertEquals(c.nlink(), s.nlink(), path);
    }
    assertArrayEquals(big, Vfs.readAll(shared.vfs.executable(shared.ctx, "/sh")));
    assertEquals(
        copied.vfs.lookup(copied.ctx, "/bin", true).mtimeNs(),
        shared.vfs.lookup(shared.ctx, "/bin", true).mtimeNs());

    byte[] badHex = archive.clone();
    badHex[6] = 'g';
    var h =
        assertThrows(
            Initramfs.MalformedArchiveException.class,
            () -> Initramfs.unpack(new ContentPool().intern(badHex), new FsFixture().vfs));
    assertTrue(h.getMessage().contains("'(first entry)' at byte 6"), h.getMessage());
  }

  @Test
  void hardLinkedEntriesShareOneInode() throws Exception {
    byte[] data = {7, 8, 9};
    byte[] archive =
        new NewcWriter()
            .entry("a", FileConstants.S_IFREG | 0755, 0, new byte[0], 500, 2)
            .entry("b", FileConstants.S_IFREG | 0755, 0, data, 500, 2)
            .finish();
    Initramfs.unpack(archive, fx.vfs);
    Inode a = fx.vfs.lookup(fx.ctx, "/a", true);
    assertEquals(a, fx.vfs.lookup(fx.ctx, "/b", true));
    assertEquals(2, a.nlink());
    assertArrayEquals(data, Vfs.readAll(fx.vfs.executable(fx.ctx, "/a")));
  }
}
