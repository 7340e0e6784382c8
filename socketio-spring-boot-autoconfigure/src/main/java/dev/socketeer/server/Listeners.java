package dev.socketeer.server;

/** Small shared helpers for calling user code safely. */
final class Listeners {

    private static final System.Logger LOG = System.getLogger("dev.socketeer.server");

    private Listeners() {
    }

    /** Runs user code; an exception is logged and never reaches the event loop or the connection. */
    static void safely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            failed(what, e);
        }
    }

    /** Logs what user code threw (a {@link VirtualMachineError} is rethrown). */
    static void failed(String what, Throwable e) {
        if (e instanceof VirtualMachineError vmError) {
            throw vmError;
        }
        LOG.log(System.Logger.Level.ERROR, "Socket.IO " + what + " threw an exception", e);
    }

    static void warn(String message) {
        LOG.log(System.Logger.Level.WARNING, message);
    }

    static void debug(String message) {
        LOG.log(System.Logger.Level.DEBUG, message);
    }
}
