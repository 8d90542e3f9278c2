package dev.popcornj.kernel.fs;

import java.io.IOException;
import java.nio.file.Files;

/** A symbolic link of a {@link HostFs}: its target is read from the host at each use. */
final class HostSymlink extends SymlinkInode implements HostInode {
  private final HostPlace place;

  HostSymlink(HostFs fs, HostFs.Attrs a, HostDir parent, String name) {
    this(fs, a, new HostPlace(fs, a, parent, name));
  }

  private HostSymlink(HostFs fs, HostFs.Attrs a, HostPlace place) {
    super(fs, a.ino(), () -> readTarget(place), null, a.mode() & 07777, a.mtimeNs());
    this.place = place;
    place.load(this, a);
  }

  private static String readTarget(HostPlace place) {
    try {
      return HostFs.guestName(Files.readSymbolicLink(place.hostPath()).toString());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public HostPlace place() {
    return place;
  }

  @Override
  protected void revalidate() {
    place.revalidate(this);
  }

  @Override
  public long dev() {
    return place.attrs().dev();
  }

  @Override
  public long blocks() {
    return 0;
  }

  @Override
  public void setAtime(long ns) {
    HostFile.setTime(place.hostPath(), "lastAccessTime", ns);
    place.invalidate();
  }

  @Override
  public void setMtime(long ns) {
    HostFile.setTime(place.hostPath(), "lastModifiedTime", ns);
    place.invalidate();
  }

  @Override
  public void setCtime(long ns) {
    place.invalidate();
  }
}
