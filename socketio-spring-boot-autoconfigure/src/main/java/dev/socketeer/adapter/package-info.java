/**
 * The adapter contract (rooms to socket ids, fan-out, cluster-wide operations) and the in-memory adapter.
 */
package dev.socketeer.adapter;
