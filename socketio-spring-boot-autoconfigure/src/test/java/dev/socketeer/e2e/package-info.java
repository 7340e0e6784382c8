/**
 * End-to-end suites: a real Spring Boot application on port 0, configured only by the
 * auto-configuration and a {@code SocketIoServerCustomizer}, driven by the official clients (npm
 * {@code socket.io-client} and {@code io.socket:socket.io-client}) and by raw HTTP/WebSocket clients.
 */
package dev.socketeer.e2e;
