package org.joblib4j.core.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.RetrievalContext;

/** joblib's {@code MyBackend} of {@code test_retrieval_context}: counts retrieval contexts. */
final class RetrievalCountingBackend extends PoolTestBackend {
  final AtomicInteger entered = new AtomicInteger();
  final AtomicInteger exited = new AtomicInteger();

  @Override
  public RetrievalContext retrievalContext() {
    entered.incrementAndGet();
    return exited::incrementAndGet;
  }

  @Override
  public boolean usesThreads() {
    return true;
  }

  @Override
  public boolean supportsSharedMem() {
    return true;
  }
}
