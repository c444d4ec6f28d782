package dev.whispem.minikv.node.routing;

import dev.whispem.minikv.node.storage.StoredValue;
import java.util.Optional;

/** A point read: the live value if any, and the revision of its group when it was read. */
public record ReadResult(Optional<StoredValue> value, long revision) {}
