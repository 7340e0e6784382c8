/**
 * Socket.IO v5 packets, the stateless encoder and the stateful decoder that reassembles binary attachments. Depends on the JDK, netty-buffer and Jackson.
 */
package dev.socketeer.protocol.socketio;
