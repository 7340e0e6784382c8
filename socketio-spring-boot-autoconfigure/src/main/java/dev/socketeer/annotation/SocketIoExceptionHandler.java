package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles exceptions thrown (or signalled asynchronously) by the handler methods of its controller, or of every
 * controller when declared in a {@link SocketIoControllerAdvice}. The closest match by exception type wins,
 * controller methods before advice methods. Parameters: the exception, plus anything a handler method may take; the
 * return value answers the acknowledgement as a handler's would.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SocketIoExceptionHandler {

    /** The exceptions handled; when empty, the {@code Throwable} parameters of the method say. */
    Class<? extends Throwable>[] value() default {};
}
