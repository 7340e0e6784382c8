package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles one event of the controller's namespace. Event arguments bind to the payload parameters (by position, or
 * by {@link Payload#value()}); the return value answers the client's acknowledgement, if it asked for one. At most
 * one method may handle an event in a namespace.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnEvent {

    /** The event name. */
    String value();
}
