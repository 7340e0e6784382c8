/**
 * Engine.IO v4 packets and their codecs: single packets and polling payloads. Depends on the JDK and netty-buffer only.
 */
package dev.socketeer.protocol.engineio;
