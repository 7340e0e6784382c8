package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a handler method (or every handler method of a controller) on the connection's event loop, like a method
 * returning a {@code Mono}, although it returns a plain value: no hop to the handler executor per event. The method
 * must not block (no JDBC, no {@code Thread.sleep}, no {@code block()}, no lock held for long): a blocked event loop
 * stalls every connection it serves. The handlers of one socket still run one at a time, in order. A method's
 * {@link Blocking} wins over its controller's {@code @NonBlocking}; {@code socketio.handler.non-blocking-by-default}
 * makes this the default of unannotated methods.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NonBlocking {
}
