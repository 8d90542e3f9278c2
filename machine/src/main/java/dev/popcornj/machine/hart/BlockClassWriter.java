package dev.popcornj.machine.hart;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Writes the class file of one compiled block: a final subclass of {@link CompiledBlock} with a
 * constructor and the run method whose code {@link BlockCompiler} emits through the methods here,
 * which are named after the JVM instructions they write.
 *
 * <p>PopcornJ writes these bytes itself rather than through the JDK's class-file API: a run of a
 * few seconds builds hundreds of blocks, and that API's generality (its constant pool builder and
 * stack map generator) cost the JIT about 0.45 s of compile time in guest/bench/churn, on the same
 * thread that compiles the blocks themselves. A block's code is simple enough to describe exactly:
 * every branch target (a {@link Label}) is reached with an empty operand stack and the same locals,
 * so one stack map frame type serves them all, and the writer refuses code that breaks that rule
 * (dead code after a jump, a branch too far, an unbound label) with an IllegalStateException, which
 * makes the compiler leave that code to the interpreter.
 *
 * <p>Locals the frames declare: the block, the hart, the register array, the pc (a long), the
 * budget and the count of instructions run in earlier passes (ints). Locals past those are scratch
 * values that must not live across a label.
 */
final class BlockClassWriter {
  /** A position in the code that branches may name before it is bound. */
  static final class Label {
    private int position = -1;
  }

  private static final int MAJOR_VERSION = 69; // Java 25
  private static final int MAX_STACK = 32;
  private static final int MAX_LOCALS = 16;
  private static final int MAX_CODE = 32767;

  private final ByteArrayOutputStream pool = new ByteArrayOutputStream();
  private int poolCount = 1;
  private final HashMap<String, Integer> entries = new HashMap<>();
  private final List<int[]> bootstraps = new ArrayList<>();

  private final String name;
  private final String hart;
  private final String superName;

  private byte[] code = new byte[1024];
  private int length;
  private boolean reachable = true;
  private final List<Integer> frames = new ArrayList<>();
  private final List<int[]> fixups = new ArrayList<>();
  private final List<Label> targets = new ArrayList<>();

  /**
   * A writer for the class internalName (slash-separated) extending superName, whose run method's
   * frames name the hart class hart.
   */
  BlockClassWriter(String internalName, String superName, String hart) {
    this.name = internalName;
    this.superName = superName;
    this.hart = hart;
  }

  // ---- constant pool

  private int entry(String key, int slots, java.util.function.Consumer<Out> write) {
    Integer known = entries.get(key);
    if (known != null) {
      return known;
    }
    Out o = new Out(pool);
    write.accept(o);
    int index = poolCount;
    poolCount += slots;
    if (poolCount > 0xffff) {
      throw new IllegalStateException("constant pool overflow");
    }
    entries.put(key, index);
    return index;
  }

  private int utf8(String s) {
    return entry(
        "U" + s,
        1,
        o -> {
          o.u1(1);
          byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          o.u2(b.length);
          o.bytes(b);
        });
  }

  private int classRef(String internalName) {
    int n = utf8(internalName);
    return entry(
        "C" + internalName,
        1,
        o -> {
          o.u1(7);
          o.u2(n);
        });
  }

  private int nameAndType(String member, String descriptor) {
    int n = utf8(member);
    int d = utf8(descriptor);
    return entry(
        "N" + member + " " + descriptor,
        1,
        o -> {
          o.u1(12);
          o.u2(n);
          o.u2(d);
        });
  }

  private int memberRef(int tag, String owner, String member, String descriptor) {
    int c = classRef(owner);
    int nt = nameAndType(member, descriptor);
    return entry(
        "M" + tag + owner + "." + member + descriptor,
        1,
        o -> {
          o.u1(tag);
          o.u2(c);
          o.u2(nt);
        });
  }

  private int intEntry(int v) {
    return entry(
        "I" + v,
        1,
        o -> {
          o.u1(3);
          o.u4(v);
        });
  }

  private int longEntry(long v) {
    return entry(
        "J" + v,
        2,
        o -> {
          o.u1(5);
          o.u4((int) (v >>> 32));
          o.u4((int) v);
        });
  }

  /**
   * A dynamic constant of the given descriptor: element index of the class data, a List, through
   * the bootstrap method MethodHandles.classDataAt.
   */
  private int classData(int index, String descriptor) {
    int handle = bootstrapHandle();
    int arg = intEntry(index);
    int bsm = bootstrapIndex(handle, arg);
    int nt = nameAndType("_", descriptor);
    return entry(
        "D" + index + descriptor,
        1,
        o -> {
          o.u1(17);
          o.u2(bsm);
          o.u2(nt);
        });
  }

  private int bootstrapHandle() {
    int ref =
        memberRef(
            10,
            "java/lang/invoke/MethodHandles",
            "classDataAt",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)"
                + "Ljava/lang/Object;");
    return entry(
        "H" + ref,
        1,
        o -> {
          o.u1(15);
          o.u1(6); // REF_invokeStatic
          o.u2(ref);
        });
  }

  private int bootstrapIndex(int handle, int arg) {
    for (int i = 0; i < bootstraps.size(); i++) {
      if (bootstraps.get(i)[0] == handle && bootstraps.get(i)[1] == arg) {
        return i;
      }
    }
    bootstraps.add(new int[] {handle, arg});
    return bootstraps.size() - 1;
  }

  // ---- code

  private void u1(int b) {
    if (!reachable) {
      throw new IllegalStateException("code after a jump at " + length + " has no label");
    }
    if (length == code.length) {
      code = java.util.Arrays.copyOf(code, length * 2);
    }
    code[length++] = (byte) b;
  }

  private void u2(int v) {
    u1(v >>> 8);
    u1(v);
  }

  private void local(int opcode, int index) {
    if (index > 255) {
      throw new IllegalStateException("local " + index);
    }
    u1(opcode);
    u1(index);
  }

  Label newLabel() {
    return new Label();
  }

  /** Binds label here; the code goes on reachable from it. */
  BlockClassWriter bind(Label label) {
    if (label.position >= 0) {
      throw new IllegalStateException("label bound twice");
    }
    label.position = length;
    if (frames.isEmpty() || frames.get(frames.size() - 1) != length) {
      frames.add(length);
    }
    reachable = true;
    return this;
  }

  BlockClassWriter aload(int i) {
    local(0x19, i);
    return this;
  }

  BlockClassWriter iload(int i) {
    local(0x15, i);
    return this;
  }

  BlockClassWriter lload(int i) {
    local(0x16, i);
    return this;
  }

  BlockClassWriter istore(int i) {
    local(0x36, i);
    return this;
  }

  BlockClassWriter lstore(int i) {
    local(0x37, i);
    return this;
  }

  BlockClassWriter iinc(int i, int delta) {
    if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
      throw new IllegalStateException("iinc by " + delta);
    }
    u1(0xc4); // wide
    u1(0x84);
    u2(i);
    u2(delta);
    return this;
  }

  BlockClassWriter iconst(int v) {
    if (v >= -1 && v <= 5) {
      u1(0x03 + v);
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      u1(0x10);
      u1(v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      u1(0x11);
      u2(v);
    } else {
      ldc(intEntry(v));
    }
    return this;
  }

  BlockClassWriter lconst(long v) {
    if (v == 0 || v == 1) {
      u1(0x09 + (int) v);
    } else {
      u1(0x14); // ldc2_w
      u2(longEntry(v));
    }
    return this;
  }

  /** Pushes element index of the class data, a constant of the given descriptor. */
  BlockClassWriter data(int index, String descriptor) {
    ldc(classData(index, descriptor));
    return this;
  }

  private void ldc(int entry) {
    if (entry < 256) {
      u1(0x12);
      u1(entry);
    } else {
      u1(0x13);
      u2(entry);
    }
  }

  private BlockClassWriter op(int opcode) {
    u1(opcode);
    return this;
  }

  BlockClassWriter laload() {
    return op(0x2f);
  }

  BlockClassWriter lastore() {
    return op(0x50);
  }

  BlockClassWriter iadd() {
    return op(0x60);
  }

  BlockClassWriter ladd() {
    return op(0x61);
  }

  BlockClassWriter isub() {
    return op(0x64);
  }

  BlockClassWriter lsub() {
    return op(0x65);
  }

  BlockClassWriter imul() {
    return op(0x68);
  }

  BlockClassWriter lmul() {
    return op(0x69);
  }

  BlockClassWriter ishl() {
    return op(0x78);
  }

  BlockClassWriter lshl() {
    return op(0x79);
  }

  BlockClassWriter ishr() {
    return op(0x7a);
  }

  BlockClassWriter lshr() {
    return op(0x7b);
  }

  BlockClassWriter iushr() {
    return op(0x7c);
  }

  BlockClassWriter lushr() {
    return op(0x7d);
  }

  BlockClassWriter land() {
    return op(0x7f);
  }

  BlockClassWriter lor() {
    return op(0x81);
  }

  BlockClassWriter lxor() {
    return op(0x83);
  }

  BlockClassWriter i2l() {
    return op(0x85);
  }

  BlockClassWriter l2i() {
    return op(0x88);
  }

  BlockClassWriter lcmp() {
    return op(0x94);
  }

  private BlockClassWriter branch(int opcode, Label target) {
    int at = length;
    u1(opcode);
    fixups.add(new int[] {at, length});
    targets.add(target);
    u2(0);
    return this;
  }

  BlockClassWriter ifeq(Label l) {
    return branch(0x99, l);
  }

  BlockClassWriter ifne(Label l) {
    return branch(0x9a, l);
  }

  BlockClassWriter iflt(Label l) {
    return branch(0x9b, l);
  }

  BlockClassWriter ifge(Label l) {
    return branch(0x9c, l);
  }

  BlockClassWriter ifIcmpge(Label l) {
    return branch(0xa2, l);
  }

  BlockClassWriter goto_(Label l) {
    branch(0xa7, l);
    reachable = false;
    return this;
  }

  BlockClassWriter lreturn() {
    op(0xad);
    reachable = false;
    return this;
  }

  BlockClassWriter putfield(String owner, String member, String descriptor) {
    u1(0xb5);
    u2(memberRef(9, owner, member, descriptor));
    return this;
  }

  BlockClassWriter invokestatic(String owner, String member, String descriptor) {
    u1(0xb8);
    u2(memberRef(10, owner, member, descriptor));
    return this;
  }

  // ---- the class

  /**
   * The class file: a constructor passing length to the superclass's, and the run method of the
   * given descriptor with the code written so far.
   */
  byte[] toBytes(int blockLength, String runDescriptor) {
    if (reachable) {
      throw new IllegalStateException("the run method's code falls off its end");
    }
    if (length > MAX_CODE) {
      throw new IllegalStateException("block code of " + length + " bytes");
    }
    for (int i = 0; i < fixups.size(); i++) {
      int[] f = fixups.get(i);
      Label target = targets.get(i);
      if (target.position < 0) {
        throw new IllegalStateException("branch to an unbound label");
      }
      int offset = target.position - f[0];
      code[f[1]] = (byte) (offset >>> 8);
      code[f[1] + 1] = (byte) offset;
    }
    int thisClass = classRef(name);
    int superClass = classRef(superName);
    int init = utf8("<init>");
    int initType = utf8("()V");
    int superInit = memberRef(10, superName, "<init>", "(I)V");
    int run = utf8("run");
    int runType = utf8(runDescriptor);
    int codeName = utf8("Code");
    int mapName = utf8("StackMapTable");
    int hartClass = classRef(hart);
    int longArray = classRef("[J");
    int bootstrapName = bootstraps.isEmpty() ? 0 : utf8("BootstrapMethods");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream(length + pool.size() + 256);
    Out o = new Out(bytes);
    o.u4(0xcafebabe);
    o.u2(0);
    o.u2(MAJOR_VERSION);
    o.u2(poolCount);
    o.bytes(pool.toByteArray());
    o.u2(0x0030); // final, super
    o.u2(thisClass);
    o.u2(superClass);
    o.u2(0); // interfaces
    o.u2(0); // fields
    o.u2(2); // methods

    // <init>: super(blockLength)
    Out ctor = new Out(new ByteArrayOutputStream());
    ctor.u1(0x2a); // aload_0
    ctor.u1(0x11); // sipush
    ctor.u2(blockLength);
    ctor.u1(0xb7); // invokespecial
    ctor.u2(superInit);
    ctor.u1(0xb1); // return
    byte[] ctorCode = ctor.toByteArray();
    o.u2(0);
    o.u2(init);
    o.u2(initType);
    o.u2(1);
    o.u2(codeName);
    o.u4(12 + ctorCode.length);
    o.u2(2);
    o.u2(1);
    o.u4(ctorCode.length);
    o.bytes(ctorCode);
    o.u2(0);
    o.u2(0);

    // run
    byte[] map = stackMap(thisClass, hartClass, longArray);
    o.u2(0x0010); // final
    o.u2(run);
    o.u2(runType);
    o.u2(1);
    o.u2(codeName);
    int mapAttribute = frames.isEmpty() ? 0 : 6 + map.length;
    o.u4(12 + length + mapAttribute);
    o.u2(MAX_STACK);
    o.u2(MAX_LOCALS);
    o.u4(length);
    o.bytes(java.util.Arrays.copyOf(code, length));
    o.u2(0); // exception table
    if (frames.isEmpty()) {
      o.u2(0);
    } else {
      o.u2(1);
      o.u2(mapName);
      o.u4(map.length);
      o.bytes(map);
    }

    if (bootstraps.isEmpty()) {
      o.u2(0);
    } else {
      o.u2(1);
      o.u2(bootstrapName);
      o.u4(2 + bootstraps.size() * 6);
      o.u2(bootstraps.size());
      for (int[] b : bootstraps) {
        o.u2(b[0]);
        o.u2(1);
        o.u2(b[1]);
      }
    }
    return bytes.toByteArray();
  }

  /**
   * The StackMapTable: at every label the same locals (block, hart, long[], long, int, int) and an
   * empty stack; the first as a full frame, the others as same frames.
   */
  private byte[] stackMap(int thisClass, int hartClass, int longArray) {
    Out m = new Out(new ByteArrayOutputStream());
    m.u2(frames.size());
    int previous = -1;
    for (int i = 0; i < frames.size(); i++) {
      int at = frames.get(i);
      int delta = i == 0 ? at : at - previous - 1;
      if (i == 0) {
        m.u1(255);
        m.u2(delta);
        m.u2(6);
        m.u1(7);
        m.u2(thisClass);
        m.u1(7);
        m.u2(hartClass);
        m.u1(7);
        m.u2(longArray);
        m.u1(4); // long
        m.u1(1); // int
        m.u1(1); // int
        m.u2(0);
      } else if (delta < 64) {
        m.u1(delta);
      } else {
        m.u1(251);
        m.u2(delta);
      }
      previous = at;
    }
    return m.toByteArray();
  }

  /** Big-endian writes into a byte stream. */
  private static final class Out {
    private final ByteArrayOutputStream s;

    Out(ByteArrayOutputStream s) {
      this.s = s;
    }

    void u1(int v) {
      s.write(v);
    }

    void u2(int v) {
      s.write(v >>> 8);
      s.write(v);
    }

    void u4(int v) {
      u2(v >>> 16);
      u2(v);
    }

    void bytes(byte[] b) {
      s.write(b, 0, b.length);
    }

    byte[] toByteArray() {
      return s.toByteArray();
    }
  }
}
