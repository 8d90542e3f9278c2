package dev.popcornj.kernel.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageHandler;
import dev.popcornj.kernel.msg.MessageType;
import dev.popcornj.kernel.syscall.SyscallHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Counters a service registers through its {@link ServiceContext}, one registry per kernel, and
 * their sum over kernels: what {@code popcorn run --stats} reports as migrations, remote_syscalls
 * and page_transfers.
 */
class ServiceCountersTest {
  /** A service that counts the migrations and remote calls it was told of, as migration will. */
  private static final class FakeMigration implements PopcornService {
    long migrations;
    long remoteSyscalls;

    @Override
    public String name() {
      return "fake-migration";
    }

    @Override
    public void start(ServiceContext context) {
      context.counter("migrations", () -> migrations);
      context.counter("remote_syscalls", () -> remoteSyscalls);
    }
  }

  /** The one thing these services use of their kernel: its counter registry. */
  private record CountingContext(int kernelId, String owner, ServiceCounters counters)
      implements ServiceContext {
    @Override
    public void counter(String name, LongSupplier value) {
      counters.register(owner, name, value);
    }

    @Override
    public KernelLog log() {
      throw new UnsupportedOperationException();
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
      return Optional.empty();
    }

    @Override
    public <M extends KernelMessage> void message(MessageType<M> type, MessageHandler handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void syscall(int nr, String name, SyscallHandler handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void procFile(String name, Supplier<String> text) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void device(String name, CharDevice device) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void otherKernels(dev.popcornj.kernel.proc.OtherKernels view) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void affinityMigration(dev.popcornj.kernel.proc.AffinityMigration migration) {
      throw new UnsupportedOperationException();
    }
  }

  private static ServiceCounters kernelWith(int id, PopcornService... services) {
    ServiceCounters counters = new ServiceCounters();
    for (PopcornService s : services) {
      s.start(new CountingContext(id, s.name(), counters));
    }
    return counters;
  }

  @Test
  void eachNameIsSummedOverTheKernelsAsTheyAreWhenRead() {
    FakeMigration on0 = new FakeMigration();
    FakeMigration on1 = new FakeMigration();
    FakeMigration on2 = new FakeMigration();
    List<ServiceCounters> kernels =
        List.of(kernelWith(0, on0), kernelWith(1, on1), kernelWith(2, on2), kernelWith(3));
    on0.migrations = 3;
    on1.migrations = 4;
    on2.remoteSyscalls = 7;
    on0.remoteSyscalls = 1;

    Map<String, Long> total = ServiceCounters.sum(kernels);
    assertEquals(Map.of("migrations", 7L, "remote_syscalls", 8L), total);
    // Read when asked, not when registered.
    on1.migrations = 10;
    assertEquals(13L, ServiceCounters.sum(kernels).get("migrations"));
    // A name no service registered is absent; the run reports it as 0.
    assertTrue(!total.containsKey("page_transfers"));
    assertEquals(Map.of("migrations", 3L, "remote_syscalls", 1L), kernels.get(0).read());
    assertEquals(Map.of(), kernels.get(3).read());
  }

  @Test
  void aNameTakenOnTheSameKernelIsRefusedWithItsOwner() {
    ServiceCounters counters = kernelWith(0, new FakeMigration());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> counters.register("dsm", "migrations", () -> 1));
    assertEquals("counter migrations is taken by service fake-migration", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> counters.register("dsm", "Page-Transfers", () -> 1));
  }
}
