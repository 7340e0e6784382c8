/**
 * The Redis adapters (classic pub/sub and sharded pub/sub), wire-compatible with Node's
 * {@code @socket.io/redis-adapter}, and {@link dev.socketeer.adapter.redis.RedisEmitter}, compatible
 * with {@code @socket.io/redis-emitter}. Built on Lettuce, asynchronous throughout.
 */
package dev.socketeer.adapter.redis;
