package dev.socketeer.server;

import reactor.core.publisher.Mono;

/**
 * A connection middleware as a {@link Mono}: completing lets the connection proceed, an error
 * refuses it (see {@link ConnectionRefusedException}).
 */
@FunctionalInterface
public interface ReactiveConnectionMiddleware {

    Mono<Void> apply(Socket socket);
}
