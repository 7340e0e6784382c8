package dev.socketeer.handler;

import org.springframework.core.MethodParameter;

/**
 * Binds a parameter of a handler method. Chosen once per parameter at startup (the first resolver, in order, whose
 * {@link #supportsParameter} accepts it), then called for each invocation. Beans of this type are used before the
 * built-in resolvers, in {@code @Order} order. {@link #resolveArgument} runs on the thread of the handler method:
 * the handler executor for blocking methods, the event loop for reactive ones; it must not block there.
 */
public interface SocketIoArgumentResolver {

    /** Whether this resolver binds the parameter; asked once per parameter at startup. */
    boolean supportsParameter(MethodParameter parameter);

    /**
     * The argument for one invocation.
     *
     * @throws Exception routed to the exception handlers, as if the handler method had thrown it
     */
    Object resolveArgument(MethodParameter parameter, SocketIoInvocation invocation) throws Exception;
}
