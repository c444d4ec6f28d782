package dev.whispem.minikv.node.replication;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Linearizable reads of the shard groups, as this node serves and asks for them.
 *
 * <ul>
 *   <li>On a member: the group's {@link ReadBarrier} coalesces reads into rounds. A follower asks
 *       the leader for a read index when it can (decision 0119); otherwise Ratis runs its own
 *       ReadIndex round.
 *   <li>Elsewhere: reads go to the leader in batches ({@link ReadForwarder}, decision 0120), or one
 *       by one as Ratis read-only requests.
 *   <li>As the leader: it answers members' read-index questions and other nodes' batches after one
 *       round of its own barrier.
 * </ul>
 */
final class GroupReads {

    /** Pause before a read goes again after the group had no leader to answer it. */
    static final long RETRY_PAUSE_MILLIS = 50;

    /**
     * How long a read keeps going again while the group has no leader to answer it: a leadership
     * transfer takes a few hundred milliseconds, an election after a leader's crash about the
     * election timeout more. Past it the read fails (503) rather than wait on a group that may have
     * lost its majority.
     */
    static final long RETRY_FOR_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RatisReplicator raft;
    private final RaftConfig config;
    private final CommitObserver observer;
    private final RequestDeadlines deadlines;
    private final Executor callbacks;
    private final LeaderRequests leaders;
    private final GroupClients clients;
    private final ReadBarrier[] barriers;
    private final ReadForwarder[] forwarders;

    GroupReads(
            RatisReplicator raft,
            RaftConfig config,
            CommitObserver observer,
            RequestDeadlines deadlines,
            Executor callbacks,
            LeaderRequests leaders,
            GroupClients clients) {
        this.raft = raft;
        this.config = config;
        this.observer = observer;
        this.deadlines = deadlines;
        this.callbacks = callbacks;
        this.leaders = leaders;
        this.clients = clients;
        int groups = raft.groupCount();
        this.barriers = new ReadBarrier[groups];
        this.forwarders = new ReadForwarder[groups];
        for (int g = 0; g < groups; g++) {
            int group = g;
            barriers[g] =
                    new ReadBarrier(
                            fromEventLoop -> readRound(group, fromEventLoop), callbacks, observer);
            forwarders[g] =
                    new ReadForwarder(
                            (batch, fromEventLoop) -> forwardReads(group, batch, fromEventLoop),
                            callbacks);
        }
    }

    /**
     * Completes with the group's revision once this replica has applied everything committed before
     * the call.
     */
    CompletableFuture<Long> barrier(int group) {
        return barriers[group].await();
    }

    /**
     * Reads of a group this node does not host go to its leader in batches ({@link ReadForwarder});
     * with minikv.raft.forward-reads off, one by one as Ratis read-only requests.
     */
    CompletableFuture<byte[]> query(int group, byte[] query) {
        if (config.forwardReads() && !raft.hosts(group)) {
            return forwarders[group].read(query);
        }
        return queryAlone(group, query);
    }

    /**
     * Answers a batch of reads another node forwarded ({@link ForwardedReads}) when this node leads
     * {@code group}: after one round of its read barrier, which covers everything committed before
     * the batch arrived, each read against this replica.
     */
    CompletableFuture<byte[]> answerReads(int group, byte[] request) {
        if (!raft.isLeader(group)) {
            return CompletableFuture.completedFuture(
                    ForwardedReads.notLeader(leaders.leaderName(group)));
        }
        List<byte[]> queries;
        try {
            queries = ForwardedReads.queriesOf(request);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return barrier(group)
                .thenApply(
                        revision -> {
                            GroupStateMachine core = raft.stateMachine(group);
                            List<ForwardedReads.Answer> answers = new ArrayList<>(queries.size());
                            long bytes = 0;
                            for (byte[] q : queries) {
                                // Past the budget the answers would be left out anyway.
                                ForwardedReads.Answer a =
                                        bytes > ForwardedReads.ANSWER_BUDGET
                                                ? ForwardedReads.Answer.SKIPPED_ANSWER
                                                : answerRead(core, q);
                                bytes += a.answered() ? a.value().length : 0;
                                answers.add(a);
                            }
                            return ForwardedReads.answers(answers);
                        });
    }

    /**
     * Answers a member's read-index request ({@link LeaderReadIndex}) when this node leads {@code
     * group}: the applied index after a round of its own read barrier, which covers everything
     * committed before the request arrived.
     */
    CompletableFuture<byte[]> answerReadIndex(int group) {
        if (!raft.isLeader(group)) {
            return CompletableFuture.completedFuture(LeaderReadIndex.notLeader());
        }
        return barrier(group)
                .thenApply(
                        revision ->
                                LeaderReadIndex.answer(
                                        raft.shardMachine(group)
                                                .getLastAppliedTermIndex()
                                                .getIndex()));
    }

    /**
     * Sends a batch of reads of a group this node does not host to its leader ({@link
     * ForwardedReads}). Reads change nothing, so each read the leader did not answer (it did not
     * lead, the call failed, the answer outgrew its budget) goes again on its own as a Ratis
     * read-only request, which finds the leader by itself; after a failure that leader is not asked
     * again for a while, as after a failed forward.
     */
    private CompletableFuture<Void> forwardReads(
            int group, List<ReadForwarder.Read> batch, boolean fromEventLoop) {
        RaftPeerId leader = leaders.leaderToAsk(group);
        if (leader == null) {
            batch.forEach(r -> readAlone(group, r));
            return CompletableFuture.completedFuture(null);
        }
        observer.forwardedReads(batch.size());
        byte[] request =
                ForwardedReads.request(batch.stream().map(ReadForwarder.Read::query).toList());
        Supplier<CompletableFuture<RaftClientReply>> ask =
                () -> leaders.ask(group, leader, request);
        return (fromEventLoop ? raft.offCaller(ask) : ask.get())
                .handleAsync(
                        (reply, error) -> {
                            List<ForwardedReads.Answer> answers =
                                    leaders.readAnswer(
                                                    group,
                                                    leader,
                                                    reply,
                                                    error,
                                                    b -> {
                                                        leaders.learnLeader(group, leader, b);
                                                        return ForwardedReads.decode(
                                                                b, batch.size());
                                                    })
                                            .orElse(
                                                    Collections.nCopies(
                                                            batch.size(),
                                                            ForwardedReads.Answer.SKIPPED_ANSWER));
                            for (int i = 0; i < batch.size(); i++) {
                                answer(group, batch.get(i), answers.get(i));
                            }
                            return null;
                        },
                        callbacks);
    }

    private void answer(int group, ReadForwarder.Read read, ForwardedReads.Answer answer) {
        if (answer.answered()) {
            read.answer().complete(answer.value());
        } else if (answer.skipped()) {
            readAlone(group, read);
        } else {
            read.answer()
                    .completeExceptionally(
                            new IllegalStateException(
                                    "read failed on the leader: " + answer.error()));
        }
    }

    private void readAlone(int group, ReadForwarder.Read read) {
        queryAlone(group, read.query())
                .whenComplete(
                        (bytes, error) -> {
                            if (error != null) {
                                read.answer().completeExceptionally(error);
                            } else {
                                read.answer().complete(bytes);
                            }
                        });
    }

    private static ForwardedReads.Answer answerRead(GroupStateMachine core, byte[] query) {
        try {
            return new ForwardedReads.Answer(ReadQuery.answer(query, core), null);
        } catch (RuntimeException e) {
            return new ForwardedReads.Answer(null, String.valueOf(e.getMessage()));
        }
    }

    /**
     * One read round of {@code group}, answering the group's revision once this replica has applied
     * everything committed before the round began. A follower asks the leader for its read index
     * ({@link LeaderReadIndex}) when it can; otherwise Ratis runs its own ReadIndex round. From an
     * event loop the round is sent from the submitter, which may wait on Ratis.
     */
    private CompletableFuture<Long> readRound(int group, boolean fromEventLoop) {
        return whileLeaderMoves(
                () -> roundOnce(group, fromEventLoop),
                () -> roundOnce(group, false),
                System.nanoTime() + RETRY_FOR_NANOS);
    }

    private CompletableFuture<Long> roundOnce(int group, boolean fromEventLoop) {
        RaftPeerId leader = config.readIndexFromLeader() ? leaders.leaderToAsk(group) : null;
        if (leader == null) {
            return ratisReadRound(group, fromEventLoop);
        }
        Supplier<CompletableFuture<Long>> ask = () -> readIndexFromLeader(group, leader);
        return fromEventLoop ? raft.offCaller(ask) : ask.get();
    }

    /**
     * Asks {@code leader} for a read index, then waits until this replica has applied it. Reads
     * change nothing, so any failure falls back to Ratis' own round instead of failing them; the
     * leader is not asked again for a while, as after a failed forward.
     */
    private CompletableFuture<Long> readIndexFromLeader(int group, RaftPeerId leader) {
        return leaders.ask(group, leader, LeaderReadIndex.request())
                .handleAsync(
                        (reply, error) -> {
                            Optional<Long> index =
                                    leaders.readAnswer(
                                            group,
                                            leader,
                                            reply,
                                            error,
                                            b -> boxed(LeaderReadIndex.decode(b)));
                            if (index.isEmpty()) {
                                return ratisReadRound(group, false);
                            }
                            observer.readRound(true);
                            return deadlines
                                    .bound(raft.shardMachine(group).awaitApplied(index.get()))
                                    .thenApply(applied -> raft.stateMachine(group).revision());
                        },
                        callbacks)
                .thenCompose(f -> f);
    }

    private static Optional<Long> boxed(OptionalLong index) {
        return index.isPresent() ? Optional.of(index.getAsLong()) : Optional.empty();
    }

    /** A Ratis ReadIndex round of {@code group} through this node's replica. */
    private CompletableFuture<Long> ratisReadRound(int group, boolean fromEventLoop) {
        observer.readRound(false);
        Supplier<CompletableFuture<RaftClientReply>> round =
                () -> raft.send(group, new byte[0], RaftClientRequest.readRequestType());
        return deadlines
                .bound(fromEventLoop ? raft.offCaller(round) : round.get())
                .thenApply(reply -> ByteBuffer.wrap(RaftReplies.content(reply, null)).getLong());
    }

    /**
     * Runs {@code first}, then {@code again} after a pause each time the attempt failed because the
     * group had no leader able to answer ({@link RaftReplies#leaderMoving}), until {@code
     * untilNanos}. Reads change nothing, so trying again is always safe; without it, every read in
     * the few hundred milliseconds of a leadership transfer failed (350-750 of them per transfer at
     * 64 connections), and those of an election after a crash for longer. Attempts after the first
     * run on a callback thread.
     */
    private <T> CompletableFuture<T> whileLeaderMoves(
            Supplier<CompletableFuture<T>> first,
            Supplier<CompletableFuture<T>> again,
            long untilNanos) {
        CompletableFuture<T> attempt;
        try {
            attempt = first.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.exceptionallyCompose(
                error -> {
                    if (!RaftReplies.leaderMoving(error) || System.nanoTime() - untilNanos > 0) {
                        return CompletableFuture.failedFuture(error);
                    }
                    observer.readRetried();
                    return afterPause(
                            () -> whileLeaderMoves(again, again, untilNanos),
                            error,
                            callbacks,
                            RETRY_PAUSE_MILLIS);
                });
    }

    /**
     * Runs {@code attempt} on {@code callbacks} after {@code pauseMillis}. When those threads are
     * gone (the node is shutting down) it fails with {@code error} at once rather than leave its
     * read waiting until the client's connection closes.
     */
    static <T> CompletableFuture<T> afterPause(
            Supplier<CompletableFuture<T>> attempt,
            Throwable error,
            Executor callbacks,
            long pauseMillis) {
        CompletableFuture<T> next = new CompletableFuture<>();
        Executor callbacksOrFail =
                task -> {
                    try {
                        callbacks.execute(task);
                    } catch (RejectedExecutionException closing) {
                        next.completeExceptionally(error);
                    }
                };
        CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS, callbacksOrFail)
                .execute(
                        () ->
                                attempt.get()
                                        .whenComplete(
                                                (value, failure) -> {
                                                    if (failure == null) {
                                                        next.complete(value);
                                                    } else {
                                                        next.completeExceptionally(failure);
                                                    }
                                                }));
        return next;
    }

    /**
     * One query as a Ratis read-only request: the leader answers it after a ReadIndex. Tried again
     * while the group's leadership moves, as read rounds are.
     */
    private CompletableFuture<byte[]> queryAlone(int group, byte[] query) {
        Supplier<CompletableFuture<byte[]>> attempt = () -> queryOnceOrTwice(group, query);
        return whileLeaderMoves(attempt, attempt, System.nanoTime() + RETRY_FOR_NANOS);
    }

    private CompletableFuture<byte[]> queryOnceOrTwice(int group, byte[] query) {
        // A Ratis client closes its window after a failure it does not retry (a leader change
        // can cause one), and the next call through it fails unsent. A read may go again, on a
        // new client: the closed one was dropped on the way. A write may not, since calls that
        // were in the window when it closed may have reached the leader.
        return queryOnce(group, query)
                .exceptionallyCompose(
                        e ->
                                !raft.hosts(group) && GroupClients.closed(e)
                                        ? queryOnce(group, query)
                                        : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<byte[]> queryOnce(int group, byte[] query) {
        CompletableFuture<RaftClientReply> reply =
                raft.hosts(group)
                        ? raft.offCaller(
                                () -> raft.send(group, query, RaftClientRequest.readRequestType()))
                        : raft.offCaller(
                                () ->
                                        clients.retrying(group)
                                                .async()
                                                .sendReadOnly(
                                                        Message.valueOf(
                                                                ByteString.copyFrom(query))));
        return deadlines
                .bound(reply)
                .whenComplete(
                        (r, e) -> {
                            if (e != null) {
                                clients.dropIfClosed(group, e);
                            }
                        })
                .thenApplyAsync(r -> RaftReplies.content(r, null), callbacks);
    }
}
