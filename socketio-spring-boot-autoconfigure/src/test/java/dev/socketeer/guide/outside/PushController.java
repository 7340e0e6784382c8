package dev.socketeer.guide.outside;

import dev.socketeer.adapter.ClusterUnavailableException;
import dev.socketeer.adapter.redis.RedisEmitter;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class PushController {

    private final RedisEmitter emitter;

    PushController(RedisEmitter emitter) {
        this.emitter = emitter;
    }

    @PostMapping("/api/users/{name}/messages")
    Mono<Void> push(@PathVariable String name, @RequestBody Map<String, Object> message) {
        return Mono.fromFuture(() -> emitter.of("/chat").to("user:" + name).emit("message", message));
    }

    @ExceptionHandler(ClusterUnavailableException.class)
    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    String redisDown(ClusterUnavailableException error) {
        return error.getMessage();
    }
}
