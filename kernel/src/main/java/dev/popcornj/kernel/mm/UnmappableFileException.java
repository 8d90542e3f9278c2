package dev.popcornj.kernel.mm;

/**
 * Thrown by a {@link MappableFile.Resolver} for an open file that has no mappable contents (a pipe,
 * a socket, a terminal); mmap turns it into -ENODEV.
 */
public final class UnmappableFileException extends RuntimeException {
  public UnmappableFileException(String what) {
    super(what + " cannot be mapped", null, false, false);
  }
}
