package dev.popcornj.kernel.msg;

/**
 * Implemented by the kernel: raise the message interrupt on kernel toKernel's messaging hart, sent
 * at virtual time sendPs (typically through the machine's InterruptController with the software
 * interrupt bit).
 */
@FunctionalInterface
public interface IpiSender {
  void sendIpi(int toKernel, long sendPs);
}
