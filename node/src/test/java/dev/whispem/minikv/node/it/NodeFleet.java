package dev.whispem.minikv.node.it;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The node JVMs of one multi-process test, by name. Registered as an extension, it closes them
 * after each test and keeps their logs under {@code target/it-logs/<class>/<method>}; when the test
 * failed it first prints what each node logged of its own (MiniKV's classes, errors, Ratis group
 * removals): CI keeps only the console, and a failure there is otherwise hard to explain.
 */
final class NodeFleet implements AfterTestExecutionCallback, AfterEachCallback {

    private static final Pattern WORTH =
            Pattern.compile("de\\.wh\\.mi\\.|ERROR| remove +[A-Z]+ \\(|Waiting closing");
    private static final int LINES_PER_NODE = 40;

    private final Map<String, NodeJvm> nodes = new LinkedHashMap<>();

    void put(String name, NodeJvm node) {
        nodes.put(name, node);
    }

    /** The node called {@code name}; a test naming one it never added is wrong. */
    NodeJvm get(String name) {
        NodeJvm n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name + " in this test");
        }
        return n;
    }

    /** Forgets a node (after the test closed it for good). */
    void remove(String name) {
        nodes.remove(name);
    }

    Collection<NodeJvm> values() {
        return nodes.values();
    }

    @Override
    public void afterTestExecution(ExtensionContext context) throws java.io.IOException {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        System.out.println(
                "---- node logs of the failed test "
                        + context.getDisplayName()
                        + " (last "
                        + LINES_PER_NODE
                        + " MiniKV lines per node) ----");
        for (NodeJvm node : nodes.values()) {
            node.logLines(WORTH, LINES_PER_NODE).forEach(System.out::println);
        }
        System.out.println("---- end of node logs ----");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        NodeJvm.closeAndKeepLogs(
                nodes.values(),
                Path.of("target", "it-logs", context.getRequiredTestClass().getSimpleName())
                        .resolve(context.getRequiredTestMethod().getName()));
    }
}
