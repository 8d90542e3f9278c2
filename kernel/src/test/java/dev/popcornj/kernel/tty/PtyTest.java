package dev.popcornj.kernel.tty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.DevFs;
import dev.popcornj.kernel.fs.DeviceCaller;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.FsFixture;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /dev/ptmx and devpts: pairs, names, locking, controlling terminals and hangup. */
class PtyTest {
  private static final long BUF = 0x1000_0000L;

  private final FsFixture fx = new FsFixture();
  private final Vfs vfs = fx.vfs;
  private final UserMemory mem = fx.t.user;
  private final List<String> signals = new ArrayList<>();
  private final DevPts devpts;

  /** Process 10 leads session 10; 20 is in it; 30 leads another session. */
  private static final DeviceCaller LEADER = new DeviceCaller(10, 10, 10);

  private static final DeviceCaller MEMBER = new DeviceCaller(20, 20, 10);
  private static final DeviceCaller OTHER = new DeviceCaller(30, 30, 30);

  PtyTest() {
    fx.t.space.map(BUF, MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    vfs.mkdirs("/dev", 0755);
    vfs.mkdirs("/etc", 0755);
    fx.create("/etc/group", "root:x:0:\ntty:x:5:\n").release();
    DevFs dev = new DevFs(vfs, b -> {});
    vfs.mount("/dev", dev.fileSystem());
    devpts =
        new DevPts(
            vfs,
            new TtyHost() {
              @Override
              public void onSignalProcessGroup(int pgrp, int sig) {
                signals.add("group " + pgrp + " " + Signals.name(sig));
              }

              @Override
              public void onSignalProcess(int pid, int sig) {
                signals.add("process " + pid + " " + Signals.name(sig));
              }

              @Override
              public int sessionOfGroup(int pgrp) {
                return pgrp == 10 || pgrp == 20 ? 10 : pgrp == 30 ? 30 : -1;
              }
            });
    dev.registerCharDevice("ptmx", devpts.ptmx());
    vfs.mount("/dev/pts", devpts.fileSystem());
  }

  private OpenFile open(String path, int flags, DeviceCaller who) {
    OpenFile f = vfs.open(fx.ctx, path, flags, 0);
    try {
      f.openDevice(who, flags);
    } catch (FsException e) {
      f.release();
      throw e;
    }
    return f;
  }

  private OpenFile openMaster() {
    return open("/dev/ptmx", FileConstants.O_RDWR | FileConstants.O_NOCTTY, LEADER);
  }

  private int ptn(OpenFile master) {
    assertEquals(0, master.ioctl(TtyIoctls.TIOCGPTN, BUF, mem, LEADER));
    return mem.read32(BUF);
  }

  private void unlock(OpenFile master) {
    mem.write32(BUF, 0);
    assertEquals(0, master.ioctl(TtyIoctls.TIOCSPTLCK, BUF, mem, LEADER));
  }

  private int errno(Runnable r) {
    try {
      r.run();
    } catch (FsException e) {
      return e.errno();
    }
    return 0;
  }

  private static String read(OpenFile f) {
    byte[] b = new byte[256];
    long n = f.read(b, 0, b.length);
    return n < 0 ? Errno.name((int) -n) : FsFixture.string(b, (int) n);
  }

  private static long write(OpenFile f, String s) {
    byte[] b = FsFixture.bytes(s);
    return f.write(b, 0, b.length);
  }

  @Test
  void slavesAreNamedByTheLowestFreeIndexAndLockedUntilUnlocked() {
    OpenFile m0 = openMaster();
    OpenFile m1 = openMaster();
    assertEquals(0, ptn(m0));
    assertEquals(1, ptn(m1));
    Inode node = vfs.lookup(fx.ctx, "/dev/pts/1", true);
    assertEquals(FileConstants.S_IFCHR | 0620, node.mode());
    assertEquals(FileConstants.makedev(136, 1), node.rdev());
    assertEquals(5, node.gid(), "group tty from /etc/group");
    assertEquals(0, node.uid());
    Inode ptmx = vfs.lookup(fx.ctx, "/dev/pts/ptmx", true);
    assertEquals(FileConstants.S_IFCHR, ptmx.mode());
    assertEquals(Pty.PTMX_RDEV, ptmx.rdev());

    assertEquals(0, m1.ioctl(TtyIoctls.TIOCGPTLCK, BUF, mem, LEADER));
    assertEquals(1, mem.read32(BUF));
    int rdwr = FileConstants.O_RDWR | FileConstants.O_NOCTTY;
    assertEquals(Errno.EIO, errno(() -> open("/dev/pts/1", rdwr, LEADER)));
    unlock(m1);
    assertEquals(0, m1.ioctl(TtyIoctls.TIOCGPTLCK, BUF, mem, LEADER));
    assertEquals(0, mem.read32(BUF));
    OpenFile s1 = open("/dev/pts/1", rdwr, LEADER);

    m0.release();
    assertEquals(Errno.ENOENT, errno(() -> vfs.lookup(fx.ctx, "/dev/pts/0", true)));
    assertEquals(0, ptn(openMaster()), "index 0 is free again");
    m1.release();
    assertEquals(Errno.ENOENT, errno(() -> vfs.lookup(fx.ctx, "/dev/pts/1", true)));
    assertEquals(2, ptn(openMaster()), "index 1 is held while its slave is open");
    s1.release();
    assertEquals(1, ptn(openMaster()));
    fx.create("/dev/pts/3", "someone's file").release();
    assertEquals(4, ptn(openMaster()), "a name taken in devpts is skipped");
  }

  @Test
  void bytesCrossTheLineDisciplineBothWays() {
    OpenFile m = openMaster();
    unlock(m);
    OpenFile s = open("/dev/pts/0", FileConstants.O_RDWR | FileConstants.O_NOCTTY, LEADER);
    assertEquals(5, write(m, "hi\rx\n"));
    assertEquals("hi\n", read(s));
    assertEquals("x\n", read(s));
    assertEquals("hi\r\nx\r\n", read(m), "echo with ICRNL and ONLCR");
    assertEquals(3, write(s, "a\tb\n".substring(0, 3)));
    assertEquals("a\tb", read(m));
    assertEquals(0, m.ioctl(TtyIoctls.FIONREAD, BUF, mem, LEADER));
    assertEquals(0, mem.read32(BUF));
    assertEquals(Poll.POLLOUT | Poll.POLLWRNORM, m.poll(null));
  }

  @Test
  void aFullMasterBufferStopsTheSlaveWriter() {
    OpenFile m = openMaster();
    unlock(m);
    OpenFile s =
        open(
            "/dev/pts/0",
            FileConstants.O_RDWR | FileConstants.O_NOCTTY | FileConstants.O_NONBLOCK,
            LEADER);
    byte[] big = new byte[Pty.MASTER_BUFFER + 100];
    long n = s.write(big, 0, big.length);
    assertTrue(
        n > Pty.MASTER_BUFFER - Tty.MAX_EXPANSION && n <= Pty.MASTER_BUFFER,
        "fills the buffer up to less than one byte's expansion: " + n);
    assertEquals(-Errno.EAGAIN, s.write(big, 0, 1));
    assertEquals(0, s.poll(null) & Poll.POLLOUT);
    assertEquals(100, m.read(big, 0, 100));
    assertEquals(Poll.POLLOUT, s.poll(null) & Poll.POLLOUT);
    // The fixture's sleeper says a wait was interrupted: a blocking writer that must wait returns
    // what it wrote, or restarts when that is nothing.
    OpenFile blocking = open("/dev/pts/0", FileConstants.O_RDWR | FileConstants.O_NOCTTY, LEADER);
    long room = Pty.MASTER_BUFFER - n + 100;
    long partial = blocking.write(big, 0, 200);
    assertTrue(partial > room - Tty.MAX_EXPANSION && partial <= room, "partial: " + partial);
    assertEquals(-Errno.ERESTARTSYS, blocking.write(big, 0, 10));
  }

  @Test
  void aSessionLeaderOpeningTheSlaveTakesItAsControllingTerminal() {
    OpenFile m = openMaster();
    unlock(m);
    OpenFile s = open("/dev/pts/0", FileConstants.O_RDWR, MEMBER);
    assertNull(devpts.terminalOf(10), "not a session leader");
    s = open("/dev/pts/0", FileConstants.O_RDWR | FileConstants.O_NOCTTY, LEADER);
    assertNull(devpts.terminalOf(10), "O_NOCTTY");
    assertEquals(-Errno.ENOTTY, s.ioctl(TtyIoctls.TIOCGPGRP, BUF, mem, LEADER));
    assertEquals(-Errno.EPERM, s.ioctl(TtyIoctls.TIOCSCTTY, 0, mem, MEMBER));
    s = open("/dev/pts/0", FileConstants.O_RDWR, LEADER);
    Pty.Master master = (Pty.Master) m.device();
    assertTrue(devpts.terminalOf(10) != null);
    assertEquals(0, s.ioctl(TtyIoctls.TIOCGSID, BUF, mem, MEMBER));
    assertEquals(10, mem.read32(BUF));
    assertEquals(0, s.ioctl(TtyIoctls.TIOCGPGRP, BUF, mem, MEMBER));
    assertEquals(10, mem.read32(BUF));
    assertEquals(-Errno.ENOTTY, s.ioctl(TtyIoctls.TIOCGSID, BUF, mem, OTHER));
    assertEquals(0, master.ioctl(TtyIoctls.TIOCGSID, BUF, mem, OTHER), "asked through the master");
    assertEquals(-Errno.EPERM, s.ioctl(TtyIoctls.TIOCSCTTY, 0, mem, OTHER), "another's");
    mem.write32(BUF, 20);
    assertEquals(0, s.ioctl(TtyIoctls.TIOCSPGRP, BUF, mem, MEMBER));
    mem.write32(BUF, 30);
    assertEquals(-Errno.EPERM, s.ioctl(TtyIoctls.TIOCSPGRP, BUF, mem, MEMBER));
    mem.write32(BUF, 99);
    assertEquals(-Errno.ESRCH, s.ioctl(TtyIoctls.TIOCSPGRP, BUF, mem, MEMBER));

    // ^C and a new window size reach the foreground group, 20.
    write(m, "\003");
    mem.write32(BUF, (100 << 16) | 30); // ws_row 30, ws_col 100
    mem.write32(BUF + 4, 0);
    assertEquals(0, m.ioctl(TtyIoctls.TIOCSWINSZ, BUF, mem, OTHER));
    assertEquals(0, m.ioctl(TtyIoctls.TIOCSWINSZ, BUF, mem, OTHER));
    assertEquals(List.of("group 20 SIGINT", "group 20 SIGWINCH"), signals);
    signals.clear();

    // TIOCSCTTY with 1 takes it from the other session.
    assertEquals(0, s.ioctl(TtyIoctls.TIOCSCTTY, 1, mem, OTHER));
    assertNull(devpts.terminalOf(10));
    assertEquals(0, s.ioctl(TtyIoctls.TIOCNOTTY, 0, mem, OTHER));
    assertEquals(List.of("group 30 SIGHUP", "group 30 SIGCONT"), signals);
    assertNull(devpts.terminalOf(30));
  }

  @Test
  void closingTheMasterHangsTheSlaveUp() {
    OpenFile m = openMaster();
    unlock(m);
    OpenFile s = open("/dev/pts/0", FileConstants.O_RDWR, LEADER);
    write(m, "pending\n");
    assertEquals(Poll.POLLOUT, m.poll(null) & (Poll.POLLOUT | Poll.POLLHUP));
    m.release();
    assertEquals(List.of("process 10 SIGHUP", "process 10 SIGCONT"), signals);
    assertEquals("", read(s), "hung up: end of file, input flushed");
    assertEquals(-Errno.EIO, write(s, "x"));
    assertEquals(-Errno.EIO, s.ioctl(TtyIoctls.TCGETS, BUF, mem, LEADER));
    assertEquals(-Errno.ENOTTY, s.ioctl(TtyIoctls.TIOCSPGRP, BUF, mem, LEADER));
    int hup = Poll.POLLHUP | Poll.POLLERR | Poll.POLLIN | Poll.POLLOUT;
    assertEquals(hup, s.poll(null) & hup);
    assertNull(devpts.terminalOf(10));
    assertEquals(1, devpts.count());
    s.release();
    assertEquals(0, devpts.count());
  }

  @Test
  void closingEverySlaveDescriptorMakesTheMasterReadEioOnceDrained() {
    OpenFile m = openMaster();
    unlock(m);
    assertEquals("EAGAIN", readNonBlocking(m), "never opened: nothing yet, no error");
    OpenFile s = open("/dev/pts/0", FileConstants.O_RDWR | FileConstants.O_NOCTTY, LEADER);
    write(s, "last");
    s.release();
    assertEquals(Poll.POLLHUP | Poll.POLLIN, m.poll(null) & (Poll.POLLHUP | Poll.POLLIN));
    assertEquals("last", read(m));
    assertEquals("EIO", read(m));
    assertFalse(devpts.terminalOf(10) != null);
  }

  private String readNonBlocking(OpenFile f) {
    f.setStatusFlags(f.statusFlags() | FileConstants.O_NONBLOCK);
    String r = read(f);
    f.setStatusFlags(f.statusFlags() & ~FileConstants.O_NONBLOCK);
    return r;
  }
}
