package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sees every incoming event of the controller's namespace, as the reference server's {@code socket.onAny}: before
 * the event middlewares and the {@link OnEvent} handler, without acknowledgement (an {@code Ack} parameter is
 * refused at startup and the return value is ignored). An {@link EventName} parameter gets the event name.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnAnyEvent {
}
