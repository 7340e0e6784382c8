package dev.socketeer.guide.middleware;

import reactor.core.publisher.Mono;

/** Your own token check, non-blocking: the user name, or empty when the token is not valid. */
public interface TokenVerifier {

    Mono<String> userOf(String token);
}
