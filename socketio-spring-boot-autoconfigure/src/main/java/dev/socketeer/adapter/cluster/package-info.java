/**
 * The inter-node protocol of socket.io-adapter's {@code ClusterAdapter}: the thirteen message types
 * as records, their JSON and MessagePack codec, request/response correlation and heartbeats,
 * independent of the transport (Redis, Postgres, ...).
 */
package dev.socketeer.adapter.cluster;
