package dev.socketeer.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains a startup failure caused by a {@code socketio.*} setting: the property, its value, what
 * is wrong, and what to do. Runs ahead of Boot's generic binding analyzer so that an unknown
 * {@code socketio.adapter.type} lists the adapters in their property spelling.
 */
public final class SocketIoFailureAnalyzer implements FailureAnalyzer, Ordered {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketIoConfigurationException invalid) {
                return new FailureAnalysis(describe(invalid.getProperty(), invalid.getValue(), invalid.getProblem()),
                        invalid.getAction(), invalid);
            }
            if (cause instanceof BindException bind && bind.getProperty() != null
                    && "socketio.adapter.type".equals(bind.getProperty().getName().toString())) {
                return unknownAdapter(bind);
            }
        }
        return null;
    }

    private static FailureAnalysis unknownAdapter(BindException bind) {
        ConfigurationProperty property = bind.getProperty();
        String allowed = Arrays.stream(SocketIoProperties.AdapterType.values())
                .map(type -> type.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return new FailureAnalysis(
                describe("socketio.adapter.type", property.getValue(),
                        "'" + property.getValue() + "' is not an adapter Socketeer knows"
                                + (property.getOrigin() != null ? " (set in " + property.getOrigin() + ")" : "")),
                "Set socketio.adapter.type to one of: " + allowed
                        + " (memory: a single node, the default; redis or postgres: several nodes).",
                bind);
    }

    private static String describe(String property, Object value, String problem) {
        return "The Socket.IO server could not start because of its configuration.\n\n    Property: " + property
                + "\n    Value: " + value + "\n    Reason: " + problem;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
