package dev.popcornj.kernel.tty;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.DeviceCaller;
import dev.popcornj.kernel.fs.DeviceInode;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;

/**
 * One pseudo-terminal pair, as Linux's unix98 ptys behave: each open of /dev/ptmx makes one. The
 * slave, /dev/pts/N, is a {@link Tty} with the full line discipline; what the master writes is the
 * slave's input (edited, echoed back to the master, turned into signals), and what the slave
 * writes, after output processing, waits here until the master reads it.
 *
 * <pre>
 *   master write ──► Tty.receive (slave input: ICANON, ECHO, ISIG) ──► slave read
 *   master read  ◄── toMaster (64 KiB) ◄── Tty output (OPOST, ONLCR) ◄── slave write, echo
 * </pre>
 *
 * <p>The slave is locked until TIOCSPTLCK unlocks it. Closing the master hangs the slave up (its
 * session leader gets SIGHUP and SIGCONT) and removes its name; once every slave descriptor is
 * closed, master reads fail with EIO after the buffer is drained. The index is free again when both
 * sides are closed. The master's termios, window size and job-control requests are the slave's, as
 * on Linux. Not done: packet mode (TIOCPKT is refused with ENOTTY), and the SIGTTIN/SIGTTOU checks
 * of background readers and writers (the console lacks them too).
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class Pty {
  /** The device number of /dev/ptmx, 5:2. */
  public static final long PTMX_RDEV = (5 << 8) | 2;

  /** The major of the slaves, /dev/pts/N being 136:N. */
  public static final int SLAVE_MAJOR = 136;

  /** Slave output the master side holds at most, as Linux's limit for a port's buffers. */
  static final int MASTER_BUFFER = 65536;

  private final int index;
  private final DevPts place;
  private final TtyHost host;
  private final Tty tty;
  private final ByteQueue toMaster = new ByteQueue();
  private final PollWaitQueue masterWait;
  private final Master master = new Master();
  private final Slave slave = new Slave();
  private DeviceInode node;
  private boolean locked = true;
  private boolean masterOpen = true;
  private int slaveOpens;
  private boolean slaveEverOpened;

  Pty(int index, DevPts place, TtyHost host, Sleeper sleeper) {
    this.index = index;
    this.place = place;
    this.host = host;
    this.masterWait = new PollWaitQueue(sleeper);
    this.tty =
        new Tty(
            new TtyOutput() {
              @Override
              public void write(byte[] b, int off, int len) {
                // Echo can outrun a master that does not read; what does not fit is lost.
                toMaster.addAll(b, off, Math.min(len, room()));
                masterWait.wakeAll();
              }

              @Override
              public int room() {
                return MASTER_BUFFER - toMaster.size();
              }
            },
            host,
            new WaitQueue(sleeper),
            slaveRdev(index));
    tty.setOnInputConsumed(masterWait::wakeAll);
    tty.resize(0, 0); // a new pty has no window size until someone sets one
  }

  /** 136:index, with the minor split as st_rdev encodes it. */
  static long slaveRdev(int index) {
    return FileConstants.makedev(SLAVE_MAJOR, index);
  }

  public int index() {
    return index;
  }

  /** The slave's terminal. */
  public Tty tty() {
    return tty;
  }

  public Master master() {
    return master;
  }

  CharDevice slave() {
    return slave;
  }

  void setNode(DeviceInode n) {
    node = n;
  }

  boolean inUse() {
    return masterOpen || slaveOpens > 0;
  }

  /** The slave was opened once and every descriptor on it is closed (TTY_OTHER_CLOSED). */
  private boolean slaveClosed() {
    return slaveEverOpened && slaveOpens == 0;
  }

  /** The master side: a device of its own for the open file of /dev/ptmx that made the pair. */
  public final class Master implements CharDevice {
    /** The slave's node, for TIOCGPTPEER; null once the master is closed. */
    public DeviceInode peerNode() {
      return masterOpen ? node : null;
    }

    public String peerPath() {
      return "/dev/pts/" + index;
    }

    @Override
    public long read(byte[] buf, int off, int length, boolean nonBlocking) {
      if (length <= 0) {
        return 0;
      }
      if (toMaster.isEmpty()) {
        if (slaveClosed()) {
          return -Errno.EIO;
        }
        if (nonBlocking) {
          return -Errno.EAGAIN;
        }
        if (!masterWait.await(() -> !toMaster.isEmpty() || slaveClosed())) {
          return -Errno.ERESTARTSYS;
        }
        if (toMaster.isEmpty()) {
          return -Errno.EIO;
        }
      }
      int n = toMaster.poll(buf, off, length);
      tty.outputDrained();
      return n;
    }

    /** The bytes become the slave's input as fast as its line discipline has room for them. */
    @Override
    public long write(byte[] buf, int off, int length, boolean nonBlocking) {
      int done = 0;
      while (done < length) {
        int room = tty.inputRoom();
        if (room == 0) {
          if (nonBlocking) {
            return done > 0 ? done : -Errno.EAGAIN;
          }
          if (!masterWait.await(() -> tty.inputRoom() > 0)) {
            return done > 0 ? done : -Errno.ERESTARTSYS;
          }
          continue;
        }
        int n = Math.min(room, length - done);
        for (int i = 0; i < n; i++) {
          tty.receive(buf[off + done + i]);
        }
        done += n;
      }
      return length;
    }

    /**
     * Readable while slave output waits; writable while the slave's input has room; hung up
     * (POLLHUP) once the slave was opened and all its descriptors are closed.
     */
    @Override
    public int poll(PollTable table) {
      if (table != null) {
        table.pollWait(masterWait);
      }
      int mask = 0;
      if (!toMaster.isEmpty()) {
        mask |= Poll.POLLIN | Poll.POLLRDNORM;
      }
      if (tty.inputRoom() > 0) {
        mask |= Poll.POLLOUT | Poll.POLLWRNORM;
      }
      if (slaveClosed()) {
        mask |= Poll.POLLHUP;
      }
      return mask;
    }

    @Override
    public long ioctl(int request, long arg, UserMemory memory) {
      return ioctl(request, arg, memory, null);
    }

    @Override
    public long ioctl(int request, long arg, UserMemory mem, DeviceCaller caller) {
      try {
        switch (request) {
          case TtyIoctls.TIOCGPTN -> mem.write32(arg, index);
          case TtyIoctls.TIOCSPTLCK -> locked = mem.read32(arg) != 0;
          case TtyIoctls.TIOCGPTLCK -> mem.write32(arg, locked ? 1 : 0);
          case TtyIoctls.FIONREAD -> mem.write32(arg, toMaster.size());
          case TtyIoctls.TIOCOUTQ -> mem.write32(arg, 0);
          case TtyIoctls.TCFLSH -> {
            if (arg < TtyIoctls.TCIFLUSH || arg > TtyIoctls.TCIOFLUSH) {
              return -Errno.EINVAL;
            }
            if (arg != TtyIoctls.TCOFLUSH) {
              toMaster.clear();
              tty.outputDrained();
            }
            if (arg != TtyIoctls.TCIFLUSH) {
              // The master's output is the slave's input.
              return tty.ioctl(TtyIoctls.TCFLSH, TtyIoctls.TCIFLUSH, mem);
            }
          }
          case TtyIoctls.TIOCPKT, TtyIoctls.TIOCGPKT -> {
            return -Errno.ENOTTY; // packet mode is not modelled
          }
          default -> {
            return slave.control(request, arg, mem, caller, true);
          }
        }
        return 0;
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
    }

    @Override
    public long rdev() {
      return PTMX_RDEV;
    }

    /** The master's last descriptor closed: the slave hangs up and loses its name. */
    @Override
    public void release() {
      masterOpen = false;
      int leader = tty.session();
      tty.hangUp();
      if (leader > 0) {
        host.onSignalProcess(leader, Signals.SIGHUP);
        host.onSignalProcess(leader, Signals.SIGCONT);
      }
      place.onMasterClosed(Pty.this);
    }
  }

  /** The slave side, /dev/pts/N: its line discipline with the controlling-terminal rules. */
  private final class Slave implements CharDevice {
    /**
     * pts_open and tty_open: locked or hung up, EIO; a session leader without a controlling
     * terminal opening it without O_NOCTTY makes it its own, when no other session has it.
     */
    @Override
    public CharDevice open(DeviceCaller caller, int flags) {
      if (locked || !masterOpen) {
        throw new FsException(Errno.EIO);
      }
      slaveOpens++;
      slaveEverOpened = true;
      masterWait.wakeAll();
      if ((flags & FileConstants.O_NOCTTY) == 0
          && caller.sessionLeader()
          && tty.session() == 0
          && place.terminalOf(caller.sid()) == null) {
        tty.setSession(caller.sid());
        tty.setForegroundProcessGroup(caller.pgid());
      }
      return this;
    }

    @Override
    public void release() {
      slaveOpens--;
      masterWait.wakeAll();
      if (!inUse()) {
        place.onReleased(Pty.this);
      }
    }

    @Override
    public long read(byte[] buf, int off, int length, boolean nonBlocking) {
      return tty.read(buf, off, length, nonBlocking);
    }

    @Override
    public long write(byte[] buf, int off, int length, boolean nonBlocking) {
      return tty.write(buf, off, length, nonBlocking);
    }

    @Override
    public int poll(PollTable table) {
      return tty.poll(table);
    }

    @Override
    public long ioctl(int request, long arg, UserMemory memory) {
      return ioctl(request, arg, memory, null);
    }

    @Override
    public long ioctl(int request, long arg, UserMemory mem, DeviceCaller caller) {
      try {
        return control(request, arg, mem, caller, false);
      } catch (BadAddressException e) {
        return -Errno.EFAULT;
      }
    }

    /**
     * The requests that act on the slave whichever side they come from; viaMaster relaxes the
     * checks Linux makes only when the terminal itself is the one asked (tiocgpgrp, tiocgsid).
     */
    long control(int request, long arg, UserMemory mem, DeviceCaller caller, boolean viaMaster) {
      if (tty.hungUp()) {
        return request == TtyIoctls.TIOCSPGRP ? -Errno.ENOTTY : -Errno.EIO;
      }
      boolean ours = caller != null && caller.sid() == tty.session() && tty.session() != 0;
      switch (request) {
        case TtyIoctls.TIOCSCTTY -> {
          return makeControlling(caller, arg);
        }
        case TtyIoctls.TIOCNOTTY -> {
          if (viaMaster || !ours) {
            return -Errno.ENOTTY;
          }
          if (caller.sessionLeader()) {
            int pgrp = tty.foregroundProcessGroup();
            if (pgrp > 0) {
              host.onSignalProcessGroup(pgrp, Signals.SIGHUP);
              host.onSignalProcessGroup(pgrp, Signals.SIGCONT);
            }
            tty.setSession(0);
            tty.setForegroundProcessGroup(0);
          }
          return 0;
        }
        case TtyIoctls.TIOCGPGRP -> {
          if (!viaMaster && !ours) {
            return -Errno.ENOTTY;
          }
          mem.write32(arg, tty.foregroundProcessGroup());
          return 0;
        }
        case TtyIoctls.TIOCSPGRP -> {
          if (!ours) {
            return -Errno.ENOTTY;
          }
          int pgrp = mem.read32(arg);
          if (pgrp < 0) {
            return -Errno.EINVAL;
          }
          int session = host.sessionOfGroup(pgrp);
          if (session < 0) {
            return -Errno.ESRCH;
          }
          if (session != caller.sid()) {
            return -Errno.EPERM;
          }
          tty.setForegroundProcessGroup(pgrp);
          return 0;
        }
        case TtyIoctls.TIOCGSID -> {
          if ((!viaMaster && !ours) || tty.session() == 0) {
            return -Errno.ENOTTY;
          }
          mem.write32(arg, tty.session());
          return 0;
        }
        case TtyIoctls.TIOCOUTQ -> {
          mem.write32(arg, 0); // a pty's output never queues in the terminal (no chars_in_buffer)
          return 0;
        }
        case TtyIoctls.TIOCGPTN,
            TtyIoctls.TIOCSPTLCK,
            TtyIoctls.TIOCGPTLCK,
            TtyIoctls.TIOCPKT,
            TtyIoctls.TIOCGPKT,
            TtyIoctls.TIOCGPTPEER -> {
          return -Errno.ENOTTY;
        }
        default -> {
          return tty.ioctl(request, arg, mem);
        }
      }
    }

    /** tiocsctty: a session leader without a terminal takes this one (stealing it with arg 1). */
    private long makeControlling(DeviceCaller caller, long arg) {
      if (caller == null) {
        return -Errno.EPERM;
      }
      if (caller.sessionLeader() && tty.session() == caller.sid()) {
        return 0;
      }
      if (!caller.sessionLeader() || place.terminalOf(caller.sid()) != null) {
        return -Errno.EPERM;
      }
      if (tty.session() != 0 && arg != 1) {
        return -Errno.EPERM; // every process is root, so arg 1 may take it from its session
      }
      tty.setSession(caller.sid());
      tty.setForegroundProcessGroup(caller.pgid());
      return 0;
    }

    @Override
    public long rdev() {
      return tty.rdev();
    }
  }
}
