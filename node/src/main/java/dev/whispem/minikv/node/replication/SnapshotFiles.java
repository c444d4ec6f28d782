package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * Snapshot files in a Ratis {@link SimpleStateMachineStorage}: written whole or not at all (a
 * temporary file, forced, renamed over, its directory forced), with the digest file Ratis needs to
 * clean up old snapshots.
 */
public final class SnapshotFiles {

    /** Snapshots kept: the latest and the one before. */
    public static final SnapshotRetentionPolicy RETAIN_TWO =
            new SnapshotRetentionPolicy() {
                @Override
                public int getNumSnapshotsRetained() {
                    return 2;
                }
            };

    private SnapshotFiles() {}

    /** Writes {@code content} as the snapshot at {@code at} and makes it the latest. */
    public static void write(SimpleStateMachineStorage storage, TermIndex at, byte[] content)
            throws IOException {
        Path file = storage.getSnapshotFile(at.getTerm(), at.getIndex()).toPath();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch =
                FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // Ratis only cleans up snapshots that have a digest file.
        org.apache.ratis.io.MD5Hash md5 =
                org.apache.ratis.util.MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        syncDirectory(file.getParent());
        storage.updateLatestSnapshot(
                new SingleFileSnapshotInfo(new FileInfo(file, md5), at.getTerm(), at.getIndex()));
    }

    /** Forces a directory's entries (a rename) to disk where the platform allows. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every platform can open a directory; the rename is still atomic
        }
    }
}
