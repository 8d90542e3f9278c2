package dev.popcornj.kernel.services.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.MessageType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationMessageTest {
  private static <M extends KernelMessage> M roundTrip(MessageType<M> type, M m) {
    byte[] bytes = m.encode();
    assertEquals(m.wireSize(), bytes.length, "wire size of " + type.name());
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    M back = type.decoder().decode(b);
    assertEquals(0, b.remaining(), type.name() + " left bytes unread");
    assertEquals(m.type(), type.number());
    return back;
  }

  private static MigrationMessage.TaskState state() {
    long[] x = new long[32];
    long[] f = new long[32];
    for (int i = 0; i < 32; i++) {
      x[i] = 0x1000L * i + 1;
      f[i] = Double.doubleToRawLongBits(i / 3.0);
    }
    long[] actions = new long[64 * 3];
    Arrays.setAll(actions, i -> i * 17L);
    byte[] info = new byte[MigrationMessage.SIGINFO];
    info[0] = 10;
    return new MigrationMessage.TaskState(
        65537,
        65538,
        "hop\u00e9",
        x,
        f,
        0x1f,
        0x10074,
        1L << 9,
        -1,
        0x7000,
        8192,
        0,
        actions,
        List.of(info),
        123_456,
        0x7ff0,
        0x1234,
        0x5678,
        new long[] {0b1100, 1},
        99,
        77,
        7_000,
        3);
  }

  @Test
  void aTaskStateCrossesWhole() {
    MigrationMessage.TaskState s = state();
    var back = roundTrip(MigrationMessage.MIGRATE_TYPE, new MigrationMessage.Migrate(s)).task();
    assertEquals(s.pid(), back.pid());
    assertEquals(s.tid(), back.tid());
    assertEquals(s.comm(), back.comm());
    assertArrayEquals(s.x(), back.x());
    assertArrayEquals(s.f(), back.f());
    assertArrayEquals(s.actions(), back.actions());
    assertArrayEquals(s.cpus(), back.cpus());
    assertArrayEquals(s.pending().getFirst(), back.pending().getFirst());
    assertEquals(s.restartDeadlinePs(), back.restartDeadlinePs());
    assertEquals(s.clearChildTid(), back.clearChildTid());
    assertEquals(s.departHart(), back.departHart());
    assertEquals(s.cpuPs(), back.cpuPs());
    assertEquals(s.threadCpuPs(), back.threadCpuPs());
    var home = roundTrip(MigrationMessage.GO_HOME_TYPE, new MigrationMessage.GoHome(s, 3));
    assertEquals(3, home.next());
    assertEquals(s.pc(), home.task().pc());
  }

  @Test
  void pagesAndCallsCrossWhole() {
    byte[] page = new byte[MigrationMessage.PAGE];
    page[4095] = 7;
    var push =
        roundTrip(
            MigrationMessage.PAGE_PUSH_TYPE,
            new MigrationMessage.PagePush(5, List.of(0x1000L), List.of(page)));
    assertArrayEquals(page, push.pages().getFirst());
    var reply =
        roundTrip(
            MigrationMessage.RECLAIM_REPLY_TYPE,
            new MigrationMessage.ReclaimReply(
                true, new MigrationMessage.PagePush(5, List.of(), List.of())));
    assertEquals(true, reply.more());
    var call =
        roundTrip(
            MigrationMessage.SYSCALL_TYPE,
            new MigrationMessage.Syscall(
                1, 2, 63, new long[] {1, 2, 3, 4, 5, -6}, 8, new long[] {7, 9}));
    assertEquals(-6, call.args()[5]);
    assertArrayEquals(new long[] {7, 9}, call.regs());
    var pr =
        roundTrip(
            MigrationMessage.PAGE_REPLY_TYPE, new MigrationMessage.PageReply(0, 3, 1, new byte[0]));
    assertEquals(0, pr.contents().length);
    assertEquals(1, pr.flags());
    var reclaim =
        roundTrip(
            MigrationMessage.RECLAIM_TYPE,
            new MigrationMessage.Reclaim(
                4,
                0x1000,
                0x2000,
                MigrationMessage.Reclaim.SHARE | MigrationMessage.Reclaim.AREAS,
                8));
    assertEquals(MigrationMessage.Reclaim.SHARE, reclaim.how());
    assertEquals(true, reclaim.areas());
    var exit =
        roundTrip(
            MigrationMessage.TASK_EXIT_TYPE, new MigrationMessage.TaskExit(9, 3, 77, true, 0x4000));
    assertEquals(true, exit.thread());
    assertEquals(0x4000, exit.clearChildTid());
    var area =
        roundTrip(
            MigrationMessage.AREA_REPLY_TYPE,
            new MigrationMessage.AreaReply(0x1000, 0x3000, 3, 1, "[heap]"));
    assertEquals("[heap]", area.name());
  }

  @Test
  void aCountLargerThanTheMessageIsMalformed() {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(5).putInt(1 << 30).flip();
    assertThrows(
        IllegalArgumentException.class, () -> MigrationMessage.PAGE_PUSH_TYPE.decoder().decode(b));
    ByteBuffer s = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    s.putInt(1).putInt(-1).flip();
    assertThrows(
        IllegalArgumentException.class, () -> MigrationMessage.SIGNALS_TYPE.decoder().decode(s));
  }

  @Test
  void forksElsewhereCrossWhole() {
    var f =
        roundTrip(
            MigrationMessage.FORK_THERE_TYPE,
            new MigrationMessage.ForkThere(1, 65537, 131075, 0x1200011L, 0x7ff0_1234L));
    assertEquals(131075, f.child());
    assertEquals(0x1200011L, f.flags());
    assertEquals(0x7ff0_1234L, f.parentTid());
    var image =
        new MigrationMessage.ForkImage(
            131075,
            1,
            0x20000,
            0x40000,
            0x21000,
            1,
            1,
            "sh\u00e9",
            "/bin/sh",
            List.of("sh", "-c", ""),
            List.of("PATH=/bin"),
            new long[] {0x10000, 0x12000, 5, 0, 0x7000_0000, 0x7000_1000, 3, 4},
            List.of("", "[stack]"));
    var back = roundTrip(MigrationMessage.FORK_IMAGE_TYPE, image);
    assertEquals(image.ppid(), back.ppid());
    assertEquals(image.brk(), back.brk());
    assertEquals(image.comm(), back.comm());
    assertEquals(image.argv(), back.argv());
    assertEquals(image.env(), back.env());
    assertArrayEquals(image.areas(), back.areas());
    assertEquals(image.names(), back.names());
    byte[] page = new byte[MigrationMessage.PAGE];
    page[4095] = 7;
    var pages =
        roundTrip(
            MigrationMessage.FORK_PAGES_TYPE,
            new MigrationMessage.ForkPages(
                131075, List.of(0x10000L), List.of(page), List.of(0x20000L, 0x3ffffff000L)));
    assertEquals(0x10000L, pages.addresses().getFirst());
    assertArrayEquals(page, pages.pages().getFirst());
    assertEquals(List.of(0x20000L, 0x3ffffff000L), pages.local());
    assertThrows(
        IllegalArgumentException.class,
        () -> {
          // Four words per area, one name each: a name short is malformed.
          var bad =
              new MigrationMessage.ForkImage(
                  1, 1, 0, 0, 0, 1, 1, "", "", List.of(), List.of(), new long[4], List.of());
          ByteBuffer b = ByteBuffer.wrap(bad.encode()).order(ByteOrder.LITTLE_ENDIAN);
          MigrationMessage.FORK_IMAGE_TYPE.decoder().decode(b);
        });
  }

  @Test
  void callsOnFilesElsewhereCrossWhole() {
    long[] args = {3, 0x7000, 4096, 0, 0, 0};
    var c =
        roundTrip(
            MigrationMessage.FILE_CALL_TYPE,
            new MigrationMessage.FileCall(131075, 131076, 63, args, 1L << 9));
    assertArrayEquals(args, c.args());
    assertEquals(63, c.nr());
    assertEquals(1L << 9, c.blocked());
    var i =
        roundTrip(MigrationMessage.FILE_INTERRUPT_TYPE, new MigrationMessage.FileInterrupt(5, 6));
    assertEquals(6, i.tid());
    var r =
        roundTrip(
            MigrationMessage.PROGRAM_REQUEST_TYPE,
            new MigrationMessage.ProgramRequest(5, 6, "../bin/t\u00e9", 1 << 19));
    assertEquals("../bin/t\u00e9", r.path());
    assertEquals(1 << 19, r.offset());
    var p =
        roundTrip(
            MigrationMessage.PROGRAM_REPLY_TYPE,
            new MigrationMessage.ProgramReply(0, "/bin/t", 3, new byte[] {1, 2, 3}));
    assertArrayEquals(new byte[] {1, 2, 3}, p.bytes());
    assertEquals(3, p.size());
    var e =
        roundTrip(
            MigrationMessage.FORKED_EXIT_TYPE, new MigrationMessage.ForkedExit(5, 0x0f00, 99));
    assertEquals(0x0f00, e.waitStatus());
    assertEquals(99, e.cpuPs());
  }
}
