import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A build step of the popcorn jar: re-stamps the class files older than Java 6 (picocli ships
 * Java 5 ones) as Java 8 class files with stack maps, in place, so that JDK 25's ahead-of-time
 * cache keeps them as it keeps the rest (it refuses classes linked by the old verifier, and
 * picocli is most of what a short run loads). Only the version and the stack maps change; a class
 * that cannot be re-stamped stays as it was, with one line saying so.
 *
 * <p>usage: java RestampOldClasses.java JAR
 */
public final class RestampOldClasses {
  private static final int JAVA_6 = 50;

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]).toAbsolutePath();
    int restamped = 0;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
      ClassFile classFile =
          ClassFile.of(
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.defaultResolver()
                      .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
      List<Path> classes;
      try (Stream<Path> files = Files.walk(zip.getPath("/"))) {
        classes = files.filter(f -> f.toString().endsWith(".class")).toList();
      }
      for (Path p : classes) {
        ClassModel model = classFile.parse(Files.readAllBytes(p));
        if (model.majorVersion() >= JAVA_6) {
          continue;
        }
        byte[] modern;
        try {
          modern =
              classFile.build(
                  model.thisClass().asSymbol(),
                  b -> {
                    for (ClassElement e : model) {
                      if (!(e instanceof ClassFileVersion)) {
                        b.with(e);
                      }
                    }
                    b.withVersion(ClassFile.JAVA_8_VERSION, 0);
                  });
        } catch (RuntimeException e) {
          System.out.println("RestampOldClasses: " + p + " stays as it was: " + e.getMessage());
          continue;
        }
        Files.write(p, modern);
        restamped++;
      }
    }
    System.out.println("RestampOldClasses: " + restamped + " class files re-stamped in " + jar);
  }
}
