package dev.popcornj.kernel.tty;

import static dev.popcornj.kernel.tty.TermiosDescriptor.*;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayDeque;

/**
 * A terminal with Linux's N_TTY line discipline: bytes from the device arrive through {@link
 * #receive}, are edited into lines (canonical mode) or queued as they come (raw mode), echoed, and
 * turned into SIGINT, SIGQUIT and SIGTSTP for the foreground process group; programs read and write
 * it through {@link CharDevice}, and their output is post-processed (ONLCR) on its way to a {@link
 * TtyOutput}.
 *
 * <p>A pseudo-terminal's slave is one too: its output has limited room ({@link TtyOutput#room}), so
 * writers wait for the master to read, and it can be hung up ({@link #hangUp}) when the master goes
 * away.
 *
 * <p>Not done here: job-control checks of background readers and writers (SIGTTIN, SIGTTOU), VTIME
 * timers (a read with VTIME &gt; 0 returns as soon as one byte is there, as if the timer expired at
 * once; VMIN = 0 with VTIME &gt; 0 waits for one byte), ECHOPRT, parity and break handling, and
 * blocking writers on a stopped output (^S holds output in the terminal instead).
 *
 * <p>Owned by one kernel instance; {@link #receive} runs in its interrupt path and never blocks.
 */
public final class Tty implements CharDevice {
  /** Device number of /dev/console, 5:1. */
  public static final long CONSOLE_RDEV = (5 << 8) | 1;

  /** Input the terminal holds at most, as Linux's N_TTY_BUF_SIZE; more is dropped. */
  public static final int BUFFER_SIZE = 4096;

  /** Output one written byte can become at most: a tab expanded to spaces (XTABS). */
  static final int MAX_EXPANSION = 8;

  private static final int DEL = 0177;

  private final TtyOutput output;
  private final TtyHost host;
  private final PollWaitQueue readers;
  private final long rdev;

  private Termios termios = Termios.linuxDefault();
  private int rows = 24;
  private int cols = 80;
  private int xpixel;
  private int ypixel;
  private int foregroundGroup;
  private int session;

  /** Complete lines in canonical mode; an empty one is an end of file typed with VEOF. */
  private final ArrayDeque<byte[]> lines = new ArrayDeque<>();

  /** Bytes of the head line already read by a read that asked for fewer than the line held. */
  private int headLineRead;

  /** The line being edited (canonical mode). */
  private final ByteQueue editLine = new ByteQueue();

  /** Input in non-canonical mode. */
  private final ByteQueue raw = new ByteQueue();

  private boolean literalNext;
  private boolean outputStopped;
  private final ByteQueue heldOutput = new ByteQueue();

  /** Output column, for ONOCR and for erasing tabs. */
  private int column;

  /** Column where the line being edited began, for erasing tabs. */
  private int lineStartColumn;

  private int waitingReaders;

  /** Hung up (the master of a pseudo-terminal closed): reads end, writes and ioctls fail. */
  private boolean hungUp;

  /** Called when a reader took input or input was flushed: a master may write more. */
  private Runnable onInputConsumed = () -> {};

  /** Bytes produced by one receive or write, handed to output in one piece. */
  private final ByteQueue pending = new ByteQueue();

  public Tty(TtyOutput output, TtyHost host, WaitQueue readers) {
    this(output, host, readers, CONSOLE_RDEV);
  }

  public Tty(TtyOutput output, TtyHost host, WaitQueue readers, long rdev) {
    this.output = output;
    this.host = host;
    this.readers = new PollWaitQueue(readers);
    this.rdev = rdev;
  }

  // ---- state the kernel reads and sets ----

  /** A copy of the current settings. */
  public Termios termios() {
    return termios.copy();
  }

  /** Installs settings (as TCSETS does), moving buffered input between cooked and raw form. */
  public void setTermios(Termios t) {
    boolean wasCanonical = termios.lflag(ICANON);
    termios = t.copy();
    boolean canonical = termios.lflag(ICANON);
    if (wasCanonical && !canonical) {
      // Linux makes everything typed so far readable as is when leaving canonical mode.
      boolean first = true;
      for (byte[] line : lines) {
        int from = first ? headLineRead : 0;
        raw.addAll(line, from, line.length - from);
        first = false;
      }
      lines.clear();
      headLineRead = 0;
      byte[] edited = editLine.toArray();
      raw.addAll(edited, 0, edited.length);
      editLine.clear();
    } else if (!wasCanonical && canonical && !raw.isEmpty()) {
      // And entering it, unread raw input becomes one complete line (Linux's "push").
      lines.addLast(raw.toArray());
      raw.clear();
    }
    if (!termios.iflag(IXON) && outputStopped) {
      startOutput();
    }
    readers.wakeAll();
    onInputConsumed.run(); // the room for input depends on the mode
  }

  public int foregroundProcessGroup() {
    return foregroundGroup;
  }

  /** Sets the foreground process group (the kernel does so for init; TIOCSPGRP for shells). */
  public void setForegroundProcessGroup(int pgrp) {
    foregroundGroup = pgrp;
  }

  public int session() {
    return session;
  }

  /** Makes this the controlling terminal of session sid (0: of none). */
  public void setSession(int sid) {
    session = sid;
  }

  /** Sets what is called when input was read or flushed (a pseudo-terminal's master waits). */
  public void setOnInputConsumed(Runnable r) {
    onInputConsumed = r;
  }

  /**
   * How many more bytes {@link #receive} may take before a reader must make room: in canonical mode
   * without a complete line always a buffer's worth (what does not fit is dropped, so a writer
   * never waits for a line that cannot end), else what the buffer has left.
   */
  public int inputRoom() {
    if (termios.lflag(ICANON)) {
      return lines.isEmpty() ? BUFFER_SIZE : Math.max(0, BUFFER_SIZE - bufferedInput());
    }
    return BUFFER_SIZE - raw.size();
  }

  /** The output found room again (a pseudo-terminal's master read): waiting writers go on. */
  public void outputDrained() {
    readers.wakeAll();
  }

  /**
   * tty_vhangup: the terminal loses its carrier for good. Input is flushed, it is no longer any
   * session's controlling terminal, a reader that waits gets EIO and later reads end of file,
   * writes and ioctls fail with EIO, and poll reports POLLHUP and POLLERR.
   */
  public void hangUp() {
    hungUp = true;
    flushInput();
    session = 0;
    foregroundGroup = 0;
    readers.wakeAll();
  }

  public boolean hungUp() {
    return hungUp;
  }

  /** Changes the window size (the host terminal was resized); SIGWINCH goes to the foreground. */
  public void resize(int newRows, int newCols) {
    setWindow(newRows, newCols, xpixel, ypixel);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Bytes of input held, complete or not: what a power-off-when-idle decision must not lose. */
  public int bufferedInput() {
    int n = editLine.size() + raw.size() - headLineRead;
    for (byte[] line : lines) {
      n += line.length;
    }
    return n;
  }

  /** True when some task sleeps in a read of this terminal, or in a poll or select on it. */
  public boolean hasReaders() {
    return waitingReaders > 0 || readers.hasPollers();
  }

  /** True when a blocking read of any size would return data at once. */
  public boolean readable() {
    return readableFor(BUFFER_SIZE);
  }

  // ---- input ----

  /** One byte from the device, in the kernel's interrupt path: edits, echoes, signals, wakes. */
  public void receive(byte b) {
    int c = b & 0xff;
    try {
      if (literalNext) {
        literalNext = false;
        store(c);
        return;
      }
      c = stripInput(c);
      if (termios.iflag(IXON) && flowControl(c)) {
        return;
      }
      if (termios.lflag(ISIG) && signalChar(c)) {
        return;
      }
      c = mapNewlines(c);
      if (c < 0) {
        return;
      }
      if (termios.lflag(ICANON) && editingChar(c)) {
        return;
      }
      store(c);
    } finally {
      flushOutput();
    }
  }

  /** ISTRIP and IUCLC, which apply before any special character is recognised. */
  private int stripInput(int c) {
    if (termios.iflag(ISTRIP)) {
      c &= 0x7f;
    }
    if (termios.iflag(IUCLC) && termios.lflag(IEXTEN) && c >= 'A' && c <= 'Z') {
      c += 'a' - 'A';
    }
    return c;
  }

  /** IGNCR, ICRNL and INLCR, which Linux applies after the signal characters; -1: dropped. */
  private int mapNewlines(int c) {
    if (c == '\r') {
      if (termios.iflag(IGNCR)) {
        return -1;
      }
      if (termios.iflag(ICRNL)) {
        return '\n';
      }
    } else if (c == '\n' && termios.iflag(INLCR)) {
      return '\r';
    }
    return c;
  }

  /** VSTOP and VSTART (IXON); IXANY lets any byte restart output. True when consumed. */
  private boolean flowControl(int c) {
    if (termios.isChar(VSTOP, c) && !(outputStopped && termios.isChar(VSTART, c))) {
      outputStopped = true;
      return true;
    }
    if (termios.isChar(VSTART, c)) {
      startOutput();
      return true;
    }
    if (outputStopped && termios.iflag(IXANY)) {
      startOutput();
    }
    return false;
  }

  private boolean signalChar(int c) {
    int sig;
    if (termios.isChar(VINTR, c)) {
      sig = Signals.SIGINT;
    } else if (termios.isChar(VQUIT, c)) {
      sig = Signals.SIGQUIT;
    } else if (termios.isChar(VSUSP, c)) {
      sig = Signals.SIGTSTP;
    } else {
      return false;
    }
    if (!termios.lflag(NOFLSH)) {
      flushInput();
      heldOutput.clear();
    }
    if (termios.iflag(IXON)) {
      startOutput();
    }
    if (foregroundGroup > 0) {
      host.onSignalProcessGroup(foregroundGroup, sig);
    }
    if (termios.lflag(ECHO)) {
      echo(c);
    }
    return true;
  }

  /** Canonical-mode special characters; true when c was one and has been handled. */
  private boolean editingChar(int c) {
    boolean extended = termios.lflag(IEXTEN);
    if (termios.isChar(VERASE, c)) {
      erase(Erase.CHAR);
    } else if (termios.isChar(VKILL, c)) {
      erase(Erase.LINE);
    } else if (extended && termios.isChar(VWERASE, c)) {
      erase(Erase.WORD);
    } else if (extended && termios.isChar(VLNEXT, c)) {
      literalNext = true;
      if (termios.lflag(ECHO) && termios.lflag(ECHOCTL)) {
        emit('^');
        emit('\b');
      }
    } else if (extended && termios.isChar(VREPRINT, c)) {
      if (termios.lflag(ECHO)) {
        echo(c);
        emit('\n');
        lineStartColumn = column;
        for (int i = 0; i < editLine.size(); i++) {
          echo(editLine.get(i));
        }
      }
    } else if (c == '\n') {
      if (termios.lflag(ECHO) || termios.lflag(ECHONL)) {
        emit('\n');
      }
      editLine.add(c);
      commitLine();
    } else if (termios.isChar(VEOF, c)) {
      commitLine();
    } else if (termios.isChar(VEOL, c) || (extended && termios.isChar(VEOL2, c))) {
      if (termios.lflag(ECHO)) {
        echo(c);
      }
      editLine.add(c);
      commitLine();
    } else {
      return false;
    }
    return true;
  }

  /** An ordinary byte: into the line being edited or the raw queue, echoed. */
  private void store(int c) {
    if (termios.lflag(ICANON)) {
      // One byte stays free for the newline that ends the line.
      if (editLine.size() >= BUFFER_SIZE - 1 && c != '\n') {
        if (termios.iflag(IMAXBEL)) {
          emit(7);
        }
        return;
      }
      if (termios.lflag(ECHO)) {
        if (editLine.isEmpty()) {
          lineStartColumn = column;
        }
        echo(c);
      }
      // A newline arriving here came after VLNEXT and is data, not the end of the line.
      editLine.add(c);
      return;
    }
    if (termios.lflag(ECHO)) {
      echo(c);
    }
    if (raw.size() < BUFFER_SIZE) {
      raw.add(c);
      readers.wakeAll();
    }
  }

  private void commitLine() {
    lines.addLast(editLine.toArray());
    editLine.clear();
    readers.wakeAll();
  }

  private enum Erase {
    CHAR,
    WORD,
    LINE
  }

  /** VERASE, VWERASE and VKILL with the echo Linux's eraser() gives for ECHOE, ECHOK, ECHOKE. */
  private void erase(Erase kind) {
    if (editLine.isEmpty()) {
      return;
    }
    boolean echo = termios.lflag(ECHO);
    if (kind == Erase.LINE) {
      if (!echo) {
        editLine.clear();
        return;
      }
      if (!termios.lflag(ECHOK) || !termios.lflag(ECHOKE) || !termios.lflag(ECHOE)) {
        editLine.clear();
        echo(termios.cc(VKILL));
        if (termios.lflag(ECHOK)) {
          emit('\n');
        }
        return;
      }
    }
    boolean utf8 = termios.iflag(IUTF8);
    int seenWordChars = 0;
    while (!editLine.isEmpty()) {
      int c = editLine.last();
      if (kind == Erase.WORD) {
        if (Character.isLetterOrDigit(c) && c < 0x80 || c == '_') {
          seenWordChars++;
        } else if (seenWordChars > 0) {
          break;
        }
      }
      editLine.removeLast();
      if (utf8 && isContinuation(c)) {
        while (!editLine.isEmpty() && isContinuation(c)) {
          c = editLine.removeLast();
        }
      }
      if (echo) {
        if (kind == Erase.CHAR && !termios.lflag(ECHOE)) {
          echo(termios.cc(VERASE));
        } else if (c == '\t') {
          int back = tabStopAfter(lineWidth()) - lineWidth();
          for (int i = 0; i < back; i++) {
            emit('\b');
          }
        } else {
          boolean control = isControl(c);
          if (control && termios.lflag(ECHOCTL)) {
            rubOut();
          }
          if (!control || termios.lflag(ECHOCTL)) {
            rubOut();
          }
        }
      }
      if (kind == Erase.CHAR) {
        break;
      }
    }
  }

  private void rubOut() {
    emit('\b');
    emit(' ');
    emit('\b');
  }

  /** The column the end of the line being edited is echoed at. */
  private int lineWidth() {
    int col = lineStartColumn;
    for (int i = 0; i < editLine.size(); i++) {
      int c = editLine.get(i);
      if (c == '\t') {
        col = tabStopAfter(col);
      } else if (isControl(c)) {
        col += termios.lflag(ECHOCTL) ? 2 : 0;
      } else if (!(termios.iflag(IUTF8) && isContinuation(c))) {
        col++;
      }
    }
    return col;
  }

  private static int tabStopAfter(int col) {
    return (col | 7) + 1;
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c == DEL;
  }

  private static boolean isContinuation(int c) {
    return (c & 0xc0) == 0x80;
  }

  /** Echoes c, showing control characters as ^X under ECHOCTL (not tab and newline). */
  private void echo(int c) {
    if (termios.lflag(ECHOCTL) && isControl(c) && c != '\t' && c != '\n') {
      emit('^');
      emit(c ^ 0100);
    } else {
      emit(c);
    }
  }

  private void flushInput() {
    lines.clear();
    headLineRead = 0;
    editLine.clear();
    raw.clear();
    literalNext = false;
    onInputConsumed.run();
  }

  // ---- output ----

  /** One byte of output with OPOST processing, into pending. */
  private void emit(int c) {
    if (!termios.oflag(OPOST)) {
      pending.add(c);
      return;
    }
    switch (c) {
      case '\n' -> {
        if (termios.oflag(ONLCR)) {
          pending.add('\r');
          column = 0;
        }
        if (termios.oflag(ONLRET)) {
          column = 0;
        }
        pending.add('\n');
      }
      case '\r' -> {
        if (termios.oflag(ONOCR) && column == 0) {
          return;
        }
        if (termios.oflag(OCRNL)) {
          if (termios.oflag(ONLRET)) {
            column = 0;
          }
          pending.add('\n');
          return;
        }
        column = 0;
        pending.add('\r');
      }
      case '\t' -> {
        int spaces = tabStopAfter(column) - column;
        column += spaces;
        if ((termios.oflag() & TABDLY) == XTABS) {
          for (int i = 0; i < spaces; i++) {
            pending.add(' ');
          }
        } else {
          pending.add('\t');
        }
      }
      case '\b' -> {
        if (column > 0) {
          column--;
        }
        pending.add('\b');
      }
      default -> {
        if (termios.oflag(OLCUC) && c >= 'a' && c <= 'z') {
          c -= 'a' - 'A';
        }
        if (!isControl(c) && !(termios.iflag(IUTF8) && isContinuation(c))) {
          column++;
        }
        pending.add(c);
      }
    }
  }

  private void flushOutput() {
    if (pending.isEmpty()) {
      return;
    }
    byte[] b = pending.toArray();
    pending.clear();
    if (outputStopped) {
      heldOutput.addAll(b, 0, b.length);
    } else {
      output.write(b, 0, b.length);
    }
  }

  private void startOutput() {
    outputStopped = false;
    if (!heldOutput.isEmpty()) {
      byte[] b = heldOutput.toArray();
      heldOutput.clear();
      output.write(b, 0, b.length);
    }
  }

  // ---- CharDevice ----

  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    if (length <= 0 || hungUp) {
      return 0;
    }
    if (!readableFor(length)) {
      if (!termios.lflag(ICANON) && termios.cc(VMIN) == 0 && termios.cc(VTIME) == 0) {
        return consumed(raw.poll(buf, off, length));
      }
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      boolean ready;
      waitingReaders++;
      try {
        ready = readers.await(() -> readableFor(length) || hungUp);
      } finally {
        waitingReaders--;
      }
      if (!ready) {
        return -Errno.ERESTARTSYS;
      }
      if (!readableFor(length)) {
        return -Errno.EIO; // woken by a hangup, as n_tty_read sees TTY_OTHER_CLOSED
      }
    }
    if (!termios.lflag(ICANON)) {
      return consumed(raw.poll(buf, off, length));
    }
    return consumed(readLine(buf, off, length));
  }

  private int consumed(int n) {
    onInputConsumed.run();
    return n;
  }

  private boolean readableFor(int length) {
    return termios.lflag(ICANON) ? !lines.isEmpty() : raw.size() >= minimumBytes(length);
  }

  /** Bytes a non-canonical read waits for: VMIN (at most the count asked), or 1 with VTIME. */
  private int minimumBytes(int length) {
    int min = termios.cc(VMIN);
    if (min == 0 || termios.cc(VTIME) != 0) {
      return 1;
    }
    return Math.min(min, length);
  }

  /** At most one line, or what of it fits; an empty line (VEOF on its own) reads as 0. */
  private int readLine(byte[] buf, int off, int length) {
    byte[] line = lines.peekFirst();
    int n = Math.min(length, line.length - headLineRead);
    System.arraycopy(line, headLineRead, buf, off, n);
    headLineRead += n;
    if (headLineRead == line.length) {
      lines.removeFirst();
      headLineRead = 0;
    }
    return n;
  }

  /**
   * n_tty_write: everything is written before it returns, waiting for the output to have room (a
   * pseudo-terminal's master reads); a non-blocking write or one a signal interrupts returns what
   * it wrote by then, or -EAGAIN or -ERESTARTSYS when that is nothing.
   */
  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    if (hungUp) {
      return -Errno.EIO;
    }
    int done = 0;
    while (done < length) {
      int room = output.room();
      if (room < MAX_EXPANSION) {
        if (nonBlocking) {
          return done > 0 ? done : -Errno.EAGAIN;
        }
        if (!readers.await(() -> hungUp || output.room() >= MAX_EXPANSION)) {
          return done > 0 ? done : -Errno.ERESTARTSYS;
        }
        if (hungUp) {
          return done > 0 ? done : -Errno.EIO;
        }
        continue;
      }
      int n = Math.min(length - done, room / MAX_EXPANSION);
      for (int i = 0; i < n; i++) {
        emit(buf[off + done + i] & 0xff);
      }
      flushOutput();
      done += n;
    }
    return length;
  }

  /**
   * n_tty_poll: readable (POLLIN) when a read would return at once as input_available_p(tty, 1)
   * decides it: a complete line in canonical mode; in raw mode VMIN bytes when VTIME is 0, else
   * one. Writable (POLLOUT) while the output has room (the console's always has). Hung up:
   * everything (hung_up_tty_poll).
   */
  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(readers);
    }
    if (hungUp) {
      return Poll.POLLIN
          | Poll.POLLOUT
          | Poll.POLLERR
          | Poll.POLLHUP
          | Poll.POLLRDNORM
          | Poll.POLLWRNORM;
    }
    int mask = output.room() >= MAX_EXPANSION ? Poll.POLLOUT | Poll.POLLWRNORM : 0;
    if (readable()) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM;
    }
    return mask;
  }

  @Override
  public long rdev() {
    return rdev;
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    if (hungUp) {
      return request == TtyIoctls.TIOCSPGRP ? -Errno.ENOTTY : -Errno.EIO; // hung_up_tty_ioctl
    }
    try {
      return control(request, arg, memory);
    } catch (BadAddressException e) {
      return -Errno.EFAULT;
    }
  }

  private long control(int request, long arg, UserMemory mem) {
    switch (request) {
      case TtyIoctls.TCGETS -> mem.write(arg, termios.encode());
      case TtyIoctls.TCGETS2 -> mem.write(arg, termios.encode2());
      case TtyIoctls.TCSETS, TtyIoctls.TCSETSW, TtyIoctls.TCSETSF ->
          applyTermios(Termios.decode(mem.read(arg, LENGTH)), request == TtyIoctls.TCSETSF);
      case TtyIoctls.TCSETS2, TtyIoctls.TCSETSW2, TtyIoctls.TCSETSF2 ->
          applyTermios(Termios.decode(mem.read(arg, LENGTH2)), request == TtyIoctls.TCSETSF2);
      case TtyIoctls.TIOCGWINSZ -> {
        byte[] w = new byte[TtyIoctls.WINSIZE_LENGTH];
        LittleEndian.put16(w, TtyIoctls.WS_ROW, rows);
        LittleEndian.put16(w, TtyIoctls.WS_COL, cols);
        LittleEndian.put16(w, TtyIoctls.WS_XPIXEL, xpixel);
        LittleEndian.put16(w, TtyIoctls.WS_YPIXEL, ypixel);
        mem.write(arg, w);
      }
      case TtyIoctls.TIOCSWINSZ -> {
        byte[] w = mem.read(arg, TtyIoctls.WINSIZE_LENGTH);
        setWindow(
            LittleEndian.get16(w, TtyIoctls.WS_ROW),
            LittleEndian.get16(w, TtyIoctls.WS_COL),
            LittleEndian.get16(w, TtyIoctls.WS_XPIXEL),
            LittleEndian.get16(w, TtyIoctls.WS_YPIXEL));
      }
      case TtyIoctls.TIOCGPGRP -> mem.write32(arg, foregroundGroup);
      case TtyIoctls.TIOCSPGRP -> {
        int pgrp = mem.read32(arg);
        if (pgrp < 0) {
          return -Errno.EINVAL;
        }
        int check = host.checkForegroundGroup(pgrp);
        if (check != 0) {
          return check;
        }
        foregroundGroup = pgrp;
      }
      case TtyIoctls.TIOCGSID -> {
        if (session == 0) {
          return -Errno.ENOTTY;
        }
        mem.write32(arg, session);
      }
      case TtyIoctls.FIONREAD -> mem.write32(arg, readableBytes());
      case TtyIoctls.TIOCOUTQ -> mem.write32(arg, heldOutput.size());
      case TtyIoctls.TCFLSH -> {
        return flush(arg);
      }
      case TtyIoctls.TCXONC -> {
        return flowIoctl(arg);
      }
      case TtyIoctls.TIOCGETD -> mem.write32(arg, termios.line());
      case TtyIoctls.TIOCSETD -> {
        if (mem.read32(arg) != N_TTY) {
          return -Errno.EINVAL;
        }
      }
      case TtyIoctls.TIOCSCTTY,
          TtyIoctls.TIOCNOTTY,
          TtyIoctls.TCSBRK,
          TtyIoctls.TCSBRKP,
          TtyIoctls.TIOCEXCL,
          TtyIoctls.TIOCNXCL -> {
        // Accepted: one console, output never queues, no break line, no exclusive opens.
      }
      default -> {
        return -Errno.ENOTTY;
      }
    }
    return 0;
  }

  private void applyTermios(Termios t, boolean flushFirst) {
    if (flushFirst) {
      flushInput();
    }
    setTermios(t);
  }

  /** What FIONREAD reports: in canonical mode only complete lines, without VEOF marks. */
  private int readableBytes() {
    if (!termios.lflag(ICANON)) {
      return raw.size();
    }
    int n = -headLineRead;
    for (byte[] line : lines) {
      n += line.length;
    }
    return n;
  }

  private long flush(long which) {
    if (which == TtyIoctls.TCIFLUSH || which == TtyIoctls.TCIOFLUSH) {
      flushInput();
    }
    if (which == TtyIoctls.TCOFLUSH || which == TtyIoctls.TCIOFLUSH) {
      heldOutput.clear();
    }
    return which >= TtyIoctls.TCIFLUSH && which <= TtyIoctls.TCIOFLUSH ? 0 : -Errno.EINVAL;
  }

  private long flowIoctl(long action) {
    if (action == TtyIoctls.TCOOFF) {
      outputStopped = true;
    } else if (action == TtyIoctls.TCOON) {
      startOutput();
    } else if (action != TtyIoctls.TCIOFF && action != TtyIoctls.TCION) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  private void setWindow(int newRows, int newCols, int newXpixel, int newYpixel) {
    boolean changed =
        newRows != rows || newCols != cols || newXpixel != xpixel || newYpixel != ypixel;
    rows = newRows;
    cols = newCols;
    xpixel = newXpixel;
    ypixel = newYpixel;
    if (changed && foregroundGroup > 0) {
      host.onSignalProcessGroup(foregroundGroup, Signals.SIGWINCH);
    }
  }
}
