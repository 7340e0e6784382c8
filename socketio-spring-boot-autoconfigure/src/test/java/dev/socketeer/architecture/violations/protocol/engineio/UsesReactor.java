package dev.socketeer.architecture.violations.protocol.engineio;

/** Breaks: protocol imports no Reactor. */
public class UsesReactor {
    reactor.core.publisher.Mono<String> mono;
}
