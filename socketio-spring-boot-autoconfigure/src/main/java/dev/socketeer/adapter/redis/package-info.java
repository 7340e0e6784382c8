/**
 * The Redis adapters (classic pub/sub and sharded pub/sub), wire-compatible with Node's
 * {@code @socket.io/redis-adapter}, and the streams adapter, wire-compatible with
 * {@code @socket.io/redis-streams-adapter} (with connection state recovery across servers);
 * {@link dev.socketeer.adapter.redis.RedisEmitter}, compatible with {@code @socket.io/redis-emitter}, and
 * {@link dev.socketeer.adapter.redis.RedisStreamsEmitter}, which appends to the stream as the monorepo's
 * streams emitter does. Built on Lettuce, asynchronous throughout.
 */
package dev.socketeer.adapter.redis;
