package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.protocol.Message;
import org.junit.jupiter.api.Test;

class RecentlyAppliedTest {

    private final RecentlyApplied recent = new RecentlyApplied(4);
    private final Message answer = Message.valueOf("outcomes");

    @Test
    void theSameTermAtTheIndexMeansCommittedWithItsOutcomes() {
        recent.applied(3, 10, answer);

        RecentlyApplied.Settled settled = recent.fateOf(3, 10);

        assertThat(settled.fate()).isEqualTo(EntryFate.COMMITTED);
        assertThat(settled.outcomes()).isSameAs(answer);
    }

    @Test
    void anotherTermAtTheIndexMeansDropped() {
        recent.applied(4, 10, answer);
        recent.applied(4, 11, null); // a configuration entry of the next leader

        assertThat(recent.fateOf(3, 10).fate()).isEqualTo(EntryFate.DROPPED);
        assertThat(recent.fateOf(3, 11).fate()).isEqualTo(EntryFate.DROPPED);
    }

    @Test
    void anIndexForgottenOrNeverSeenIsUnknown() {
        recent.applied(3, 10, answer);
        recent.applied(3, 14, answer); // takes index 10's slot

        assertThat(recent.fateOf(3, 10).fate()).isEqualTo(EntryFate.UNKNOWN);
        assertThat(recent.fateOf(3, 12).fate()).isEqualTo(EntryFate.UNKNOWN);
    }

    @Test
    void anEntryAppliedWithoutAnAnswerIsUnknown() {
        recent.applied(3, 10, null); // a replay after a restart

        assertThat(recent.fateOf(3, 10).fate()).isEqualTo(EntryFate.UNKNOWN);
    }
}
