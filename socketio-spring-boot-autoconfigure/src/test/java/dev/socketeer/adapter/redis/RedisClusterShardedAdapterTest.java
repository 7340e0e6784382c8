package dev.socketeer.adapter.redis;

import org.junit.jupiter.api.BeforeAll;

/**
 * Three Java nodes on the sharded adapter on a Redis Cluster (three masters, three replicas), configured with
 * {@code spring.data.redis.cluster.nodes}: each shard channel is subscribed on the master serving its slot, the
 * server count is the sum of {@code PUBSUB SHARDNUMSUB} over the cluster's nodes.
 */
class RedisClusterShardedAdapterTest extends RedisAdapterClusterTestBase {

    @BeforeAll
    static void start() throws Exception {
        startOnRedisCluster("sharded");
    }
}
