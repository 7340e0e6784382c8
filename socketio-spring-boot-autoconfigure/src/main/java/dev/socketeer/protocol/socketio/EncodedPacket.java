package dev.socketeer.protocol.socketio;

import java.util.List;

/**
 * An encoded packet: the text to send as one Engine.IO message, then each attachment as one
 * binary message, in order.
 *
 * @param text the packet text, e.g. {@code 2["hello",1]} or {@code 51-["file",{"_placeholder":true,"num":0}]}
 * @param attachments the binary attachments (not copied; must not be modified)
 */
public record EncodedPacket(String text, List<byte[]> attachments) {

    public EncodedPacket {
        attachments = List.copyOf(attachments);
    }
}
