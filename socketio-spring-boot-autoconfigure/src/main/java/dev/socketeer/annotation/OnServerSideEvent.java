package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles an event that another server of the cluster sent to the controller's namespace with
 * {@code serverSideEmit} (Node: {@code io.on("event", (...args) => ...)}, {@code io.of("/ns").on(...)}). The event's
 * arguments bind to payload parameters as in {@link OnEvent}; the return value (or an {@code Ack} parameter) answers
 * {@code serverSideEmitWithAck}, whose caller receives one answer per server. There is no socket: the parameters
 * may also be the {@code Namespace} and the {@code SocketIoServer}. Not available on controllers with a
 * {@code namespacePattern}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnServerSideEvent {

    /** The event name. */
    String value();
}
