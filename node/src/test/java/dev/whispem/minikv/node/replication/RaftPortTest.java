package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class RaftPortTest {

    @Test
    void aTakenPortIsAClearErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> RaftPort.ensureFree("127.0.0.1", port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("minikv.raft.port");
        }
    }

    @Test
    void aFreePortAndAnyPortPass() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertThatCode(() -> RaftPort.ensureFree("127.0.0.1", port)).doesNotThrowAnyException();
        assertThatCode(() -> RaftPort.ensureFree("127.0.0.1", 0)).doesNotThrowAnyException();
    }
}
