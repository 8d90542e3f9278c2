package dev.popcornj.cli;

import dev.popcornj.machine.trace.ChromeTrace;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file of {@code --trace}: a Chrome trace written while the machine runs. A failure to write it
 * (a full disk, /dev/full) never stops the run; it is reported after it, in one line, with exit
 * status 2.
 */
final class TraceFile {
  private final Path path;
  private final Writer writer;
  private final ChromeTrace trace;
  private IOException failure;

  private TraceFile(Path path, Writer writer) {
    this.path = path;
    this.writer = writer;
    this.trace = new ChromeTrace(writer);
  }

  /** Opens (creates or truncates) the file; a file that cannot be opened is a user error. */
  static TraceFile open(Path path) {
    try {
      return new TraceFile(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserError(cannotWrite(path, e));
    }
  }

  ChromeTrace recorder() {
    return trace;
  }

  /** Ends and closes the file; never throws, so it can run in a finally block. */
  void close() {
    trace.close();
    failure = trace.failure();
    try {
      writer.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      }
    }
  }

  /** After {@link #close}: throws the user error when some write failed. */
  void throwIfFailed() {
    if (failure != null) {
      throw new UserError(cannotWrite(path, failure));
    }
  }

  private static String cannotWrite(Path path, IOException e) {
    String reason =
        e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : e.getMessage();
    return "--trace " + path + ": cannot write: " + reason;
  }
}
