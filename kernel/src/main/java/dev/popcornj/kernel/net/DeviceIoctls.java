package dev.popcornj.kernel.net;

import dev.popcornj.kernel.mm.UserMemory;

/**
 * The network-device ioctls (SIOCGIFCONF, SIOCGIFFLAGS, ...) that every socket takes, whatever its
 * family, as Linux's sock_ioctl hands them to dev_ioctl: glibc asks them of an AF_UNIX socket
 * first. Implemented by the kernel's IPv4 stack, which knows the interfaces.
 */
@FunctionalInterface
public interface DeviceIoctls {
  /** The result, or -errno; -ENOTTY for a request that is not a device ioctl. */
  long ioctl(int request, long arg, UserMemory memory);
}
