package dev.socketeer.handler;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Logging of the handler layer, through Spring's commons-logging bridge. */
final class HandlerLog {

    static final Log LOG = LogFactory.getLog("dev.socketeer.handler");

    private HandlerLog() {
    }

    static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.error("Socket.IO handler task failed", e);
        }
    }

    static void rejected(RuntimeException rejected) {
        LOG.error("The Socket.IO handler executor refused a task; the event is dropped", rejected);
    }
}
