package dev.socketeer.autoconfigure;

/**
 * A {@code socketio.*} setting that cannot work, found at startup. {@link SocketIoFailureAnalyzer}
 * turns it into a startup report that names the property and the fix.
 */
public class SocketIoConfigurationException extends RuntimeException {

    private final String property;
    private final Object value;
    private final String problem;
    private final String action;

    /**
     * @param property the property at fault, e.g. {@code socketio.transports}
     * @param value the value it has
     * @param problem what is wrong with it
     * @param action what to do about it
     */
    public SocketIoConfigurationException(String property, Object value, String problem, String action) {
        super("Invalid " + property + "=" + value + ": " + problem + ". " + action);
        this.property = property;
        this.value = value;
        this.problem = problem;
        this.action = action;
    }

    /** The property at fault. */
    public String getProperty() {
        return property;
    }

    /** The value it has. */
    public Object getValue() {
        return value;
    }

    /** What is wrong with it. */
    public String getProblem() {
        return problem;
    }

    /** What to do about it. */
    public String getAction() {
        return action;
    }
}
