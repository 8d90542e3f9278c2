package dev.popcornj.cli;

import dev.popcornj.kernel.boot.KernelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code popcorn run} shows a program of the host, as qemu-riscv64 does: the host's tree at /
 * (or --root's), the caller's working directory, -L's prefix, and the host's environment changed by
 * --env and --unset-env. Host paths become paths in the guest's tree here.
 *
 * @param files the root, prefix and working directory for the kernel
 * @param executable the program's path in the guest's tree (what exec reads, /proc/self/exe)
 */
record HostView(KernelConfig.HostFiles files, String executable) {

  /**
   * The view for a run of program with the given --root and -L (either may be null).
   *
   * @throws UserError when the program or the prefix lies outside the root
   */
  static HostView of(Path root, Path prefix, Path program) {
    Path top = (root == null ? Path.of("/") : root).toAbsolutePath().normalize();
    if (!Files.isDirectory(top)) {
      throw new UserError("--root " + root + ": not a directory");
    }
    String exe = inside(top, program);
    if (exe == null) {
      throw new UserError(
          program + ": outside --root " + root + " (the program must be in the tree it runs in)");
    }
    String pre = null;
    if (prefix != null) {
      if (!Files.isDirectory(prefix)) {
        throw new UserError("-L " + prefix + ": not a directory");
      }
      pre = inside(top, prefix);
      if (pre == null) {
        throw new UserError("-L " + prefix + ": outside --root " + root);
      }
    }
    String cwd = inside(top, Path.of(""));
    return new HostView(new KernelConfig.HostFiles(top, pre, cwd), exe);
  }

  /** The guest path of host path p in the tree under top, or null when p lies outside it. */
  static String inside(Path top, Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (!abs.startsWith(top)) {
      return null;
    }
    String rel = top.relativize(abs).toString();
    return "/" + rel;
  }

  /**
   * The environment of this process in its order ("NAME=value"), read from /proc/self/environ;
   * where that cannot be read, System.getenv's, sorted by name.
   */
  static List<String> hostEnvironment() {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc/self/environ"));
      List<String> env = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          if (i > start) {
            env.add(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
          }
          start = i + 1;
        }
      }
      return env;
    } catch (IOException | SecurityException e) {
      List<String> env = new ArrayList<>();
      for (Map.Entry<String, String> e2 : new TreeMap<>(System.getenv()).entrySet()) {
        env.add(e2.getKey() + "=" + e2.getValue());
      }
      return env;
    }
  }

  /**
   * host with each of unset removed and then each of set ("VAR=VALUE") put in: in place when VAR is
   * there, at the end when it is not.
   *
   * @throws UserError for a --env without '=' or an empty name
   */
  static List<String> environment(List<String> host, List<String> set, List<String> unset) {
    List<String> env = new ArrayList<>(host);
    for (String name : unset) {
      env.removeIf(kv -> nameOf(kv).equals(name));
    }
    for (String kv : set) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--env " + kv + ": expected VAR=VALUE");
      }
      String name = kv.substring(0, eq);
      int at = -1;
      for (int i = 0; i < env.size(); i++) {
        if (nameOf(env.get(i)).equals(name)) {
          at = i;
          break;
        }
      }
      if (at >= 0) {
        env.set(at, kv);
      } else {
        env.add(kv);
      }
    }
    return env;
  }

  private static String nameOf(String kv) {
    int eq = kv.indexOf('=');
    return eq < 0 ? kv : kv.substring(0, eq);
  }
}
