package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The virtual network between kernels on {@code popcorn boot --kernels 4}: busybox nc on kernel 2
 * (typed through /dev/vtty2) receives a 64 KiB file that nc on the primary sends to 10.1.2.3 over
 * TCP, and sends its checksum and {@code uname -n} back to the primary the same way. Invariants:
 *
 * <ul>
 *   <li>INTACT: the checksum kernel 2 computed is the sender's, with no loss and with a seeded
 *       tenth of vnet packets dropped ({@code --vnet-drop 100}), where TCP retransmits.
 *   <li>NAMES: a secondary's {@code uname -n} is kernel2; /etc/hosts names every kernel; {@code ip
 *       addr} and {@code ip route} show vnet0's address and route (over rtnetlink).
 *   <li>PING: busybox ping (a raw ICMP socket) gets kernel 2's echo replies.
 *   <li>GONE: a connection to a kernel that panics is reset as soon as the others see it down.
 *   <li>UNREACHABLE: a connect to a kernel that is down, or to an address of the network that names
 *       no kernel, fails at once with EHOSTUNREACH (No route to host), as Linux's does once its
 *       neighbour resolution gives up, rather than after SYN retransmissions.
 *   <li>COUNTED: /proc/net/dev and ifconfig show vnet0 with its packets; the drops show as tx drops
 *       of the kernels when a fraction is dropped; /proc/net/snmp counts the host unreachables.
 * </ul>
 */
class VirtualNetworkTest {

  @BeforeAll
  static void buildGuest() throws Exception {
    Guest.build();
  }

  private static final String SESSION =
      String.join(
          "\n",
          // Each listener's input is a pipe that stays open: nc ends when the sender closes.
          "sleep 1000 | nc -l -p 5001 > /tmp/sum &",
          "sleep 1000 | nc -l -p 5002 > /tmp/name &",
          "echo 'nc -l -p 5000 > /tmp/f; md5sum < /tmp/f | nc 10.1.2.1 5001;"
              + " uname -n | nc 10.1.2.1 5002' > /dev/vtty2",
          "sleep 1",
          "dd if=/dev/urandom of=/tmp/src bs=1024 count=64 2>/dev/null",
          "echo src=$(md5sum < /tmp/src)",
          "for i in 1 2 3 4 5; do nc 10.1.2.3 5000 < /tmp/src && break; sleep 1; done",
          "echo nc-status=$?",
          "for i in $(seq 60); do [ -s /tmp/name ] && break; sleep 1; done",
          "echo got=$(cat /tmp/sum)",
          "echo name=$(cat /tmp/name)",
          "echo here=$(uname -n) $(cat /proc/sys/kernel/hostname)",
          "echo hosts=$(grep -c kernel /etc/hosts) $(grep kernel3 /etc/hosts)",
          "echo drops=$(awk '/vnet0/ {print $13}' /proc/net/dev)",
          "ifconfig vnet0",
          "cat /proc/net/dev",
          "ip addr show dev vnet0",
          "ip route",
          "ping -c 2 kernel2",
          "");

  private static final String CRASH =
      String.join(
          "\n",
          "echo 'sleep 1000 | nc -l -p 5000 > /dev/null &' > /dev/vtty3",
          "sleep 1",
          "sleep 1000 | nc 10.1.2.4 5000 > /dev/null &",
          "sleep 1",
          "echo before=$(netstat -tn | grep -c '10.1.2.4:5000 *ESTABLISHED')",
          "echo 'echo c > /proc/sysrq-trigger' > /dev/vtty3",
          "sleep 2",
          "echo after=$(netstat -tn | grep -c '10.1.2.4:5000')",
          "echo state=$(awk '$1 == 3 {print $2}' /proc/popcorn/kernels)",
          "t0=$(date +%s); nc 10.1.2.4 5000 < /dev/null; echo down=$? $(( $(date +%s) - t0 ))",
          "nc 10.1.2.9 5000 < /dev/null; echo beyond=$?",
          "echo snmp=$(awk '/^IcmpMsg:/ {l = $0} END {print l}' /proc/net/snmp)",
          "");

  private static String boot(String session, String... extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BootCommand boot =
        new BootCommand(
            new ByteArrayInputStream(session.getBytes(StandardCharsets.UTF_8)), out, err, false);
    List<String> args = Guest.bootArgs("--kernels", "4");
    args.addAll(List.of(extra));
    int status = Main.execute(boot, args.toArray(String[]::new));
    String console = out.toString(StandardCharsets.UTF_8);
    String why = "\nconsole:\n" + console + "\nstderr:\n" + err;
    assertEquals(0, status, "the machine powers off normally" + why);
    return console;
  }

  private static void checkTransfer(String console) {
    String why = "\nconsole:\n" + console;
    String src = value(console, "src");
    assertTrue(src.matches("[0-9a-f]{32} -"), "the sender's checksum" + why);
    assertEquals("0", value(console, "nc-status"), "the sender's nc" + why);
    assertEquals(src, value(console, "got"), "INTACT: kernel 2 got the file" + why);
    assertEquals("kernel2", value(console, "name"), "NAMES: uname -n on kernel 2" + why);
    assertEquals("kernel0 kernel0", value(console, "here"), "NAMES: the primary" + why);
    assertEquals("4 10.1.2.4 kernel3", value(console, "hosts"), "NAMES: /etc/hosts" + why);
    assertTrue(console.contains("vnet0     Link encap:Ethernet"), "COUNTED: ifconfig" + why);
    assertTrue(console.contains("inet addr:10.1.2.1"), "COUNTED: ifconfig's address" + why);
    Matcher rx = Pattern.compile("(?m)^ *vnet0: *([0-9]+) +([0-9]+)").matcher(console);
    assertTrue(rx.find(), "COUNTED: /proc/net/dev has vnet0" + why);
    assertTrue(Long.parseLong(rx.group(2)) > 2, "COUNTED: received packets" + why);
    assertTrue(
        console.contains("inet 10.1.2.1/24 brd 10.1.2.255 scope global vnet0"),
        "NAMES: ip addr (rtnetlink)" + why);
    assertTrue(
        console.contains("10.1.2.0/24 dev vnet0 scope link  src 10.1.2.1"),
        "NAMES: ip route (rtnetlink)" + why);
  }

  @Test
  void aFileCrossesBetweenKernelsIntact() {
    String console = boot(SESSION);
    checkTransfer(console);
    assertEquals("0", value(console, "drops"), "no drops without fault injection");
    assertTrue(
        console.contains("PING kernel2 (10.1.2.3): 56 data bytes\n64 bytes from 10.1.2.3: seq=0"),
        "PING: kernel 2 answers echo requests\n" + console);
    assertTrue(
        console.contains("2 packets transmitted, 2 packets received, 0% packet loss"),
        "PING: both came back\n" + console);
  }

  @Test
  void aFileCrossesIntactWhenATenthOfPacketsIsDropped() {
    String console = boot(SESSION, "--vnet-drop", "100", "--seed", "7");
    checkTransfer(console);
    assertNotEquals("0", value(console, "drops"), "COUNTED: the primary dropped some\n" + console);
  }

  @Test
  void aConnectionToAKernelThatPanicsIsResetAtOnce() {
    String console = boot(CRASH);
    assertEquals("1", value(console, "before"), "connected to kernel 3\n" + console);
    assertEquals("down", value(console, "state"), "kernel 3 panicked\n" + console);
    assertEquals("0", value(console, "after"), "GONE: no connection is left\n" + console);
    assertEquals("1 0", value(console, "down"), "UNREACHABLE: nc fails at once\n" + console);
    assertEquals("1", value(console, "beyond"), "UNREACHABLE: no such kernel\n" + console);
    assertTrue(
        console.contains("can't connect to remote host (10.1.2.4): No route to host"),
        "UNREACHABLE: EHOSTUNREACH\n" + console);
    assertTrue(
        value(console, "snmp").matches("IcmpMsg: [1-9][0-9]* [1-9][0-9]*"),
        "COUNTED: /proc/net/snmp counts the host unreachables\n" + console);
  }

  /** The rest of the output line that starts with NAME= (not the typed command's echo). */
  private static String value(String console, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(.*)$").matcher(console);
    return m.find() ? m.group(1).strip() : "(no " + name + "= line)";
  }
}
