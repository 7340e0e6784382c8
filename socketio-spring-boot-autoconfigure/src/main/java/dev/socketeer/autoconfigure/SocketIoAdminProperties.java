package dev.socketeer.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Socket.IO Admin UI, under {@code socketio.admin.*}: the server side of its protocol (as the reference's
 * {@code instrument(io, options)} of {@code @socket.io/admin-ui}) and the UI itself, served on the application's
 * port. Off unless {@code socketio.admin.enabled=true}.
 */
@ConfigurationProperties("socketio.admin")
public class SocketIoAdminProperties {

    /** Whether the admin namespace (and the UI) are served. */
    private boolean enabled = false;

    /** The admin namespace the UI connects to. */
    private String namespace = "/admin";

    /** Whether the UI's commands (emit, join, leave, disconnect) are refused: the UI only watches. */
    private boolean readOnly = false;

    /** How this server is named in the UI; hostname#pid when unset. Give each server of a cluster its own. */
    private String serverId;

    /** "development" (every socket and its events are sent to the UI) or "production" (statistics only). */
    private Mode mode = Mode.DEVELOPMENT;

    private final Auth auth = new Auth();

    private final Sessions sessions = new Sessions();

    private final Ui ui = new Ui();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public String getServerId() {
        return serverId;
    }

    public void setServerId(String serverId) {
        this.serverId = serverId;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Auth getAuth() {
        return auth;
    }

    public Sessions getSessions() {
        return sessions;
    }

    public Ui getUi() {
        return ui;
    }

    /** What the UI is sent. */
    public enum Mode {
        DEVELOPMENT, PRODUCTION
    }

    /** Where logged-in UIs' session ids are kept. */
    public enum Store {
        MEMORY, REDIS
    }

    /** The UI's login. */
    public static class Auth {

        /** Whether the UI must log in; turning it off lets anyone who reaches the namespace watch and act. */
        private boolean enabled = true;

        /** The user name the UI logs in with. */
        private String username = "admin";

        /** The bcrypt hash of the password ($2a$, $2b$ or $2y$), e.g. from htpasswd -nbBC 10 "" secret. */
        private String passwordHash;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPasswordHash() {
            return passwordHash;
        }

        public void setPasswordHash(String passwordHash) {
            this.passwordHash = passwordHash;
        }
    }

    /** The session ids given to logged-in UIs. */
    public static class Sessions {

        /** "memory" (this server only) or "redis" (shared by the cluster, on the application's Redis). */
        private Store store = Store.MEMORY;

        /** How long a UI stays logged in. */
        private Duration duration = Duration.ofDays(1);

        /** Prefix of the Redis keys, followed by '#' and the session id. */
        private String redisPrefix = "socket.io-admin";

        public Store getStore() {
            return store;
        }

        public void setStore(Store store) {
            this.store = store;
        }

        public Duration getDuration() {
            return duration;
        }

        public void setDuration(Duration duration) {
            this.duration = duration;
        }

        public String getRedisPrefix() {
            return redisPrefix;
        }

        public void setRedisPrefix(String redisPrefix) {
            this.redisPrefix = redisPrefix;
        }
    }

    /** The UI's built files, served on the application's port. */
    public static class Ui {

        /** Whether the UI is served (the protocol is served either way, e.g. for the hosted UI). */
        private boolean enabled = true;

        /** Where the UI is served. */
        private String path = "/socket.io-admin/";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }
    }
}
