package dev.whispem.minikv.node;

import dev.whispem.minikv.node.replication.CommitObserver;
import dev.whispem.minikv.node.replication.LocalReplicator;
import dev.whispem.minikv.node.replication.RaftConfig;
import dev.whispem.minikv.node.replication.RatisReplicator;
import dev.whispem.minikv.node.replication.ReplicationConfig;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.routing.KvRouter;
import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.InMemoryKvStore;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.RocksKvStore;
import dev.whispem.minikv.node.storage.StorageConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The composition root: builds storage, replication and routing for the configured role. */
public class NodeWiring {

    private static final Logger LOG = Logger.getLogger(NodeWiring.class);

    /** Opens storage and replication when the process starts, not on the first request. */
    void eager(@Observes StartupEvent event, KvRouter router) {
        LOG.debugf("routing %d groups", router.layout().groups());
    }

    @Produces
    @Singleton
    KvStore store(NodeConfig node, StorageConfig storage, MeterRegistry registry) {
        KvStore store =
                switch (storage.backend()) {
                    case MEMORY -> new InMemoryKvStore();
                    case ROCKSDB -> {
                        var dir = node.dataDir().toAbsolutePath().resolve("rocksdb");
                        LOG.infof(
                                "RocksDB at %s (compression %s, bloom %d bits/key)",
                                dir, storage.compression(), storage.bloomBitsPerKey());
                        yield new RocksKvStore(dir, storage);
                    }
                };
        for (String stat : store.statistics().keySet()) {
            Gauge.builder(
                            "minikv.rocksdb." + stat,
                            store,
                            s -> s.statistics().getOrDefault(stat, 0L))
                    .description("RocksDB statistic " + stat)
                    .register(registry);
        }
        return store;
    }

    void closeStore(@Disposes KvStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Replicator replicator(
            NodeConfig node,
            ReplicationConfig replication,
            RaftConfig raft,
            KvStore store,
            MeterRegistry registry) {
        Timer commit =
                Timer.builder("minikv.commit")
                        .description(
                                "Time from proposing to committing one log entry or group commit")
                        .publishPercentileHistogram()
                        .register(registry);
        var batchSize =
                io.micrometer.core.instrument.DistributionSummary.builder(
                                "minikv.commit.batch.size")
                        .description("Commands per group commit")
                        .register(registry);
        LOG.infof(
                "role %s, replication %s, %d groups, sync %s",
                node.role(), replication.engine(), replication.groups(), replication.sync());
        CommitObserver observer =
                (commands, nanos) -> {
                    commit.record(nanos, TimeUnit.NANOSECONDS);
                    batchSize.record(commands);
                };
        return switch (replication.engine()) {
            case LOCAL ->
                    new LocalReplicator(store, replication.groups(), replication.sync(), observer);
            case RATIS ->
                    new RatisReplicator(
                            store,
                            replication.groups(),
                            node.dataDir().toAbsolutePath().resolve("raft"),
                            raft,
                            observer);
        };
    }

    void closeReplicator(@Disposes Replicator replicator) {
        replicator.close();
    }

    @Produces
    @Singleton
    KvRouter router(Replicator replicator, ReplicationConfig replication) {
        return new KvRouter(
                replicator, new ShardLayout(replication.groups()), System::currentTimeMillis);
    }
}
