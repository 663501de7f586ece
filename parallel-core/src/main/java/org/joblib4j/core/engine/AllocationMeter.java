package org.joblib4j.core.engine;

import java.lang.management.ManagementFactory;

/**
 * The bytes the current thread has allocated on the heap, where the JVM counts them (HotSpot's
 * {@code com.sun.management.ThreadMXBean}): what reading a slice of the input allocated is what its
 * tasks take at most, so the engine can bound in bytes what it reads ahead even of tasks that never
 * leave the JVM. Reading the counter costs a few tens of nanoseconds.
 */
final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS = threads();

  private AllocationMeter() {}

  private static com.sun.management.ThreadMXBean threads() {
    try {
      java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
      if (t instanceof com.sun.management.ThreadMXBean) {
        com.sun.management.ThreadMXBean hotspot = (com.sun.management.ThreadMXBean) t;
        if (hotspot.isThreadAllocatedMemorySupported()
            && hotspot.isThreadAllocatedMemoryEnabled()) {
          return hotspot;
        }
      }
    } catch (LinkageError | RuntimeException absent) {
      // a runtime without jdk.management (a jlink image, a native image): count tasks only
    }
    return null;
  }

  /**
   * The current thread's allocated bytes so far.
   *
   * @return the count, or -1 where the JVM does not count
   */
  static long allocatedBytes() {
    if (THREADS == null) {
      return -1;
    }
    try {
      return THREADS.getCurrentThreadAllocatedBytes();
    } catch (UnsupportedOperationException off) {
      return -1;
    }
  }
}
