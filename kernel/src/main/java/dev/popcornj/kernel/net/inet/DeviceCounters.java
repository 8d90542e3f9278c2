package dev.popcornj.kernel.net.inet;

/**
 * The statistics of one {@link NetDevice} (struct rtnl_link_stats64's first eight fields), as
 * /proc/net/dev shows them. Owned by the device's kernel; used only on its simulation thread.
 */
public final class DeviceCounters {
  public long rxPackets;
  public long rxBytes;
  public long rxErrors;
  public long rxDropped;
  public long txPackets;
  public long txBytes;
  public long txErrors;
  public long txDropped;

  void sent(int bytes) {
    txPackets++;
    txBytes += bytes;
  }

  void received(int bytes) {
    rxPackets++;
    rxBytes += bytes;
  }
}
