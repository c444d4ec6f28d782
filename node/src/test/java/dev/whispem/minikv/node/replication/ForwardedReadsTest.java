package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire format of forwarded point reads: requests, answers and what is refused. */
class ForwardedReadsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRequestCarriesItsReadsInOrder() {
        byte[] request = ForwardedReads.request(List.of(utf8("Gone"), new byte[0], utf8("Gtwo")));

        assertThat(ForwardedReads.isRequest(request)).isTrue();
        assertThat(ForwardedReads.queriesOf(request))
                .containsExactly(utf8("Gone"), new byte[0], utf8("Gtwo"));
        assertThat(
                        ForwardedReads.isRequest(
                                ReadQuery.encode(new ReadQuery.Get(RaftReplicas.keyInGroup0(1)))))
                .as("a single read is not a batch")
                .isFalse();
    }

    @Test
    void malformedRequestsAreRefused() {
        byte[] good = ForwardedReads.request(List.of(utf8("Gone")));
        List<byte[]> bad =
                List.of(
                        new byte[] {'Q'},
                        new byte[] {'Q', 0, 0, 0, 2, 0, 0, 0, 0},
                        new byte[] {'Q', (byte) 0xFF, 0, 0, 0},
                        new byte[] {'Q', 0, 0, 0, 1, 0, 0, 0, 9, 'G'},
                        java.util.Arrays.copyOf(good, good.length + 1),
                        new byte[] {'G', 0, 0, 0, 0});
        for (byte[] b : bad) {
            assertThatThrownBy(() -> ForwardedReads.queriesOf(b))
                    .as("request %s", java.util.Arrays.toString(b))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void answersComeBackInOrderWithFailuresAndNotLeader() {
        byte[] encoded =
                ForwardedReads.answers(
                        List.of(
                                new ForwardedReads.Answer(utf8("a"), null),
                                new ForwardedReads.Answer(null, "unknown read query type 90"),
                                new ForwardedReads.Answer(new byte[0], null)));

        List<ForwardedReads.Answer> answers = ForwardedReads.decode(encoded, 3).orElseThrow();

        assertThat(answers.get(0).value()).isEqualTo(utf8("a"));
        assertThat(answers.get(1).answered()).isFalse();
        assertThat(answers.get(1).skipped()).isFalse();
        assertThat(answers.get(1).error()).isEqualTo("unknown read query type 90");
        assertThat(answers.get(2).answered()).as("an empty answer is an answer").isTrue();
        assertThat(ForwardedReads.decode(ForwardedReads.notLeader("v3"), 3)).isEmpty();
        assertThat(ForwardedReads.leaderHint(ForwardedReads.notLeader("v3"))).contains("v3");
        assertThat(ForwardedReads.leaderHint(ForwardedReads.notLeader(null))).isEmpty();
        assertThat(ForwardedReads.leaderHint(encoded)).isEmpty();
    }

    @Test
    void answersPastTheBudgetAreLeftForTheSenderButNeverTheFirst() {
        byte[] big = new byte[ForwardedReads.ANSWER_BUDGET];
        byte[] small = utf8("small");

        List<ForwardedReads.Answer> answers =
                ForwardedReads.decode(
                                ForwardedReads.answers(
                                        List.of(
                                                new ForwardedReads.Answer(big, null),
                                                new ForwardedReads.Answer(small, null),
                                                new ForwardedReads.Answer(big, null))),
                                3)
                        .orElseThrow();

        assertThat(answers.get(0).value()).hasSize(big.length);
        assertThat(answers.get(1).skipped()).isTrue();
        assertThat(answers.get(2).skipped()).isTrue();

        List<ForwardedReads.Answer> fits =
                ForwardedReads.decode(
                                ForwardedReads.answers(
                                        List.of(
                                                new ForwardedReads.Answer(small, null),
                                                new ForwardedReads.Answer(small, null))),
                                2)
                        .orElseThrow();
        assertThat(fits).allSatisfy(a -> assertThat(a.value()).isEqualTo(small));
    }

    @Test
    void malformedAnswersAreRefused() {
        byte[] good = ForwardedReads.answers(List.of(new ForwardedReads.Answer(utf8("a"), null)));
        assertThatThrownBy(() -> ForwardedReads.decode(good, 2))
                .as("an answer for another number of reads")
                .isInstanceOf(IllegalArgumentException.class);
        List<byte[]> bad =
                List.of(
                        new byte[0],
                        new byte[] {'I', 0, 0, 0, 0, 0, 0, 0, 1},
                        new byte[] {'A', 0, 0, 0, 1, 7, 0, 0, 0, 0},
                        new byte[] {'A', 0, 0, 0, 1, 0, 0, 0, 0, 5},
                        java.util.Arrays.copyOf(good, good.length + 1));
        for (byte[] b : bad) {
            assertThatThrownBy(() -> ForwardedReads.decode(b, 1))
                    .as("answer %s", java.util.Arrays.toString(b))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
