package dev.socketeer.sample.chat;

import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Signs a chat session in: {@code POST /api/session} with {@code {"nickname": "alice"}} answers
 * {@code {"nickname", "token"}} (200), the token to send in the Socket.IO {@code auth} payload; 400 for a nickname
 * that cannot be one, 409 while another session is connected under it. A page that already has a token for the
 * nickname sends it ({@code Authorization: Bearer <token>}) to get a fresh one for the same session.
 *
 * <p>A real application would sign users in with passwords, OAuth2 or its existing session instead (see the guide,
 * "Security"); what this sample shows is the rest: the server decides who a socket is, from a token it signed, and
 * never from what the client says about itself.
 */
@RestController
@Profile("!conformance")
class SessionController {

    private final ChatTokens tokens;
    private final Nicknames nicknames;

    SessionController(ChatTokens tokens, Nicknames nicknames) {
        this.tokens = tokens;
        this.nicknames = nicknames;
    }

    record SessionRequest(String nickname) {
    }

    @PostMapping("/api/session")
    Mono<ResponseEntity<Map<String, String>>> signIn(@RequestBody SessionRequest request,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        Optional<String> nickname = Nicknames.normalize(request.nickname());
        if (nickname.isEmpty()) {
            return Mono.just(ResponseEntity.badRequest().body(Map.of("error", "Pick a nickname of 1 to "
                    + Nicknames.MAX_LENGTH + " characters (not \"" + UserMessagesController.SENDER + "\")")));
        }
        String name = nickname.get();
        Optional<ChatTokens.ChatUser> current = authorization != null && authorization.startsWith("Bearer ")
                ? tokens.verify(authorization.substring("Bearer ".length())).filter(u -> u.nickname().equals(name))
                : Optional.empty();
        if (current.isPresent()) {
            return Mono.just(ResponseEntity.ok(Map.of("nickname", name, "token", tokens.issue(current.get()))));
        }
        // a new session: only while nobody is connected under the name (checked again when the socket connects)
        return Mono.fromFuture(() -> nicknames.heldByAnother(name, "")).map(taken -> taken
                ? ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "\"" + name + "\" is taken"))
                : ResponseEntity.ok(Map.of("nickname", name, "token", tokens.issue(name))));
    }
}
