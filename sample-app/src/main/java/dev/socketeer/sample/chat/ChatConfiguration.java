package dev.socketeer.sample.chat;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat's beans besides its controllers: the token signer and the message history (in Redis with the
 * {@code redis} profile, in PostgreSQL with {@code postgres}).
 *
 * <p>{@code chat.token-secret} is the key that signs the chat tokens (at least 32 characters). A single node may run
 * without one (a random key per start: tokens do not survive a restart); several nodes behind one address must share
 * it, as a page may get its token from one node and connect to another: on a cluster adapter, a node without one
 * says so at startup (WARN).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!conformance")
class ChatConfiguration {

    private static final Log LOG = LogFactory.getLog(ChatConfiguration.class);

    @Bean
    ChatTokens chatTokens(@Value("${chat.token-secret:}") String secret,
            @Value("${chat.token-lifetime:12h}") Duration lifetime,
            @Value("${socketio.adapter.type:memory}") String adapter) {
        if (secret.isBlank()) {
            if (!"memory".equals(adapter)) {
                LOG.warn("chat.token-secret is not set: nodes on the " + adapter + " adapter must share the key that"
                        + " signs chat tokens, or a page signed in on one node is refused by the others; set"
                        + " chat.token-secret (or the environment variable CHAT_TOKEN_SECRET) to the same value of at"
                        + " least 32 characters on every node. Using a random key of this process");
            } else {
                LOG.info("chat.token-secret is not set: chat tokens are signed with a random key of this process");
            }
            return new ChatTokens(ChatTokens.randomSecret(), lifetime, Clock.systemUTC());
        }
        if (secret.length() < 32) {
            throw new IllegalStateException("chat.token-secret is too short (" + secret.length()
                    + " characters): give at least 32 characters");
        }
        return new ChatTokens(secret.getBytes(StandardCharsets.UTF_8), lifetime, Clock.systemUTC());
    }

    /**
     * In Redis or PostgreSQL when the nodes share one (profiles {@code redis}, {@code postgres}), so that every node
     * replays the same history; PostgreSQL is reached with the {@code spring.r2dbc.*} settings of the profile.
     */
    @Bean
    ChatHistory chatHistory(@Value("${socketio.adapter.type:memory}") String adapter,
            ObjectProvider<ReactiveStringRedisTemplate> redis, JsonMapper json, Environment environment) {
        if ("redis".equals(adapter)) {
            return new ChatHistory.InRedis(redis.getObject(), json, ChatController.HISTORY);
        }
        if ("postgres".equals(adapter)) {
            ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(
                    environment.getRequiredProperty("spring.r2dbc.url")).mutate();
            String user = environment.getProperty("spring.r2dbc.username");
            String password = environment.getProperty("spring.r2dbc.password");
            if (user != null) {
                options.option(ConnectionFactoryOptions.USER, user);
            }
            if (password != null) {
                options.option(ConnectionFactoryOptions.PASSWORD, password);
            }
            return new ChatHistory.InPostgres(ConnectionFactories.get(options.build()), json, ChatController.HISTORY);
        }
        return new ChatHistory.InMemory(ChatController.HISTORY);
    }
}
