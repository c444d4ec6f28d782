package dev.whispem.minikv.node.replication;

import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.server.RaftServer;

/**
 * A follower as its leader sees it: how long ago it last answered and how far its log matches.
 *
 * @param lastAnsweredMillisAgo since the leader last heard from it
 * @param matchIndex the last log index known to be on it
 */
public record FollowerState(String id, long lastAnsweredMillisAgo, long matchIndex) {

    /** The followers of {@code division}; empty unless it leads. */
    public static List<FollowerState> of(RaftServer.Division division) {
        var info = division.getInfo();
        List<FollowerState> out = new ArrayList<>();
        if (!info.isLeader()) {
            return out;
        }
        long[] match = info.getFollowerMatchIndices();
        var followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        for (int i = 0; i < followers.size() && i < match.length; i++) {
            out.add(
                    new FollowerState(
                            followers.get(i).getId().getId().toStringUtf8(),
                            followers.get(i).getLastRpcElapsedTimeMs(),
                            match[i]));
        }
        return out;
    }
}
