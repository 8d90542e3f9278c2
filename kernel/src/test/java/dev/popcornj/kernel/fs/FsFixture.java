package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.testing.TestSpace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A VFS over a small RAM for tests, with a settable clock and a sleeper that never blocks: a wait
 * whose condition does not hold at once is "interrupted by a signal", so tests stay on one thread.
 */
public final class FsFixture {
  public final TestSpace t = new TestSpace();
  public long nowNs = 1_700_000_000_000_000_000L;
  public int sleeps;
  public int wakes;
  public final Sleeper sleeper =
      new Sleeper() {
        @Override
        public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
          sleeps++;
          return ready.getAsBoolean();
        }

        @Override
        public void wakeAll(WaitQueue queue) {
          wakes++;
        }
      };
  public final Vfs vfs = new Vfs(t.frames, sleeper, () -> nowNs);
  public final FsContext ctx = vfs.newContext();

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  public static String string(byte[] b, int n) {
    return new String(b, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** Reads an open file to its end. */
  public static String readAll(OpenFile f) {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[100];
    long n;
    while ((n = f.read(buf, 0, buf.length)) > 0) {
      sb.append(string(buf, (int) n));
    }
    return sb.toString();
  }

  public OpenFile create(String path, String contents) {
    OpenFile f =
        vfs.open(
            ctx, path, FileConstants.O_CREAT | FileConstants.O_RDWR | FileConstants.O_TRUNC, 0644);
    byte[] b = bytes(contents);
    f.write(b, 0, b.length);
    f.setOffset(0);
    return f;
  }

  /** A ProcSource with processes 1 and 42 (42 calling). */
  public static ProcSource fakeProc() {
    return new ProcSource() {
      @Override
      public int currentPid() {
        return 42;
      }

      @Override
      public List<Integer> pids() {
        return List.of(42, 1);
      }

      @Override
      public String processFile(int pid, String name) {
        return pids().contains(pid) ? name + " of " + pid + "\n" : null;
      }

      @Override
      public String exeLink(int pid) {
        return pid == 1 ? "/sbin/init" : "/bin/sh";
      }

      @Override
      public String cwdLink(int pid) {
        return "/";
      }

      @Override
      public List<String> systemFiles() {
        return List.of("cpuinfo", "meminfo", "popcorn/kernels", "version");
      }

      @Override
      public String systemFile(String path) {
        return systemFiles().contains(path) ? "[" + path + "]\n" : null;
      }
    };
  }
}
