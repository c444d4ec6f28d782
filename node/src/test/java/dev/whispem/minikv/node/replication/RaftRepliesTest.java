package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

class RaftRepliesTest {

    @Test
    void aGroupWithoutALeaderToAnswerIsTriedAgain() {
        RaftGroupMemberId member =
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId());
        // As a failed reply reaches the read path: wrapped by RaftReplies.failure, then by the
        // future that carried it.
        assertThat(
                        RaftReplies.leaderMoving(
                                new CompletionException(
                                        new IllegalStateException(
                                                "replication failed",
                                                new ReadIndexException("Leader is unknown.")))))
                .isTrue();
        assertThat(RaftReplies.leaderMoving(new NotLeaderException("n2"))).isTrue();
        assertThat(RaftReplies.leaderMoving(new LeaderNotReadyException(member))).isTrue();
        assertThat(RaftReplies.leaderMoving(new LeaderSteppingDownException("transfer"))).isTrue();
        // A leader killed: its port refuses, as a Ratis client call reports it.
        assertThat(
                        RaftReplies.leaderMoving(
                                new CompletionException(
                                        new IllegalStateException(
                                                "UNAVAILABLE: io exception",
                                                new java.net.ConnectException(
                                                        "finishConnect(..) failed: Connection"
                                                                + " refused")))))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(RaftReplies.leaderMoving(new TimeoutIOException("no answer"))).isFalse();
        assertThat(RaftReplies.leaderMoving(new IOException("disk"))).isFalse();
        assertThat(RaftReplies.leaderMoving(new IllegalArgumentException("malformed query")))
                .isFalse();
        assertThat(RaftReplies.leaderMoving(null)).isFalse();
    }
}
