package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LeaderReadIndexTest {

    @Test
    void anAnswerCarriesTheIndexOrSaysNotLeader() {
        assertThat(LeaderReadIndex.decode(LeaderReadIndex.answer(1234567890123L)).getAsLong())
                .isEqualTo(1234567890123L);
        assertThat(LeaderReadIndex.decode(LeaderReadIndex.notLeader())).isEmpty();
        assertThat(LeaderReadIndex.isRequest(LeaderReadIndex.request())).isTrue();
    }

    @Test
    void otherQueriesAreNotReadIndexRequests() {
        assertThat(LeaderReadIndex.isRequest(new byte[0])).isFalse();
        assertThat(LeaderReadIndex.isRequest(new byte[] {'G', 1})).isFalse();
        assertThat(LeaderReadIndex.isRequest(new byte[] {'R', 0})).isFalse();
        assertThat(ForwardedProposals.isRequest(LeaderReadIndex.request())).isFalse();
    }

    @Test
    void malformedAnswersAreRefused() {
        for (byte[] bad :
                new byte[][] {{}, {'I', 0, 0}, {'O'}, LeaderReadIndex.answer(-1), {'N', 0}}) {
            assertThatThrownBy(() -> LeaderReadIndex.decode(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
