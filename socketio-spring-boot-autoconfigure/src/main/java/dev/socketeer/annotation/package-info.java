/**
 * Annotations of the annotated programming model: {@link dev.socketeer.annotation.SocketIoController} beans with
 * {@link dev.socketeer.annotation.OnConnect}, {@link dev.socketeer.annotation.OnEvent},
 * {@link dev.socketeer.annotation.OnAnyEvent}, {@link dev.socketeer.annotation.OnDisconnecting} and
 * {@link dev.socketeer.annotation.OnDisconnect} methods, parameter annotations, and exception handlers. Depends on the
 * JDK and spring-context only; the {@code dev.socketeer.handler} package gives them their behaviour.
 */
package dev.socketeer.annotation;
