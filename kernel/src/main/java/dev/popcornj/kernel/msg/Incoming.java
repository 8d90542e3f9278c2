package dev.popcornj.kernel.msg;

/**
 * A typed message as a handler receives it: sender, priority, whether it is a request (and so wants
 * {@link Endpoint#reply}) or a notification, and the message.
 */
public record Incoming(
    int from,
    Priority priority,
    int correlation,
    boolean request,
    boolean notification,
    KernelMessage message) {}
