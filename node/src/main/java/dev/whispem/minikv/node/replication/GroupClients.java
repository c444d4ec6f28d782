package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * The Ratis clients through which this node reaches other members of each shard group, and the
 * members they are built for. Each is built on first use:
 *
 * <ul>
 *   <li>the <em>retrying</em> client, for commands this node proposes through whoever leads: it
 *       follows leader changes and retries under one call id, which the leader's retry cache
 *       recognises;
 *   <li>the client that asks the leader for reads and read indexes: it never retries, since a read
 *       that fails goes again another way;
 *   <li>the client that forwards commands to the leader: it never retries, because a forwarded
 *       command carries no id a new leader could deduplicate by. It is apart from the read client
 *       so that replacing that one after a failed read does not fail the commands in flight on it.
 * </ul>
 *
 * <p>A Ratis client closes its window to a server after a failure it does not retry, and one that
 * gave up stays closed: such a client is dropped, and the next call builds a new one. The lock is
 * never held while waiting on Ratis (request threads, event loops included, take it); closing a
 * client may wait for its requests, so that happens on a thread of its own.
 */
final class GroupClients {

    private static final Logger LOG = Logger.getLogger(GroupClients.class);

    private final RaftConfig config;
    private final RaftGroupId[] groupIds;
    private final long askTimeoutSeconds;
    private final List<RaftPeer>[] members;
    private final RaftClient[] retrying;
    private final RaftClient[] readAskers;
    private final RaftClient[] proposalAskers;
    private final Object lock = new Object();

    /**
     * @param askTimeoutSeconds how long the clients asking the leader wait for an answer
     */
    @SuppressWarnings("unchecked")
    GroupClients(RaftConfig config, RaftGroupId[] groupIds, long askTimeoutSeconds) {
        this.config = config;
        this.groupIds = groupIds;
        this.askTimeoutSeconds = askTimeoutSeconds;
        this.members = new List[groupIds.length];
        java.util.Arrays.fill(members, List.of());
        this.retrying = new RaftClient[groupIds.length];
        this.readAskers = new RaftClient[groupIds.length];
        this.proposalAskers = new RaftClient[groupIds.length];
    }

    /** The members of {@code group} as last known (empty before the shard map names them). */
    List<RaftPeer> members(int group) {
        synchronized (lock) {
            return members[group];
        }
    }

    /**
     * Records the members of {@code group}; when they changed, the group's clients are dropped so
     * the next call reaches the new ones. Returns whether they changed.
     */
    boolean setMembers(int group, List<RaftPeer> newMembers) {
        synchronized (lock) {
            if (newMembers.equals(members[group])) {
                return false;
            }
            members[group] = List.copyOf(newMembers);
            dropAll(group);
            return true;
        }
    }

    /** The client that follows leader changes and retries a call under its call id. */
    RaftClient retrying(int group) {
        synchronized (lock) {
            if (retrying[group] == null) {
                retrying[group] =
                        newClient(
                                group,
                                3,
                                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                        40, TimeDuration.valueOf(250, TimeUnit.MILLISECONDS)));
            }
            return retrying[group];
        }
    }

    /** The client asking the leader: for forwarded commands, or for reads and read indexes. */
    RaftClient asker(int group, boolean proposals) {
        RaftClient[] kind = askers(proposals);
        synchronized (lock) {
            if (kind[group] == null) {
                kind[group] = newClient(group, askTimeoutSeconds, RetryPolicies.noRetry());
            }
            return kind[group];
        }
    }

    /** Drops the asking client of that kind after a failure; the next call builds a new one. */
    void dropAsker(int group, boolean proposals) {
        RaftClient[] kind = askers(proposals);
        RaftClient old;
        synchronized (lock) {
            old = kind[group];
            kind[group] = null;
        }
        if (old != null) {
            closeLater(List.of(old));
        }
    }

    /** Drops every client of {@code group} when {@code error} says one was closed. */
    void dropIfClosed(int group, Throwable error) {
        if (closed(error)) {
            dropAll(group);
        }
    }

    /**
     * Whether {@code error} says a request failed before it was written to the server: Ratis' gRPC
     * client throws {@link AlreadyClosedException} from its stream's {@code onNext} when the stream
     * had closed already (requests in flight when a stream closes fail elsewhere, and may have
     * reached the server). False for anything else, which keeps a changed Ratis on the safe side:
     * an unknown outcome.
     */
    static boolean failedUnsent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AlreadyClosedException) {
                StackTraceElement[] at = t.getStackTrace();
                return at.length > 0
                        && at[0].getClassName()
                                .endsWith("GrpcClientProtocolClient$AsyncStreamObservers")
                        && at[0].getMethodName().equals("onNext");
            }
        }
        return false;
    }

    /** Whether {@code error} says the Ratis client (or its window) was closed. */
    static boolean closed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    /** Closes every client, waiting for each; at shutdown. */
    void closeAll() {
        List<RaftClient> open = new ArrayList<>();
        synchronized (lock) {
            for (RaftClient[] kind : List.of(retrying, readAskers, proposalAskers)) {
                for (int g = 0; g < kind.length; g++) {
                    if (kind[g] != null) {
                        open.add(kind[g]);
                        kind[g] = null;
                    }
                }
            }
        }
        open.forEach(GroupClients::closeQuietly);
    }

    private void dropAll(int group) {
        List<RaftClient> old = new ArrayList<>(3);
        synchronized (lock) {
            for (RaftClient[] kind : List.of(retrying, readAskers, proposalAskers)) {
                if (kind[group] != null) {
                    old.add(kind[group]);
                    kind[group] = null;
                }
            }
        }
        if (!old.isEmpty()) {
            closeLater(old);
        }
    }

    private RaftClient[] askers(boolean proposals) {
        return proposals ? proposalAskers : readAskers;
    }

    /** Called with {@link #lock} held. */
    private RaftClient newClient(int group, long timeoutSeconds, RetryPolicy retry) {
        if (members[group].isEmpty()) {
            throw new IllegalStateException(
                    "group "
                            + group
                            + " has no known members on this node yet (the shard map has not"
                            + " reached it); retry");
        }
        RaftProperties p = new RaftProperties();
        RatisTransport.configureClient(p, config);
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(timeoutSeconds, TimeUnit.SECONDS));
        return RaftClient.newBuilder()
                .setProperties(p)
                .setRaftGroup(RaftGroup.valueOf(groupIds[group], members[group]))
                .setRetryPolicy(retry)
                .build();
    }

    private static void closeLater(List<RaftClient> old) {
        Thread.ofPlatform()
                .daemon()
                .name("minikv-raft-client-close")
                .start(() -> old.forEach(GroupClients::closeQuietly));
    }

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing Ratis client", e);
        }
    }
}
