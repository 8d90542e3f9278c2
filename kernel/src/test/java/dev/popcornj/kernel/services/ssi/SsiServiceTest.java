package dev.popcornj.kernel.services.ssi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageHandler;
import dev.popcornj.kernel.msg.MessageType;
import dev.popcornj.kernel.msg.MsgCluster;
import dev.popcornj.kernel.msg.PeerListener;
import dev.popcornj.kernel.proc.AffinityMigration;
import dev.popcornj.kernel.proc.Census;
import dev.popcornj.kernel.proc.GlobalCpu;
import dev.popcornj.kernel.proc.OtherKernels;
import dev.popcornj.kernel.proc.RemoteSignal;
import dev.popcornj.kernel.proc.ThisKernel;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.KernelStack;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.services.ServiceContext;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.syscall.SyscallHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two kernels with the single-system-image service over real endpoints: kernel 0 asks from a task
 * on its scheduler, kernel 1 answers for its processes from what it reports of itself. Each test
 * checks one thing the system image promises: the CPUs learnt at check-in, the census, a process's
 * file served by its origin, a signal sent there, and a kernel that goes down vanishing.
 */
class SsiServiceTest {
  private static final long MS = 1_000_000_000L;
  private static final String ISA = "rv64imafdc";

  private final MsgCluster cluster = new MsgCluster(11, 2);
  private final Scheduler scheduler;
  private final List<SchedEntity> tasks = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();
  private final List<RemoteSignal> signalsAtOne = new ArrayList<>();
  private final SsiService zero;
  private final SsiService one;
  private final Map<String, Supplier<String>> procFilesOfZero = new TreeMap<>();

  SsiServiceTest() {
    scheduler = new Scheduler(cluster.sim, List.of(cluster.machine.hart(1)), 3 * MS, 1_400_000L);
    for (Cpu c : scheduler.cpus()) {
      cluster.sim.attach(c.hart().id(), c);
    }
    scheduler.setHooks(e -> false, (e, ex) -> failures.add(ex));
    Scheduler idle = new Scheduler(cluster.sim, List.of(cluster.machine.hart(3)), 3 * MS, 0);
    zero = new SsiService(scheduler, kernel(0, List.of(0, 1), List.of(1, 5)));
    one = new SsiService(idle, kernel(1, List.of(2, 3), List.of(65537, 65538)));
    start(zero, 0, procFilesOfZero);
    start(one, 1, new TreeMap<>());
    cluster.checkInAll();
  }

  /** What kernel k reports of itself: its CPUs and processes; 65538 is "sleep". */
  private ThisKernel kernel(int k, List<Integer> cpus, List<Integer> pids) {
    return new ThisKernel() {
      @Override
      public List<GlobalCpu> cpus() {
        return cpus.stream().map(id -> new GlobalCpu(id, k, ISA)).toList();
      }

      @Override
      public long memoryBytes() {
        return (k + 1) << 27;
      }

      @Override
      public Census census() {
        List<Census.CpuTime> times =
            cpus.stream().map(id -> new Census.CpuTime(id, 10L * id, 1000L)).toList();
        return new Census(k, memoryBytes(), memoryBytes() / 2, times, 1, pids.size(), pids);
      }

      @Override
      public String processFile(int pid, String name) {
        return pid == 65538 && name.equals("status") ? "Name:\tsleep\nOrigin:\t1\n" : null;
      }

      @Override
      public long signal(RemoteSignal signal) {
        signalsAtOne.add(signal);
        return pids.contains(signal.pid()) ? 0 : -Errno.ESRCH;
      }
    };
  }

  private void start(SsiService s, int k, Map<String, Supplier<String>> procFiles) {
    Endpoint e = cluster.get(k);
    s.start(
        new ServiceContext() {
          @Override
          public int kernelId() {
            return k;
          }

          @Override
          public KernelLog log() {
            return new KernelLog(cluster.sim::now);
          }

          @Override
          public Optional<String> param(String name) {
            return Optional.empty();
          }

          @Override
          public boolean flag(String name) {
            return false;
          }

          @Override
          public Optional<Endpoint> endpoint() {
            return Optional.of(e);
          }

          @Override
          public <M extends KernelMessage> void message(
              MessageType<M> type, MessageHandler handler) {
            e.register("ssi", type, handler);
          }

          @Override
          public void syscall(int nr, String name, SyscallHandler handler) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void procFile(String name, Supplier<String> text) {
            procFiles.put(name, text);
          }

          @Override
          public void device(String name, CharDevice device) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void counter(String name, java.util.function.LongSupplier value) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void otherKernels(OtherKernels view) {
            assertTrue(view == s, "the service is the view of the other kernels");
          }

          @Override
          public void affinityMigration(AffinityMigration migration) {
            throw new UnsupportedOperationException();
          }
        });
    e.addPeerListener(
        new PeerListener() {
          @Override
          public void onPeerUp(int kernel) {
            s.onPeerUp(kernel);
          }

          @Override
          public void onPeerGone(int kernel, KernelState state) {
            s.onPeerGone(kernel, state);
          }
        });
  }

  /** Runs body as a task of kernel 0 and the machine until nothing is left to do. */
  private void runTask(Runnable body) {
    SchedEntity t = new SchedEntity("task", "task 1", scheduler.allCpusMask(), ps -> {});
    t.setStack(new KernelStack(new KernelStack.Group(), "ssi", body));
    tasks.add(t);
    scheduler.admit(t, cluster.sim.now());
    cluster.sim.run(cluster.sim.now() + 100 * MS, Long.MAX_VALUE);
  }

  @AfterEach
  void discard() throws Throwable {
    tasks.forEach(t -> t.stack().discard());
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  @Test
  void checkingInTeachesEachKernelTheOthersCpusWithoutAsking() {
    assertEquals(List.of(new GlobalCpu(2, 1, ISA), new GlobalCpu(3, 1, ISA)), zero.cpus());
    assertEquals(List.of(new GlobalCpu(0, 0, ISA), new GlobalCpu(1, 0, ISA)), one.cpus());
    String table = procFilesOfZero.get("ssi").get();
    assertTrue(table.contains("0       0-1              128M"), table);
    assertTrue(table.contains("1       2-3              256M"), table);
  }

  @Test
  void aCensusCarriesTheOtherKernelsMemoryTimeAndProcesses() {
    List<List<Census>> got = new ArrayList<>();
    runTask(() -> got.add(zero.census()));
    assertEquals(1, got.getFirst().size());
    Census c = got.getFirst().getFirst();
    assertEquals(1, c.kernel());
    assertEquals(List.of(65537, 65538), c.pids());
    assertEquals(256L << 20, c.memoryBytes());
    assertEquals(
        List.of(new Census.CpuTime(2, 20, 1000), new Census.CpuTime(3, 30, 1000)), c.cpus());
  }

  @Test
  void aProcessFileIsServedByThePidsOrigin() {
    String[] got = new String[3];
    runTask(
        () -> {
          got[0] = zero.processFile(65538, "status");
          got[1] = zero.processFile(65599, "status");
          got[2] = zero.processFile(5 << 16 | 1, "status"); // kernel 5 is not up: not asked
        });
    assertEquals("Name:\tsleep\nOrigin:\t1\n", got[0]);
    assertNull(got[1], "a process its origin does not have");
    assertNull(got[2]);
  }

  @Test
  void aSignalIsSentByTheTargetsOriginWhichAnswersTheResult() {
    long[] got = new long[2];
    SigInfo info = SigInfo.kill(15, 5, 0);
    runTask(
        () -> {
          got[0] = zero.signal(new RemoteSignal(65538, 0, 15, info));
          got[1] = zero.signal(new RemoteSignal(65599, 0, 15, info));
        });
    assertEquals(0, got[0]);
    assertEquals(-Errno.ESRCH, got[1]);
    assertEquals(2, signalsAtOne.size());
    assertEquals(65538, signalsAtOne.getFirst().pid());
    assertEquals(5, signalsAtOne.getFirst().info().senderPid());
  }

  @Test
  void aKernelThatGoesDownDisappears() {
    cluster.get(0).markDown(1);
    assertTrue(zero.cpus().isEmpty(), "its CPUs");
    List<Census> census = new ArrayList<>();
    long[] signal = new long[1];
    runTask(
        () -> {
          census.addAll(zero.census());
          signal[0] = zero.signal(new RemoteSignal(65538, 0, 15, SigInfo.kill(15, 5, 0)));
        });
    assertTrue(census.isEmpty(), "its processes and memory");
    assertEquals(-Errno.ESRCH, signal[0], "its processes");
    assertTrue(signalsAtOne.isEmpty());
  }

  @Test
  void outsideATaskNothingIsAsked() {
    assertTrue(zero.census().isEmpty());
    assertNull(zero.processFile(65538, "status"));
    assertEquals(0, cluster.get(0).pendingRequests());
  }
}
