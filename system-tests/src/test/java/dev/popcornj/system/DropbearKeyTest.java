package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dropbear's key tools, as the full image ships them (scripts/guest-dropbear), under `popcorn run`
 * and under qemu-riscv64: dropbearkey makes an ed25519 key in a host directory and prints its
 * public half again with -y, dropbearconvert writes it in OpenSSH's format, and refusals (an
 * existing key file, a missing one) end as they should.
 *
 * <p>The key is random, so the two runners cannot agree on bytes; each run is checked on its own
 * against things dropbearkey cannot fake: the public key line and the fingerprint have their shape,
 * the fingerprint is the SHA-256 of the public key blob, the key file (mode 0600) holds that public
 * key beside a private seed that signs a message the public key verifies (the JDK's Ed25519), and
 * the host's OpenSSH (`ssh-keygen -y` and `-l` on the converted file) reads the same key and
 * fingerprint. Then the two runners' transcripts, with the key, the fingerprint and the comment
 * (user@host) cut out, must be the same: the same messages, statuses and files.
 */
class DropbearKeyTest {
  /** A guard against a hang, not a check of speed. */
  private static final long STEP_TIMEOUT_SECONDS = 300;

  private static final Pattern PUBLIC =
      Pattern.compile(
          "Public key portion is:\n(ssh-ed25519 (AAAA[A-Za-z0-9+/]+=*)) (\\S+@\\S+)\n"
              + "Fingerprint: SHA256:([A-Za-z0-9+/]{43})\n");
  private static final String GENERATING =
      "Generating 256 bit ed25519 key, this may take a while...\n";

  private static Path root;
  private static Path multi;

  @BeforeAll
  static void buildDropbear() throws IOException, InterruptedException {
    root = Guest.root();
    Path out = root.resolve("guest/out/dropbear");
    // Reuses the cached build (scripts/test has already run it); builds from the sources otherwise.
    Process build =
        new ProcessBuilder(root.resolve("scripts/guest-dropbear").toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, build.waitFor(), "scripts/guest-dropbear failed:\n" + log);
    multi = out.resolve("dropbearmulti");
  }

  @Test
  void dropbearkeyMakesAKeyOpenSshReadsAndQemuAgrees() throws Exception {
    String qemu = run("qemu");
    String popcorn = run("popcorn");
    assertEquals(qemu, popcorn, "popcorn run differs from qemu-riscv64 (key material cut out)");
  }

  /** One program run: its output and status. */
  private record Result(String stdout, String stderr, int status) {
    String shown() {
      return "--- stdout\n" + stdout + "--- stderr\n" + stderr + "--- status " + status + "\n";
    }
  }

  /**
   * Runs the steps under runner in a fresh directory, checks each against its meaning, and returns
   * the transcript with the random parts replaced by fixed words.
   */
  private static String run(String runner) throws Exception {
    Path base = root.resolve("system-tests/target/dropbear-key");
    Path dir = base.resolve(runner);
    deleteTree(dir);
    Files.createDirectories(dir);
    // The multi-call binary chooses its program by the name it is run as.
    for (String name : List.of("dropbearkey", "dropbearconvert")) {
      Files.copy(multi, dir.resolve(name));
      dir.resolve(name).toFile().setExecutable(true);
    }
    StringBuilder transcript = new StringBuilder();
    int[] n = {0};
    Step step =
        (args) -> {
          Result r = guest(runner, dir, base, n[0]++, args);
          transcript.append("$ ").append(String.join(" ", args)).append('\n').append(r.shown());
          return r;
        };

    Result made = step.run(List.of("dropbearkey", "-t", "ed25519", "-f", "key"));
    String where = runner + ": dropbearkey -t ed25519 -f key\n" + made.shown();
    assertEquals(0, made.status(), where);
    assertEquals(GENERATING, made.stderr(), where);
    Matcher m = PUBLIC.matcher(made.stdout());
    assertTrue(m.matches(), "not a public key and a fingerprint: " + where);
    String publicLine = m.group(1);
    byte[] blob = Base64.getDecoder().decode(m.group(2));
    String comment = m.group(3);
    String fingerprint = m.group(4);

    // The blob is SSH's: string "ssh-ed25519", string of the 32-byte public key.
    ByteBuffer b = ByteBuffer.wrap(blob);
    assertEquals("ssh-ed25519", sshString(b), where);
    byte[] publicKey = sshBytes(b);
    assertEquals(32, publicKey.length, where);
    assertEquals(0, b.remaining(), where);
    assertEquals(
        Base64.getEncoder()
            .withoutPadding()
            .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob)),
        fingerprint,
        runner + ": the fingerprint is not the SHA-256 of the public key");

    // Dropbear's key file: string "ssh-ed25519", string of the seed and the public key.
    Path key = dir.resolve("key");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(key)),
        runner + ": the key file's mode");
    ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(key));
    assertEquals("ssh-ed25519", sshString(f), runner + ": key file");
    byte[] secret = sshBytes(f);
    assertEquals(64, secret.length, runner + ": key file");
    assertEquals(0, f.remaining(), runner + ": key file");
    assertArrayEquals(
        publicKey,
        Arrays.copyOfRange(secret, 32, 64),
        runner + ": the key file holds another public key than the one printed");
    assertTrue(
        signsAndVerifies(Arrays.copyOfRange(secret, 0, 32), publicKey),
        runner + ": the key file's seed is not the private half of the public key printed");

    Result again = step.run(List.of("dropbearkey", "-y", "-f", "key"));
    assertEquals(new Result(made.stdout(), "", 0), again, runner + ": dropbearkey -y -f key");

    Result converted =
        step.run(List.of("dropbearconvert", "dropbear", "openssh", "key", "key.openssh"));
    assertEquals(0, converted.status(), runner + ": dropbearconvert\n" + converted.shown());
    Result ossh = host(dir, "ssh-keygen", "-y", "-f", "key.openssh");
    assertEquals(
        new Result(publicLine + "\n", "", 0),
        ossh,
        runner + ": ssh-keygen -y on the converted key");
    Result listed = host(dir, "ssh-keygen", "-l", "-E", "sha256", "-f", "key.openssh");
    assertEquals(0, listed.status(), runner + ": ssh-keygen -l\n" + listed.shown());
    assertTrue(
        listed.stdout().startsWith("256 SHA256:" + fingerprint + " ")
            && listed.stdout().endsWith(" (ED25519)\n"),
        runner + ": ssh-keygen -l on the converted key: " + listed.stdout());

    // Refusals: a key file that exists is kept, a missing one is reported.
    byte[] before = Files.readAllBytes(key);
    Result exists = step.run(List.of("dropbearkey", "-t", "ed25519", "-f", "key"));
    assertTrue(exists.status() != 0, runner + ": dropbearkey over an existing key\n" + exists);
    assertArrayEquals(before, Files.readAllBytes(key), runner + ": the existing key changed");
    Result missing = step.run(List.of("dropbearkey", "-y", "-f", "nokey"));
    assertTrue(missing.status() != 0, runner + ": dropbearkey -y -f nokey\n" + missing);

    transcript.append("--- files\n");
    try (Stream<Path> s = Files.list(dir)) {
      new TreeSet<>(s.map(p -> p.getFileName().toString()).toList())
          .forEach(name -> transcript.append(name).append('\n'));
    }
    return transcript
        .toString()
        .replace(m.group(2), "KEY")
        .replace(fingerprint, "FINGERPRINT")
        .replace(comment, "USER@HOST");
  }

  @FunctionalInterface
  private interface Step {
    Result run(List<String> args) throws Exception;
  }

  /** Runs the riscv64 program args[0] of dir with the rest of args, under runner. */
  private static Result guest(String runner, Path dir, Path base, int n, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    if (runner.equals("qemu")) {
      command.add("qemu-riscv64");
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of("-Xss16m", "-jar", root.resolve("cli/target/popcorn.jar").toString(), "run"));
    }
    command.add("./" + args.get(0));
    command.addAll(args.subList(1, args.size()));
    return execute(command, dir, base.resolve(runner + "-" + n));
  }

  /** Runs a host program in dir. */
  private static Result host(Path dir, String... command) throws Exception {
    return execute(List.of(command), dir, dir.resolveSibling(dir.getFileName() + "-host"));
  }

  private static Result execute(List<String> command, Path dir, Path streams) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("HOME", dir.toString());
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    File out = Path.of(streams + ".stdout").toFile();
    File err = Path.of(streams + ".stderr").toFile();
    pb.redirectOutput(out).redirectError(err);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not end");
    }
    return new Result(
        Files.readString(out.toPath(), StandardCharsets.ISO_8859_1),
        Files.readString(err.toPath(), StandardCharsets.ISO_8859_1),
        p.exitValue());
  }

  /** Whether seed signs a message that publicKey (RFC 8032's encoding) verifies. */
  private static boolean signsAndVerifies(byte[] seed, byte[] publicKey)
      throws GeneralSecurityException {
    KeyFactory keys = KeyFactory.getInstance("Ed25519");
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
    byte[] message = "PopcornJ".getBytes(StandardCharsets.US_ASCII);
    signer.update(message);
    byte[] signature = signer.sign();
    // The encoding is y little-endian with x's low bit in the top bit of the last byte.
    byte[] y = publicKey.clone();
    boolean xOdd = (y[31] & 0x80) != 0;
    y[31] &= 0x7f;
    for (int i = 0; i < 16; i++) {
      byte t = y[i];
      y[i] = y[31 - i];
      y[31 - i] = t;
    }
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(
        keys.generatePublic(
            new EdECPublicKeySpec(
                NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, y)))));
    verifier.update(message);
    return verifier.verify(signature);
  }

  /** SSH's string: a big-endian 32-bit length and that many bytes. */
  private static byte[] sshBytes(ByteBuffer b) {
    int length = b.getInt();
    assertTrue(length >= 0 && length <= b.remaining(), "a string longer than its buffer");
    byte[] bytes = new byte[length];
    b.get(bytes);
    return bytes;
  }

  private static String sshString(ByteBuffer b) {
    return new String(sshBytes(b), StandardCharsets.ISO_8859_1);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted((a, c) -> c.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
