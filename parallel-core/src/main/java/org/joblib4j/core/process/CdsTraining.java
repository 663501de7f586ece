package org.joblib4j.core.process;

import java.util.List;
import org.joblib4j.Parallel;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;

/**
 * The training run for the worker CDS archive: loads and exercises what a worker JVM loads (the
 * channel, serialization of a batch of {@code delayed} calls, the nested scope), then exits.
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    JavaTaskSerializer serializer = new JavaTaskSerializer();
    Batch batch =
        new Batch(
            0,
            List.of(Parallel.delayed((Integer x) -> x + 1, 1), Parallel.delayed((Integer x) -> x + 1, 2)),
            NestedBackend.defaultFor(0));
    Batch back = (Batch) serializer.deserialize(serializer.serialize(batch));
    List<Object> results = back.call();
    serializer.deserialize(serializer.serialize(results));
    // a batch's whole way with a lambda and a record (and, for an AOT cache, its method profiles)
    TaskPathWarmup.roundTrip(serializer, JavaTaskSerializer.forResults(CdsTraining.class.getClassLoader(), "training"));
    Class.forName(WorkerMain.class.getName());
    Class.forName(FrameChannel.class.getName());
    Class.forName(Frame.class.getName());
    Class.forName("java.net.UnixDomainSocketAddress");
    java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
    ProcessHandle.current().parent().ifPresent(h -> h.onExit().thenRun(() -> { }));
    System.exit(0);
  }
}
