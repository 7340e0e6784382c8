package dev.socketeer.guide.handlers;

import dev.socketeer.handler.SocketIoErrorAnswer;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class ErrorShape {

    @Bean
    SocketIoErrorAnswer errorAnswer() {                  // every controller's failed events answer {code, reason}
        return (invocation, error, defaultAnswer) -> {
            Map<?, ?> details = (Map<?, ?>) defaultAnswer.get("error");
            return Map.of("code", details.get("type"), "reason", details.get("message"));
        };
    }
}
