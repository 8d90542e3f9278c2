package dev.popcornj.machine.cost;

import dev.popcornj.machine.sim.VirtualTime;

/**
 * Every virtual-time cost in the model, in one place, each with where its default comes from.
 * Figures that describe the modelled system are computed from these and from instruction counts;
 * host speed never enters them.
 *
 * @param cyclesPerInstruction harts retire one instruction a cycle (DESIGN.md: "Harts default to 2
 *     GHz and one instruction a cycle").
 * @param nullSyscallPs a null system call, trap in and out: about 70 ns (multikernel lmbench,
 *     2026).
 * @param contextSwitchPs a context switch between tasks: about 1.4 us (multikernel lmbench, 2026).
 * @param pageFaultPs a minor page fault served by the kernel (allocate and map a zeroed frame):
 *     estimate of 0.5 us, between a null call and a context switch; no published figure adopted.
 * @param ipiSameNodePs delivery of an inter-processor interrupt within a NUMA node: 1 us, the low
 *     end of mkbench's 1-4 us wake-up including an IPI.
 * @param ipiCrossNodePs the same across NUMA nodes: 2 us, inside mkbench's 1-4 us range.
 * @param lineSameNodePs one-way visibility of a written cache line to a reader on the same node: 90
 *     ns, half of mkbench's 100-250 ns spinning ring round trip on one socket, and inside
 *     Barrelfish URPC's 180-618 cycles one-way (SOSP 2009).
 * @param lineCrossNodePs the same across nodes: 240 ns, half of mkbench's 250-700 ns cross-socket
 *     round trip.
 * @param pageCopyPs copying one 4 KiB page between kernels' frames (out of a message into a frame,
 *     or a frame into a message): 400 ns, 4 KiB at about 10 GB/s, a single core's memcpy bandwidth;
 *     the message's own cache-line transfers are charged by the messaging layer on top.
 * @param taskStatePs packing or unpacking a migrating task's state (registers, signal state,
 *     identity) on one side: 1.4 us, taken as one context switch, since Popcorn's migration saves
 *     and restores the same state a switch does.
 * @param uartBytePs the console UART moves a byte in 86.8 us at 115200 baud, 10 bits a byte; the
 *     model does not throttle output, this is used for input events only.
 */
public record CostModel(
    int cyclesPerInstruction,
    long nullSyscallPs,
    long contextSwitchPs,
    long pageFaultPs,
    long ipiSameNodePs,
    long ipiCrossNodePs,
    long lineSameNodePs,
    long lineCrossNodePs,
    long pageCopyPs,
    long taskStatePs,
    long uartBytePs) {

  /** The documented defaults. */
  public static CostModel defaults() {
    return new CostModel(
        1,
        70 * VirtualTime.NS,
        1_400 * VirtualTime.NS,
        500 * VirtualTime.NS,
        1 * VirtualTime.US,
        2 * VirtualTime.US,
        90 * VirtualTime.NS,
        240 * VirtualTime.NS,
        400 * VirtualTime.NS,
        1_400 * VirtualTime.NS,
        86_806 * VirtualTime.NS);
  }

  /** IPI delivery latency between harts on the given NUMA nodes. */
  public long ipiLatencyPs(int fromNode, int toNode) {
    return fromNode == toNode ? ipiSameNodePs : ipiCrossNodePs;
  }

  /** Time for a cache line written on one node to be seen on another. */
  public long lineLatencyPs(int fromNode, int toNode) {
    return fromNode == toNode ? lineSameNodePs : lineCrossNodePs;
  }
}
