package dev.popcornj.kernel.services.power;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;
import java.util.function.IntConsumer;

/**
 * Powering the machine off from a secondary. Only the primary has the machine's power button; a
 * secondary that ran the program of `popcorn run --on N` asks it to power off with the program's
 * status.
 *
 * <p>Owned by one kernel instance.
 */
public final class PowerService implements PopcornService {
  private final IntConsumer powerOff;
  private Endpoint endpoint;

  /**
   * @param powerOff what the primary does when asked (null on a secondary)
   */
  public PowerService(IntConsumer powerOff) {
    this.powerOff = powerOff;
  }

  @Override
  public String name() {
    return "power";
  }

  @Override
  public void start(ServiceContext context) {
    endpoint = context.endpoint().orElse(null);
    if (endpoint != null) {
      context.message(PowerMessage.POWER_OFF_TYPE, powerOff == null ? null : this::onPowerOff);
    }
  }

  private void onPowerOff(Incoming in) {
    if (in.message() instanceof PowerMessage.PowerOff(int status)) {
      powerOff.accept(status);
    }
  }

  /** Asks the primary to power the machine off with status; false when it cannot be asked. */
  public boolean requestPowerOff(int status) {
    return endpoint != null
        && endpoint.post(0, Priority.NORMAL, new PowerMessage.PowerOff(status & 0xff))
            == dev.popcornj.kernel.msg.SendResult.SENT;
  }
}
