package dev.socketeer.autoconfigure;

import dev.socketeer.adapter.AdapterDescription;
import dev.socketeer.adapter.AdapterFactory;
import dev.socketeer.engine.EngineOptions;
import dev.socketeer.server.ServerOptions;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Says in one INFO line, once the web server listens, what the Socket.IO server serves: path and
 * port, transports, the adapter (with its mode, prefix and backend address) and whether connection
 * state recovery is on, so that a setting that did not take (a misspelt key, a missing dependency)
 * shows at startup rather than in production.
 */
final class SocketIoStartupReport implements ApplicationListener<ReactiveWebServerInitializedEvent> {

    private static final Logger log = Loggers.getLogger(SocketIoStartupReport.class);

    private final String path;
    private final EngineOptions engine;
    private final ServerOptions server;
    private final String adapter;

    SocketIoStartupReport(SocketIoProperties properties, EngineOptions engine, ServerOptions server) {
        this.path = properties.getPath();
        this.engine = engine;
        this.server = server;
        this.adapter = describeAdapter(server.adapterFactory());
    }

    static void warn(String message) {
        log.warn(message);
    }

    @Override
    public void onApplicationEvent(ReactiveWebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) { // not the management server
            log.info(line(event.getWebServer().getPort()));
        }
    }

    String line(int port) {
        String transports = String.join(", ", engine.transports());
        if (engine.transports().size() > 1) {
            transports += engine.allowUpgrades() ? " (upgrades on)" : " (upgrades off)";
        }
        return "Socket.IO serving " + path + " on port " + port + "; transports: " + transports + "; adapter: "
                + adapter + "; connection state recovery: "
                + (server.connectionStateRecovery() != null ? "on" : "off");
    }

    /** What the adapter is, as it describes itself, and where its backend lives. */
    static String describeAdapter(AdapterFactory factory) {
        AdapterDescription description = factory.description();
        return AdapterDescription.MEMORY.equals(description) ? "memory (this node only)" : description.toString();
    }
}
