package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.storage.DataKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardedProposalsTest {

    private static final Command.Proposal PUT =
            new Command.Proposal(
                    1_000,
                    new Command.Put(
                            new DataKey(3, "t", "k".getBytes(StandardCharsets.UTF_8)),
                            "v".getBytes(StandardCharsets.UTF_8),
                            0,
                            Precondition.ABSENT));

    @Test
    void aRequestCarriesTheProposalsUnchanged() {
        byte[] proposals = CommandCodec.encodeAll(List.of(PUT, PUT));
        byte[] request = ForwardedProposals.request(proposals);

        assertThat(ForwardedProposals.isRequest(request)).isTrue();
        assertThat(CommandCodec.decodeAll(ForwardedProposals.proposalsOf(request)))
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.nowMillis()).isEqualTo(1_000));
    }

    @Test
    void readQueriesAndTheBarrierAreNotForwardingRequests() {
        byte[] get =
                ReadQuery.encode(
                        new ReadQuery.Get(
                                new DataKey(3, "t", "k".getBytes(StandardCharsets.UTF_8))));
        assertThat(ForwardedProposals.isRequest(get)).isFalse();
        assertThat(ForwardedProposals.isRequest(new byte[0])).isFalse();
    }

    @Test
    void answersDecodeToOutcomesOrNotLeader() {
        List<Outcome> outcomes =
                List.of(new Outcome.Written(1, 7), new Outcome.PreconditionFailed(1, 7));

        assertThat(ForwardedProposals.decode(ForwardedProposals.outcomes(outcomes)))
                .contains(outcomes);
        assertThat(ForwardedProposals.decode(ForwardedProposals.notLeader())).isEmpty();
    }

    @Test
    void aRefusalSaysNothingWasApplied() {
        assertThatThrownBy(() -> ForwardedProposals.decode(ForwardedProposals.refused()))
                .isInstanceOf(NeverApplied.class)
                .hasMessageContaining("never applied");
    }

    @Test
    void anyOtherAnswerIsRefused() {
        assertThatThrownBy(() -> ForwardedProposals.decode(new byte[] {'X', 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ForwardedProposals.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
