package dev.whispem.minikv.node.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts later, chosen below the kernel's ephemeral range. A port from
 * {@code new ServerSocket(0)} is an ephemeral one: between the test picking it and a node binding
 * it, any outgoing connection on the machine may take it as its local port (CI saw a node fail with
 * "Address already in use" that way). Below that range only servers bind, and each port is handed
 * out once per test JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    /** A port that was free on all addresses just now and that no other caller got. */
    public static synchronized int next() throws IOException {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 1000 && below > LOWEST + 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux); 32768 where it cannot be read. */
    private static int ephemeralStart() {
        try {
            // readAllLines, not readString: /proc files report size 0, and readString returned
            // only the first character here.
            String range =
                    Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
