package dev.popcornj.machine.desc;

/**
 * A machine description that cannot be used, reported as one line {@code FILE: KEY: REASON} so the
 * user learns which file, which key and what is wrong without a stack trace.
 */
public final class MachineFileException extends Exception {
  private final String file;
  private final String key;
  private final String reason;

  /**
   * @param file the file name or preset label the user gave
   * @param key the TOML path of the offending key (such as {@code memory[1].base}), a location such
   *     as {@code line 3}, or null when the problem is the file as a whole
   * @param reason what is wrong, and where useful what to do
   */
  public MachineFileException(String file, String key, String reason) {
    // User text (names, ISA strings, paths) may hold newlines or escape sequences, which must not
    // break the one line or drive the terminal.
    super(
        Printable.escape(file)
            + ": "
            + (key == null ? "" : Printable.escape(key) + ": ")
            + Printable.escape(reason));
    this.file = file;
    this.key = key;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  /** The TOML path or location of the problem, or null when it concerns the whole file. */
  public String key() {
    return key;
  }

  public String reason() {
    return reason;
  }
}
