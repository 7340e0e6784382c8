package dev.socketeer.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets Socket.IO work behind Spring Security's WebFlux filter chain. The handshake goes through
 * the application's {@code SecurityWebFilterChain} like any request (authentication,
 * authorization, CORS), and the authenticated principal reaches {@code Handshake.principal()}.
 * Only CSRF protection, which would refuse every long-polling POST (Socket.IO clients send no
 * CSRF token), is skipped, and only for requests under {@code socketio.path}: a {@link WebFilter}
 * ordered ahead of Spring Security marks them with {@link CsrfWebFilter#skipExchange}, the
 * exemption Spring Security itself provides. Every other path keeps its CSRF protection.
 * {@code socketio.security.csrf-exempt=false} turns it off.
 */
@AutoConfiguration(after = SocketIoAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(CsrfWebFilter.class)
@ConditionalOnBooleanProperty(name = { "socketio.enabled", "socketio.security.csrf-exempt" }, matchIfMissing = true)
public class SocketIoSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SocketIoCsrfExemption socketIoCsrfExemption(SocketIoProperties properties) {
        return new SocketIoCsrfExemption(properties.getPath());
    }

    /**
     * Skips Spring Security's CSRF check for requests under the Socket.IO path. Ordered just ahead
     * of Spring Security's {@code WebFilterChainProxy} (order -100).
     */
    public static final class SocketIoCsrfExemption implements WebFilter, Ordered {

        private final String prefix;

        public SocketIoCsrfExemption(String path) {
            this.prefix = path.endsWith("/") ? path : path + "/";
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            if (exchange.getRequest().getPath().pathWithinApplication().value().startsWith(prefix)) {
                CsrfWebFilter.skipExchange(exchange);
            }
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return -101;
        }
    }
}
