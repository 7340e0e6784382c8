/**
 * The PostgreSQL adapter (LISTEN/NOTIFY plus an attachments table, wire-compatible with
 * {@code @socket.io/postgres-adapter} 0.5) and {@link dev.socketeer.adapter.postgres.PostgresEmitter}, on
 * r2dbc-postgresql (an optional dependency). Nothing here blocks: every query is reactive.
 */
package dev.socketeer.adapter.postgres;
