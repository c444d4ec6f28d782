package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.RatisReplicator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.ProtoUtils;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * Carries one shard group's Raft membership from a move's replicas to its target. Ratis brings new
 * replicas up to date before a change commits, so a replaced replica leaves only after its
 * successor has the data. Every step is safe to repeat after a coordinator crash.
 *
 * <p>The steps, each taken only when needed:
 *
 * <ol>
 *   <li>Through the union of the group's current members (as its leader has them) and the new ones,
 *       when Ratis refuses the change in one step (it adds as many members as it keeps: moves at
 *       replication factor 1 or 2). Compare-and-set against those current members, so a repeat
 *       racing another change is refused. Starting from the actual members, not the map's, lets a
 *       move whose target changed half-way (decision 0114) go on from wherever it was.
 *   <li>Leadership handed to a member that stays, when the leader is being removed. A Ratis leader
 *       that commits a configuration without itself shuts its replica down from its own thread, and
 *       that shutdown can hang (seen under CPU starvation: the replica stays "closing", the volume
 *       server cannot drop it or host the group again, and the next move of the group never
 *       starts). A follower that is removed is dropped cleanly by its volume server.
 *   <li>To the target.
 * </ol>
 */
final class GroupMembershipChange {

    private static final Logger LOG = Logger.getLogger(GroupMembershipChange.class);

    private final ExecutorService executor;

    /** {@code executor} runs the blocking admin calls; it must allow more than one thread. */
    GroupMembershipChange(ExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Takes the steps that are still needed; true when the group's membership is the target (the
     * move can be recorded finished), false when a step did not complete (retried on a later tick).
     * {@code wanted} tells whether the move is still the one to make; a step stops waiting when it
     * is not (the move got another target), rather than wait out its timeout.
     */
    boolean apply(ClusterMap map, int group, ClusterMap.Placement p, BooleanSupplier wanted)
            throws Exception {
        Set<String> all = new LinkedHashSet<>(p.replicas());
        all.addAll(p.target());
        List<RaftPeer> union = Routing.peers(map, new ArrayList<>(all));
        RaftGroup raftGroup = RaftGroup.valueOf(RatisReplicator.groupId(group), union);
        try (RaftClient admin = client(raftGroup, 60);
                RaftClient nudger = client(raftGroup, 5)) {
            LeaderView view = leaderView(admin, group);
            List<RaftPeer> current = view.members();
            List<String> currentIds = current.stream().map(m -> m.getId().toString()).toList();
            LOG.infof("group %d: membership %s -> %s", group, currentIds, p.target());
            List<String> unwanted =
                    view.staging().stream().filter(id -> !p.target().contains(id)).toList();
            if (!unwanted.isEmpty()) {
                clearStaging(admin, group, view, unwanted);
                return false;
            }
            if (oneStepRefused(currentIds, p.target())) {
                List<RaftPeer> through = new ArrayList<>(current);
                for (RaftPeer t : Routing.peers(map, p.target())) {
                    if (!currentIds.contains(t.getId().toString())) {
                        through.add(t);
                    }
                }
                throughUnion(admin, nudger, group, current, through, wanted);
            }
            if (!leaderStays(admin, nudger, group, p)) {
                return false;
            }
            RaftClientReply reply =
                    change(
                            admin,
                            nudger,
                            SetConfigurationRequest.Arguments.newBuilder()
                                    .setServersInNewConf(Routing.peers(map, p.target()))
                                    .build(),
                            wanted);
            if (!reply.isSuccess()) {
                LOG.infof(
                        "group %d: membership change not done yet: %s",
                        group, reply.getException());
                return false;
            }
            return true;
        }
    }

    /**
     * What the group's leader has: its voting members, and the servers it replicates to besides
     * them (new members of a membership change still catching up).
     */
    record LeaderView(RaftPeerId leader, List<RaftPeer> members, List<String> staging) {}

    private static LeaderView leaderView(RaftClient admin, int group) throws IOException {
        RaftPeerId leader = admin.io().send(noOp()).getServerId();
        GroupInfoReply info =
                admin.getGroupManagementApi(leader).info(RatisReplicator.groupId(group));
        if (!info.isSuccess() || info.getConf().isEmpty()) {
            throw new IOException(
                    "group " + group + ": no configuration from its leader " + leader);
        }
        List<RaftPeer> members = ProtoUtils.toRaftPeers(info.getConf().get().getPeersList());
        Set<String> known = new LinkedHashSet<>();
        members.forEach(m -> known.add(m.getId().toString()));
        info.getConf().get().getOldPeersList().forEach(m -> known.add(m.getId().toStringUtf8()));
        List<String> staging =
                info.getCommitInfos().stream()
                        .map(c -> c.getServer().getId().toStringUtf8())
                        .filter(id -> !known.contains(id))
                        .distinct()
                        .toList();
        return new LeaderView(leader, members, staging);
    }

    /**
     * Ends a membership change the leader is still catching a server up for that the move no longer
     * wants (its target changed, decision 0114): Ratis refuses every other change until that one
     * ends, and it does not end while that server is gone. The leader steps down (Ratis refuses to
     * hand leadership over during a change): whoever leads next, the same server in a new term
     * included, starts without it.
     */
    private static void clearStaging(
            RaftClient admin, int group, LeaderView view, List<String> unwanted)
            throws IOException {
        LOG.infof(
                "group %d: leader %s is still adding %s, which the move no longer wants; it steps"
                        + " down",
                group, view.leader(), unwanted);
        RaftClientReply reply = admin.admin().transferLeadership(null, 20_000);
        if (!reply.isSuccess()) {
            LOG.infof("group %d: the leader did not step down: %s", group, reply.getException());
        }
    }

    private void throughUnion(
            RaftClient admin,
            RaftClient nudger,
            int group,
            List<RaftPeer> current,
            List<RaftPeer> union,
            BooleanSupplier wanted) {
        try {
            RaftClientReply first =
                    change(
                            admin,
                            nudger,
                            SetConfigurationRequest.Arguments.newBuilder()
                                    .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                                    .setServersInCurrentConf(current)
                                    .setServersInNewConf(union)
                                    .build(),
                            wanted);
            LOG.infof(
                    "group %d: membership %s: %s",
                    group,
                    union.stream().map(RaftPeer::getId).toList(),
                    first.isSuccess() ? "done" : first.getException());
        } catch (Exception e) {
            // Expected when resuming a move that is past this step; the next one decides.
            LOG.infof(
                    "group %d: membership through the union not changed: %s",
                    group, e.getMessage());
        }
    }

    /**
     * Makes sure the group's leader is a member of the target, handing leadership to a target
     * member that already holds the log (one kept from the old members, or, after the union step,
     * any) when it is not. False when the hand-over did not happen.
     */
    private boolean leaderStays(
            RaftClient admin, RaftClient nudger, int group, ClusterMap.Placement p)
            throws IOException {
        RaftPeerId leader = admin.io().send(noOp()).getServerId();
        if (p.target().contains(leader.toString())) {
            return true;
        }
        String successor =
                p.target().stream()
                        .filter(p.replicas()::contains)
                        .findFirst()
                        .orElse(p.target().getFirst());
        LOG.infof("group %d: leader %s leaves; handing leadership to %s", group, leader, successor);
        RaftClientReply reply =
                admin.admin().transferLeadership(RaftPeerId.valueOf(successor), 20_000);
        if (!reply.isSuccess()) {
            LOG.infof("group %d: leadership not handed over: %s", group, reply.getException());
            return false;
        }
        RaftPeerId now = nudger.io().send(noOp()).getServerId();
        return p.target().contains(now.toString());
    }

    /**
     * Whether Ratis 3.3 refuses changing the members {@code from} to {@code to} at once
     * (RaftConfigurationImpl.changeMajority): it adds at least as many members as it keeps, except
     * for growing one member to two.
     */
    static boolean oneStepRefused(List<String> from, List<String> to) {
        long added = to.stream().filter(v -> !from.contains(v)).count();
        if (from.size() == 1 && to.size() == 2 && added == 1) {
            return false;
        }
        return added >= to.size() - added;
    }

    /**
     * One membership change of a shard group. Meanwhile a no-op entry is appended every 500 ms: a
     * new member whose catch-up was interrupted can hold the whole log with a match index the
     * leader does not know until another entry is sent (heartbeats do not count).
     */
    private RaftClientReply change(
            RaftClient admin,
            RaftClient nudger,
            SetConfigurationRequest.Arguments args,
            BooleanSupplier wanted)
            throws Exception {
        CompletableFuture<RaftClientReply> change =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return admin.admin().setConfiguration(args);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        executor);
        while (!change.isDone()) {
            if (!wanted.getAsBoolean()) {
                throw new IllegalStateException("the move changed while its membership changed");
            }
            nudger.async().send(noOp());
            Thread.sleep(500);
        }
        return change.get();
    }

    private static Message noOp() {
        return Message.valueOf(ByteString.copyFrom(RatisReplicator.noOpEntry()));
    }

    private static RaftClient client(RaftGroup group, int timeoutSeconds) {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                props, TimeDuration.valueOf(timeoutSeconds, TimeUnit.SECONDS));
        return RaftClient.newBuilder()
                .setProperties(props)
                .setRaftGroup(group)
                .setRetryPolicy(
                        RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                3, TimeDuration.valueOf(1, TimeUnit.SECONDS)))
                .build();
    }
}
