package dev.socketeer.guide.admin;

import static org.springframework.security.config.Customizer.withDefaults;

import dev.socketeer.autoconfigure.SocketIoServerCustomizer;
import dev.socketeer.server.ConnectionRefusedException;
import java.security.Principal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;

@Configuration
@EnableWebFluxSecurity
class AdminSecurityConfiguration {

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/socket.io-admin/**").hasRole("ADMIN")   // the UI's page and files
                        .anyExchange().permitAll())
                .httpBasic(withDefaults())
                .formLogin(withDefaults())
                .build();
    }

    @Bean
    SocketIoServerCustomizer adminNamespaceForAdminsOnly() {   // the admin namespace shares /socket.io/
        return server -> server.of("/admin").use((socket, next) -> {
            if (isAdmin(socket.handshake().principal())) {
                next.proceed();
            } else {
                next.refuse(new ConnectionRefusedException("admins only"));
            }
        });
    }

    private static boolean isAdmin(Principal principal) {
        return principal instanceof Authentication authentication && authentication.getAuthorities().stream()
                .anyMatch(authority -> "ROLE_ADMIN".equals(authority.getAuthority()));
    }
}
