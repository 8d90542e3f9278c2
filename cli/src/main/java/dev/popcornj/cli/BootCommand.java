package dev.popcornj.cli;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.kernel.run.HostBoundary;
import dev.popcornj.kernel.run.HostInputLog;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.InputFiles;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFiles;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code popcorn boot}: boots the primary kernel on a machine with the guest userland's initramfs,
 * the host terminal attached to the console. When stdin is not a terminal, its lines are typed into
 * the console one at a time, each when the guest waits for input, and the session ends with the
 * input (see {@link BootRunner.Keyboard#endsWithInput}).
 */
public final class BootCommand implements Command {
  String machine;
  Path initramfs;
  long seed;
  Integer kernels;
  Path trace;
  Path lightInitramfs;
  Integer vnetDrop;
  String dsm;
  java.util.List<String> forwards = new java.util.ArrayList<>();
  java.util.List<Integer> full = new java.util.ArrayList<>();
  Path sshKey;
  Path fullInitramfs;
  Path record;
  Path replay;

  /** Kernels booted when --kernels is not given: a replicated system on any machine. */
  static final int DEFAULT_KERNELS = 4;

  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "boot", "Boot PopcornJ with the guest userland; the console is your terminal.")
        .add(
            Cli.option("--machine")
                .label("M")
                .byDefault("default")
                .description(
                    "A preset (default, manycore, hetero) or a machine file. Default: {default}.")
                .value(Cli.STRING, v -> machine = v))
        .add(
            Cli.option("--initramfs")
                .label("FILE")
                .byDefault("guest/out/initramfs.cpio")
                .description(
                    "The initramfs (cpio newc) to boot. Default: {default} (make -C guest).")
                .value(Cli.PATH, v -> initramfs = v))
        .add(
            Cli.option("--seed")
                .label("SEED")
                .byDefault("0")
                .description("Seed of the machine's randomness.")
                .value(Cli.LONG, v -> seed = v))
        .add(
            Cli.option("--kernels")
                .label("N")
                .description(
                    "Kernels to boot: the primary plus N-1 secondaries it starts with kexec, each on"
                        + " its own partition (see popcorn partition). Default: 4, or one per hart"
                        + " on a smaller machine; 1 boots a single kernel on the whole machine.")
                .value(Cli.INT, v -> kernels = v))
        .add(
            Cli.option("--trace")
                .label("FILE")
                .description(
                    "Write a Chrome trace-event JSON of the run (system calls, page faults,"
                        + " messages, IPIs, polls; one process per kernel), viewable in"
                        + " ui.perfetto.dev.")
                .value(Cli.PATH, v -> trace = v))
        .add(
            Cli.option("--light-initramfs")
                .label("FILE")
                .byDefault("guest/out/initramfs-light.cpio")
                .description("The secondaries' initramfs. Default: {default}.")
                .value(Cli.PATH, v -> lightInitramfs = v))
        .add(
            Cli.option("--vnet-drop")
                .label("PERMILLE")
                .description(
                    "Fault injection: every kernel's vnet0 drops this many of each thousand packets"
                        + " it sends, chosen from --seed (boot parameter popcorn_vnet_drop).")
                .value(Cli.INT, v -> vnetDrop = v))
        .add(
            Cli.option("--dsm")
                .label("MODE")
                .byDefault("replicate")
                .description(
                    "How the memory of a process with threads on several kernels stays consistent"
                        + " (boot parameter popcorn_dsm): replicate (copies of pages, a page"
                        + " directory at the origin) or share (the origin's frames in windows"
                        + " granted to the kernels its threads run on). Default: {default}.")
                .value(Cli.STRING, v -> dsm = v))
        .add(
            Cli.option("--forward")
                .label("HOSTPORT:KERNEL:PORT")
                .description(
                    "Listen on 127.0.0.1:HOSTPORT and bridge each connection to PORT on KERNEL's"
                        + " virtual network address 10.1.2.(KERNEL+1), such as 2222:2:22 for SSH"
                        + " into kernel 2. Repeatable.")
                .values(Cli.STRING, forwards::add))
        .add(
            Cli.option("--full")
                .label("KERNEL")
                .description(
                    "Boot secondary KERNEL with the full image and initramfs (its init, Dropbear"
                        + " and the whole userland) rather than the light one. Repeatable.")
                .values(Cli.INT, full::add))
        .add(
            Cli.option("--ssh-key")
                .label("FILE")
                .description(
                    "A public key file that becomes root's /root/.ssh/authorized_keys in every full"
                        + " kernel, whose init then starts dropbear on port 22. Default with"
                        + " --forward: ~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub, when present.")
                .value(Cli.PATH, v -> sshKey = v))
        .add(
            Cli.option("--full-initramfs")
                .label("FILE")
                .byDefault("guest/out/initramfs-full.cpio")
                .description("The full secondaries' initramfs. Default: {default}.")
                .value(Cli.PATH, v -> fullInitramfs = v))
        .add(
            Cli.option("--record")
                .label("FILE")
                .description(
                    "Save all host input of this boot (the console's keys or lines, forwarded"
                        + " connections and their bytes), each with the virtual time it entered,"
                        + " for --replay.")
                .value(Cli.PATH, v -> record = v))
        .add(
            Cli.option("--replay")
                .label("FILE")
                .description(
                    "Re-run a boot saved with --record, given the same options: its input enters at"
                        + " the same virtual times, so guest output and --trace are the same. Reads"
                        + " no terminal, opens no host port; what the guest sends to forwarded"
                        + " connections is discarded.")
                .value(Cli.PATH, v -> replay = v));
  }

  /** The largest --replay file read. */
  static final long MAX_REPLAY_BYTES = 256L << 20;

  private final InputStream stdin;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final boolean interactive;

  public BootCommand() {
    this(
        new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err),
        System.console() != null && System.console().isTerminal());
  }

  public BootCommand(
      InputStream stdin, OutputStream stdout, OutputStream stderr, boolean interactive) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.interactive = interactive;
  }

  @Override
  public int call(Cli.Invocation invocation) throws MachineFileException {
    if (kernels != null && kernels < 1) {
      throw new UserError("--kernels " + kernels + ": give 1 or more (1 boots a single kernel)");
    }
    MachineDescription desc = MachineFiles.load(machine);
    if (kernels == null) {
      kernels = Math.min(DEFAULT_KERNELS, desc.harts().size());
    }
    if (vnetDrop != null) {
      if (vnetDrop < 0 || vnetDrop > 1000) {
        throw new UserError("--vnet-drop " + vnetDrop + ": give 0..1000 (per mille)");
      }
      desc = desc.withBootWords("popcorn_vnet_drop=" + vnetDrop);
    }
    if (!dsm.equals("replicate") && !dsm.equals("share")) {
      throw new UserError("--dsm " + dsm + ": give replicate or share");
    }
    if (dsm.equals("share")) {
      desc = desc.withBootWords("popcorn_dsm=share");
    }
    if (record != null && replay != null) {
      throw new UserError("--record and --replay: give one of them");
    }
    String hint = " (build the guest with: make -C guest)";
    // handed to the boot, which lets go of it once it is in the primary's memory
    BootRunner.Archive archive = new BootRunner.Archive(Inputs.initramfs(initramfs, hint));
    byte[] light = kernels > 1 ? Inputs.initramfs(lightInitramfs, hint) : null;
    BootRunner.Extras extras = extras(hint);
    HostBoundary boundary = HostBoundary.live();
    HostInputLog.Writer recording = null;
    if (replay != null) {
      HostInputLog log = replayLog(setup(desc, archive.bytes(), light, extras));
      boundary = HostBoundary.replaying(log, "lines".equals(log.setup().get("console")));
    } else if (record != null) {
      try {
        recording =
            new HostInputLog.Writer(
                java.nio.file.Files.newBufferedWriter(record, StandardCharsets.UTF_8),
                setup(desc, archive.bytes(), light, extras));
      } catch (IOException e) {
        throw new UserError("--record " + record + ": cannot write: " + e.getMessage());
      }
      boundary = HostBoundary.recording(recording);
    }
    extras =
        new BootRunner.Extras(
            extras.forwards(),
            extras.fullKernels(),
            extras.fullInitramfs(),
            extras.authorizedKeys(),
            boundary);
    OutputStream console =
        interactive
            ? new BufferedOutputStream(stdout, 1 << 12)
            : new CarriageReturnFilter(new BufferedOutputStream(stdout, 1 << 16));
    PrintStream messages = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    Machine.Options options = Machine.Options.defaults(console).withSeed(seed);
    TraceFile traceFile = trace == null ? null : TraceFile.open(trace);
    if (traceFile != null) {
      options = options.withTrace(traceFile.recorder());
    }
    BootRunner.Result result;
    boolean terminal = interactive && replay == null;
    String saved = terminal ? stty("-g") : null;
    if (terminal) {
      stty("raw", "-echo");
      messages.print(
          "popcorn: console attached; Ctrl-A x powers off"
              + (kernels > 1 ? ", Ctrl-A N shows kernel N's console (Ctrl-A 0 comes back)" : "")
              + "\r\n");
    }
    try {
      result =
          BootRunner.boot(
              desc,
              options,
              archive,
              kernels,
              light,
              null,
              extras,
              replay != null ? () -> null : keyboard(console),
              line -> {
                flush(console);
                messages.println("popcorn: " + line);
              });
    } catch (BootException e) {
      throw new UserError("boot: " + e.getMessage());
    } finally {
      flush(console);
      if (saved != null) {
        stty(saved);
      }
      if (traceFile != null) {
        traceFile.close();
      }
      if (recording != null) {
        recording.close();
      }
    }
    if (result.outcome() instanceof Kernel.Outcome.Panicked p) {
      messages.println("popcorn: kernel panic: " + p.reason());
    }
    if (boundary.divergence() != null) {
      throw new UserError("--replay " + replay + ": " + boundary.divergence());
    }
    if (recording != null && recording.failure() != null) {
      throw new UserError("--record " + record + ": cannot write: " + recording.failure());
    }
    if (traceFile != null) {
      traceFile.throwIfFailed();
    }
    return result.status();
  }

  /** The forwards, full kernels and SSH key the options ask for. */
  private BootRunner.Extras extras(String hint) {
    java.util.List<dev.popcornj.kernel.run.HostForwarder.Rule> rules = new java.util.ArrayList<>();
    for (String f : forwards) {
      try {
        rules.add(dev.popcornj.kernel.run.HostForwarder.Rule.parse(f));
      } catch (IllegalArgumentException e) {
        throw new UserError("--forward " + f + ": " + e.getMessage());
      }
      if (rules.getLast().kernel() >= kernels) {
        throw new UserError("--forward " + f + ": no kernel " + rules.getLast().kernel());
      }
    }
    Path key = sshKey;
    if (key == null && !rules.isEmpty()) {
      Path home = Path.of(System.getProperty("user.home"), ".ssh");
      for (String name : java.util.List.of("id_ed25519.pub", "id_rsa.pub")) {
        if (java.nio.file.Files.isReadable(home.resolve(name))) {
          key = home.resolve(name);
          break;
        }
      }
    }
    byte[] keys = null;
    if (key != null) {
      try {
        keys = java.nio.file.Files.readAllBytes(key);
      } catch (IOException e) {
        throw new UserError("--ssh-key " + key + ": " + e.getMessage());
      }
    }
    byte[] fullArchive =
        kernels > 1 && (!full.isEmpty() || keys != null)
            ? Inputs.initramfs(fullInitramfs, hint)
            : null;
    return new BootRunner.Extras(rules, new java.util.HashSet<>(full), fullArchive, keys);
  }

  /**
   * What a recording notes about its boot and a replay compares: the options and inputs that decide
   * the run (the files by their SHA-256), the heap (it sets the kernels' limits), and how the
   * console took input (not compared: a replay reads none). Made only for --record and --replay:
   * the digest of the default initramfs (50 MiB) alone took a tenth of a second of a boot's start.
   */
  private Map<String, String> setup(
      MachineDescription desc, byte[] archive, byte[] light, BootRunner.Extras extras) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("popcornj", Version.line());
    m.put("console", interactive ? "terminal" : "lines");
    m.put("machine", machine + " (" + desc.name() + ")");
    m.put("seed", Long.toString(seed));
    m.put("kernels", Integer.toString(kernels));
    m.put("vnet-drop", vnetDrop == null ? "none" : vnetDrop.toString());
    m.put("dsm", dsm);
    m.put("forward", forwards.isEmpty() ? "none" : String.join(",", forwards));
    m.put("full", new java.util.TreeSet<>(full).toString());
    m.put("initramfs", sha256(archive));
    m.put("light-initramfs", sha256(light));
    m.put("full-initramfs", sha256(extras.fullInitramfs()));
    m.put("ssh-key", sha256(extras.authorizedKeys()));
    m.put("heap", Long.toString(Runtime.getRuntime().maxMemory()));
    return m;
  }

  /** Keys of the setup that a replay need not match. */
  private static final Set<String> UNCOMPARED = Set.of("popcornj", "console");

  private static String sha256(byte[] data) {
    if (data == null) {
      return "none";
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The --replay file, read whole and checked against this boot's setup. */
  private HostInputLog replayLog(Map<String, String> setup) {
    String where = "--replay " + replay + ": ";
    HostInputLog log;
    try {
      byte[] bytes = InputFiles.read(replay, MAX_REPLAY_BYTES, "a recording");
      log = HostInputLog.read(new String(bytes, StandardCharsets.ISO_8859_1));
    } catch (InputFiles.Refused e) {
      throw new UserError(where + e.getMessage());
    } catch (HostInputLog.BadLogException e) {
      throw new UserError(where + e.getMessage());
    }
    for (Map.Entry<String, String> e : setup.entrySet()) {
      String recorded = log.setup().get(e.getKey());
      if (!UNCOMPARED.contains(e.getKey()) && !e.getValue().equals(recorded)) {
        throw new UserError(
            where
                + "recorded with "
                + e.getKey()
                + " "
                + (recorded == null ? "unknown" : recorded)
                + ", this boot has "
                + e.getValue()
                + " (give the options of the recording)");
      }
    }
    return log;
  }

  private static void flush(OutputStream out) {
    try {
      out.flush();
    } catch (IOException e) {
      // The terminal went away; nothing more to show.
    }
  }

  /**
   * Host input for the console: lines of piped input, or whatever the user types. Before it waits
   * for the host it shows what the guest wrote: console is the buffer the machine writes to.
   */
  private BootRunner.Keyboard keyboard(OutputStream console) {
    return interactive
        ? new Terminal(console)
        : BootRunner.lines(stdin, () -> flush(console), true);
  }

  /**
   * The user's terminal in raw mode: bytes as typed; Ctrl-A x asks to power off (Ctrl-A Ctrl-A
   * types one Ctrl-A).
   */
  private final class Terminal implements BootRunner.Keyboard {
    private final OutputStream console;
    private final byte[] buffer = new byte[4096];
    private boolean escape;
    private boolean quit;

    Terminal(OutputStream console) {
      this.console = console;
    }

    @Override
    public byte[] next() {
      try {
        flush(console);
        int n = stdin.read(buffer);
        return n <= 0 ? null : filter(n);
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public byte[] poll(boolean guestWaiting) {
      try {
        flush(console);
        int n = stdin.available() > 0 ? stdin.read(buffer) : 0;
        return n <= 0 ? null : filter(n);
      } catch (IOException e) {
        return null;
      }
    }

    private byte[] filter(int n) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        byte b = buffer[i];
        if (escape) {
          escape = false;
          if (b == 'x' || b == 'X') {
            quit = true;
          } else {
            // Not ours: the guest's console driver reads Ctrl-A N (switch consoles) itself.
            out.write(1);
            out.write(b);
          }
        } else if (b == 1) {
          escape = true;
        } else {
          out.write(b);
        }
      }
      return out.size() == 0 && !quit ? new byte[0] : out.toByteArray();
    }

    @Override
    public boolean quitRequested() {
      return quit;
    }
  }

  /** Runs stty on the controlling terminal; returns what it printed (the settings for -g). */
  private static String stty(String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add("stty");
    cmd.addAll(java.util.List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(new java.io.File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The console's output for a file or pipe: the terminal's CR LF line ends become LF, as a user
   * redirecting a session expects.
   */
  static final class CarriageReturnFilter extends OutputStream {
    private final OutputStream out;
    private boolean pendingCr;

    CarriageReturnFilter(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (pendingCr) {
        pendingCr = false;
        if (b != '\n') {
          out.write('\r');
        }
      }
      if (b == '\r') {
        pendingCr = true;
        return;
      }
      out.write(b);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
