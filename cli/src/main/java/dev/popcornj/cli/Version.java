package dev.popcornj.cli;

/** The version popcorn reports: the jar manifest's, or "development" when run from classes. */
final class Version {
  private Version() {}

  /** What {@code popcorn --version} prints: {@code popcorn VERSION}. */
  static String line() {
    String v = Main.class.getPackage().getImplementationVersion();
    return "popcorn " + (v == null ? "development" : v);
  }
}
