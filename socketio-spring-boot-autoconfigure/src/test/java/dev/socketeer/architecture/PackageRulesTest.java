package dev.socketeer.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keeps the package rules of DESIGN.md true for the library's main classes. */
class PackageRulesTest {

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.socketeer");
    }

    static Iterable<ArchRule> rules() {
        return LayerRules.all("dev.socketeer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void libraryFollowsRule(ArchRule rule) {
        EvaluationResult result = rule.evaluate(library);

        assertThat(result.hasViolation()).as(() -> result.getFailureReport().toString()).isFalse();
    }
}
