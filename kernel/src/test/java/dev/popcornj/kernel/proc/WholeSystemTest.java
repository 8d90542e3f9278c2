package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A kernel's view of the whole system: alone it is the system; the hooks are set once. */
class WholeSystemTest {
  private final List<GlobalCpu> mine =
      List.of(new GlobalCpu(4, 2, "rv64"), new GlobalCpu(5, 2, "rv64"));

  @Test
  void aloneTheSystemIsThisKernelAndOtherMasksAreRefused() {
    WholeSystem s = new WholeSystem(2, mine, List.of(0, 1, 2, 3, 4, 5, 6, 7));
    assertEquals(mine, s.onlineCpus());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), s.possibleCpus());
    assertTrue(s.others().census().isEmpty());
    assertEquals(
        -dev.popcornj.kernel.abi.Errno.ESRCH,
        s.others()
            .signal(
                new RemoteSignal(
                    1, 0, 15, dev.popcornj.kernel.signal.SigInfo.kill(15, 131073, 0))));
    assertEquals(
        -dev.popcornj.kernel.abi.Errno.EINVAL, s.affinityMigration().moveForAffinity(null, 0, 0));
  }

  @Test
  void theOtherKernelsCpusJoinInGlobalOrder() {
    WholeSystem s = new WholeSystem(2, mine, List.of());
    OtherKernels others = OtherKernels.none();
    s.setOthers(
        "ssi",
        new OtherKernels() {
          @Override
          public List<GlobalCpu> cpus() {
            return List.of(new GlobalCpu(7, 3, "rv64"), new GlobalCpu(0, 0, "rv64"));
          }

          @Override
          public List<Census> census() {
            return others.census();
          }

          @Override
          public String processFile(int pid, String name) {
            return null;
          }

          @Override
          public long signal(RemoteSignal signal) {
            return 0;
          }
        });
    List<Integer> ids = s.onlineCpus().stream().map(GlobalCpu::id).toList();
    assertEquals(List.of(0, 4, 5, 7), ids);
    assertEquals(List.of(0, 4, 5, 7), s.possibleCpus(), "an unknown machine: what is online");
  }

  @Test
  void eachHookIsInstalledOnceAndTheErrorNamesItsOwner() {
    WholeSystem s = new WholeSystem(0, mine, List.of());
    s.setOthers("ssi", OtherKernels.none());
    var e =
        assertThrows(IllegalArgumentException.class, () -> s.setOthers("x", OtherKernels.none()));
    assertTrue(e.getMessage().contains("ssi"), e.getMessage());
    s.setAffinityMigration("migration", (t, k, c) -> 0);
    assertThrows(IllegalArgumentException.class, () -> s.setAffinityMigration("y", (t, k, c) -> 0));
  }
}
