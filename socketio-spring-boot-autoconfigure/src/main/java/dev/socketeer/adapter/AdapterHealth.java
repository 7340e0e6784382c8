package dev.socketeer.adapter;

/**
 * Implemented by adapters that depend on something outside the process (Redis, Postgres) so that
 * health checks can tell whether it is reachable. Adapters that do not implement it are taken as
 * always healthy.
 */
public interface AdapterHealth {

    /** Whether the adapter can currently reach its backend; must answer at once, without I/O. */
    boolean isConnected();
}
