package dev.popcornj.kernel.net.netlink;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.sched.Sleeper;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;

/**
 * An AF_NETLINK socket of protocol NETLINK_ROUTE: what a program sends to the kernel (port 0) is
 * answered at once from the kernel's IPv4 stack ({@link RouteMessages}), and the answers wait in
 * the socket's queue, one datagram each, for recvmsg. No multicast groups are ever sent to (a
 * program that listens for changes hears none: nothing changes).
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class NetlinkSocket {
  /** NETLINK_ROUTE. */
  public static final int NETLINK_ROUTE = 0;

  /** Where autobind starts when a process's id is taken: netlink_autobind's rover. */
  private static final int ROVER_START = -4096;

  /** What a receive got: the count (or -errno), the bytes, and MSG_TRUNC when cut. */
  public record Received(long result, byte[] data, int msgFlags) {}

  private final InetStack stack;
  private final Set<Integer> boundPorts; // every bound port id of this kernel's netlink sockets
  private final int type;
  private final PollWaitQueue wait;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private int queuedBytes;
  private int portId; // 0 until bound
  private int groups;
  private int peerPortId;
  private int peerGroups;
  private int sndbuf = SocketConstants.DEFAULT_BUFFER;
  private int rcvbuf = SocketConstants.DEFAULT_BUFFER;

  /**
   * @param type SOCK_RAW or SOCK_DGRAM
   * @param boundPorts the kernel's bound port ids, shared by its netlink sockets
   */
  public NetlinkSocket(InetStack stack, Set<Integer> boundPorts, int type, Sleeper sleeper) {
    this.stack = stack;
    this.boundPorts = boundPorts;
    this.type = type;
    this.wait = new PollWaitQueue(sleeper);
  }

  public int type() {
    return type;
  }

  public int portId() {
    return portId;
  }

  public int groups() {
    return groups;
  }

  /** The connected peer: {port id, groups}. */
  public int[] peer() {
    return new int[] {peerPortId, peerGroups};
  }

  public int sndbuf() {
    return sndbuf;
  }

  public int rcvbuf() {
    return rcvbuf;
  }

  public void setSndbuf(int bytes) {
    sndbuf = bytes;
  }

  public void setRcvbuf(int bytes) {
    rcvbuf = bytes;
  }

  /**
   * bind(2) to port id pid (0: choose one, the process's id tgid when free) and multicast groups; a
   * socket bound already may only bind to its own port id again.
   */
  public long bind(int pid, int groups, int tgid) {
    if (portId != 0) {
      if (pid != 0 && pid != portId) {
        return -Errno.EINVAL;
      }
    } else if (pid == 0) {
      autobind(tgid);
    } else {
      if (!boundPorts.add(pid)) {
        return -Errno.EADDRINUSE;
      }
      portId = pid;
    }
    this.groups = groups;
    return 0;
  }

  private void autobind(int tgid) {
    if (portId != 0) {
      return;
    }
    int candidate = tgid;
    int rover = ROVER_START;
    while (candidate == 0 || boundPorts.contains(candidate)) {
      candidate = rover--;
    }
    boundPorts.add(candidate);
    portId = candidate;
  }

  /** connect(2): the default destination (only the kernel, port 0, answers). */
  public long connect(int pid, int groups, int tgid) {
    autobind(tgid);
    peerPortId = pid;
    peerGroups = groups;
    return 0;
  }

  /**
   * Sends data to port id toPid (-1: the connected peer): the kernel's answers are queued here. A
   * port id other than the kernel's names no socket this model delivers to (ECONNREFUSED).
   */
  public long send(byte[] data, int toPid, int tgid) {
    int to = toPid < 0 ? peerPortId : toPid;
    if (to != 0) {
      return -Errno.ECONNREFUSED;
    }
    if (data.length > sndbuf - 32) {
      return -Errno.EMSGSIZE;
    }
    autobind(tgid);
    byte[] answer = RouteMessages.answer(stack, data, portId);
    if (answer != null) {
      if (queuedBytes + answer.length > rcvbuf && !queue.isEmpty()) {
        return -Errno.ENOBUFS; // the answer would overrun the receive queue
      }
      queue.add(answer);
      queuedBytes += answer.length;
      wait.wakeAll();
    }
    return data.length;
  }

  /** Takes (or with MSG_PEEK looks at) the next datagram, waiting for one unless nonBlocking. */
  public Received receive(int length, int flags, boolean nonBlocking) {
    while (queue.isEmpty()) {
      if (nonBlocking) {
        return new Received(-Errno.EAGAIN, new byte[0], 0);
      }
      if (!wait.await(() -> !queue.isEmpty())) {
        return new Received(-Errno.ERESTARTSYS, new byte[0], 0);
      }
    }
    byte[] d = queue.peek();
    int size = Math.min(length, d.length);
    if ((flags & SocketConstants.MSG_PEEK) == 0) {
      queue.poll();
      queuedBytes -= d.length;
    }
    long result = (flags & SocketConstants.MSG_TRUNC) != 0 ? d.length : size;
    return new Received(
        result, Arrays.copyOf(d, size), size < d.length ? SocketConstants.MSG_TRUNC : 0);
  }

  /** Bytes a read would get now: the next datagram's length. */
  public int inputQueued() {
    return queue.isEmpty() ? 0 : queue.peek().length;
  }

  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    int mask = Poll.POLLOUT | Poll.POLLWRNORM | Poll.POLLWRBAND;
    if (!queue.isEmpty()) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM;
    }
    return mask;
  }

  /** The last file on the socket closed: its port id is free again. */
  public void release() {
    if (portId != 0) {
      boundPorts.remove(portId);
    }
    queue.clear();
    queuedBytes = 0;
    wait.wakeAll();
  }

  /** The stack the answers come from. */
  public InetStack stack() {
    return stack;
  }
}
