package dev.popcornj.cli;

import dev.popcornj.kernel.run.HostSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Catches the signals a user sends the popcorn process (Ctrl-C, `timeout`, `kill`) while a program
 * runs, so that the program gets them as it would under qemu-riscv64 instead of the JVM dying. They
 * arrive on the JVM's signal thread and wait here until the runner takes them; on close the JVM's
 * own handling comes back. The numbers are Linux's, the same on the host and on riscv64.
 */
final class HostSignalRelay implements HostSignals, AutoCloseable {
  /** What is passed on: interrupt, quit, hang-up, terminate and the two user signals. */
  static final List<String> RELAYED = List.of("INT", "TERM", "HUP", "QUIT", "USR1", "USR2");

  /**
   * A program that cannot end (stuck in a loop with its signals blocked, or a run that no longer
   * makes progress) must not hold the user hostage: the third interrupt, terminate or hang-up stops
   * PopcornJ itself, with one line and the status a process killed by that signal has.
   */
  static final int FORCED_AFTER = 3;

  private final LinkedBlockingQueue<Integer> arrived = new LinkedBlockingQueue<>();
  private int stopRequests;
  private final List<Signal> caught = new ArrayList<>();
  private final List<SignalHandler> before = new ArrayList<>();

  HostSignalRelay() {
    for (String name : RELAYED) {
      Signal s = new Signal(name);
      try {
        before.add(Signal.handle(s, this::arrive));
        caught.add(s);
      } catch (IllegalArgumentException e) {
        // The JVM keeps this one for itself (SIGQUIT's thread dump on some builds).
      }
    }
  }

  private synchronized void arrive(Signal sig) {
    arrived.add(sig.getNumber());
    String name = sig.getName();
    if ((name.equals("INT") || name.equals("TERM") || name.equals("HUP"))
        && ++stopRequests >= FORCED_AFTER) {
      System.err.println(
          "popcorn: stopped by SIG"
              + name
              + " (the program did not end after "
              + FORCED_AFTER
              + " such signals)");
      System.err.flush();
      Runtime.getRuntime().halt(128 + sig.getNumber());
    }
  }

  @Override
  public int poll() {
    Integer sig = arrived.poll();
    return sig == null ? 0 : sig;
  }

  @Override
  public boolean pending() {
    return !arrived.isEmpty();
  }

  @Override
  public int await() {
    try {
      return arrived.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < caught.size(); i++) {
      Signal.handle(caught.get(i), before.get(i));
    }
  }
}
