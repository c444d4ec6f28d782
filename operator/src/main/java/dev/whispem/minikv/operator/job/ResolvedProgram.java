package dev.whispem.minikv.operator.job;

import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the owned objects are built from this pass: the bytecode and, with a kvClusterRef, where the
 * cluster is and which Secret key holds the program's token.
 */
public record ResolvedProgram(byte[] bytecode, String sha256, KvAccess kv) {

    private static final String KEY = ResolvedProgram.class.getName();

    /** The cluster endpoint and credential given to the pod; null without kvClusterRef. */
    public record KvAccess(String url, String tokenSecret, String tokenKey) {}

    public static ResolvedProgram of(byte[] bytecode, KvAccess kv) {
        return new ResolvedProgram(bytecode, sha256(bytecode), kv);
    }

    public void storeIn(Context<WhispemJob> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    public static ResolvedProgram from(Context<WhispemJob> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .getMandatory(KEY, ResolvedProgram.class);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
