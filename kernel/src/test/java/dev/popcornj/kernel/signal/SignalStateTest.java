package dev.popcornj.kernel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.SigactionDescriptor;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.testing.TestSpace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SignalStateTest {
  private static final long BUF = 0x1000_0000L;

  @Test
  void standardSignalsCoalesceAndRealTimeOnesQueue() {
    PendingSignals p = new PendingSignals();
    assertTrue(p.enqueue(SigInfo.kill(Signals.SIGUSR1, 1, 0)));
    assertFalse(p.enqueue(SigInfo.kill(Signals.SIGUSR1, 2, 0)));
    for (int i = 0; i < 3; i++) {
      assertTrue(p.enqueue(SigInfo.queue(40, 100 + i, 0, i)));
    }
    assertEquals(1, p.dequeue(0).senderPid(), "first sender kept");
    assertNull(p.dequeue(Signals.bit(40)), "blocked");
    for (int i = 0; i < 3; i++) {
      assertEquals(100 + i, p.dequeue(0).senderPid());
    }
    assertEquals(0, p.mask());
  }

  @Test
  void faultsComeFirstThenLowestNumber() {
    PendingSignals p = new PendingSignals();
    p.enqueue(SigInfo.kill(Signals.SIGTERM, 1, 0));
    p.enqueue(SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, 0x40));
    p.enqueue(SigInfo.kill(Signals.SIGINT, 1, 0));
    p.enqueue(SigInfo.queue(34, 1, 0, 0));
    assertEquals(Signals.SIGSEGV, p.dequeue(0).signo());
    assertEquals(Signals.SIGINT, p.dequeue(0).signo());
    assertEquals(34, p.dequeue(Signals.bit(Signals.SIGTERM)).signo());
    assertTrue(p.hasDeliverable(0));
    p.discard(Signals.bit(Signals.SIGTERM));
    assertFalse(p.hasDeliverable(0));
  }

  @Test
  void execResetsHandlersButKeepsIgnored() {
    SigActions a = new SigActions();
    a.set(Signals.SIGUSR1, new SigAction(0x1000, Signals.SA_RESTART, 1));
    a.set(Signals.SIGPIPE, new SigAction(Signals.SIG_IGN, Signals.SA_RESTART, 1));
    SigActions child = a.copy();
    a.resetForExec();
    assertEquals(SigAction.DEFAULT, a.get(Signals.SIGUSR1));
    assertEquals(SigAction.IGNORE, a.get(Signals.SIGPIPE));
    assertEquals(0x1000, child.get(Signals.SIGUSR1).handler(), "the fork copy is its own");
    assertTrue(a.ignores(Signals.SIGCHLD));
    assertFalse(a.ignores(Signals.SIGUSR1));
  }

  @Test
  void resethandAndNodefer() {
    SigActions a = new SigActions();
    a.set(Signals.SIGINT, new SigAction(0x1000, Signals.SA_RESETHAND, Signals.bit(3)));
    SigAction taken = a.onDelivered(Signals.SIGINT);
    assertEquals(0x1000, taken.handler());
    assertTrue(a.get(Signals.SIGINT).isDefault());
    assertEquals(
        Signals.bit(2) | Signals.bit(3) | Signals.bit(5),
        taken.blockedDuringHandler(2, Signals.bit(5)));
    SigAction nodefer = new SigAction(0x1000, Signals.SA_NODEFER, 0);
    assertEquals(0, nodefer.blockedDuringHandler(2, 0));
  }

  @Test
  void defaultActions() {
    assertEquals(DefaultAction.CORE, DefaultAction.of(Signals.SIGSEGV));
    assertEquals(DefaultAction.TERM, DefaultAction.of(Signals.SIGTERM));
    assertEquals(DefaultAction.TERM, DefaultAction.of(50));
    assertEquals(DefaultAction.IGNORE, DefaultAction.of(Signals.SIGWINCH));
    assertEquals(DefaultAction.STOP, DefaultAction.of(Signals.SIGTSTP));
    assertEquals(DefaultAction.CONTINUE, DefaultAction.of(Signals.SIGCONT));
    assertEquals(0x86, DefaultAction.killedStatus(Signals.SIGABRT));
    assertEquals(15, DefaultAction.killedStatus(Signals.SIGTERM));
  }

  @Test
  void siginfoLayout() {
    ByteBuffer b =
        ByteBuffer.wrap(SigInfo.child(SigInfo.CLD_EXITED, 77, 5, 3, 10, 20).encode())
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(128, b.capacity());
    assertEquals(Signals.SIGCHLD, b.getInt(0));
    assertEquals(SigInfo.CLD_EXITED, b.getInt(8));
    assertEquals(77, b.getInt(16));
    assertEquals(5, b.getInt(20));
    assertEquals(3, b.getInt(24));
    assertEquals(10, b.getLong(32));
    assertEquals(20, b.getLong(40));
    b =
        ByteBuffer.wrap(SigInfo.fault(7, SigInfo.BUS_ADRERR, 0xdead0).encode())
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0xdead0, b.getLong(16));
    SigInfo q = SigInfo.queue(35, 9, 0, 0x1234);
    assertEquals(q.encode()[24], SigInfo.decode(q.encode()).encode()[24]);
  }

  private TestSpace space() {
    TestSpace t = new TestSpace();
    t.space.map(BUF, MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    return t;
  }

  @Test
  void rtSigactionReadsAndWritesTheRiscvLayout() {
    TestSpace t = space();
    SigActions a = new SigActions();
    t.user.write64(BUF + SigactionDescriptor.HANDLER, 0x4000);
    t.user.write64(
        BUF + SigactionDescriptor.FLAGS,
        Signals.SA_SIGINFO | Signals.SA_RESTORER | Signals.SA_RESTART);
    t.user.write64(BUF + SigactionDescriptor.MASK, Signals.bit(Signals.SIGKILL) | Signals.bit(3));
    assertEquals(0, SignalCalls.rtSigaction(a, Signals.SIGUSR2, BUF, BUF + 64, 8, t.user));
    assertEquals(Signals.SIG_DFL, t.user.read64(BUF + 64));
    assertEquals(0, SignalCalls.rtSigaction(a, Signals.SIGUSR2, 0, BUF + 64, 8, t.user));
    assertEquals(0x4000, t.user.read64(BUF + 64 + SigactionDescriptor.HANDLER));
    assertEquals(
        Signals.SA_SIGINFO | Signals.SA_RESTART,
        t.user.read64(BUF + 64 + SigactionDescriptor.FLAGS),
        "SA_RESTORER is not a riscv64 kernel flag");
    assertEquals(Signals.bit(3), t.user.read64(BUF + 64 + SigactionDescriptor.MASK));
    assertEquals(-Errno.EINVAL, SignalCalls.rtSigaction(a, 2, BUF, 0, 16, t.user));
    assertEquals(-Errno.EINVAL, SignalCalls.rtSigaction(a, Signals.SIGKILL, BUF, 0, 8, t.user));
    assertEquals(0, SignalCalls.rtSigaction(a, Signals.SIGKILL, 0, BUF + 64, 8, t.user));
    assertEquals(-Errno.EINVAL, SignalCalls.rtSigaction(a, 65, 0, 0, 8, t.user));
    assertEquals(-Errno.EFAULT, SignalCalls.rtSigaction(a, 2, 8, 0, 8, t.user));
  }

  @Test
  void rtSigprocmask() {
    TestSpace t = space();
    long[] blocked = {Signals.bit(1)};
    t.user.write64(BUF, Signals.bit(2) | Signals.UNBLOCKABLE);
    assertEquals(
        0,
        SignalCalls.rtSigprocmask(
            blocked[0], Signals.SIG_BLOCK, BUF, BUF + 8, 8, t.user, m -> blocked[0] = m));
    assertEquals(Signals.bit(1) | Signals.bit(2), blocked[0]);
    assertEquals(Signals.bit(1), t.user.read64(BUF + 8));
    t.user.write64(BUF, Signals.bit(1));
    SignalCalls.rtSigprocmask(
        blocked[0], Signals.SIG_UNBLOCK, BUF, 0, 8, t.user, m -> blocked[0] = m);
    assertEquals(Signals.bit(2), blocked[0]);
    assertEquals(
        -Errno.EINVAL,
        SignalCalls.rtSigprocmask(blocked[0], 3, BUF, 0, 8, t.user, m -> blocked[0] = m));
    assertEquals(
        -Errno.EINVAL,
        SignalCalls.rtSigprocmask(blocked[0], 0, BUF, 0, 4, t.user, m -> blocked[0] = m));
  }

  @Test
  void sigaltstackChecks() {
    TestSpace t = space();
    AltStack alt = new AltStack();
    t.user.write64(BUF, 0x5000_0000L);
    t.user.write32(BUF + 8, 0);
    t.user.write64(BUF + 16, 1000);
    assertEquals(-Errno.ENOMEM, SignalCalls.sigaltstack(alt, BUF, 0, 0x100, t.user));
    t.user.write64(BUF + 16, 8192);
    assertEquals(0, SignalCalls.sigaltstack(alt, BUF, BUF + 64, 0x100, t.user));
    assertEquals(Signals.SS_DISABLE, t.user.read32(BUF + 64 + 8), "old one was disabled");
    assertEquals(-Errno.EPERM, SignalCalls.sigaltstack(alt, BUF, 0, 0x5000_1000L, t.user));
    assertEquals(0, SignalCalls.sigaltstack(alt, 0, BUF + 64, 0x5000_1000L, t.user));
    assertEquals(Signals.SS_ONSTACK, t.user.read32(BUF + 64 + 8));
    t.user.write32(BUF + 8, 7);
    assertEquals(-Errno.EINVAL, SignalCalls.sigaltstack(alt, BUF, 0, 0x100, t.user));
  }

  @Test
  void restartDecisions() {
    SigAction restart = new SigAction(0x1000, Signals.SA_RESTART, 0);
    SigAction plain = new SigAction(0x1000, 0, 0);
    assertEquals(SyscallRestart.RESTART, SyscallRestart.after(-Errno.ERESTARTSYS, restart));
    assertEquals(SyscallRestart.EINTR, SyscallRestart.after(-Errno.ERESTARTSYS, plain));
    assertEquals(SyscallRestart.RESTART, SyscallRestart.after(-Errno.ERESTARTSYS, null));
    assertEquals(SyscallRestart.NONE, SyscallRestart.after(5, plain));
  }
}
