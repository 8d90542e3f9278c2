package dev.popcornj.kernel.net.inet;

import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 routing table of one kernel (the main table, reduced to directly connected routes): a
 * destination goes out of the device of the route with the longest matching prefix; among equal
 * prefixes the one added first wins. Owned by one kernel; used only on its simulation thread.
 */
public final class RoutingTable {
  /** A route: destinations d with (d & mask) == prefix go out of device. */
  public record Route(int prefix, int prefixLength, NetDevice device) {
    public int mask() {
      return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    boolean matches(int destination) {
      return (destination & mask()) == (prefix & mask());
    }
  }

  private final List<Route> routes = new ArrayList<>();

  public void add(int prefix, int prefixLength, NetDevice device) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length " + prefixLength);
    }
    routes.add(new Route(prefix, prefixLength, device));
  }

  /** The route for destination, or null when none matches (ENETUNREACH). */
  public Route lookup(int destination) {
    Route best = null;
    for (Route r : routes) {
      if (r.matches(destination) && (best == null || r.prefixLength() > best.prefixLength())) {
        best = r;
      }
    }
    return best;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }
}
