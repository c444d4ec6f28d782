package dev.whispem.e2e.linearizability;

import java.util.Objects;

/**
 * The sequential specification of one key: a register holding a string or nothing. {@link #step}
 * answers whether an operation, applied to a state, could have produced the observed outcome, and
 * the state after it.
 */
final class RegisterModel {

    /** Result of applying an operation: legal or not, and the next state when legal. */
    record Step(boolean legal, String next) {
        static final Step ILLEGAL = new Step(false, null);
    }

    private RegisterModel() {}

    static Step step(String state, Operation op) {
        return switch (op.kind()) {
            case READ -> Objects.equals(state, op.value()) ? new Step(true, state) : Step.ILLEGAL;
            case WRITE -> new Step(true, op.value());
            case DELETE -> new Step(true, null);
            case CAS -> cas(state, op);
        };
    }

    private static Step cas(String state, Operation op) {
        boolean matches = Objects.equals(state, op.expected());
        return switch (op.outcome()) {
            case OK -> matches ? new Step(true, op.value()) : Step.ILLEGAL;
            case FAILED -> matches ? Step.ILLEGAL : new Step(true, state);
            // Had it taken effect, it did what a CAS does on this state; "never took effect" is
            // covered by the checker placing it after everything else.
            case UNKNOWN -> new Step(true, matches ? op.value() : state);
        };
    }
}
