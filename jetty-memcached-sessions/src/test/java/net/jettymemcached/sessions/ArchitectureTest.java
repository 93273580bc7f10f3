package net.jettymemcached.sessions;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages show the architecture and data flows one way: no package of the library depends on another that
 * depends back on it, and the entry points (the root package: install, cluster, id manager, settings) are used by
 * nothing below them.
 */
class ArchitectureTest
{
    private static final JavaClasses LIBRARY = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("net.jettymemcached.sessions");

    @Test
    void noPackageCycles()
    {
        // (**) makes every package its own slice, nested ones (codec.protostuff) included.
        slices().matching("net.jettymemcached.sessions.(**)").should().beFreeOfCycles().check(LIBRARY);
    }

    @Test
    void nothingDependsOnTheEntryPoints()
    {
        noClasses().that().resideOutsideOfPackage("net.jettymemcached.sessions")
            .should().dependOnClassesThat().resideInAPackage("net.jettymemcached.sessions")
            .check(LIBRARY);
    }
}
