package dev.whispem.minikv.node.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whispem.minikv.node.replication.FollowerState;
import dev.whispem.minikv.node.replication.NotLeaderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.jboss.logging.Logger;

/**
 * The coordinators' Raft group holding the {@link ClusterMap}, hosted by this node's Raft server.
 * Only its leader proposes; followers answer reads of the map from their applied copy, which may
 * lag by a heartbeat (callers that need the latest map ask the leader).
 */
public final class MetadataGroup {

    private static final Logger LOG = Logger.getLogger(MetadataGroup.class);
    private static final java.time.Duration FETCH_TIMEOUT = java.time.Duration.ofSeconds(10);

    public static final RaftGroupId ID =
            RaftGroupId.valueOf(
                    UUID.nameUUIDFromBytes("minikv-metadata".getBytes(StandardCharsets.UTF_8)));

    private final MetadataStateMachine stateMachine = new MetadataStateMachine();
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private RaftServer server;

    /** The state machine to register with the Raft server for {@link #ID}. */
    public StateMachine stateMachineFor(RaftGroupId id) {
        return ID.equals(id) ? stateMachine : null;
    }

    /**
     * Joins the group on {@code server}: recovers it from disk when it is there; otherwise starts
     * it with this node as its only member ({@code bootstrap}) or with an empty configuration, to
     * be added by the leader through a membership change.
     */
    public void attach(RaftServer server, RaftPeer self, boolean bootstrap) throws IOException {
        this.server = server;
        if (onDisk(server)) {
            LOG.infof("metadata group recovered from disk");
            return;
        }
        RaftGroup group = bootstrap ? RaftGroup.valueOf(ID, self) : RaftGroup.valueOf(ID);
        RaftClientReply reply =
                server.groupManagement(
                        GroupManagementRequest.newAdd(
                                clientId, server.getId(), callIds.incrementAndGet(), group));
        if (!reply.isSuccess()) {
            throw new IOException("cannot start the metadata group: " + reply);
        }
        LOG.infof(
                "metadata group %s", bootstrap ? "bootstrapped with this node" : "waiting to join");
    }

    /** Whether {@code server} found the metadata group in its storage when it started. */
    public static boolean onDisk(RaftServer server) throws IOException {
        for (RaftGroupId id : server.getGroupIds()) {
            if (ID.equals(id)) {
                return true;
            }
        }
        return false;
    }

    public ClusterMap map() {
        return stateMachine.map();
    }

    /** Where {@link #snapshot()} is served (node to node, admin token). */
    public static final String SNAPSHOT_PATH = "/v1/internal/metadata/snapshot";

    /**
     * Lets this coordinator, when it is behind the leader's purged log, fetch a snapshot from the
     * coordinators it knows of: those in its map and the {@code configured} addresses.
     */
    public void fetchSnapshotsFrom(List<String> configured, ClusterHttp http) {
        stateMachine.snapshotSource(atLeast -> fetchSnapshot(atLeast, configured, http));
    }

    /** This coordinator's map with the log position it reflects, as a snapshot document. */
    public byte[] snapshot() {
        return stateMachine.current().encode();
    }

    private MetadataSnapshot fetchSnapshot(long atLeast, List<String> configured, ClusterHttp http)
            throws IOException {
        Set<String> hosts = new LinkedHashSet<>();
        String self = server.getId().toString();
        for (ClusterMap.Coordinator c : map().coordinators().values()) {
            if (!c.id().equals(self)) {
                hosts.add(c.http());
            }
        }
        hosts.addAll(configured);
        List<String> outcomes = new ArrayList<>();
        for (String host : hosts) {
            ClusterHttp.Answer a = http.send(host, "GET", SNAPSHOT_PATH, null, FETCH_TIMEOUT);
            if (!a.ok()) {
                outcomes.add(host + " answered " + a.status());
                continue;
            }
            try {
                MetadataSnapshot s = MetadataSnapshot.decode(a.body().getBytes(UTF_8));
                if (s.index() >= atLeast) {
                    LOG.infof("metadata snapshot at index %d fetched from %s", s.index(), host);
                    return s;
                }
                outcomes.add(host + " is at index " + s.index());
            } catch (IOException e) {
                outcomes.add(host + ": " + e.getMessage());
            }
        }
        throw new IOException(
                "no coordinator has a metadata snapshot at index "
                        + atLeast
                        + " or later"
                        + (outcomes.isEmpty()
                                ? " (none known)"
                                : ": " + String.join("; ", outcomes)));
    }

    private RaftServer.Division division() throws IOException {
        return server.getDivision(ID);
    }

    public boolean isLeader() {
        try {
            DivisionInfo info = division().getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** The leader's member id, or null when there is none this node knows of. */
    public String leaderId() {
        try {
            RaftPeerId id = division().getInfo().getLeaderId();
            return id == null ? null : id.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether this node is a voting member of the group's current configuration. */
    public boolean isMember() {
        return members().stream().anyMatch(p -> p.getId().equals(server.getId()));
    }

    /** The voting members of the current configuration. */
    public List<RaftPeer> members() {
        try {
            return new ArrayList<>(division().getRaftConf().getCurrentPeers());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether this node has a leader and has applied all it knows to be committed. */
    public boolean isReady() {
        try {
            DivisionInfo info = division().getInfo();
            return info.getLeaderId() != null
                    && info.getLastAppliedIndex()
                            >= division().getRaftLog().getLastCommittedIndex();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Replication progress of each follower, by member id, as the leader sees it: how far its log
     * is behind the leader's commit index and how long since the leader last heard from it.
     */
    public record FollowerProgress(long lag, long lastContactMillis) {}

    public Map<String, FollowerProgress> followers() {
        Map<String, FollowerProgress> out = new HashMap<>();
        try {
            long committed = division().getRaftLog().getLastCommittedIndex();
            for (FollowerState f : FollowerState.of(division())) {
                out.put(
                        f.id(),
                        new FollowerProgress(
                                Math.max(0, committed - f.matchIndex()),
                                f.lastAnsweredMillisAgo()));
            }
        } catch (IOException e) {
            LOG.debug("follower progress", e);
        }
        return out;
    }

    /**
     * Proposes {@code command}; completes with the map after it, or fails (not leader, rejected).
     */
    public CompletableFuture<ClusterMap> propose(MetadataCommand command) {
        RaftClientRequest request =
                RaftClientRequest.newBuilder()
                        .setClientId(clientId)
                        .setServerId(server.getId())
                        .setGroupId(ID)
                        .setCallId(callIds.incrementAndGet())
                        .setMessage(
                                Message.valueOf(
                                        ByteString.copyFromUtf8(
                                                MetadataStateMachine.json(command))))
                        .setType(RaftClientRequest.writeRequestType())
                        .build();
        try {
            return server.submitClientRequestAsync(request)
                    .thenApply(
                            reply -> {
                                if (!reply.isSuccess()) {
                                    throw failure(reply);
                                }
                                JsonNode answer = readAnswer(reply);
                                if (answer.has("rejected")) {
                                    throw new MetadataCommand.Rejected(
                                            answer.get("rejected").asText());
                                }
                                return map();
                            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static JsonNode readAnswer(RaftClientReply reply) {
        try {
            return MetadataStateMachine.JSON.readTree(
                    reply.getMessage().getContent().toStringUtf8());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private RuntimeException failure(RaftClientReply reply) {
        if (reply.getNotLeaderException() != null || reply.getLeaderNotReadyException() != null) {
            return new NotLeaderException(leaderId());
        }
        return new IllegalStateException("metadata group: " + reply.getException());
    }

    /**
     * Changes the voting members to {@code next} (joint consensus; new members are caught up
     * first). Only the leader can.
     */
    public CompletableFuture<Void> changeMembers(List<RaftPeer> next) {
        try {
            return server.setConfigurationAsync(
                            new SetConfigurationRequest(
                                    clientId, server.getId(), ID, callIds.incrementAndGet(), next))
                    .thenAccept(
                            reply -> {
                                if (!reply.isSuccess()) {
                                    throw failure(reply);
                                }
                            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Hands leadership to {@code member}. Only the leader can. */
    public CompletableFuture<Void> transferLeadership(String member) {
        try {
            return server.transferLeadershipAsync(
                            new TransferLeadershipRequest(
                                    clientId,
                                    server.getId(),
                                    ID,
                                    callIds.incrementAndGet(),
                                    RaftPeerId.valueOf(member),
                                    10_000))
                    .thenAccept(
                            reply -> {
                                if (!reply.isSuccess()) {
                                    throw failure(reply);
                                }
                            });
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
