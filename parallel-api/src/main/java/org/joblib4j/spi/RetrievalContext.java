package org.joblib4j.spi;

/** What {@link ParallelBackend#retrievalContext()} returns: closed when the caller's wait ends. */
@FunctionalInterface
public interface RetrievalContext extends AutoCloseable {
  /** A context that does nothing. */
  RetrievalContext NONE = () -> {};

  @Override
  void close();
}
