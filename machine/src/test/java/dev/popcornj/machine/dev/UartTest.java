package dev.popcornj.machine.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.sim.VirtualTime;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UartTest {
  @Test
  void transmitsToTheHostAndReceivesTimedInputWithAnInterrupt() {
    Simulation sim = new Simulation(1, VirtualTime.US, Trace.off());
    InterruptController irq =
        new InterruptController(sim, CostModel.defaults(), new int[] {0}, List.of(new int[] {0}));
    ByteArrayOutputStream host = new ByteArrayOutputStream();
    Uart uart = new Uart("uart0", sim, irq, 0, host);
    for (byte b : "hi\n".getBytes(StandardCharsets.US_ASCII)) {
      uart.writeRegister(Uart.RBR_THR, b);
    }
    assertEquals("hi\n", host.toString(StandardCharsets.US_ASCII));

    uart.writeRegister(Uart.IER, Uart.IER_RX);
    uart.inject("ab".getBytes(StandardCharsets.US_ASCII), 1000);
    assertEquals(0, uart.readRegister(Uart.LSR) & Uart.LSR_DR);
    sim.events().runDue(1000);
    assertEquals(Uart.LSR_DR, uart.readRegister(Uart.LSR) & Uart.LSR_DR);
    assertEquals(Uart.IIR_RX_DATA, uart.readRegister(Uart.IIR_FCR));
    assertEquals(1L << InterruptController.EXTERNAL, irq.pending(0));
    assertEquals('a', uart.readRegister(Uart.RBR_THR));
    assertEquals('b', uart.readRegister(Uart.RBR_THR));
    assertEquals(0, uart.readRegister(Uart.LSR) & Uart.LSR_DR);
    assertEquals(Uart.IIR_NONE, uart.readRegister(Uart.IIR_FCR));
  }
}
