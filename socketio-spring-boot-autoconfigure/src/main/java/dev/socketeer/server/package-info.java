/**
 * The Socket.IO server: namespaces, sockets, rooms, acks, middleware and broadcasts. Entry point: {@link dev.socketeer.server.SocketIoServer}.
 */
package dev.socketeer.server;
