package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a query parameter of the request that opened the connection ({@code socket.handshake.query}) to a
 * parameter, converted with Spring's conversion service; {@code null} when absent.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HandshakeQuery {

    /** The query parameter name. */
    String value();
}
