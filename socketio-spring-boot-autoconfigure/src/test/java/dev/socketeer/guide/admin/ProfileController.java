package dev.socketeer.guide.admin;

import dev.socketeer.annotation.OnEvent;
import dev.socketeer.annotation.SocketIoController;
import dev.socketeer.server.Socket;
import java.util.HashMap;
import java.util.Map;

/** The admin page's example of a nested value changed so that the UI sees it. */
@SocketIoController
class ProfileController {

    @OnEvent("away")
    @SuppressWarnings("unchecked")
    void away(Socket socket) {
        Map<String, Object> profile = new HashMap<>((Map<String, Object>) socket.data().get("profile"));
        profile.put("status", "away");
        socket.data().put("profile", profile); // the UI shows the new status
    }
}
