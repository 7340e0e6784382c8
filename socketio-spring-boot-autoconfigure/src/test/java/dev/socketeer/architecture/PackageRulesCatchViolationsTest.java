package dev.socketeer.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves each rule bites: the fixture package {@code violations} mirrors the library's layout, and each fixture
 * class breaks exactly one rule.
 */
class PackageRulesCatchViolationsTest {

    private static final String ROOT = "dev.socketeer.architecture.violations";

    private static JavaClasses fixtures;

    @BeforeAll
    static void importFixtures() {
        fixtures = new ClassFileImporter().importPackages(ROOT);
    }

    @Test
    void nettyHttpOutsideEngineNettyIsCaught() {
        assertViolation(LayerRules::onlyEngineNettyTouchesNettyHttpOrReactorNetty, "server.UsesNettyHttp");
    }

    @Test
    void springBootOutsideAutoconfigureIsCaught() {
        assertViolation(LayerRules::onlyAutoconfigureTouchesSpringBoot, "handler.UsesSpringBoot");
    }

    @Test
    void reactorInProtocolIsCaught() {
        assertViolation(LayerRules::protocolUsesNeitherReactorNorSpring, "protocol.engineio.UsesReactor");
    }

    @Test
    void engineUsingSocketIoIsCaught() {
        assertViolation(LayerRules::engineKnowsNothingOfSocketIo, "engine.UsesServer");
    }

    @Test
    void adapterUsingServerIsCaught() {
        assertViolation(LayerRules::adapterDependsNeitherOnServerNorOnTheNettyEngine, "adapter.UsesServer");
    }

    @Test
    void serverUsingTheNettyEngineIsCaught() {
        assertViolation(LayerRules::serverDependsNeitherOnTheNettyEngineNorOnUpperLayers, "server.UsesEngineNetty");
    }

    @Test
    void adminUsingTheHandlerLayerIsCaught() {
        assertViolation(LayerRules::adminUsesTheServerNotTheLayersAroundIt, "admin.UsesHandler");
    }

    @Test
    void dependingOnAutoconfigureIsCaught() {
        assertViolation(LayerRules::nothingDependsOnAutoconfigure, "handler.UsesAutoconfigure");
    }

    @Test
    void cyclesBetweenLayersAreCaught() {
        assertViolation(LayerRules::layersAreFreeOfCycles, "engine.UsesServer");
    }

    @Test
    void allowedDependenciesPass() {
        EvaluationResult result = LayerRules.onlyEngineNettyTouchesNettyHttpOrReactorNetty(ROOT).evaluate(
                new ClassFileImporter().importPackages(ROOT + ".engine.netty"));

        assertThat(result.hasViolation()).as(() -> result.getFailureReport().toString()).isFalse();
    }

    private static void assertViolation(Function<String, ArchRule> rule, String offender) {
        EvaluationResult result = rule.apply(ROOT).evaluate(fixtures);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anySatisfy(detail -> assertThat(detail)
                .contains(ROOT + "." + offender));
    }
}
