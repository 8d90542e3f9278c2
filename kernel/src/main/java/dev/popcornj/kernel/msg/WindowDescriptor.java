package dev.popcornj.kernel.msg;

/**
 * Byte layout of the messaging window in shared physical memory: header, kernel info table, and one
 * receive area per kernel. Every field is little-endian; every record starts on a 64-byte cache
 * line.
 *
 * <pre>
 * window base
 * +0     header (1 line)
 *          0 magic u64 "PCNKMSG\0"     8 version u32     12 max kernels u32
 *         16 rings per kernel u32      20 slots per ring u32
 *         24 info table offset u32     28 areas offset u32   32 area stride u64
 * +64    info table: max kernels entries of 1 line each
 *          0 state u32 (KernelState code)   4 kernel id u32   8 first hart u32  12 (pad)
 *         16 partition base u64   24 partition size u64   32 heartbeat u64   40 check-in time ps u64
 * areas  receive area of kernel k at areas offset + k * area stride:
 *          area header (1 line): 0 interrupt enabled u32 (owned by the receiver; a sender
 *                                  that finds it set clears it and sends the IPI)
 *          ring HIGH:   ring header (1 line) + slots
 *          ring NORMAL: ring header (1 line) + slots
 *        ring header: 0 ticket u64 (next slot to claim, senders fetch-add it)
 *                     8 tail u64 (next slot to consume, written by the receiver only)
 *                    16 slots u32
 *        slot (1 line):
 *          0 ready u8 (written last by the sender, cleared by the receiver)
 *          1 flags u8 (FIRST, LAST, REQUEST, RESPONSE, NOTIFY)
 *          2 sender kernel id u16    4 type u16    6 payload length in this slot u16
 *          8 sequence u32 (per sender, receiver and priority; one per chunk)
 *         12 correlation id u32
 *         16 payload (48 bytes)
 * </pre>
 *
 * The model does not simulate caches, so ticket and tail share a line; on hardware they would sit
 * on separate lines to avoid false sharing between senders and the receiver.
 */
public final class WindowDescriptor {
  private WindowDescriptor() {}

  public static final int LINE = 64;

  /** "PCNKMSG\0" read as a little-endian u64. */
  public static final long MAGIC = 0x0047534D4B4E4350L;

  public static final int VERSION = 1;

  // Header.
  public static final int HDR_MAGIC = 0;
  public static final int HDR_VERSION = 8;
  public static final int HDR_MAX_KERNELS = 12;
  public static final int HDR_RINGS = 16;
  public static final int HDR_SLOTS = 20;
  public static final int HDR_INFO_OFFSET = 24;
  public static final int HDR_AREAS_OFFSET = 28;
  public static final int HDR_AREA_STRIDE = 32;

  // Info table entry.
  public static final int INFO_STATE = 0;
  public static final int INFO_KERNEL_ID = 4;
  public static final int INFO_FIRST_HART = 8;
  public static final int INFO_PARTITION_BASE = 16;
  public static final int INFO_PARTITION_SIZE = 24;
  public static final int INFO_HEARTBEAT = 32;
  public static final int INFO_CHECKIN_PS = 40;
  public static final int INFO_ENTRY = LINE;

  // Receive area header.
  public static final int AREA_INTERRUPT_ENABLED = 0;

  // Ring header.
  public static final int RING_TICKET = 0;
  public static final int RING_TAIL = 8;
  public static final int RING_SLOTS = 16;

  // Slot.
  public static final int SLOT_READY = 0;
  public static final int SLOT_FLAGS = 1;
  public static final int SLOT_SENDER = 2;
  public static final int SLOT_TYPE = 4;
  public static final int SLOT_LENGTH = 6;
  public static final int SLOT_SEQUENCE = 8;
  public static final int SLOT_CORRELATION = 12;
  public static final int SLOT_PAYLOAD = 16;
  public static final int SLOT_SIZE = LINE;
  public static final int SLOT_PAYLOAD_SIZE = SLOT_SIZE - SLOT_PAYLOAD;

  // Slot flags.
  public static final int FLAG_FIRST = 1;
  public static final int FLAG_LAST = 2;
  public static final int FLAG_REQUEST = 4;
  public static final int FLAG_RESPONSE = 8;
  public static final int FLAG_NOTIFY = 16;

  /** Flags that describe the message rather than the chunk; every chunk carries them. */
  public static final int KIND_MASK = FLAG_REQUEST | FLAG_RESPONSE | FLAG_NOTIFY;

  public static final int HEADER_SIZE = LINE;

  /** Bytes of one ring: its header line and its slots. */
  public static long ringBytes(int slots) {
    return LINE + (long) slots * SLOT_SIZE;
  }

  /** Bytes of one kernel's receive area. */
  public static long areaBytes(int rings, int slots) {
    return LINE + rings * ringBytes(slots);
  }

  /** Offset of the first receive area from the window base. */
  public static long areasOffset(int maxKernels) {
    return HEADER_SIZE + (long) maxKernels * INFO_ENTRY;
  }

  /** Bytes the whole window needs. */
  public static long windowBytes(int maxKernels, int rings, int slots) {
    return areasOffset(maxKernels) + maxKernels * areaBytes(rings, slots);
  }
}
