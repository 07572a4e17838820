/**
 * Code that runs in another process: the JVM echo servers of the echo workload (Netty, JDK NIO), each started
 * as its own pinned process by the harness and ending by itself when its lifetime is over or the harness is
 * gone. The harness only names their main classes on a command line.
 */
package io.uring4j.tools.bench.echo;
