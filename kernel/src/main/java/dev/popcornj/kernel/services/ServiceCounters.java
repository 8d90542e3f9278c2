package dev.popcornj.kernel.services;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The named statistics the services of one kernel registered ({@link ServiceContext#counter}), and
 * their sum over kernels, which is what a run's statistics report. A counter is read when asked, so
 * it is as current as the service's own state.
 *
 * <p>Owned by one kernel instance; {@link #sum} reads several, after the machine stopped.
 */
public final class ServiceCounters {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private record Counter(String owner, LongSupplier value) {}

  private final Map<String, Counter> byName = new TreeMap<>();

  /**
   * Adds counter name of service owner.
   *
   * @throws IllegalArgumentException when the name is malformed or another service has it
   */
  public void register(String owner, String name, LongSupplier value) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "counter name " + name + ": use lower case letters, digits and underscores");
    }
    Counter taken = byName.putIfAbsent(name, new Counter(owner, value));
    if (taken != null) {
      throw new IllegalArgumentException(
          "counter " + name + " is taken by service " + taken.owner());
    }
  }

  /** Every counter's value now, by name in name order. */
  public Map<String, Long> read() {
    Map<String, Long> values = new TreeMap<>();
    byName.forEach((name, c) -> values.put(name, c.value().getAsLong()));
    return Collections.unmodifiableMap(values);
  }

  /**
   * Each name's values added over kernels, by name in name order: every name some kernel
   * registered; a name none registered is absent (it reads as 0).
   */
  public static Map<String, Long> sum(Collection<ServiceCounters> kernels) {
    Map<String, Long> total = new TreeMap<>();
    for (ServiceCounters k : kernels) {
      k.read().forEach((name, v) -> total.merge(name, v, Long::sum));
    }
    return Collections.unmodifiableMap(total);
  }
}
