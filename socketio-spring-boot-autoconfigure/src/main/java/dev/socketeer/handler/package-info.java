/**
 * The annotated programming model: {@link dev.socketeer.handler.SocketIoHandlerRegistrar} detects the
 * {@code @SocketIoController} beans once at startup and registers their methods on the {@code SocketIoServer}'s
 * namespaces; {@link dev.socketeer.handler.SocketIoArgumentResolver} strategies bind parameters, return values answer
 * acknowledgements, {@code @SocketIoExceptionHandler} methods turn exceptions into answers, and
 * {@link dev.socketeer.handler.SocketIoMiddleware} beans guard the namespaces.
 */
package dev.socketeer.handler;
