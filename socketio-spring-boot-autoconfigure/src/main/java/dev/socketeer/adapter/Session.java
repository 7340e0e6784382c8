package dev.socketeer.adapter;

import java.util.List;
import java.util.Map;

/**
 * A restored session and the packets the client missed while disconnected.
 *
 * @param sid the socket id to reuse
 * @param pid the private session id to reuse
 * @param rooms the rooms to join again
 * @param data the application data to restore
 * @param missedPackets the data arrays of the missed EVENT packets, each ending with its offset
 */
public record Session(String sid, String pid, List<String> rooms, Map<String, Object> data, List<List<Object>> missedPackets) {
}
