package dev.socketeer.adapter;

/**
 * Implemented by adapters that depend on something outside the process (Redis, Postgres) so that
 * health checks can tell whether it is reachable. Adapters that do not implement it are taken as
 * always healthy. Every method answers at once from memory, without I/O.
 */
public interface AdapterHealth {

    /** Whether the adapter can currently reach its backend. */
    default boolean isConnected() {
        return backendStatus().connected();
    }

    /** The state of the connection to the backend, shared by the namespaces of a server. */
    BackendStatus backendStatus();

    /**
     * How many servers this namespace's cluster had when last seen, this one included; {@code -1}
     * when not known yet.
     */
    int serversSeen();
}
