package dev.whispem.minikv.operator.cluster.plan;

import java.util.List;

/** The one thing the reconciler does this pass besides applying the owned objects. */
public sealed interface Action {
    /** Human-readable, for Events and status. */
    String describe();

    record DrainVolumes(List<String> members) implements Action {
        public String describe() {
            return "draining volume servers " + String.join(", ", members);
        }
    }

    /**
     * Cancels the drains of volume servers the spec keeps again (a scale-down cancelled half-way):
     * they keep the shard replicas they still hold.
     */
    record CancelDrains(List<String> members) implements Action {
        public String describe() {
            return "cancelling the drain of volume servers " + String.join(", ", members);
        }
    }

    record RemoveVolumes(List<String> members) implements Action {
        public String describe() {
            return "removing drained volume servers " + String.join(", ", members);
        }
    }

    record AddCoordinator(String member) implements Action {
        public String describe() {
            return "adding coordinator " + member + " to the metadata group";
        }
    }

    record RemoveCoordinator(String member) implements Action {
        public String describe() {
            return "removing coordinator " + member + " from the metadata group";
        }
    }

    record TransferLeadership(String from, String to) implements Action {
        public String describe() {
            return "transferring leadership from " + from + " to " + to;
        }
    }

    record DeletePod(String pod, String reason) implements Action {
        public String describe() {
            return "restarting " + pod + " (" + reason + ")";
        }
    }
}
