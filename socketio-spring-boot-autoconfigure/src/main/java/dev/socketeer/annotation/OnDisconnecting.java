package dev.socketeer.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called when a socket is about to disconnect, while it is still in its rooms (the reference server's {@code
 * disconnecting} event). Like {@link OnDisconnect}, it runs in the socket's queue of handlers, so the rooms may
 * already be gone when earlier handlers are slow.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnDisconnecting {
}
