/**
 * The messaging layer between kernel instances, after Popcorn Linux's pcn_kmsg: shared-memory rings
 * in a messaging window, IPIs with NAPI-style mitigation, chunked large messages, typed messages
 * with request/response, multicast groups and topic subscriptions.
 *
 * <pre>
 *  kernel A (hart a)                    messaging window (shared RAM)              kernel B (hart b)
 *  Endpoint ── ShmTransport ──claim ticket, write slot, set ready──▶ B's rings ◀── poll ── ShmTransport ── Endpoint
 *                   │                                                 B's interrupt-enabled word       ▲
 *                   └── if it was set: clear it, IpiSender.sendIpi(B) ──▶ InterruptController ──▶ B's handler
 *                                                                                        calls onInterrupt()
 * </pre>
 *
 * Wiring, per kernel: the primary's boot formats the window once ({@link
 * dev.popcornj.kernel.msg.MessageWindow#format}); each kernel builds an {@link
 * dev.popcornj.kernel.msg.Endpoint} over its own MemoryView (partition plus window) with a {@link
 * dev.popcornj.kernel.msg.Clock}, an {@link dev.popcornj.kernel.msg.IpiSender} and a {@link
 * dev.popcornj.kernel.msg.Deferrer}, calls {@code checkIn()}, and calls {@code onInterrupt()} from
 * its software-interrupt handler on the hart it published as its first hart.
 */
package dev.popcornj.kernel.msg;
