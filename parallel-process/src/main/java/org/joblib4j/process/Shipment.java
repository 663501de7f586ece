package org.joblib4j.process;

import java.util.List;

/**
 * A batch ready for a worker JVM: its bytes, and the shared values they refer to (sent ahead of it
 * to each worker that does not have them yet).
 *
 * @param bytes the serialized batch
 * @param refs the blobs it refers to, possibly empty
 */
public record Shipment(byte[] bytes, List<SharedBlob> refs) {}
