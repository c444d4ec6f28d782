package dev.whispem.minikv.node.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces the commands of one group into few in-flight log entries: commands queue while {@code
 * minikv.raft.max-in-flight-per-group} entries are in flight, and the next entry carries as many of
 * them as fit. Where an entry goes (proposed here, or forwarded to the leader) is the {@link
 * EntrySender}'s business; this class only decides when entries leave and what they carry.
 */
final class GroupProposer {

    /** Sends the entries of a group. */
    interface EntrySender {
        /**
         * Sends one entry of encoded commands. Its outcomes, one per command in order, complete on
         * a callback thread, never on an event loop or a Ratis thread. An entry that {@code
         * carriesForwarded} commands other members handed to this node as leader must fail with
         * {@link NeverApplied} unless this node proposes it itself: handing them on to another
         * leader could wait on a member that waits on this one.
         */
        Sent send(int group, byte[] payload, boolean carriesForwarded);

        /** An entry failed with {@code error}; a client it closed is replaced. */
        void failed(int group, Throwable error);
    }

    /**
     * An entry on its way.
     *
     * @param proposedHere whether this node proposed it (its commit time is then this node's to
     *     observe), rather than forwarding it to the leader
     */
    record Sent(CompletableFuture<List<Outcome>> outcomes, boolean proposedHere) {}

    /**
     * A command waiting for its entry.
     *
     * @param forwarded whether another member handed it to this node as leader
     * @param resends how many times an entry carrying it was refused before the log took it
     */
    private record Pending(
            Command.Proposal proposal,
            CompletableFuture<Outcome> done,
            boolean forwarded,
            int resends) {}

    /** Pause after an entry was refused during a leadership hand-over, before the next one. */
    static final long RESEND_PAUSE_MILLIS = 50;

    /** Refusals a command outlasts: 100 pauses span a leadership transfer several times. */
    static final int MAX_RESENDS = 100;

    /** Coalescing stops adding commands to an entry beyond this many bytes. */
    static final long MAX_ENTRY_BYTES = 1L << 20;

    /**
     * Smallest entry after which the next one lingers: below it few writers are busy, and waiting
     * for them would only add latency.
     */
    static final int LINGER_AFTER_COMMANDS = 8;

    private final int group;
    private final RaftConfig config;
    private final EntrySender sender;
    private final Executor submitter;
    private final ScheduledExecutorService timer;
    private final CommitObserver observer;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private boolean pumpScheduled;

    /** While true, no entry leaves: the last one was refused during a leadership hand-over. */
    private boolean paused;

    /**
     * While positive, the next entry waits until this many commands are queued or the linger ends
     * (see {@link #lingerAfter}).
     */
    private int lingerFor;

    /** Counts lingers, so a timer outlived by its linger does not end a later one. */
    private long lingers;

    /**
     * @param submitter runs the pump when a command arrives on an event loop
     * @param timer ends lingers
     */
    GroupProposer(
            int group,
            RaftConfig config,
            EntrySender sender,
            Executor submitter,
            ScheduledExecutorService timer,
            CommitObserver observer) {
        this.group = group;
        this.config = config;
        this.sender = sender;
        this.submitter = submitter;
        this.timer = timer;
        this.observer = observer;
    }

    /**
     * Whether the next entry waits after one of {@code committed} commands, with {@code queued}
     * waiting already: only after a large entry, and only until as many are queued again.
     */
    static boolean lingers(long lingerMicros, int committed, int queued) {
        return lingerMicros > 0 && committed >= LINGER_AFTER_COMMANDS && queued < committed;
    }

    /** Whether no command waits here and no entry is in flight. */
    synchronized boolean idle() {
        return queue.isEmpty() && inFlight == 0;
    }

    CompletableFuture<Outcome> submit(Command.Proposal proposal) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        enqueue(List.of(new Pending(proposal, done, false, 0)));
        return done;
    }

    /**
     * Commands another member forwarded, when this node leads the group: one outcome each. They
     * fail with {@link NeverApplied} when this node hands leadership over before proposing them (or
     * proposed them in an entry the next leader dropped), and their member sends them again.
     */
    List<CompletableFuture<Outcome>> submitForwarded(List<Command.Proposal> forwarded) {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>(forwarded.size());
        List<Pending> pending = new ArrayList<>(forwarded.size());
        for (Command.Proposal p : forwarded) {
            CompletableFuture<Outcome> done = new CompletableFuture<>();
            futures.add(done);
            pending.add(new Pending(p, done, true, 0));
        }
        enqueue(pending);
        return futures;
    }

    /**
     * Queues commands and wakes the pump unless it is already due to run, the in-flight entries are
     * full (their completion pumps) or a linger holds the next entry (it ends once enough are
     * queued, or by its timer): on this kind of machine a thread wake-up per command costs more
     * than the command.
     */
    private void enqueue(List<Pending> pending) {
        synchronized (this) {
            queue.addAll(pending);
            if (lingerFor > 0 && queue.size() >= lingerFor) {
                lingerFor = 0;
            }
        }
        wakePump();
    }

    /** Has the pump run on the submitter when it has work and nothing stops it. */
    private void wakePump() {
        boolean wake;
        synchronized (this) {
            wake =
                    !pumpScheduled
                            && !paused
                            && lingerFor == 0
                            && !queue.isEmpty()
                            && inFlight < config.maxInFlightPerGroup();
            pumpScheduled |= wake;
        }
        if (wake) {
            submitter.execute(
                    () -> {
                        synchronized (this) {
                            pumpScheduled = false;
                        }
                        pump();
                    });
        }
    }

    /**
     * Sends queued commands as entries while fewer than the limit are in flight. Runs on the
     * submitter or callback threads, never on an event loop or a Ratis thread: proposing may wait,
     * and proposing from a Ratis thread can deadlock against the server's lock.
     */
    private void pump() {
        while (true) {
            List<Pending> entry;
            synchronized (this) {
                if (queue.isEmpty()
                        || paused
                        || lingerFor > 0
                        || inFlight >= config.maxInFlightPerGroup()) {
                    return;
                }
                entry = takeEntry();
                inFlight++;
            }
            List<Command.Proposal> proposals = new ArrayList<>(entry.size());
            boolean carriesForwarded = false;
            for (Pending p : entry) {
                proposals.add(p.proposal());
                carriesForwarded |= p.forwarded();
            }
            byte[] payload = CommandCodec.encodeAll(proposals);
            long start = System.nanoTime();
            Sent sent;
            try {
                sent = sender.send(group, payload, carriesForwarded);
            } catch (RuntimeException e) {
                // Sent neither way (no client for a group whose members are not known yet, say):
                // these commands fail, and the in-flight slot is given back below. An exception
                // escaping here used to keep the slot forever, so every later write to the group
                // through this node waited without an answer.
                sent = new Sent(CompletableFuture.failedFuture(e), false);
            }
            boolean proposedHere = sent.proposedHere();
            sent.outcomes()
                    .whenComplete(
                            (outcomes, error) -> {
                                if (proposedHere && error == null) {
                                    observer.committed(entry.size(), System.nanoTime() - start);
                                }
                                synchronized (this) {
                                    inFlight--;
                                }
                                if (NeverApplied.in(error)) {
                                    sendAgainLater(entry, error);
                                    return;
                                }
                                complete(entry, outcomes, error);
                                if (error != null || !lingerAfter(entry.size())) {
                                    pump();
                                }
                            });
        }
    }

    /** The next entry's commands: up to the count limit, and past the byte limit only alone. */
    private List<Pending> takeEntry() {
        int n = Math.min(queue.size(), config.maxCommandsPerEntry());
        List<Pending> entry = new ArrayList<>(n);
        long bytes = 0;
        while (entry.size() < n) {
            long size = approximateSize(queue.peek().proposal().command());
            if (!entry.isEmpty() && bytes + size > MAX_ENTRY_BYTES) {
                break;
            }
            bytes += size;
            entry.add(queue.poll());
        }
        return entry;
    }

    /**
     * After an entry of {@code committed} commands, holds the next one back until as many commands
     * are queued again or {@code minikv.raft.batch-linger-micros} pass. Under load the writers of
     * the entry just committed come back within a millisecond or two (their answer, their next
     * request, a follower's forward); proposing at once sends the few already queued as an entry of
     * their own and leaves the rest to wait behind it, so the writers split into cohorts and every
     * Raft round, whose cost hardly depends on its size, carries fewer commands. Light load (small
     * entries) never waits. Returns whether it lingers.
     */
    private boolean lingerAfter(int committed) {
        long micros = config.batchLingerMicros();
        long linger;
        synchronized (this) {
            if (!lingers(micros, committed, queue.size())) {
                return false;
            }
            lingerFor = committed;
            linger = ++lingers;
        }
        try {
            timer.schedule(() -> endLinger(linger), micros, TimeUnit.MICROSECONDS);
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                lingerFor = 0;
            }
            return false;
        }
        return true;
    }

    private void endLinger(long linger) {
        synchronized (this) {
            if (linger == lingers) {
                lingerFor = 0;
            }
        }
        wakePump();
    }

    /**
     * An entry will never apply: it was refused before the log took it (the leader is handing
     * leadership over), or the next leader's log has another entry at its index. This node's own
     * commands go back to the front of the queue, and the next entry leaves after a pause, to
     * whoever leads by then. Commands other members forwarded (this entry's, and any still queued)
     * go back to those members, which send them again themselves: this node stops taking them when
     * it stops leading, and handing them on could wait on a member that waits on this one.
     */
    private void sendAgainLater(List<Pending> entry, Throwable error) {
        observer.resentRefused();
        List<Pending> handedBack = new ArrayList<>();
        synchronized (this) {
            for (var it = queue.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.forwarded()) {
                    handedBack.add(p);
                    it.remove();
                }
            }
            for (int i = entry.size() - 1; i >= 0; i--) {
                Pending p = entry.get(i);
                if (p.forwarded() || p.resends() >= MAX_RESENDS) {
                    handedBack.add(p);
                } else {
                    queue.addFirst(new Pending(p.proposal(), p.done(), false, p.resends() + 1));
                }
            }
            paused = true;
        }
        for (Pending p : handedBack) {
            p.done().completeExceptionally(error);
        }
        try {
            timer.schedule(this::resume, RESEND_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            resume();
        }
    }

    private void resume() {
        synchronized (this) {
            paused = false;
        }
        wakePump();
    }

    private void complete(List<Pending> entry, List<Outcome> outcomes, Throwable error) {
        if (error != null) {
            sender.failed(group, error);
            for (Pending p : entry) {
                p.done().completeExceptionally(error);
            }
            return;
        }
        for (int i = 0; i < entry.size(); i++) {
            entry.get(i).done().complete(outcomes.get(i));
        }
    }

    private static long approximateSize(Command c) {
        return switch (c) {
            case Command.Put p -> 64 + p.key().key().length + p.value().length;
            case Command.Delete d -> 64 + d.key().key().length;
            case Command.Batch b ->
                    b.ops().stream().mapToLong(GroupProposer::approximateSize).sum();
            case Command.Idempotent i ->
                    96 + i.record().key().length + approximateSize(i.command());
        };
    }
}
