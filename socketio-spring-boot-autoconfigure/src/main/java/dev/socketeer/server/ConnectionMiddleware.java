package dev.socketeer.server;

/**
 * Runs before a socket joins a namespace (authentication, rate limits). Call exactly one of
 * {@code next.proceed()} or {@code next.refuse(error)}, now or later, from any thread.
 */
@FunctionalInterface
public interface ConnectionMiddleware {

    void apply(Socket socket, Next next);

    /** Continues or stops the middleware chain. */
    interface Next {

        /** Lets the next middleware (or the connection) proceed. */
        void proceed();

        /**
         * Refuses the connection: the client gets CONNECT_ERROR with the error's message (and the
         * data of a {@link ConnectionRefusedException}).
         */
        void refuse(Throwable error);
    }
}
