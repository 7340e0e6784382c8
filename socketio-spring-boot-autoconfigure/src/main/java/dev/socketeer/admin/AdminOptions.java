package dev.socketeer.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * How the admin protocol is served, as the reference's {@code instrument(io, options)}.
 *
 * @param namespace the admin namespace ({@code "/admin"} by default)
 * @param auth the credentials the UI must give, or {@code null} for none
 * @param readOnly whether the UI's commands (emit, join, leave, disconnect) are refused
 * @param serverId how this server is named in the UI
 * @param mode {@link Mode#DEVELOPMENT} also sends every socket and its events; {@link Mode#PRODUCTION} only statistics
 * @param sessions where the session ids given to logged-in UIs are kept
 * @param statsInterval how often {@code server_stats} is sent (2 s in the reference)
 */
public record AdminOptions(String namespace, BasicAuth auth, boolean readOnly, String serverId, Mode mode,
        SessionStore sessions, Duration statsInterval) {

    public AdminOptions {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(statsInterval, "statsInterval");
        if (!namespace.startsWith("/")) {
            namespace = "/" + namespace;
        }
    }

    /** What the UI is sent: everything ({@code development}) or statistics only ({@code production}). */
    public enum Mode {
        DEVELOPMENT, PRODUCTION
    }

    /**
     * Basic authentication: the UI logs in with a user name and a password checked against a bcrypt hash.
     *
     * @param username the user name
     * @param passwordHash the bcrypt hash of the password ({@code $2a$...}, {@code $2b$...}, {@code $2y$...})
     * @param matcher checks a password against the hash (Spring Security's {@code BCryptPasswordEncoder::matches});
     *     it is CPU-heavy on purpose, so it runs on a bounded-elastic thread, never on an event loop
     */
    public record BasicAuth(String username, String passwordHash, PasswordMatcher matcher) {

        public BasicAuth {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordHash, "passwordHash");
            Objects.requireNonNull(matcher, "matcher");
        }
    }

    /** Checks a password against a hash. */
    @FunctionalInterface
    public interface PasswordMatcher {

        boolean matches(String password, String hash);
    }
}
