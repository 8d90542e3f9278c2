package dev.popcornj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostViewTest {
  private static final List<String> HOST = List.of("B=2", "A=1", "PATH=/bin", "C=3");

  @Test
  void environmentKeepsTheHostsOrderAndAppliesEnvAndUnsetEnv() {
    assertEquals(HOST, HostView.environment(HOST, List.of(), List.of()));
    assertEquals(
        List.of("B=2", "A=changed", "C=3", "FOO=bar"),
        HostView.environment(HOST, List.of("A=changed", "FOO=bar"), List.of("PATH")));
    assertEquals(
        List.of("B=2", "A=1", "C=3"), HostView.environment(HOST, List.of(), List.of("PATH")));
    assertThrows(UserError.class, () -> HostView.environment(HOST, List.of("NOEQUALS"), List.of()));
    assertThrows(UserError.class, () -> HostView.environment(HOST, List.of("=x"), List.of()));
  }

  @Test
  void hostPathsBecomePathsInTheGuestsTree() {
    assertEquals("/usr/bin/x", HostView.inside(Path.of("/"), Path.of("/usr/bin/x")));
    assertEquals("/bin/x", HostView.inside(Path.of("/srv/root"), Path.of("/srv/root/bin/x")));
    assertEquals("/", HostView.inside(Path.of("/srv/root"), Path.of("/srv/root")));
    assertNull(HostView.inside(Path.of("/srv/root"), Path.of("/etc/passwd")));
  }

  @Test
  void thePrefixComesFromMinusLThenQemuLdPrefixThenTheCrossLibc() {
    List<Path> none = List.of(Path.of("/nonexistent-cross-libc"));
    List<String> env = List.of("A=1", "QEMU_LD_PREFIX=/opt/rv", "B=2");
    assertEquals(
        new HostView.Prefix(List.of(Path.of("/x")), "-L /x"),
        HostView.prefix(Path.of("/x"), env, none));
    assertEquals(
        new HostView.Prefix(List.of(Path.of("/opt/rv")), "QEMU_LD_PREFIX=/opt/rv"),
        HostView.prefix(null, env, none));
    assertNull(HostView.prefix(null, HOST, none));
    assertNull(HostView.prefix(null, List.of("QEMU_LD_PREFIX="), none));
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    assertEquals(
        new HostView.Prefix(List.of(tmp), null),
        HostView.prefix(null, HOST, List.of(Path.of("/nonexistent-root"), tmp)));
  }

  @Test
  void aGivenPrefixMustBeADirectoryInsideTheRootAndTheDefaultOneIsDroppedOtherwise() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Path program = Path.of("/usr/bin/env");
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                HostView.of(
                    null,
                    new HostView.Prefix(
                        List.of(Path.of("/nonexistent")), "QEMU_LD_PREFIX=/nonexistent"),
                    program));
    assertEquals("QEMU_LD_PREFIX=/nonexistent: not a directory", e.getMessage());
    assertThrows(
        UserError.class,
        () ->
            HostView.of(Path.of("/usr"), new HostView.Prefix(List.of(tmp), "-L " + tmp), program));
    assertNull(
        HostView.of(Path.of("/usr"), new HostView.Prefix(List.of(tmp), null), program)
            .files()
            .prefix());
    assertEquals(
        tmp.toString(),
        HostView.of(null, new HostView.Prefix(List.of(tmp), null), program).files().prefix());
  }

  @Test
  void theDefaultPrefixesAreTriedInOrderAndJoinedForTheKernel() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Path usr = Path.of("/usr");
    assertEquals(
        tmp + ":" + usr,
        HostView.of(null, new HostView.Prefix(List.of(tmp, usr), null), Path.of("/usr/bin/env"))
            .files()
            .prefix());
  }

  @Test
  void theProgramMustLieInsideTheRoot() {
    assertThrows(
        UserError.class, () -> HostView.of(Path.of("/usr"), null, Path.of("/etc/hostname")));
  }

  @Test
  void theLaunchersOwnVariablesAreLeftOutOfTheProgramsEnvironment() {
    String name = System.getenv().containsKey("HOME") ? "HOME" : "PATH";
    assertTrue(HostView.hostEnvironment().stream().anyMatch(kv -> kv.startsWith(name + "=")));
    System.setProperty("popcornj.launcherEnv", "POPCORNJ_NOT_SET," + name);
    try {
      assertTrue(HostView.hostEnvironment().stream().noneMatch(kv -> kv.startsWith(name + "=")));
    } finally {
      System.clearProperty("popcornj.launcherEnv");
    }
  }
}
