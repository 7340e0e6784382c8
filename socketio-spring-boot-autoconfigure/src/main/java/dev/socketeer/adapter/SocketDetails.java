package dev.socketeer.adapter;

import java.util.Map;
import java.util.Set;

/**
 * What {@link Adapter#fetchSockets} reports about one socket, local or on another server.
 *
 * @param id the socket id
 * @param handshake the handshake: the server's handshake record for local sockets, the decoded
 *     map {@code {headers, time, address, xdomain, secure, issued, url, query, auth}} for remote ones
 * @param rooms the rooms the socket is in
 * @param data the socket's application data
 * @param local whether the socket lives on this server
 */
public record SocketDetails(String id, Object handshake, Set<String> rooms, Map<String, Object> data, boolean local) {
}
