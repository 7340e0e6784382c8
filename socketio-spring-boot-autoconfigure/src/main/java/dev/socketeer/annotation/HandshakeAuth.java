package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a field of the CONNECT payload ({@code auth} of the client options, {@code socket.handshake.auth}) to a
 * parameter, converted by the application's {@code JsonMapper}; {@code null} when absent. Without a field name, the
 * whole payload.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HandshakeAuth {

    /** The field name; empty for the whole payload. */
    String value() default "";
}
