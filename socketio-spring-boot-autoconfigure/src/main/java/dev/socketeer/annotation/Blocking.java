package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a handler method (or every handler method of a controller) on the handler executor, never on an event loop:
 * the default for methods that do not return a reactive type, unless {@code socketio.handler.non-blocking-by-default}
 * is on. A method's {@link NonBlocking} wins over its controller's {@code @Blocking}, and the other way round.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Blocking {
}
