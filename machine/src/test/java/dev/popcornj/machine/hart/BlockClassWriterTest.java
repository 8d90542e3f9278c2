package dev.popcornj.machine.hart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block class writer's output loads and runs, and code it cannot describe is refused. */
class BlockClassWriterTest {
  private static final String HART = "dev/popcornj/machine/hart/Hart";
  private static final String BLOCK = "dev/popcornj/machine/hart/CompiledBlock";
  private static final String NAME = "dev/popcornj/machine/hart/Block";
  private static final String RUN = "(L" + HART + ";[JJI)J";

  private static CompiledBlock define(BlockClassWriter c, int length, List<Object> data)
      throws Throwable {
    MethodHandles.Lookup lookup =
        MethodHandles.lookup().defineHiddenClassWithClassData(c.toBytes(length, RUN), data, true);
    return (CompiledBlock)
        lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
  }

  /**
   * A loop written with the writer: x[1] = sum of x[2] down to 1 through the class data's array,
   * with constants of every size, a backward branch and a forward one.
   */
  @Test
  void aWrittenLoopRuns() throws Throwable {
    BlockClassWriter c = new BlockClassWriter(NAME, BLOCK, HART);
    c.iconst(0).istore(6);
    BlockClassWriter.Label top = c.newLabel();
    BlockClassWriter.Label done = c.newLabel();
    c.bind(top);
    c.data(0, "[J").iconst(2).laload().lconst(0).lcmp().ifeq(done);
    c.data(0, "[J").iconst(1).data(0, "[J").iconst(1).laload();
    c.data(0, "[J").iconst(2).laload().ladd().lastore();
    c.data(0, "[J").iconst(2).data(0, "[J").iconst(2).laload().lconst(1).lsub().lastore();
    c.iinc(6, 1000);
    c.goto_(top);
    c.bind(done);
    c.lload(3).lconst(0x123456789L).ladd().iconst(70000).i2l().ladd().iconst(-1).i2l().ladd();
    c.lreturn();
    long[] x = new long[33];
    x[2] = 100;
    CompiledBlock b = define(c, 7, List.of(x));
    assertEquals(7, b.length);
    assertEquals(0x1000L + 0x123456789L + 70000 - 1, b.run(null, x, 0x1000, 100));
    assertEquals(5050, x[1]);
    assertEquals(0, x[2]);
  }

  @Test
  void codeAfterAJumpWithoutALabelIsRefused() {
    BlockClassWriter c = new BlockClassWriter(NAME, BLOCK, HART);
    BlockClassWriter.Label l = c.newLabel();
    c.bind(l).goto_(l);
    assertThrows(IllegalStateException.class, () -> c.lconst(0));
  }

  @Test
  void aBranchToAnUnboundLabelIsRefused() {
    BlockClassWriter c = new BlockClassWriter(NAME, BLOCK, HART);
    c.goto_(c.newLabel());
    assertThrows(IllegalStateException.class, () -> c.toBytes(1, RUN));
  }

  @Test
  void codeThatFallsOffItsEndIsRefused() {
    BlockClassWriter c = new BlockClassWriter(NAME, BLOCK, HART);
    c.lconst(0).lstore(7);
    assertThrows(IllegalStateException.class, () -> c.toBytes(1, RUN));
  }
}
