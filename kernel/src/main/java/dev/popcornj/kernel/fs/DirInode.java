package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.FileConstants;
import java.util.List;

/**
 * A directory: names to inodes, listed in a stable order with positions that getdents64 can resume
 * from. A directory that cannot be changed (procfs) keeps the default mutators, which fail as Linux
 * fails when the inode operation is missing.
 */
public abstract class DirInode extends Inode {
  /** One name in a listing; pos is where the listing resumes after it. */
  public record Entry(String name, Inode inode, long nextPos) {}

  protected DirInode(FileSystem fs, long ino, int perm, long nowNs) {
    super(fs, ino, FileConstants.S_IFDIR | (perm & 07777), nowNs);
    setNlink(2);
  }

  /** The directory holding this one; itself for the root of a file system. */
  public abstract DirInode parent();

  /** The inode named name here, or null. Never called with "." or "..". */
  public abstract Inode lookup(String name);

  /**
   * As lookup, for a name that is a step of a longer path (not its last name): a file system may
   * answer from what it found lately, as a Linux guest's dentry cache does for a virtiofs mount.
   */
  public Inode lookupStep(String name) {
    return lookup(name);
  }

  /**
   * The entries other than "." and ".." whose position is at least pos, in order. Positions 0 and 1
   * are "." and ".."; entries start at 2.
   */
  public abstract List<Entry> entriesFrom(long pos);

  /** True when it holds no names but "." and "..". */
  public boolean isEmpty() {
    return entriesFrom(2).isEmpty();
  }

  /** Adds name for inode; the caller has checked that name is free. */
  void link(String name, Inode inode) {
    throw new FsException(dev.popcornj.kernel.abi.Errno.EPERM);
  }

  /** Removes name; the caller has checked that it exists. */
  void unlink(String name) {
    throw new FsException(dev.popcornj.kernel.abi.Errno.EPERM);
  }

  /** Points name, which exists, at another inode (rename over an existing name). */
  void replace(String name, Inode inode) {
    throw new FsException(dev.popcornj.kernel.abi.Errno.EPERM);
  }

  /** Makes a child directory's ".." point here (rename moved it). */
  void adopt(DirInode child) {
    throw new FsException(dev.popcornj.kernel.abi.Errno.EPERM);
  }

  /** Whether files, directories and links can be created here. */
  public boolean writable() {
    return false;
  }
}
