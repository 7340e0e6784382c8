package dev.socketeer.autoconfigure;

import dev.socketeer.admin.AdminInstrumentation;
import dev.socketeer.admin.AdminOptions;
import dev.socketeer.admin.SessionStore;
import dev.socketeer.server.SocketIoServer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The Socket.IO Admin UI ({@code socketio.admin.enabled=true}): the server side of its protocol on the admin
 * namespace ({@link AdminInstrumentation}) and the UI's files at {@code socketio.admin.ui.path}, both on the
 * application's port and behind its WebFilter chain (Spring Security, CORS). Off by default: then nothing of it is
 * created and the server's hot paths pay nothing for it.
 */
@AutoConfiguration(after = { SocketIoAutoConfiguration.class, SocketIoMetricsAutoConfiguration.class },
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "socketio.admin.enabled")
@ConditionalOnBean(SocketIoServer.class)
@EnableConfigurationProperties(SocketIoAdminProperties.class)
public class SocketIoAdminAutoConfiguration {

    private static final Logger LOG = Loggers.getLogger(SocketIoAdminAutoConfiguration.class);
    private static final String BCRYPT = "org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder";
    private static final Pattern BCRYPT_HASH = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    AdminInstrumentation socketIoAdminInstrumentation(SocketIoServer socketIoServer, SocketIoAdminProperties properties,
            ObjectProvider<SessionStore> sessionStore, ApplicationContext context) {
        // no optional type (Micrometer's, Redis's, Spring Security's) in this class's method signatures: Boot
        // introspects them whether or not those libraries are on the class path
        SessionStore sessions = sessionStore.getIfAvailable();
        if (sessions == null) {
            if (properties.getSessions().getStore() == SocketIoAdminProperties.Store.REDIS) {
                throw new SocketIoConfigurationException("socketio.admin.sessions.store", "redis",
                        "there is no ReactiveRedisConnectionFactory bean to keep the sessions in",
                        "Add org.springframework.boot:spring-boot-starter-data-redis and configure spring.data.redis.*,"
                                + " or set socketio.admin.sessions.store=memory.");
            }
            sessions = SessionStore.inMemory(properties.getSessions().getDuration());
        }
        AdminOptions.Mode mode = AdminOptions.Mode.valueOf(properties.getMode().name());
        String serverId = properties.getServerId() != null && !properties.getServerId().isBlank()
                ? properties.getServerId() : AdminInstrumentation.defaultServerId();
        AdminOptions.BasicAuth auth = basicAuth(properties.getAuth(), context.getClassLoader());
        AdminInstrumentation instrumentation = AdminInstrumentation.instrument(socketIoServer, new AdminOptions(
                properties.getNamespace(), auth, properties.isReadOnly(), serverId, mode, sessions,
                Duration.ofSeconds(2)));
        LOG.info("Socket.IO Admin UI: namespace " + properties.getNamespace() + " as '" + serverId + "', "
                + mode.name().toLowerCase(Locale.ROOT) + " mode, " + (auth == null ? "no login (anyone who reaches it)"
                        : "login '" + auth.username() + "' with sessions in "
                                + properties.getSessions().getStore().name().toLowerCase(Locale.ROOT))
                + (properties.isReadOnly() ? ", read-only" : "") + "; UI "
                + (properties.getUi().isEnabled() ? "at " + properties.getUi().getPath() : "not served"));
        return instrumentation;
    }

    /** Stops the statistics just before {@link SocketIoServerLifecycle} closes the server (a higher phase stops first). */
    @Bean
    SmartLifecycle socketIoAdminLifecycle(AdminInstrumentation socketIoAdminInstrumentation) {
        return new SmartLifecycle() {

            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                socketIoAdminInstrumentation.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return DEFAULT_PHASE + 1;
            }
        };
    }

    static AdminOptions.BasicAuth basicAuth(SocketIoAdminProperties.Auth auth, ClassLoader classLoader) {
        if (!auth.isEnabled()) {
            return null;
        }
        String hash = auth.getPasswordHash();
        if (hash == null || hash.isBlank()) {
            throw new SocketIoConfigurationException("socketio.admin.auth.password-hash", "(none)",
                    "the Admin UI's login needs the bcrypt hash of its password",
                    "Set socketio.admin.auth.password-hash to a bcrypt hash (for instance the part after ':' of"
                            + " `htpasswd -nbBC 10 admin <password>`), or set socketio.admin.auth.enabled=false to"
                            + " serve the admin namespace without a login.");
        }
        if (!BCRYPT_HASH.matcher(hash).matches()) {
            throw new SocketIoConfigurationException("socketio.admin.auth.password-hash", "(hidden)",
                    "it is not a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost, then 53 characters)",
                    "Give the hash of the password, not the password itself.");
        }
        if (!ClassUtils.isPresent(BCRYPT, classLoader)) {
            throw new SocketIoConfigurationException("socketio.admin.auth.enabled", "true",
                    "checking the bcrypt hash needs Spring Security's BCryptPasswordEncoder, which is not on the"
                            + " classpath",
                    "Add the dependency org.springframework.security:spring-security-crypto (its version is managed"
                            + " by Spring Boot), or set socketio.admin.auth.enabled=false.");
        }
        return new AdminOptions.BasicAuth(auth.getUsername(), hash, Bcrypt.matcher());
    }

    /** Kept apart so that BCryptPasswordEncoder is only loaded when present. */
    private static final class Bcrypt {

        static AdminOptions.PasswordMatcher matcher() {
            org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder encoder =
                    new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder();
            return encoder::matches;
        }
    }

    @Bean
    @ConditionalOnMissingBean(name = "socketIoAdminUi")
    @ConditionalOnBooleanProperty(name = "socketio.admin.ui.enabled", matchIfMissing = true)
    RouterFunction<ServerResponse> socketIoAdminUi(SocketIoAdminProperties properties, SocketIoProperties socketIo) {
        return new AdminUiHandler(properties.getUi().getPath(), socketIo.getPath(), properties.getNamespace())
                .routes();
    }

    /** Sessions in Redis ({@code socketio.admin.sessions.store=redis}), as the reference's RedisStore. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ReactiveStringRedisTemplate.class)
    @ConditionalOnBean(ReactiveRedisConnectionFactory.class)
    @ConditionalOnProperty(name = "socketio.admin.sessions.store", havingValue = "redis")
    static class RedisSessionStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SessionStore socketIoAdminSessionStore(ReactiveRedisConnectionFactory connectionFactory,
                SocketIoAdminProperties properties) {
            return new RedisSessionStore(new ReactiveStringRedisTemplate(connectionFactory),
                    properties.getSessions().getRedisPrefix(), properties.getSessions().getDuration());
        }
    }

    /** Keys {@code <prefix>#<sessionId>} with an expiry, as the reference's RedisStore, so both can share them. */
    record RedisSessionStore(ReactiveStringRedisTemplate redis, String prefix, Duration duration)
            implements SessionStore {

        @Override
        public CompletableFuture<Boolean> exists(String sessionId) {
            // off the event loop: the template may open its connection on first use
            return redis.hasKey(prefix + "#" + sessionId).subscribeOn(Schedulers.boundedElastic()).toFuture();
        }

        @Override
        public CompletableFuture<Void> save(String sessionId) {
            return redis.opsForValue().set(prefix + "#" + sessionId, "true", duration).then()
                    .subscribeOn(Schedulers.boundedElastic()).toFuture();
        }

        @Override
        public String toString() {
            return "RedisSessionStore[" + prefix.toLowerCase(Locale.ROOT) + "]";
        }
    }
}
