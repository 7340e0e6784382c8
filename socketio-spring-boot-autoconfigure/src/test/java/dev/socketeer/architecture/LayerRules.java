package dev.socketeer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of DESIGN.md as ArchUnit rules over a root package: {@code dev.socketeer} for the library,
 * a fixture package in the tests that prove each rule catches a violation.
 */
final class LayerRules {

    private LayerRules() {
    }

    static ArchRule onlyEngineNettyTouchesNettyHttpOrReactorNetty(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(root + ".engine.netty..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty.handler.codec.http..", "reactor.netty..")
                .because("only engine.netty maps HTTP and WebSocket traffic onto engine transports")
                .allowEmptyShould(true);
    }

    static ArchRule onlyAutoconfigureTouchesSpringBoot(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(root + ".autoconfigure..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.boot..")
                .because("the server is usable without Spring Boot; only autoconfigure binds it to Boot")
                .allowEmptyShould(true);
    }

    static ArchRule protocolUsesNeitherReactorNorSpring(String root) {
        return noClasses().that().resideInAPackage(root + ".protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("reactor..", "org.springframework..")
                .because("the protocol codecs depend only on the JDK, netty-buffer and Jackson")
                .allowEmptyShould(true);
    }

    static ArchRule protocolDependsOnNoOtherLayer(String root) {
        return noClasses().that().resideInAPackage(root + ".protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".engine..", root + ".server..",
                        root + ".adapter..", root + ".handler..", root + ".annotation..", root + ".autoconfigure..")
                .because("the protocol layer is the bottom of the stack")
                .allowEmptyShould(true);
    }

    static ArchRule engineKnowsNothingOfSocketIo(String root) {
        return noClasses().that().resideInAnyPackage(root + ".engine..", root + ".protocol.engineio..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".protocol.socketio..", root + ".server..",
                        root + ".adapter..", root + ".handler..", root + ".annotation..", root + ".autoconfigure..")
                .because("Engine.IO knows nothing of namespaces or events; Socket.IO sits on top of it")
                .allowEmptyShould(true);
    }

    static ArchRule adapterDependsNeitherOnServerNorOnTheNettyEngine(String root) {
        return noClasses().that().resideInAPackage(root + ".adapter..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".server..", root + ".engine.netty..",
                        root + ".handler..", root + ".annotation..", root + ".autoconfigure..")
                .because("adapters see a namespace only through their narrow callback")
                .allowEmptyShould(true);
    }

    static ArchRule serverDependsNeitherOnTheNettyEngineNorOnUpperLayers(String root) {
        return noClasses().that().resideInAPackage(root + ".server..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".engine.netty..", root + ".handler..",
                        root + ".annotation..", root + ".autoconfigure..")
                .because("the server uses the engine's public API only, and knows nothing of annotated handlers")
                .allowEmptyShould(true);
    }

    static ArchRule adminUsesTheServerNotTheLayersAroundIt(String root) {
        return noClasses().that().resideInAPackage(root + ".admin..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".engine.netty..", root + ".handler..",
                        root + ".annotation..", root + ".autoconfigure..")
                .because("the Admin UI's protocol sits on the server's public API, like an application would")
                .allowEmptyShould(true);
    }

    static ArchRule annotationsDependOnNoOtherLayer(String root) {
        return noClasses().that().resideInAPackage(root + ".annotation..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".protocol..", root + ".engine..",
                        root + ".server..", root + ".adapter..", root + ".handler..", root + ".autoconfigure..")
                .because("annotations depend only on the JDK and spring-context")
                .allowEmptyShould(true);
    }

    static ArchRule nothingDependsOnAutoconfigure(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(root + ".autoconfigure..")
                .should().dependOnClassesThat().resideInAPackage(root + ".autoconfigure..")
                .because("autoconfigure is the top of the stack")
                .allowEmptyShould(true);
    }

    static ArchRule layersAreFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("dependencies between layers point one way")
                .allowEmptyShould(true);
    }

    static List<ArchRule> all(String root) {
        return List.of(onlyEngineNettyTouchesNettyHttpOrReactorNetty(root), onlyAutoconfigureTouchesSpringBoot(root),
                protocolUsesNeitherReactorNorSpring(root), protocolDependsOnNoOtherLayer(root),
                engineKnowsNothingOfSocketIo(root), adapterDependsNeitherOnServerNorOnTheNettyEngine(root),
                serverDependsNeitherOnTheNettyEngineNorOnUpperLayers(root), adminUsesTheServerNotTheLayersAroundIt(root),
                annotationsDependOnNoOtherLayer(root),
                nothingDependsOnAutoconfigure(root), layersAreFreeOfCycles(root));
    }
}
