package dev.whispem.minikv.node;

import dev.whispem.minikv.node.cluster.NodeRole;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Identity and placement of this node ({@code minikv.*}). */
@ConfigMapping(prefix = "minikv")
public interface NodeConfig {

    /**
     * Directory holding everything this node persists (RocksDB, Raft logs); relative paths are
     * resolved against the working directory. Env: {@code MINIKV_DATA_DIR}.
     */
    @WithDefault("data")
    Path dataDir();

    /**
     * {@code standalone} (default: coordinator and volume in one process), {@code coordinator} or
     * {@code volume}.
     */
    @WithDefault("standalone")
    NodeRole role();
}
