package dev.socketeer.guide.security;

import dev.socketeer.autoconfigure.EngineOptionsCustomizer;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class OriginCheck {

    private static final Set<String> ORIGINS = Set.of("https://app.example.com", "https://admin.example.com");

    @Bean
    EngineOptionsCustomizer sameSiteOnly() {
        // browsers always send Origin on a cross-site request, WebSocket upgrades included
        return options -> options.withAllowRequest(request -> {
            String origin = request.header("origin");
            return origin == null || ORIGINS.contains(origin) ? null : "origin not allowed";   // 403, code 4
        });
    }
}
