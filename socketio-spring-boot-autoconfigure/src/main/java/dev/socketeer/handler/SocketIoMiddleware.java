package dev.socketeer.handler;

import dev.socketeer.server.ConnectionMiddleware;
import dev.socketeer.server.ConnectionRefusedException;
import dev.socketeer.server.Socket;
import java.util.Set;

/**
 * A connection middleware declared as a bean: it runs before a socket joins a namespace (authentication, rate
 * limits), in {@code @Order}/{@code Ordered} order, after the middlewares added programmatically. Call exactly one
 * of {@code next.proceed()} or {@code next.refuse(error)}, now or later and from any thread; refusing with a
 * {@link ConnectionRefusedException} sends its message and data to the client's {@code connect_error}. Called on the
 * event loop: must not block (complete {@code next} from an asynchronous call instead).
 */
@FunctionalInterface
public interface SocketIoMiddleware {

    void apply(Socket socket, ConnectionMiddleware.Next next);

    /**
     * The namespaces guarded: names (e.g. {@code "/admin"}, created if needed) or the
     * {@code namespacePattern} of a {@code @SocketIoController}. Empty (the default): the main namespace and every
     * namespace of a controller.
     */
    default Set<String> namespaces() {
        return Set.of();
    }
}
