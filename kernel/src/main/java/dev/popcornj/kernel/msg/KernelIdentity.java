package dev.popcornj.kernel.msg;

/** What a kernel publishes about itself in the info table. */
public record KernelIdentity(int kernelId, int firstHart, long partitionBase, long partitionSize) {}
