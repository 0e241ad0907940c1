package org.prov4ml;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The packages of prov4ml's main code form no cycle, and the public API delegates to nothing internal but two
 * leaves, the run directory's format and the configuration: a build that adds a cycle fails here, naming it.
 */
class PackageStructureTest {

  private static final String[] LEAVES = {"org.prov4ml.internal.format", "org.prov4ml.internal.config"};

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.prov4ml");

  /** One slice per package, the root package {@code org.prov4ml} included (a pattern slice would leave it out). */
  private static final SliceAssignment PACKAGES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      return javaClass.getPackageName().startsWith("org.prov4ml")
          ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "prov4ml's packages";
    }
  };

  @Test
  void packagesFormNoCycle() {
    slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theApiNamesNoInternalPackageButTheLeavesItDelegatesTo() {
    noClasses().that().resideInAPackage("org.prov4ml")
        .should().dependOnClassesThat(resideInAPackage("org.prov4ml.internal..")
            .and(not(resideInAnyPackage(LEAVES))))
        .because("the API reaches its implementation through ServiceLoader (Prov4ml.Backend)")
        .check(MAIN);
  }

  /** The format and the configuration are leaves: what the API delegates to can never reach back to it. */
  @Test
  void theLeavesTheApiDelegatesToDependOnNothingOfOurs() {
    noClasses().that().resideInAnyPackage(LEAVES)
        .should().dependOnClassesThat(resideInAPackage("org.prov4ml..").and(not(resideInAnyPackage(LEAVES))))
        .check(MAIN);
  }
}
