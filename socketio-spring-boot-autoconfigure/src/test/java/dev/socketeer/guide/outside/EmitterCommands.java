package dev.socketeer.guide.outside;

import dev.socketeer.adapter.postgres.PostgresEmitter;
import dev.socketeer.adapter.redis.RedisEmitter;
import dev.socketeer.adapter.redis.RedisStreamsEmitter;

class EmitterCommands {

    void redis(RedisEmitter emitter) {
        emitter.of("/chat").to("room1").except("room2").emit("message", "hello");
        emitter.to("room1").asVolatile().emit("tick", System.currentTimeMillis());
        emitter.in("room1").socketsJoin("room3");
        emitter.in("room3").socketsLeave("room1");
        emitter.in("banned").disconnectSockets(true);
        emitter.serverSideEmit("refresh-cache", "users");
    }

    void postgres(PostgresEmitter emitter) {
        emitter.of("/chat").to("room1").emit("message", "hello");
        emitter.in("room1").socketsJoin("room3");
        emitter.serverSideEmit("refresh-cache", "users");
    }

    void streams(RedisStreamsEmitter emitter) {
        emitter.of("/chat").to("room1").emit("message", "hello")
                .thenAccept(offset -> System.out.println("stored as stream entry " + offset));
        emitter.in("room1").socketsJoin("room3");
    }
}
