package org.joblib4j.process;

import org.joblib4j.spi.Batch;

/**
 * The training run for the worker CDS archive: loads and exercises what a worker JVM loads (the
 * channel, serialization of a batch of {@code delayed} calls, the nested scope), then exits.
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    JavaTaskSerializer serializer = new JavaTaskSerializer();
    // a pool's usual compact batch, then a batch's whole way with a lambda and a record (and, for
    // an AOT cache, their method profiles)
    Batch compact =
        BatchCodec.decode(new BatchShipper().serialize(TaskPathWarmup.compactBatch()), serializer);
    ResultsCodec.encode(compact.callUnchecked(), serializer);
    TaskPathWarmup.roundTrip(
        serializer, JavaTaskSerializer.forResults(CdsTraining.class.getClassLoader(), "training"));
    Class.forName(WorkerMain.class.getName());
    Class.forName(FrameChannel.class.getName());
    Class.forName(Frame.class.getName());
    Class.forName("java.net.UnixDomainSocketAddress");
    java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
    ProcessHandle.current().parent().ifPresent(h -> h.onExit().thenRun(() -> {}));
    System.exit(0);
  }
}
