package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that this node's Raft port is free before Ratis binds it. Ratis answers a port it cannot
 * bind by calling {@code System.exit} from the thread starting it, which during Quarkus' start is
 * the main thread: the JVM's shutdown then waits for Quarkus' shutdown hook, which waits for the
 * main thread, and the process hangs for good instead of exiting. Found by starting a second node
 * on a taken port; a clear error here makes the start fail and the process exit.
 */
final class RaftPort {

    private RaftPort() {}

    /**
     * @throws IllegalStateException naming the setting when {@code port} cannot be bound on {@code
     *     host}; port 0 (any free port) always passes
     */
    static void ensureFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot use the Raft port "
                            + host
                            + ":"
                            + port
                            + " ("
                            + e.getMessage()
                            + "): is another MiniKV node running with the same minikv.raft.port"
                            + " (MINIKV_RAFT_PORT)? Choose a free port or stop that node",
                    e);
        }
    }
}
