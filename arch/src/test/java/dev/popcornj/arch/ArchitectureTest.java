package dev.popcornj.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries and the share-nothing rule of DESIGN.md, checked on the compiled main
 * classes: dependencies point down only (cli -> kernel -> machine), and machine and kernel code
 * holds no static mutable state, so N kernel instances can never share anything through Java.
 */
class ArchitectureTest {
  static final String MACHINE = "dev.popcornj.machine..";
  static final String KERNEL = "dev.popcornj.kernel..";
  static final String CLI = "dev.popcornj.cli..";

  static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.popcornj");
  }

  @Test
  void machineKnowsNothingOfKernelsOrTheCli() {
    noClasses()
        .that()
        .resideInAPackage(MACHINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(KERNEL, CLI)
        .check(main);
  }

  @Test
  void kernelKnowsNothingOfTheCli() {
    noClasses()
        .that()
        .resideInAPackage(KERNEL)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(CLI)
        .check(main);
  }

  /**
   * The kernel's core: what every kernel has, and what services build on. Core packages never
   * depend on the composition root (boot), the runners (run) or the services wing.
   */
  static final String[] CORE = {
    "dev.popcornj.kernel.abi..",
    "dev.popcornj.kernel.fs..",
    "dev.popcornj.kernel.log..",
    "dev.popcornj.kernel.mm..",
    "dev.popcornj.kernel.msg..",
    "dev.popcornj.kernel.net..",
    "dev.popcornj.kernel.param..",
    "dev.popcornj.kernel.platform..",
    "dev.popcornj.kernel.proc..",
    "dev.popcornj.kernel.sched..",
    "dev.popcornj.kernel.signal..",
    "dev.popcornj.kernel.syscall..",
    "dev.popcornj.kernel.time..",
    "dev.popcornj.kernel.trap..",
    "dev.popcornj.kernel.tty.."
  };

  static final String BOOT = "dev.popcornj.kernel.boot..";
  static final String RUN = "dev.popcornj.kernel.run..";
  static final String SERVICES = "dev.popcornj.kernel.services..";

  /**
   * The partition guard widens only through the firmware: no kernel part outside the runners (where
   * the firmware lives) grants or revokes a window of memory on a view, its own or another's.
   */
  @Test
  void onlyTheFirmwareGrantsWindows() {
    noClasses()
        .that()
        .resideInAPackage(KERNEL)
        .and()
        .resideOutsideOfPackage(RUN)
        .should()
        .callMethod(
            dev.popcornj.machine.mem.MemoryView.class,
            "grantWindow",
            dev.popcornj.machine.mem.Region.class)
        .orShould()
        .callMethod(
            dev.popcornj.machine.mem.MemoryView.class,
            "revokeWindow",
            dev.popcornj.machine.mem.Region.class)
        .check(main);
  }

  /** Every kernel package (services' subpackages count as one, the wing) is free of cycles. */
  @Test
  void kernelPackagesFormNoCycles() {
    slices().matching("dev.popcornj.kernel.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void coreDependsOnNeitherBootNorRunnersNorServices() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(BOOT, RUN, SERVICES)
        .check(main);
  }

  /** A service builds on core APIs only, and never on another service. */
  @Test
  void servicesDependOnlyOnCoreAndNotOnEachOther() {
    noClasses()
        .that()
        .resideInAPackage(SERVICES)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(BOOT, RUN)
        .check(main);
    slices()
        .matching("dev.popcornj.kernel.services.(*)..")
        .should()
        .notDependOnEachOther()
        .check(main);
  }

  /**
   * Least authority: a kernel reaches the machine only through the capability its firmware hands
   * it, never through the whole Machine (only the runners, which build machines, hold one); and no
   * kernel part can name a kernel instance or the firmware (only the kernel itself and the runners
   * that start kernels), so none can reach another kernel's objects, and no part of a kernel is
   * handed the whole of its own.
   */
  @Test
  void noKernelPartReachesTheMachineOrAnotherKernel() {
    noClasses()
        .that()
        .resideInAPackage(KERNEL)
        .and()
        .resideOutsideOfPackage(RUN)
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(dev.popcornj.machine.Machine.class)
        .check(main);
    noClasses()
        .that()
        .resideInAPackage(KERNEL)
        .and()
        .resideOutsideOfPackage(RUN)
        .and()
        .haveNameNotMatching("dev\\.popcornj\\.kernel\\.boot\\.Kernel(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.popcornj.kernel.boot.Kernel")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.popcornj.kernel.run.Firmware")
        .check(main);
  }

  /**
   * A kernel drives only its own harts: the run loop, the power button, attaching CPU loops and the
   * interrupt controller are reached through its Platform, which the firmware limits to the
   * kernel's harts and role; only the runners and the firmware touch them directly.
   */
  @Test
  void onlyTheFirmwareDrivesTheMachine() {
    Class<?> sim = dev.popcornj.machine.sim.Simulation.class;
    Class<?> irq = dev.popcornj.machine.irq.InterruptController.class;
    noClasses()
        .that()
        .resideInAPackage(KERNEL)
        .and()
        .resideOutsideOfPackage(RUN)
        .should()
        .callMethod(sim, "attach", int.class, dev.popcornj.machine.sim.HartDriver.class)
        .orShould()
        .callMethod(sim, "detach", int.class)
        .orShould()
        .callMethod(sim, "powerOff", int.class)
        .orShould()
        .callMethod(sim, "run", long.class, long.class)
        .orShould()
        .callMethod(
            irq,
            "setListener",
            int.class,
            dev.popcornj.machine.irq.InterruptController.Listener.class)
        .orShould()
        .callMethod(irq, "clear", int.class, int.class)
        .orShould()
        .callMethod(irq, "sendIpi", int.class, int.class, long.class)
        .check(main);
  }

  @Test
  void machineAndKernelHaveNoStaticMutableFields() {
    staticStateRule().check(main);
  }

  /**
   * Determinism: simulated time is the only clock machine and kernel code may read. The host file
   * system's time conversion (fs.HostTimes) names java.time for the times recorded in host files,
   * which are host input, not a clock.
   */
  @Test
  void machineAndKernelReadNoHostClock() {
    noClasses()
        .that()
        .resideInAnyPackage(MACHINE, KERNEL)
        .and()
        .doNotHaveFullyQualifiedName("dev.popcornj.kernel.fs.HostTimes")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(
            java.time.Clock.class,
            java.time.Instant.class,
            java.time.LocalDateTime.class,
            java.time.ZonedDateTime.class)
        .check(main);
  }

  /** Determinism: every random number comes from a seeded stream, never from the host. */
  @Test
  void machineAndKernelUseNoUnseededRandomness() {
    noClasses()
        .that()
        .resideInAnyPackage(MACHINE, KERNEL)
        .should()
        .callMethod(Math.class, "random")
        .orShould()
        .callConstructor(java.util.Random.class)
        .orShould()
        .callConstructor(java.util.SplittableRandom.class)
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(
            java.util.concurrent.ThreadLocalRandom.class, java.security.SecureRandom.class)
        .check(main);
  }

  /**
   * One thread runs the simulation: the only other threads are the kernel stacks' virtual threads,
   * which run one at a time under sched.KernelStack's baton. No reflection either: components are
   * wired in constructors.
   */
  @Test
  void hostThreadsOnlyInKernelStacksAndNoReflection() {
    noClasses()
        .that()
        .resideInAnyPackage(MACHINE, KERNEL)
        .and()
        .doNotHaveFullyQualifiedName("dev.popcornj.kernel.sched.KernelStack")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(Thread.class, Thread.Builder.class)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent", "java.lang.reflect")
        .check(main);
  }

  /**
   * Start-up: every command reads a machine file cold, before anything else runs. Jackson cost a
   * 64-kernel boot about 45 ms of the command thread (its ObjectMapper's static initialisation
   * alone about 29 ms), so machine files are read by machine.desc.Toml and the JSON that commands
   * write is written by hand; Jackson stays a test-only dependency, for reading that JSON back.
   */
  @Test
  void mainCodeLoadsNoJackson() {
    noClasses()
        .that()
        .resideInAPackage("dev.popcornj..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.fasterxml.jackson..")
        .check(main);
  }

  @Test
  void theRulesSeeTheCodeTheyGuard() {
    // A rule that imports nothing passes vacuously; make sure the import found all three layers.
    for (String pkg :
        new String[] {"dev.popcornj.machine", "dev.popcornj.kernel", "dev.popcornj.cli"}) {
      boolean found = main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg));
      if (!found) {
        throw new AssertionError("no main classes imported from " + pkg);
      }
    }
  }

  /** Static fields in machine and kernel code must be final and of a type that cannot change. */
  static ArchRule staticStateRule() {
    return fields()
        .that(
            DescribedPredicate.describe(
                "are static fields of machine or kernel code",
                (JavaField f) ->
                    f.getModifiers().contains(JavaModifier.STATIC)
                        && !f.getModifiers().contains(JavaModifier.SYNTHETIC)
                        && (f.getOwner().getPackageName().startsWith("dev.popcornj.machine")
                            || f.getOwner().getPackageName().startsWith("dev.popcornj.kernel"))))
        .should(beFinalAndImmutable());
  }

  private static final Set<String> IMMUTABLE =
      Set.of(
          String.class.getName(),
          Integer.class.getName(),
          Long.class.getName(),
          Short.class.getName(),
          Byte.class.getName(),
          Character.class.getName(),
          Boolean.class.getName(),
          Double.class.getName(),
          Float.class.getName(),
          BigInteger.class.getName(),
          BigDecimal.class.getName(),
          VarHandle.class.getName(),
          MethodHandle.class.getName(),
          Pattern.class.getName(),
          Class.class.getName());

  private static final Set<String> COLLECTIONS =
      Set.of(
          java.util.List.class.getName(),
          java.util.Set.class.getName(),
          java.util.Map.class.getName());

  static ArchCondition<JavaField> beFinalAndImmutable() {
    return new ArchCondition<>("be final and hold no mutable state") {
      @Override
      public void check(JavaField field, ConditionEvents events) {
        if (!field.getModifiers().contains(JavaModifier.FINAL)) {
          events.add(
              SimpleConditionEvent.violated(
                  field, field.getFullName() + " is static and not final"));
          return;
        }
        JavaClass type = field.getRawType();
        boolean immutable =
            type.isPrimitive()
                || type.isEnum()
                || type.isRecord()
                || IMMUTABLE.contains(type.getName());
        if (!immutable && COLLECTIONS.contains(type.getName())) {
          immutable = holdsUnmodifiableCollection(field);
        }
        if (!immutable) {
          events.add(
              SimpleConditionEvent.violated(
                  field,
                  field.getFullName()
                      + " is static final but of type "
                      + type.getName()
                      + ", which can hold mutable state"));
        }
      }
    };
  }

  /**
   * A static final List, Set or Map is allowed when the value it holds refuses changes, as those
   * made by List.of, Set.of, Map.of and Collections.unmodifiable* do.
   */
  static boolean holdsUnmodifiableCollection(JavaField field) {
    try {
      java.lang.reflect.Field f = field.reflect();
      f.setAccessible(true);
      Object value = f.get(null);
      String impl = value == null ? "" : value.getClass().getName();
      return impl.startsWith("java.util.ImmutableCollections$")
          || impl.startsWith("java.util.Collections$Unmodifiable")
          || impl.startsWith("java.util.Collections$Empty")
          || impl.startsWith("java.util.Collections$Singleton");
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
