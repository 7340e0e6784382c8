package dev.socketeer.handler;

import java.util.Map;

/**
 * Shapes the acknowledgement that answers a failed event, in one place for every controller (as Spring's
 * {@code ErrorAttributes} does for HTTP errors): declare one as a bean. Used when no
 * {@code @SocketIoExceptionHandler} handled the error; the error is logged as before.
 */
@FunctionalInterface
public interface SocketIoErrorAnswer {

    /**
     * @param invocation the failed invocation (its socket, event and arguments)
     * @param error the exception (unwrapped from {@code CompletionException} and the like)
     * @param defaultAnswer the default answer, {@code {"error": {"type", "message", ...}}}
     * @return the one argument of the client's callback, or {@link AckArgs} for several
     */
    Object answer(SocketIoInvocation invocation, Throwable error, Map<String, Object> defaultAnswer);
}
