package dev.whispem.minikv.node.it;

import java.io.IOException;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * When a multi-process test fails, prints what each node logged of its own (MiniKV's classes,
 * errors, Ratis group removals) to the console, before the temporary directory with the logs goes
 * away: CI keeps only the console, and a failure there is otherwise hard to explain. Runs before
 * the test's {@code @AfterEach}, while the nodes' logs still exist.
 */
final class NodeLogsOnFailure implements AfterTestExecutionCallback {

    private static final Pattern WORTH =
            Pattern.compile("de\\.wh\\.mi\\.|ERROR| remove +[A-Z]+ \\(|Waiting closing");
    private static final int LINES_PER_NODE = 40;

    private final Supplier<Collection<NodeJvm>> nodes;

    NodeLogsOnFailure(Supplier<Collection<NodeJvm>> nodes) {
        this.nodes = nodes;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) throws IOException {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        System.out.println(
                "---- node logs of the failed test "
                        + context.getDisplayName()
                        + " (last "
                        + LINES_PER_NODE
                        + " MiniKV lines per node) ----");
        for (NodeJvm node : nodes.get()) {
            node.logLines(WORTH, LINES_PER_NODE).forEach(System.out::println);
        }
        System.out.println("---- end of node logs ----");
    }
}
