package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an event argument to a parameter, converted by the application's {@code JsonMapper}. Optional: parameters
 * no other resolver claims bind by position (the first such parameter to argument 0, and so on). Needed to pick an
 * argument by index, or to bind a type that would not be taken for a payload (an interface, for example).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Payload {

    /** The index of the event argument, or {@code -1} for the parameter's position among the payload parameters. */
    int value() default -1;

    /**
     * Whether a missing (or JSON {@code null}) argument fails the event with a {@code bad-payload} answer naming it.
     * Payload parameters are required unless declared {@code Optional}, annotated {@code @Nullable}, or given
     * {@code required = false} (which binds {@code null}, or {@code 0}/{@code false} for a primitive).
     */
    boolean required() default true;
}
