package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.sched.Sleeper;

/**
 * The buffer of a pipe: a 64 KiB ring between its read and write ends. Readers wait for data and
 * see end of file once every writer is gone; writers wait for room and get EPIPE once every reader
 * is gone. A write of at most PIPE_BUF bytes goes in whole or not at all. Pollers wait on the same
 * two queues as blocked readers and writers.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class Pipe {
  private final byte[] ring = new byte[FileConstants.PIPE_SIZE];
  private final PollWaitQueue readWait;
  private final PollWaitQueue writeWait;
  private int head; // index of the oldest byte
  private int count;
  private int readers;
  private int writers;

  public Pipe(Sleeper sleeper) {
    this.readWait = new PollWaitQueue(sleeper);
    this.writeWait = new PollWaitQueue(sleeper);
  }

  /** Bytes waiting to be read (FIONREAD). */
  public int available() {
    return count;
  }

  public int capacity() {
    return ring.length;
  }

  public int readers() {
    return readers;
  }

  public int writers() {
    return writers;
  }

  void addEnd(boolean reader, boolean writer) {
    readers += reader ? 1 : 0;
    writers += writer ? 1 : 0;
  }

  /** An end was closed: wake whoever waits for the other side. */
  void dropEnd(boolean reader, boolean writer) {
    if (reader) {
      readers--;
      writeWait.wakeAll();
    }
    if (writer) {
      writers--;
      readWait.wakeAll();
    }
  }

  /**
   * The readiness of an end (pipe_poll): the read end is readable (POLLIN) while data waits and
   * hung up (POLLHUP) once no writer is left; the write end is writable (POLLOUT) while PIPE_BUF
   * bytes fit (Linux: while one of its page slots is free) and in error (POLLERR) once no reader is
   * left. An end open for both reports both. table, when not null, subscribes to the ends' queues.
   */
  public int poll(boolean readEnd, boolean writeEnd, PollTable table) {
    if (table != null) {
      if (readEnd) {
        table.pollWait(readWait);
      }
      if (writeEnd) {
        table.pollWait(writeWait);
      }
    }
    int mask = 0;
    if (readEnd) {
      if (count > 0) {
        mask |= Poll.POLLIN | Poll.POLLRDNORM;
      }
      if (writers == 0) {
        mask |= Poll.POLLHUP;
      }
    }
    if (writeEnd) {
      if (ring.length - count >= FileConstants.PIPE_BUF) {
        mask |= Poll.POLLOUT | Poll.POLLWRNORM;
      }
      if (readers == 0) {
        mask |= Poll.POLLERR;
      }
    }
    return mask;
  }

  /** Reads up to length bytes; 0 at end of file; -EAGAIN or -ERESTARTSYS when it cannot wait. */
  public long read(byte[] dst, int off, int length, boolean nonBlocking) {
    if (length == 0) {
      return 0;
    }
    if (count == 0) {
      if (writers == 0) {
        return 0;
      }
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!readWait.await(() -> count > 0 || writers == 0)) {
        return -Errno.ERESTARTSYS;
      }
      if (count == 0) {
        return 0;
      }
    }
    int n = Math.min(length, count);
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, dst, off, first);
    System.arraycopy(ring, 0, dst, off + first, n - first);
    head = (head + n) % ring.length;
    count -= n;
    writeWait.wakeAll();
    return n;
  }

  /**
   * Writes length bytes, waiting for room unless nonBlocking. Returns the count written, or -EPIPE
   * (no reader; the caller raises SIGPIPE), -EAGAIN or -ERESTARTSYS when nothing was written.
   */
  public long write(byte[] src, int off, int length, boolean nonBlocking) {
    if (length == 0) {
      return 0;
    }
    if (readers == 0) {
      return -Errno.EPIPE;
    }
    int done = 0;
    while (done < length) {
      if (readers == 0) {
        return done > 0 ? done : -Errno.EPIPE;
      }
      int need = length <= FileConstants.PIPE_BUF ? length : 1;
      if (ring.length - count < need) {
        if (nonBlocking) {
          return done > 0 ? done : -Errno.EAGAIN;
        }
        if (!writeWait.await(() -> readers == 0 || ring.length - count >= need)) {
          return done > 0 ? done : -Errno.ERESTARTSYS;
        }
        continue;
      }
      int n = Math.min(length - done, ring.length - count);
      int tail = (head + count) % ring.length;
      int first = Math.min(n, ring.length - tail);
      System.arraycopy(src, off + done, ring, tail, first);
      System.arraycopy(src, off + done + first, ring, 0, n - first);
      count += n;
      done += n;
      readWait.wakeAll();
    }
    return done;
  }
}
