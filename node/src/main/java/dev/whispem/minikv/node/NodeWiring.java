package dev.whispem.minikv.node;

import dev.whispem.minikv.node.api.auth.AuthConfig;
import dev.whispem.minikv.node.cluster.BootstrapGuard;
import dev.whispem.minikv.node.cluster.ClusterAdmin;
import dev.whispem.minikv.node.cluster.ClusterHttp;
import dev.whispem.minikv.node.cluster.ClusterRuntime;
import dev.whispem.minikv.node.cluster.ClusterSettings;
import dev.whispem.minikv.node.cluster.CoordinatorService;
import dev.whispem.minikv.node.cluster.MetadataGroup;
import dev.whispem.minikv.node.cluster.NodeRole;
import dev.whispem.minikv.node.cluster.VolumeAgent;
import dev.whispem.minikv.node.expiry.ExpiryConfig;
import dev.whispem.minikv.node.expiry.ExpirySweeper;
import dev.whispem.minikv.node.replication.CommitObserver;
import dev.whispem.minikv.node.replication.EntryFate;
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
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/** The composition root: builds storage, replication and routing for the configured role. */
public class NodeWiring {

    private static final Logger LOG = Logger.getLogger(NodeWiring.class);

    /**
     * Opens storage and replication and starts the expiry sweep when the process starts, not on the
     * first request: naming a bean here creates it.
     */
    void eager(
            @Observes StartupEvent event,
            KvRouter router,
            ClusterRuntime cluster,
            ExpirySweeper expiry,
            MeterRegistry registry) {
        LOG.debugf("routing %d groups", router.layout().groups());
        cluster.coordinator()
                .ifPresent(
                        c -> {
                            Gauge.builder(
                                            "minikv.cluster.moves.in.flight",
                                            c,
                                            x -> x.metadata().map().movesInFlight())
                                    .description("Shard-group moves under way (shard map)")
                                    .register(registry);
                            Gauge.builder(
                                            "minikv.cluster.epoch",
                                            c,
                                            x -> x.metadata().map().epoch())
                                    .description("Shard-map epoch applied by this coordinator")
                                    .register(registry);
                            io.micrometer.core.instrument.FunctionCounter.builder(
                                            "minikv.cluster.moves.finished",
                                            c,
                                            CoordinatorService::movesFinished)
                                    .description("Shard-group moves completed while leading")
                                    .register(registry);
                            io.micrometer.core.instrument.FunctionCounter.builder(
                                            "minikv.cluster.leader.transfers",
                                            c,
                                            CoordinatorService::leaderTransfers)
                                    .description(
                                            "Shard-group leadership transfers done for balance"
                                                    + " while leading")
                                    .register(registry);
                        });
    }

    /**
     * Leaves the cluster in order before the Raft server stops: stops planning and heartbeats and
     * hands the metadata group's leadership over (bean disposal order is not guaranteed).
     */
    void leave(@Observes io.quarkus.runtime.ShutdownEvent event, ClusterRuntime cluster) {
        cluster.close();
    }

    /** Whether this node is part of a coordinator/volume cluster (not standalone, not static). */
    static boolean clusterMode(NodeConfig node, RaftConfig raft) {
        return node.role() != NodeRole.STANDALONE && raft.peers().isEmpty();
    }

    @Produces
    @Singleton
    MetadataGroup metadataGroup() {
        return new MetadataGroup();
    }

    @Produces
    @Singleton
    ClusterHttp clusterHttp(AuthConfig auth) {
        return new ClusterHttp(auth.nodeToNodeToken());
    }

    @Produces
    @Singleton
    ClusterRuntime cluster(
            NodeConfig node,
            RaftConfig raft,
            ReplicationConfig replication,
            ClusterSettings settings,
            Replicator replicator,
            MetadataGroup metadata,
            ClusterHttp http) {
        List<String> coordinators = settings.coordinators().orElse(List.of());
        if (!clusterMode(node, raft)) {
            return new ClusterRuntime(
                    null,
                    null,
                    new ClusterAdmin(
                            null,
                            List.of(),
                            node.role() == NodeRole.STANDALONE ? raft.nodeId() : null,
                            replication.groups(),
                            http,
                            settings));
        }
        RatisReplicator ratis = (RatisReplicator) replicator;
        String selfHttp =
                settings.advertiseHttp()
                        .orElse(
                                raft.host()
                                        + ":"
                                        + ConfigProvider.getConfig()
                                                .getValue("quarkus.http.port", Integer.class));
        if (node.role() == NodeRole.COORDINATOR) {
            // Exactly one coordinator may create the metadata group. Without a bootstrap setting
            // only a lone coordinator (no peers configured) does; the others wait to be added.
            String b =
                    settings.bootstrapCoordinator()
                            .orElse(coordinators.isEmpty() ? raft.nodeId() : "");
            boolean bootstrap = b.equals(raft.nodeId()) || b.split("\\.")[0].equals(raft.nodeId());
            if (!bootstrap && settings.bootstrapCoordinator().isEmpty()) {
                LOG.warn(
                        "minikv.cluster.bootstrap-coordinator is not set: this coordinator waits to"
                                + " be added to an existing metadata group");
            }
            try {
                if (bootstrap && !MetadataGroup.onDisk(ratis.server())) {
                    var leader = BootstrapGuard.existingLeader(http, coordinators, raft.nodeId());
                    if (leader.isPresent()) {
                        LOG.warnf(
                                "no metadata on this disk, but %s leads a running cluster: joining it"
                                        + " instead of bootstrapping a second one",
                                leader.get());
                        bootstrap = false;
                    }
                }
                metadata.fetchSnapshotsFrom(coordinators, http);
                metadata.attach(ratis.server(), ratis.self(), bootstrap);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the metadata group", e);
            }
            CoordinatorService c =
                    new CoordinatorService(
                            metadata,
                            ratis,
                            settings,
                            replication.groups(),
                            selfHttp,
                            http,
                            System::currentTimeMillis);
            c.start();
            return new ClusterRuntime(
                    c, null, new ClusterAdmin(c, coordinators, null, 0, http, settings));
        }
        if (coordinators.isEmpty()) {
            throw new IllegalArgumentException(
                    "a volume server needs minikv.cluster.coordinators (MINIKV_COORDINATORS_SERVICE)"
                            + " or static minikv.raft.peers");
        }
        VolumeAgent agent = new VolumeAgent(ratis, settings, coordinators, selfHttp, http);
        agent.start();
        return new ClusterRuntime(
                null, agent, new ClusterAdmin(null, coordinators, null, 0, http, settings));
    }

    /**
     * Closes the node in dependency order before the container destroys its beans, which it does in
     * no fixed order: a store closed before the replicator applying to it crashed the JVM inside
     * RocksDB (SIGSEGV) when the shutdown's leadership transfer let an entry commit. The disposers
     * below close again, which does nothing.
     */
    void shutdown(
            @Observes ShutdownEvent event,
            ClusterRuntime cluster,
            ExpirySweeper expiry,
            Replicator replicator,
            KvStore store) {
        cluster.close();
        expiry.close();
        replicator.close();
        store.close();
    }

    void closeCluster(@Disposes ClusterRuntime cluster) {
        cluster.close();
    }

    @Produces
    @Singleton
    ClusterAdmin clusterAdmin(ClusterRuntime cluster) {
        return cluster.admin();
    }

    @Produces
    @Singleton
    KvStore store(NodeConfig node, StorageConfig storage, MeterRegistry registry) {
        // A coordinator holds no shard data; its store stays empty.
        StorageConfig.Backend backend =
                node.role() == NodeRole.COORDINATOR
                        ? StorageConfig.Backend.MEMORY
                        : storage.backend();
        KvStore store =
                switch (backend) {
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
            MetadataGroup metadata,
            MeterRegistry registry,
            AuthConfig auth) {
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
                node.role(),
                clusterMode(node, raft) ? "RATIS (cluster)" : replication.engine(),
                replication.groups(),
                replication.sync());
        var barrierSize =
                io.micrometer.core.instrument.DistributionSummary.builder(
                                "minikv.read.barrier.size")
                        .description("Linearizable reads answered by one ReadIndex round")
                        .register(registry);
        var forwardedBatchSize =
                io.micrometer.core.instrument.DistributionSummary.builder(
                                "minikv.forwarded.read.batch.size")
                        .description(
                                "Point reads of a group this node does not host sent to its leader"
                                        + " in one batch")
                        .register(registry);
        var resentRefused =
                counter(
                        registry,
                        "minikv.entries.resent",
                        "Log entries a leader refused while handing leadership over, sent again"
                                + " to whoever leads next");
        var readsRetried =
                counter(
                        registry,
                        "minikv.reads.retried",
                        "Read rounds and reads sent again because their group had no leader able"
                                + " to answer at that moment");
        var resentKeyed =
                counter(
                        registry,
                        "minikv.idempotent.resends",
                        "Writes carrying an Idempotency-Key that failed (a leader change, a lost"
                                + " forward, a timeout) and were sent again by this node");
        var settled =
                new java.util.EnumMap<EntryFate, io.micrometer.core.instrument.Counter>(
                        EntryFate.class);
        for (EntryFate fate : EntryFate.values()) {
            settled.put(
                    fate,
                    io.micrometer.core.instrument.Counter.builder(
                                    "minikv.entries.settled.after.step.down")
                            .description(
                                    "Entries a leader proposed that were pending when its term"
                                            + " ended, by what the log made of them")
                            .tag("fate", fate.name().toLowerCase(java.util.Locale.ROOT))
                            .register(registry));
        }
        var roundsFromLeader = readRounds(registry, "leader");
        var ratisRounds = readRounds(registry, "ratis");
        CommitObserver observer =
                new CommitObserver() {
                    @Override
                    public void committed(int commands, long nanos) {
                        commit.record(nanos, TimeUnit.NANOSECONDS);
                        batchSize.record(commands);
                    }

                    @Override
                    public void readBarrier(int reads) {
                        barrierSize.record(reads);
                    }

                    @Override
                    public void readRound(boolean fromLeader) {
                        (fromLeader ? roundsFromLeader : ratisRounds).increment();
                    }

                    @Override
                    public void forwardedReads(int reads) {
                        forwardedBatchSize.record(reads);
                    }

                    @Override
                    public void resentRefused() {
                        resentRefused.increment();
                    }

                    @Override
                    public void readRetried() {
                        readsRetried.increment();
                    }

                    @Override
                    public void settledAfterStepDown(EntryFate fate) {
                        settled.get(fate).increment();
                    }

                    @Override
                    public void resentKeyed() {
                        resentKeyed.increment();
                    }
                };
        if (clusterMode(node, raft)) {
            return new RatisReplicator(
                    store,
                    replication.groups(),
                    node.dataDir().toAbsolutePath().resolve("raft"),
                    raft,
                    observer,
                    auth.nodeToNodeToken(),
                    false,
                    node.role() == NodeRole.COORDINATOR ? metadata::stateMachineFor : gid -> null);
        }
        return switch (replication.engine()) {
            case LOCAL ->
                    new LocalReplicator(store, replication.groups(), replication.sync(), observer);
            case RATIS ->
                    new RatisReplicator(
                            store,
                            replication.groups(),
                            node.dataDir().toAbsolutePath().resolve("raft"),
                            raft,
                            observer,
                            auth.nodeToNodeToken());
        };
    }

    void closeReplicator(@Disposes Replicator replicator) {
        replicator.close();
    }

    @Produces
    @Singleton
    KvRouter router(
            Replicator replicator,
            ReplicationConfig replication,
            dev.whispem.minikv.node.api.IdempotencyConfig idempotency) {
        return new KvRouter(
                replicator,
                new ShardLayout(replication.groups()),
                System::currentTimeMillis,
                idempotency.window().toMillis());
    }

    /**
     * The sweep that frees expired keys' space, running from start-up on every node that holds
     * shard data (a coordinator holds none).
     */
    @Produces
    @Singleton
    ExpirySweeper expirySweeper(
            NodeConfig node,
            ExpiryConfig config,
            Replicator replicator,
            KvRouter router,
            KvStore store,
            MeterRegistry registry) {
        var scanned =
                counter(
                        registry,
                        "minikv.expiry.keys.scanned",
                        "Stored keys the expiry sweep looked at on the groups this node leads");
        var removed =
                counter(
                        registry,
                        "minikv.expiry.keys.removed",
                        "Expired keys the sweep deleted, freeing their space");
        var failures =
                counter(
                        registry,
                        "minikv.expiry.rounds.failed",
                        "Sweep rounds stopped by an error (usually a leader change); the next"
                                + " round resumes where it stopped");
        ExpirySweeper sweeper =
                new ExpirySweeper(
                        replicator,
                        router.layout(),
                        store,
                        System::currentTimeMillis,
                        config.keysPerRound(),
                        new ExpirySweeper.Observer() {
                            @Override
                            public void scanned(int keys) {
                                scanned.increment(keys);
                            }

                            @Override
                            public void removed(int keys) {
                                removed.increment(keys);
                            }

                            @Override
                            public void passCompleted(int group) {
                                LOG.debugf("expiry sweep finished a pass over group %d", group);
                            }

                            @Override
                            public void failed() {
                                failures.increment();
                            }
                        });
        if (config.enabled() && node.role() != NodeRole.COORDINATOR) {
            sweeper.start(config.interval().toMillis());
        }
        return sweeper;
    }

    void closeExpirySweeper(@Disposes ExpirySweeper sweeper) {
        sweeper.close();
    }

    /** A counter without tags. */
    private static io.micrometer.core.instrument.Counter counter(
            MeterRegistry registry, String name, String description) {
        return io.micrometer.core.instrument.Counter.builder(name)
                .description(description)
                .register(registry);
    }

    /**
     * Read rounds of shard-group replicas whose read index came {@code via} the leader or Ratis.
     */
    private static io.micrometer.core.instrument.Counter readRounds(
            MeterRegistry registry, String via) {
        return io.micrometer.core.instrument.Counter.builder("minikv.read.rounds")
                .description(
                        "Read rounds of shard-group replicas, by where the read index came from")
                .tag("via", via)
                .register(registry);
    }
}
