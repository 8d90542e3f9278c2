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

  /** Where the riscv64 cross C library lives on Debian and Ubuntu (libc6-riscv64-cross). */
  static final Path CROSS_LIBC = Path.of("/usr/riscv64-linux-gnu");

  /**
   * Where absolute paths are looked up first, as qemu's -L: the dynamic loader and libraries, and
   * by default PopcornJ's own riscv64 root too, so that /bin/sh and the tools a program starts are
   * riscv64 programs. origin names the user's choice (-L, QEMU_LD_PREFIX), or is null for the
   * default, whose directories are used only where they exist.
   */
  record Prefix(List<Path> dirs, String origin) {}

  /**
   * The lookup prefix as qemu-riscv64 chooses it: -L (option, may be null), else QEMU_LD_PREFIX
   * from the host's environment, else the cross C library's directory when crossLibc is one (the
   * place qemu-user's distributions do not default to, but where the cross compiler's programs find
   * their loader). Null when there is none.
   */
  static Prefix prefix(Path option, List<String> hostEnv, List<Path> defaults) {
    if (option != null) {
      return new Prefix(List.of(option), "-L " + option);
    }
    for (String kv : hostEnv) {
      if (kv.startsWith("QEMU_LD_PREFIX=") && kv.length() > "QEMU_LD_PREFIX=".length()) {
        String dir = kv.substring("QEMU_LD_PREFIX=".length());
        return new Prefix(List.of(Path.of(dir)), "QEMU_LD_PREFIX=" + dir);
      }
    }
    List<Path> there = defaults.stream().filter(Files::isDirectory).toList();
    return there.isEmpty() ? null : new Prefix(there, null);
  }

  /**
   * PopcornJ's own riscv64 root, the full kernels' root file system with busybox and its applet
   * links, when the guest build made it: found beside the popcorn command (popcornj.home, which the
   * popcorn script sets, else the project the running jar was built in). Null when there is none.
   */
  static Path popcornRoot() {
    Path base = popcornHome();
    if (base == null) {
      return null;
    }
    Path rootfs = base.resolve("guest/out/rootfs-full");
    return Files.isRegularFile(rootfs.resolve("bin/busybox")) ? rootfs : null;
  }

  /**
   * The PopcornJ project the popcorn command comes from: popcornj.home, which the popcorn script
   * sets, else the project the running jar was built in; null when neither is known.
   */
  static Path popcornHome() {
    String home = System.getProperty("popcornj.home");
    Path base = null;
    if (home != null) {
      base = Path.of(home);
    } else {
      try {
        Path jar =
            Path.of(HostView.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // cli/target/popcorn.jar (or cli/target/classes) lies three levels below the project.
        base = jar.getParent() == null ? null : jar.getParent().getParent().getParent();
      } catch (java.net.URISyntaxException | RuntimeException e) {
        base = null;
      }
    }
    return base;
  }

  /**
   * The view for a run of program with the given --root and lookup prefix (either may be null). A
   * prefix the user gave must be a directory inside the root; the default one is left out when it
   * is not.
   *
   * @throws UserError when the program or a given prefix lies outside the root
   */
  static HostView of(Path root, Prefix prefix, Path program) {
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
      List<String> inTree = new ArrayList<>();
      for (Path dir : prefix.dirs()) {
        String in = Files.isDirectory(dir) ? inside(top, dir) : null;
        if (prefix.origin() != null && !Files.isDirectory(dir)) {
          throw new UserError(prefix.origin() + ": not a directory");
        }
        if (prefix.origin() != null && in == null) {
          throw new UserError(prefix.origin() + ": outside --root " + root);
        }
        if (in != null && in.contains(":")) {
          throw new UserError(dir + ": a lookup prefix cannot hold ':'");
        }
        if (in != null) {
          inTree.add(in);
        }
      }
      pre = inTree.isEmpty() ? null : String.join(":", inTree);
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
   * where that cannot be read, System.getenv's, sorted by name. Without the variables the launcher
   * put in for the JVM alone (property popcornj.launcherEnv, a comma list of names), so a program
   * sees the user's environment, as under qemu-riscv64.
   */
  static List<String> hostEnvironment() {
    List<String> env = processEnvironment();
    String added = System.getProperty("popcornj.launcherEnv", "");
    for (String name : added.split(",")) {
      if (!name.isEmpty()) {
        env.removeIf(kv -> nameOf(kv).equals(name));
      }
    }
    return env;
  }

  private static List<String> processEnvironment() {
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
