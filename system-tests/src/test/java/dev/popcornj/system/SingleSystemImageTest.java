package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The single system image on {@code popcorn boot --kernels 4} (the default machine: 8 harts, two a
 * kernel): one shell session on the primary, typed line by line, looks at a process started on
 * kernel 2 and at the CPUs of all, then crashes kernel 3. Invariants, each checked on the console:
 *
 * <ul>
 *   <li>ONE_PID_SPACE: each kernel hands out pids of its own range (kernel 1's init is 65537,
 *       kernel 2's processes are 131073 on), and ps on the primary lists the processes of all.
 *   <li>REMOTE_PROC: /proc/PID of kernel 2's process, read on the primary, is served by kernel 2:
 *       its status says Kernel 2 and Origin 2, its cmdline is its own.
 *   <li>REMOTE_SIGNALS: kill from the primary ends kernel 2's process (and ESRCH once it is
 *       reaped); kill typed on kernel 1 ends a job of the primary's shell, whose wait gives 143.
 *   <li>ONE_CPU_VIEW: nproc, getconf (sysconf) and /sys count 8 CPUs, /proc/cpuinfo lists 8 with
 *       their kernels, /proc/stat has a line for each, /proc/meminfo sums the memory of all.
 *   <li>DOWN_DISAPPEARS: once kernel 3 panics, its CPUs and processes are gone from all of that.
 * </ul>
 */
class SingleSystemImageTest {
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  private static final String SESSION =
      String.join(
          "\n",
          "echo 'sleep 1000 &' > /dev/vtty2",
          "sleep 1",
          "ps",
          "P=$(pidof sleep); echo sleeper=$P",
          "cat /proc/$P/status",
          "echo cmdline=$(tr '\\0' ' ' < /proc/$P/cmdline)",
          "kill $P; echo kill-status=$?",
          "sleep 1",
          "echo state=$(cut -d' ' -f3 /proc/$P/stat)",
          "echo '' > /dev/vtty2",
          "sleep 1",
          "kill -0 $P; echo reaped-status=$?",
          "sleep 1000 & J=$!; echo \"kill $J\" > /dev/vtty1; sleep 1; wait $J; echo wait-status=$?",
          "echo nproc=$(nproc) all=$(nproc --all)",
          "echo getconf=$(getconf _NPROCESSORS_ONLN _NPROCESSORS_CONF)",
          "echo online=$(cat /sys/devices/system/cpu/online)",
          "echo cpuinfo=$(grep -c ^processor /proc/cpuinfo)",
          "echo owners=$(grep ^kernel /proc/cpuinfo | tr -d '\\t ' | tr '\\n' ' ')",
          "echo statcpus=$(grep -c '^cpu[0-9]' /proc/stat)",
          "grep MemTotal /proc/meminfo",
          "echo 'echo c > /proc/sysrq-trigger' > /dev/vtty3",
          "sleep 1",
          "echo down-nproc=$(nproc) down-getconf=$(getconf _NPROCESSORS_ONLN)",
          "echo down-online=$(cat /sys/devices/system/cpu/online)",
          "echo down-cpuinfo=$(grep -c ^processor /proc/cpuinfo)",
          "echo down-pids=$(ls /proc | grep -c '^1966') down-ps=$(ps | grep -c '^ *1966')",
          "");

  @Test
  void fourKernelsShowOneSystem() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BootCommand boot =
        new BootCommand(
            new ByteArrayInputStream(SESSION.getBytes(StandardCharsets.UTF_8)), out, err, false);
    int status = Main.execute(boot, Guest.bootArgs("--kernels", "4").toArray(String[]::new));
    String console = out.toString(StandardCharsets.UTF_8);
    String why = "\nconsole:\n" + console + "\nstderr:\n" + err;
    assertEquals(0, status, "the machine powers off normally" + why);

    String sleeper = value(console, "sleeper");
    assertTrue(sleeper.matches("13[0-9]{4}"), "ONE_PID_SPACE: kernel 2's pid " + sleeper + why);
    int pid = Integer.parseInt(sleeper);
    assertTrue(pid > 131072 && pid < 196608, "ONE_PID_SPACE: in kernel 2's range" + why);
    assertTrue(console.contains("65537 root     /init"), "ONE_PID_SPACE: kernel 1's init" + why);
    assertTrue(
        console.matches("(?s).*\\n\\s*" + pid + " root     sleep 1000\\n.*"),
        "ONE_PID_SPACE: ps on the primary lists kernel 2's sleep" + why);

    assertTrue(console.contains("Pid:\t" + pid + "\n"), "REMOTE_PROC: status" + why);
    assertTrue(
        console.contains("Kernel:\t2\nOrigin:\t2\n"), "REMOTE_PROC: Kernel and Origin" + why);
    assertEquals("sleep 1000", value(console, "cmdline"), "REMOTE_PROC: cmdline" + why);

    assertEquals("0", value(console, "kill-status"), "REMOTE_SIGNALS: kill" + why);
    assertEquals("Z", value(console, "state"), "REMOTE_SIGNALS: it died, unreaped" + why);
    assertEquals("1", value(console, "reaped-status"), "REMOTE_SIGNALS: ESRCH when reaped" + why);
    assertEquals("143", value(console, "wait-status"), "REMOTE_SIGNALS: kernel 1's kill" + why);

    assertEquals("8 all=8", value(console, "nproc"), "ONE_CPU_VIEW: nproc" + why);
    assertEquals("8 8", value(console, "getconf"), "ONE_CPU_VIEW: sysconf" + why);
    assertEquals("0-7", value(console, "online"), "ONE_CPU_VIEW: /sys" + why);
    assertEquals("8", value(console, "cpuinfo"), "ONE_CPU_VIEW: /proc/cpuinfo" + why);
    assertEquals(
        "kernel:0 kernel:0 kernel:1 kernel:1 kernel:2 kernel:2 kernel:3 kernel:3",
        value(console, "owners"),
        "ONE_CPU_VIEW: each CPU's kernel" + why);
    assertEquals("8", value(console, "statcpus"), "ONE_CPU_VIEW: /proc/stat" + why);
    Matcher mem = Pattern.compile("MemTotal: +([0-9]+) kB").matcher(console);
    assertTrue(mem.find(), why);
    // Each of the four partitions has a quarter of the machine's 1 GiB, less the window.
    assertTrue(
        Long.parseLong(mem.group(1)) > 4 * 250 * 1024,
        "ONE_CPU_VIEW: MemTotal sums the kernels: " + mem.group(1) + why);

    assertEquals("6 down-getconf=6", value(console, "down-nproc"), "DOWN_DISAPPEARS" + why);
    assertEquals("0-5", value(console, "down-online"), "DOWN_DISAPPEARS: /sys" + why);
    assertEquals("6", value(console, "down-cpuinfo"), "DOWN_DISAPPEARS: cpuinfo" + why);
    assertEquals(
        "0 down-ps=0", value(console, "down-pids"), "DOWN_DISAPPEARS: its processes" + why);
  }

  /** The rest of the output line that starts with NAME= (not the typed command's echo). */
  private static String value(String console, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(.*)$").matcher(console);
    return m.find() ? m.group(1).strip() : "(no " + name + "= line)";
  }
}
