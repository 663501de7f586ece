package org.joblib4j.tck.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second host in all but hardware: a network namespace joined to the test's by a veth pair, with
 * addresses only on what this class creates: {@code 10.254.k.2/30} on the far side, {@code
 * 10.254.k.1/30} here on a bridge that holds this side of the pair, so that this side's address
 * outlives the pair when the far host is lost ({@link #lose()}). Named after this JVM's PID, so
 * concurrent runs never meet. Needs root and {@code ip} (iproute2).
 */
public final class NetworkNamespace {
  private final String name;
  private final String hostSide;
  private final String farSide;
  private final String bridge;
  private final String hostIp;
  private final String farIp;

  private NetworkNamespace(String tag) {
    long pid = ProcessHandle.current().pid();
    this.name = "j4j" + tag + pid;
    this.hostSide = "j4jh" + pid;
    this.farSide = "j4jn" + pid;
    this.bridge = "j4jb" + pid;
    int net = (int) (pid % 250) + 1;
    this.hostIp = "10.254." + net + ".1";
    this.farIp = "10.254." + net + ".2";
  }

  /**
   * Creates the namespace, the pair and the bridge, with loopback up in the namespace (its
   * processes talk to each other there).
   *
   * @param tag a short word in the namespace's name
   * @return the namespace
   */
  public static NetworkNamespace create(String tag) throws IOException, InterruptedException {
    Sandbox.requireRoot();
    NetworkNamespace n = new NetworkNamespace(tag);
    n.ip("netns", "add", n.name);
    n.ip("link", "add", n.hostSide, "type", "veth", "peer", "name", n.farSide);
    n.ip("link", "set", n.farSide, "netns", n.name);
    n.ip("link", "add", n.bridge, "type", "bridge");
    n.ip("addr", "add", n.hostIp + "/30", "dev", n.bridge);
    n.ip("link", "set", n.bridge, "up");
    n.ip("link", "set", n.hostSide, "master", n.bridge);
    n.ip("link", "set", n.hostSide, "up");
    n.ip("netns", "exec", n.name, "ip", "addr", "add", n.farIp + "/30", "dev", n.farSide);
    n.ip("netns", "exec", n.name, "ip", "link", "set", n.farSide, "up");
    n.ip("netns", "exec", n.name, "ip", "link", "set", "lo", "up");
    return n;
  }

  /** This side's address. */
  public String hostIp() {
    return hostIp;
  }

  /** The far host's address. */
  public String farIp() {
    return farIp;
  }

  /** The prefix that runs a command on the far host. */
  public List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /** The far host's network namespace as {@code /proc/<pid>/ns/net} names it: {@code net:[…]}. */
  public String network() throws IOException, InterruptedException {
    return ip("netns", "exec", name, "readlink", "/proc/self/ns/net").strip();
  }

  /** This JVM's network namespace, in the same form. */
  public static String ownNetwork() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
  }

  /**
   * Loses the far host: SIGKILL, by PID, to every process in the namespace (those the test started
   * there), then the namespace goes, and the pair with it. Idempotent.
   */
  public void lose() throws Exception {
    if (!Files.exists(Path.of("/run/netns", name))) {
      return;
    }
    List<ProcessHandle> there = new ArrayList<>();
    for (String pid : ip("netns", "pids", name).split("\\s+")) {
      if (!pid.isBlank()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(there::add);
      }
    }
    there.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : there) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }
    ip("netns", "del", name);
  }

  /** Loses the far host if it is still there, deletes the bridge, and checks nothing is left. */
  public void remove() throws Exception {
    lose();
    if (output("link", "show", bridge).contains(bridge + ":")) {
      ip("link", "del", bridge);
    }
    assertThat(output("link", "show", hostSide)).doesNotContain(hostSide + ":");
    assertThat(output("link", "show", bridge)).doesNotContain(bridge + ":");
    assertThat(Path.of("/run/netns", name)).doesNotExist();
  }

  /** Runs {@code ip}; fails with its output unless it succeeds. */
  private String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "this test builds a second host with `ip netns` and a veth pair: install iproute2"
              + " (apt-get install iproute2)",
          e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Runs {@code ip} and returns what it printed, whether or not it succeeded. */
  private static String output(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
