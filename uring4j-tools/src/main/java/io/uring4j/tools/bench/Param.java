package io.uring4j.tools.bench;

/**
 * One parameter of the workloads' points: its name (a column of the table, a key of the JSON's
 * {@code params}, what {@code --only} matches) and the type of its values. Each parameter is one
 * constant here, so the workload that sets it and the contenders that read it name the same
 * thing with the same type ({@link BenchPoint#with}, {@link BenchPoint#get}).
 *
 * @param name the parameter's name in the table, the JSON and {@code --only}
 * @param type the class of its values (Integer, Boolean or String: what the JSON writes as is)
 */
public record Param<T>(String name, Class<T> type) {
    /** nop: NOPs per batch (one submit and reap). */
    public static final Param<Integer> BATCH = new Param<>("batch", Integer.class);
    /** nop: whether every ring registers its fd (IORING_REGISTER_RING_FDS). */
    public static final Param<Boolean> REGISTERED_RING_FD = new Param<>("registered_ring_fd", Boolean.class);
    /** read, direct: reads in flight. */
    public static final Param<Integer> QD = new Param<>("qd", Integer.class);
    /** direct: where the file is, {@link DirectWorkload#TMPFS} or {@link DirectWorkload#DISK}. */
    public static final Param<String> FILE = new Param<>("file", String.class);
    /** copy: the size of the file copied, in MiB. */
    public static final Param<Integer> SIZE_MIB = new Param<>("size_mib", Integer.class);
    /** echo: connections of the load client, each ping-ponging one message. */
    public static final Param<Integer> CONNECTIONS = new Param<>("connections", Integer.class);
    /** echo: the size of each message. */
    public static final Param<Integer> MESSAGE_BYTES = new Param<>("message_bytes", Integer.class);
}
