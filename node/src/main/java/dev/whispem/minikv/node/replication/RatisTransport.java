package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.thirdparty.io.grpc.EquivalentAddressGroup;
import org.apache.ratis.thirdparty.io.grpc.NameResolver;
import org.apache.ratis.thirdparty.io.grpc.NameResolverProvider;
import org.apache.ratis.thirdparty.io.grpc.NameResolverRegistry;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusOr;
import org.apache.ratis.thirdparty.io.grpc.SynchronizationContext;
import org.apache.ratis.thirdparty.io.grpc.internal.DnsNameResolverProvider;
import org.jboss.logging.Logger;

/**
 * How Raft servers reach each other: gRPC channel, reconnection and address resolution settings.
 * Kept apart from the consensus settings because it is where network faults (healed partitions,
 * peers that come back under a new IP) are handled.
 *
 * <p>Ratis builds one gRPC channel per peer (and per client) and keeps it for the life of the
 * server; it offers no setting for how a channel resolves its target. gRPC's own DNS resolver looks
 * a name up when the channel starts and again only after a connection fails, at most every 30 s,
 * and the JVM caches the answer for another 30 s. A connection to an address that vanished (a
 * container disconnected, or restarted with a new IP) does not fail: no RST ever comes back, so the
 * channel keeps its dead connection to the old address and the peer is never reached again
 * (docs/decisions/0105-raft-transport-reconnection.md). Here peer names are therefore looked up
 * again every {@link #RESOLVE_INTERVAL_MILLIS} ms, and a changed answer moves the channel to the
 * new address at once.
 */
final class RatisTransport {
    private static final Logger LOG = Logger.getLogger(RatisTransport.class);

    /** How often a peer's name is looked up again. */
    static final long RESOLVE_INTERVAL_MILLIS = 2_000;

    /**
     * JVM-wide lifetime of a cached DNS answer, in seconds (the JVM default is 30 s, and 10 s for a
     * failed lookup): a peer's new address must be seen within a few seconds.
     */
    private static final String DNS_CACHE_SECONDS = "2";

    private static final String DNS_NEGATIVE_CACHE_SECONDS = "1";

    /** Pause between a leader's attempts to reach a follower that keeps failing. */
    static final long APPENDER_RETRY_MILLIS = 500;

    /** How often {@link ConnectionWatch} looks at the followers of the groups led here. */
    static final long WATCH_PERIOD_MILLIS = 500;

    private static boolean resolverInstalled;

    private RatisTransport() {}

    /** Applies the transport settings to {@code properties}. */
    static void configure(RaftProperties properties, RaftConfig config) {
        reResolvePeerNames();
        if (config.bindHost().isEmpty() && !isLoopbackOrLiteral(config.host())) {
            // Unless told otherwise, the Raft port is bound to the wildcard address, not to what
            // the
            // advertised name resolved to at start: when this node's address changes under its name
            // (a container reconnected to its network, a pod rescheduled), a port bound to the old
            // address would refuse the peers that reach the new one.
            properties.unset(GrpcConfigKeys.Server.HOST_KEY);
        }
        // A node cut off from the others must not raise its term with every election timeout: on
        // reconnecting, a higher term would depose the healthy leader. With pre-vote it first asks
        // whether it could win, which it cannot while the others have a leader. Ratis 3 defaults to
        // it; pinned because healed partitions rely on it.
        RaftServerConfigKeys.LeaderElection.setPreVote(properties, true);
        // How long a leader waits before trying an unreachable follower again. Ratis' default
        // ("1ms,10, 1s,20, 5s,1000") waits 5 s between attempts after the first 30 failures, so a
        // follower back from a partition of more than a few seconds waited up to 5 s more for its
        // leader; and after the 1030th failure, the retries stopped being spaced at all. A failed
        // attempt costs nothing while the peer is unreachable (the channel fails it at once), so
        // the leader keeps trying twice a second for as long as it takes.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(
                properties, "1ms,10, " + APPENDER_RETRY_MILLIS + "ms," + Integer.MAX_VALUE);
        // gRPC as usual, plus a watch over connections to followers that stopped answering.
        // Ratis finds the RPC type by class name through its own class loader; where that loader
        // cannot see this class (Quarkus dev/test class loading, not the packaged application),
        // plain gRPC is kept and the watch is off.
        if (visibleToRatis(WatchedGrpc.class)) {
            RaftConfigKeys.Rpc.setType(properties, new WatchedGrpc());
        } else {
            LOG.warn("Raft connection watch off: Ratis cannot load it from this class loader");
        }
    }

    private static boolean visibleToRatis(Class<?> type) {
        try {
            Class.forName(type.getName(), false, RpcType.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Applies the transport settings of Ratis clients (forwarding writes to a group's leader). */
    static void configureClient(RaftProperties properties, RaftConfig config) {
        reResolvePeerNames();
    }

    /**
     * An address literal, or a loopback name: what it denotes cannot move, and binding to it keeps
     * the port private (the loopback cluster of node/scripts).
     */
    static boolean isLoopbackOrLiteral(String host) {
        return host.equalsIgnoreCase("localhost")
                || host.contains(":")
                || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /**
     * Makes every gRPC channel Ratis builds (they share the JVM-wide default resolver registry)
     * resolve {@code host:port} targets with {@link PeerResolver}. Once per JVM.
     */
    private static synchronized void reResolvePeerNames() {
        if (resolverInstalled) {
            return;
        }
        resolverInstalled = true;
        shortenDnsCache();
        NameResolverRegistry.getDefaultRegistry().register(new PeerResolverProvider());
    }

    /**
     * Lowers the JVM's DNS cache lifetimes unless the operator set them. Takes effect only if no
     * name was looked up in this JVM yet (the JVM reads them once); otherwise a new address is seen
     * after the JVM's own cache lifetime, 30 s, instead of a few seconds.
     */
    private static void shortenDnsCache() {
        if (Security.getProperty("networkaddress.cache.ttl") == null
                && System.getProperty("sun.net.inetaddr.ttl") == null) {
            Security.setProperty("networkaddress.cache.ttl", DNS_CACHE_SECONDS);
        }
        if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
            Security.setProperty("networkaddress.cache.negative.ttl", DNS_NEGATIVE_CACHE_SECONDS);
        }
    }

    /**
     * Takes over gRPC's {@code dns} scheme, the default one for targets without a scheme such as
     * Ratis' {@code host:port} peer addresses.
     */
    static final class PeerResolverProvider extends NameResolverProvider {
        private final DnsNameResolverProvider grpcDns = new DnsNameResolverProvider();

        @Override
        protected boolean isAvailable() {
            return true;
        }

        /** Above gRPC's DNS resolver (5), so this one is picked for the scheme. */
        @Override
        protected int priority() {
            return 6;
        }

        @Override
        public String getDefaultScheme() {
            return "dns";
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!"dns".equals(target.getScheme()) || target.getPath() == null) {
                return null;
            }
            if (target.getAuthority() != null && !target.getAuthority().isEmpty()) {
                // dns://server/name asks for a given DNS server, which only gRPC's resolver does.
                return grpcDns.newNameResolver(target, args);
            }
            String name = target.getPath().startsWith("/") ? target.getPath().substring(1) : "";
            URI hostPort = URI.create("//" + name);
            if (hostPort.getHost() == null) {
                return null;
            }
            int port = hostPort.getPort() < 0 ? args.getDefaultPort() : hostPort.getPort();
            return new PeerResolver(name, hostPort.getHost(), port, args);
        }
    }

    /** Lookups and channel shutdowns block; they run here, never on a gRPC or Ratis thread. */
    private static final ExecutorService BLOCKING =
            Executors.newCachedThreadPool(
                    Thread.ofPlatform().name("minikv-raft-transport-", 0).daemon().factory());

    private static final ScheduledExecutorService WATCH =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("minikv-raft-watch").daemon().factory());

    /**
     * Resolves one peer name on start, every {@link #RESOLVE_INTERVAL_MILLIS} ms and whenever the
     * channel asks (gRPC does after a connection fails, Ratis whenever a request to the peer fails
     * or times out). Reports an answer to the channel only when it differs from the last one: then
     * the channel's load balancer drops the connection to the address no longer listed and connects
     * to the new one, even while the old connection still looks alive.
     */
    static final class PeerResolver extends NameResolver {
        private final String authority;
        private final String host;
        private final int port;
        private final SynchronizationContext sync;
        private final ScheduledExecutorService timer;
        private final Executor lookups = BLOCKING;

        // All below only touched in the channel's synchronization context.
        private Listener2 listener;
        private SynchronizationContext.ScheduledHandle periodic;
        private Set<InetSocketAddress> current;
        private boolean resolving;
        private boolean shutdown;

        PeerResolver(String authority, String host, int port, NameResolver.Args args) {
            this.authority = authority;
            this.host = host;
            this.port = port;
            this.sync = args.getSynchronizationContext();
            this.timer = args.getScheduledExecutorService();
        }

        @Override
        public String getServiceAuthority() {
            return authority;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
            periodic =
                    sync.scheduleWithFixedDelay(
                            this::resolve,
                            RESOLVE_INTERVAL_MILLIS,
                            RESOLVE_INTERVAL_MILLIS,
                            TimeUnit.MILLISECONDS,
                            timer);
        }

        @Override
        public void refresh() {
            resolve();
        }

        @Override
        public void shutdown() {
            shutdown = true;
            if (periodic != null) {
                periodic.cancel();
            }
        }

        private void resolve() {
            if (shutdown || resolving || listener == null) {
                return;
            }
            resolving = true;
            lookups.execute(
                    () -> {
                        Set<InetSocketAddress> found = new LinkedHashSet<>();
                        UnknownHostException failure = null;
                        try {
                            for (InetAddress a : InetAddress.getAllByName(host)) {
                                found.add(new InetSocketAddress(a, port));
                            }
                        } catch (UnknownHostException e) {
                            failure = e;
                        }
                        UnknownHostException error = failure;
                        sync.execute(() -> resolved(found, error));
                    });
        }

        private void resolved(Set<InetSocketAddress> found, UnknownHostException error) {
            resolving = false;
            if (shutdown) {
                return;
            }
            if (error != null || found.isEmpty()) {
                // A peer being restarted may have no address for a moment. Keep connecting to the
                // last known one rather than failing the channel; only a name that never resolved
                // is an error.
                if (current == null) {
                    listener.onError(
                            Status.UNAVAILABLE
                                    .withDescription("cannot resolve Raft peer " + host)
                                    .withCause(error));
                }
                return;
            }
            if (found.equals(current)) {
                return;
            }
            if (current != null) {
                LOG.infof("Raft peer %s moved from %s to %s", authority, current, found);
            }
            current = found;
            List<SocketAddress> addresses = new ArrayList<>(found);
            listener.onResult2(
                    ResolutionResult.newBuilder()
                            .setAddressesOrError(
                                    StatusOr.fromValue(
                                            List.of(new EquivalentAddressGroup(addresses))))
                            .build());
        }
    }

    /**
     * Ratis' gRPC transport, with {@link ConnectionWatch} attached to each server. Ratis creates it
     * by class name from {@code raft.rpc.type}, its extension point for transports.
     */
    public static final class WatchedGrpc implements RpcType {
        public WatchedGrpc() {}

        @Override
        public String name() {
            return WatchedGrpc.class.getName();
        }

        @Override
        public RpcFactory newFactory(Parameters parameters) {
            return new WatchedGrpcFactory(parameters);
        }
    }

    static final class WatchedGrpcFactory extends GrpcFactory {
        WatchedGrpcFactory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public GrpcServices newRaftServerRpc(RaftServer server) {
            GrpcServices rpc = super.newRaftServerRpc(server);
            if (rpc instanceof RaftServerRpcWithProxy<?, ?> withProxies) {
                new ConnectionWatch(server, withProxies).start();
            }
            return rpc;
        }
    }

    /**
     * Replaces the channel to a follower that has not answered the leader for a while.
     *
     * <p>Ratis keeps one channel per peer for good, and gRPC keeps a connection until TCP reports
     * it broken. A connection cut without a reset (a peer cut off the network) is not reported for
     * many minutes: the kernel retransmits with exponential backoff, and after the network heals
     * the next retransmission, the first packet the peer sees again, may be a minute or two away.
     * Ratis' channels have no HTTP/2 keepalive and offer no setting for it, so the leader of a
     * group watches its followers instead: one silent for longer than {@link #staleMillis} gets a
     * new channel. The new channel cannot connect while the peer is unreachable and keeps trying
     * (Ratis resets its connection backoff on every failed request), so its first attempt after the
     * network heals gets through. Once per silence, then: replacing it again while the peer is
     * still silent would only drop a connection being made. {@link #REPEAT_MILLIS} later it is
     * replaced again all the same, in case it connected and the network failed again before the
     * peer answered.
     */
    static final class ConnectionWatch {
        static final long REPEAT_MILLIS = 30_000;

        private final RaftServer server;
        private final RaftServerRpcWithProxy<?, ?> rpc;
        private final long staleMillis;

        /** Silent peers, with when their channel was last replaced (nanoTime). */
        private final Map<RaftPeerId, Long> replaced = new HashMap<>();

        private ScheduledFuture<?> task;

        ConnectionWatch(RaftServer server, RaftServerRpcWithProxy<?, ?> rpc) {
            this.server = server;
            // Its proxies exist only once the server knows its id, after this is built.
            this.rpc = rpc;
            // Longer than an election timeout (a follower that misses that much is in trouble
            // anyway), and than Ratis' request timeout, after which it retries by itself.
            this.staleMillis =
                    Math.max(
                            RaftServerConfigKeys.Rpc.timeoutMax(server.getProperties())
                                    .toLong(TimeUnit.MILLISECONDS),
                            RaftServerConfigKeys.Rpc.requestTimeout(server.getProperties())
                                    .toLong(TimeUnit.MILLISECONDS));
        }

        void start() {
            task =
                    WATCH.scheduleWithFixedDelay(
                            this::check, staleMillis, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void check() {
            try {
                if (server.getLifeCycleState().isClosingOrClosed()) {
                    task.cancel(false);
                    return;
                }
                Set<RaftPeerId> silent = new LinkedHashSet<>();
                for (RaftGroupId group : server.getGroupIds()) {
                    RoleInfoProto role = server.getDivision(group).getInfo().getRoleInfoProto();
                    if (!role.hasLeaderInfo()) {
                        continue;
                    }
                    for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
                        if (follower.getLastRpcElapsedTimeMs() > staleMillis) {
                            silent.add(RaftPeerId.valueOf(follower.getId().getId()));
                        }
                    }
                }
                replaced.keySet().retainAll(silent);
                long now = System.nanoTime();
                for (RaftPeerId peer : silent) {
                    Long last = replaced.get(peer);
                    if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(REPEAT_MILLIS)) {
                        continue;
                    }
                    replaced.put(peer, now);
                    LOG.infof(
                            "Raft peer %s has not answered for over %d ms: new connection",
                            peer, staleMillis);
                    // Closing the old channel waits for it; not on this thread.
                    BLOCKING.execute(() -> rpc.getProxies().resetProxy(peer));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Raft connection watch", e);
            }
        }
    }
}
