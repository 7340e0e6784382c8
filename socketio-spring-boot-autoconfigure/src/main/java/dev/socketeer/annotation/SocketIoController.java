package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * A bean whose {@link OnConnect}, {@link OnEvent}, {@link OnAnyEvent}, {@link OnDisconnecting} and
 * {@link OnDisconnect} methods handle the sockets of one namespace. A {@link Component} stereotype: picked up by
 * component scanning.
 *
 * <p>Give either {@link #namespace()} (a name, {@code "/"} by default) or {@link #namespacePattern()} (a regular
 * expression for dynamic namespaces, found anywhere in the name as JavaScript's {@code RegExp.test} does, so anchor
 * it with {@code ^...$}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface SocketIoController {

    /** Alias of {@link #namespace()}. */
    @AliasFor("namespace")
    String value() default "";

    /** The namespace name, e.g. {@code "/chat"}; {@code "/"} when neither this nor a pattern is given. */
    @AliasFor("value")
    String namespace() default "";

    /** A regular expression matching the names of dynamic namespaces, e.g. {@code "^/room-\\d+$"}. */
    String namespacePattern() default "";
}
