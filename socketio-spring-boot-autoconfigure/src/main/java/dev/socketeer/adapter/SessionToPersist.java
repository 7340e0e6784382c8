package dev.socketeer.adapter;

import java.util.List;
import java.util.Map;

/**
 * The state saved when a socket disconnects for a recoverable reason (connection state recovery).
 *
 * @param sid the socket id
 * @param pid the private session id the client sends back to recover
 * @param rooms the rooms the socket was in
 * @param data the socket's application data
 */
public record SessionToPersist(String sid, String pid, List<String> rooms, Map<String, Object> data) {
}
