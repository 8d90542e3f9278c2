package dev.popcornj.machine.hart;

/**
 * Thrown by a {@link CompiledBlock} that must leave before its end (a trap, a stop request, or code
 * that must be fetched again); where it left is in the hart's blockExit fields. One instance per
 * hart, without a stack trace, since it is control flow and not an error.
 */
final class BlockExit extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BlockExit() {
    super("block exit", null, false, false);
  }
}
