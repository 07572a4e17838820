/*
 * The C peer of NopBenchmark: NOP submit-and-reap through liburing, the ceiling that uring4j's
 * raw path is measured against. Same ring (256 entries, SINGLE_ISSUER|DEFER_TASKRUN, optionally
 * a registered ring fd) and same loop as the Java benchmark: get and prep `batch` NOPs, one
 * io_uring_submit_and_wait(batch), walk the CQEs, advance the CQ once.
 *
 * Usage: nop_bench BATCH SECONDS REG_RING(0|1) REPETITIONS [WARMUP_SECONDS]
 * Prints one line per repetition, ending in "ops_per_s=<float>" (wall clock) and with the thread's
 * CPU time per NOP before it, after an unreported warm-up.
 * Exit status: 0 on success, 1 on a usage or io_uring error (with a message on stderr).
 *
 * Build (uring4j bench does this at bench time): gcc -O2 -o nop_bench nop_bench.c -luring
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING_ENTRIES 256

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

/* One batch; returns 0 or a negative errno. The sum of user_data keeps the reap honest. */
static int run_batch(struct io_uring *ring, unsigned batch, unsigned long long *checksum)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int ret;

	for (unsigned i = 0; i < batch; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return -EBUSY; /* cannot happen: the ring is drained after every batch */
		io_uring_prep_nop(sqe);
		sqe->user_data = i;
	}
	ret = io_uring_submit_and_wait(ring, batch);
	if (ret < 0)
		return ret;
	io_uring_for_each_cqe(ring, head, cqe) {
		*checksum += cqe->user_data;
		seen++;
	}
	io_uring_cq_advance(ring, seen);
	return seen == batch ? 0 : -EPROTO;
}

/*
 * Runs batches for `seconds`; returns NOPs completed per second, or -1 on error, and stores the
 * CPU time this thread spent per NOP (user + system) in *cpu_ns_per_op. The clock is read once
 * every `check_every` batches so that its cost stays out of the batch-1 figure.
 */
static double run_for(struct io_uring *ring, unsigned batch, double seconds,
		      unsigned long long *checksum, double *cpu_ns_per_op)
{
	unsigned check_every = batch >= 256 ? 1 : 256 / batch;
	unsigned long long batches = 0;
	double cpu_start = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
	double start = now_seconds(), end = start + seconds, t = start;

	while (t < end) {
		for (unsigned i = 0; i < check_every; i++) {
			int ret = run_batch(ring, batch, checksum);

			if (ret < 0) {
				fprintf(stderr, "nop_bench: batch failed: %s\n", strerror(-ret));
				return -1;
			}
		}
		batches += check_every;
		t = now_seconds();
	}
	*cpu_ns_per_op = (clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu_start) * 1e9 / ((double)batches * batch);
	return (double)batches * batch / (t - start);
}

int main(int argc, char **argv)
{
	struct io_uring ring;
	unsigned long long checksum = 0;
	double seconds, warmup = 1.0, cpu_ns;
	int batch, reg_ring, reps, ret;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: %s BATCH SECONDS REG_RING(0|1) REPETITIONS [WARMUP_SECONDS]\n", argv[0]);
		return 1;
	}
	batch = atoi(argv[1]);
	seconds = atof(argv[2]);
	reg_ring = atoi(argv[3]);
	reps = atoi(argv[4]);
	if (argc == 6)
		warmup = atof(argv[5]);
	if (batch < 1 || batch > RING_ENTRIES || seconds <= 0 || reps < 1 || warmup < 0 ||
	    (reg_ring != 0 && reg_ring != 1)) {
		fprintf(stderr, "nop_bench: need 1 <= BATCH <= %d, SECONDS > 0, REG_RING 0 or 1, "
			"REPETITIONS >= 1, WARMUP_SECONDS >= 0; given %s %s %s %s%s%s\n", RING_ENTRIES,
			argv[1], argv[2], argv[3], argv[4], argc == 6 ? " " : "", argc == 6 ? argv[5] : "");
		return 1;
	}

	ret = io_uring_queue_init(RING_ENTRIES, &ring,
				  IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	if (ret < 0) {
		fprintf(stderr, "nop_bench: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	if (reg_ring) {
		ret = io_uring_register_ring_fd(&ring);
		if (ret != 1) {
			fprintf(stderr, "nop_bench: io_uring_register_ring_fd: %s\n",
				ret < 0 ? strerror(-ret) : "registered no fd");
			return 1;
		}
	}

	if (warmup > 0 && run_for(&ring, batch, warmup, &checksum, &cpu_ns) < 0)
		return 1;
	for (int rep = 1; rep <= reps; rep++) {
		double ops = run_for(&ring, batch, seconds, &checksum, &cpu_ns);

		if (ops < 0)
			return 1;
		printf("nop_bench batch=%d reg_ring=%d rep=%d seconds=%.3f cpu_ns_per_op=%.2f ops_per_s=%.1f\n",
		       batch, reg_ring, rep, seconds, cpu_ns, ops);
		fflush(stdout);
	}
	/* Printed so the compiler cannot drop the reaping loop. */
	fprintf(stderr, "nop_bench: user_data checksum %llu\n", checksum);
	io_uring_queue_exit(&ring);
	return 0;
}
