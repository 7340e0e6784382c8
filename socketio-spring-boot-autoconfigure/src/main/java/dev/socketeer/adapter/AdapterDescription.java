package dev.socketeer.adapter;

/**
 * What an {@link AdapterFactory} makes, for startup logs and diagnostics.
 *
 * @param type {@code "memory"}, {@code "redis"}, {@code "postgres"}, or the name of a custom adapter
 * @param mode the variant, e.g. {@code "classic"} or {@code "sharded"}; {@code null} when there is none
 * @param channelPrefix the prefix of the channels (Redis key, Postgres channel prefix); {@code null} when none
 * @param backend where the backend is, e.g. {@code "127.0.0.1:6379"}; {@code null} for the in-memory adapter
 */
public record AdapterDescription(String type, String mode, String channelPrefix, String backend) {

    /** The in-memory adapter. */
    public static final AdapterDescription MEMORY = new AdapterDescription("memory", null, null, null);

    /** For example {@code redis (classic, key "socket.io", 127.0.0.1:6379)} or {@code memory}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(type);
        String separator = " (";
        if (mode != null) {
            text.append(separator).append(mode);
            separator = ", ";
        }
        if (channelPrefix != null) {
            text.append(separator).append("prefix \"").append(channelPrefix).append('"');
            separator = ", ";
        }
        if (backend != null) {
            text.append(separator).append(backend);
            separator = ", ";
        }
        return separator.equals(" (") ? text.toString() : text.append(')').toString();
    }
}
