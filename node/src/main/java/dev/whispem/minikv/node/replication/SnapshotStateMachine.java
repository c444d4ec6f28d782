package dev.whispem.minikv.node.replication;

import java.io.IOException;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.LifeCycle;

/**
 * A state machine whose snapshots are single files in Ratis' {@link SimpleStateMachineStorage}
 * ({@link SnapshotFiles}), installed by the state machine itself when Ratis notifies it (this
 * node's Raft servers never ship snapshot files, decision 0108). After an install Ratis pauses the
 * state machine and reinitialises it, which {@link #load loads} the latest snapshot again.
 */
public abstract class SnapshotStateMachine extends BaseStateMachine {

    protected final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    @Override
    public final void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
            throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> start(raftStorage), IOException.class);
    }

    /** Prepares the state machine when its division starts; by default {@link #load}. */
    protected void start(RaftStorage raftStorage) throws IOException {
        load();
    }

    /** Takes up the latest snapshot in {@link #storage}, if there is one. */
    protected abstract void load() throws IOException;

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        getLifeCycle().startAndTransition(this::load, IOException.class);
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }
}
