/*
 * read_bench: the lean C liburing ceiling for 4 KiB random reads of one file (benchmark
 * workloads B and C). One ring with SINGLE_ISSUER|DEFER_TASKRUN, the file registered (reads use
 * IOSQE_FIXED_FILE) and one registered 4 KiB buffer per slot (IORING_OP_READ_FIXED). QD reads
 * stay in flight: every loop does one io_uring_submit_and_wait, walks the ready CQEs with
 * io_uring_for_each_cqe, refills each finished slot at a new random 4 KiB-aligned offset and
 * advances the CQ once.
 *
 * Build (the bench harness does the same at bench time; never commit the binary):
 *   gcc -O2 -Wall -o /tmp/cbench/read_bench read_bench.c -luring
 *
 * Usage: read_bench [options] FILE QD SECONDS
 *   QD        reads kept in flight, 1..4096 (the benchmarks use 1, 32, 128)
 *   SECONDS   measured duration, after the warm-up
 *   --direct          open FILE with O_DIRECT
 *   --warmup=S        unmeasured warm-up seconds before the measurement (default 1)
 *   --wait=N          completions to wait for per submit (default 1, at most QD)
 *   --reg-ring        also register the ring fd
 *   --eager           submit each refilled read at once (one enter per read, as fio does)
 *
 * Output: one JSON line on stdout at the end,
 *   {"ops_per_s":..,"p50_us":..,"p99_us":..,"p999_us":..,"cpu_s_per_op":..,"ops":..,
 *    "seconds":..,"qd":..,"direct":..,"wait":..,"reg_ring":..,"verified":..}
 * Latency of one read runs from the clock read just before the io_uring_submit_and_wait that
 * submitted it to the clock read just after the one that reaped it. CPU is user+system time of
 * the whole process (io-wq workers are threads of it) over the measured window, from getrusage.
 * Chatter goes to stderr. Exit status: 0 on success, 1 on bad usage, 2 on an I/O or io_uring
 * error or a short read, 3 when a read's data differs from what pread returns for the same
 * offset (the last read of every slot is checked after the run, outside the timing).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <liburing.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define MAX_QD 4096
#define DRAIN_TIMEOUT_S 10

/* ---- latency histogram: exact below 128 ns, then 64 sub-buckets per power of two (~1.6%) ---- */

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (2 * HIST_SUB + 58 * HIST_SUB)

static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;

static unsigned hist_index(uint64_t ns)
{
	if (ns < 2 * HIST_SUB)
		return (unsigned)ns;
	unsigned shift = 63 - __builtin_clzll(ns) - HIST_SUB_BITS;
	return 2 * HIST_SUB + (shift - 1) * HIST_SUB + (unsigned)((ns >> shift) - HIST_SUB);
}

/* The highest value that falls into bucket i (so percentiles never understate). */
static uint64_t hist_upper(unsigned i)
{
	if (i < 2 * HIST_SUB)
		return i;
	unsigned shift = (i - 2 * HIST_SUB) / HIST_SUB + 1;
	uint64_t top = HIST_SUB + (i - 2 * HIST_SUB) % HIST_SUB;
	return ((top + 1) << shift) - 1;
}

static void hist_record(uint64_t ns)
{
	hist[hist_index(ns)]++;
	hist_count++;
}

static double hist_percentile_us(double q)
{
	uint64_t target = (uint64_t)(q * hist_count + 0.999999), seen = 0;

	if (hist_count == 0)
		return 0;
	if (target == 0)
		target = 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= target)
			return hist_upper(i) / 1000.0;
	}
	return hist_upper(HIST_BUCKETS - 1) / 1000.0;
}

/* ---- small helpers ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(int status, const char *what, int err)
{
	fprintf(stderr, "read_bench: %s: %s\n", what, strerror(err));
	exit(status);
}

/* The watchdog: a stuck device or kernel must not hang the benchmark harness. */
static void on_alarm(int sig)
{
	static const char msg[] = "read_bench: watchdog expired, the run took far longer than asked\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

static int parse_double(const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max ? 0 : -1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max ? 0 : -1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--direct] [--warmup=S] [--wait=N] [--reg-ring] [--eager] FILE QD SECONDS\n"
		"  4 KiB random reads of FILE with QD (1..%d) reads in flight for SECONDS (> 0)\n"
		"  after an unmeasured warm-up (default 1 s); prints one JSON line on stdout.\n",
		prog, MAX_QD);
}

/* xorshift64*: cheap and good enough to spread offsets over the file. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/* ---- the benchmark ---- */

struct slot {
	uint64_t submitted_ns; /* clock just before the submit that carried this slot's read */
	off_t offset;          /* where the slot's current (or last) read is */
	int completed;         /* the slot has finished at least one read */
};

static struct slot slots[MAX_QD];
static unsigned fresh[MAX_QD]; /* slots prepared since the last submit, to stamp */
static unsigned nfresh;

static void queue_read(struct io_uring *ring, unsigned idx, char *buffers, uint64_t blocks)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) /* cannot happen: at most QD reads are ever queued and the SQ has QD entries */
		die(2, "io_uring_get_sqe", EBUSY);
	slots[idx].offset = (off_t)(next_random() % blocks) * BLOCK;
	io_uring_prep_read_fixed(sqe, 0, buffers + (size_t)idx * BLOCK, BLOCK, slots[idx].offset, idx);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, idx);
	fresh[nfresh++] = idx;
}

static off_t file_size(int fd, const char *path)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st) < 0)
		die(2, path, errno);
	if (S_ISREG(st.st_mode))
		return st.st_size;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			die(2, "BLKGETSIZE64", errno);
		return (off_t)bytes;
	}
	fprintf(stderr, "read_bench: %s is neither a regular file nor a block device\n", path);
	exit(1);
}

/* After the run: each slot's buffer still holds its last read; compare it with pread. */
static int verify_last_reads(int fd, const char *buffers, unsigned qd)
{
	char *check = aligned_alloc(BLOCK, BLOCK);
	int verified = 0;

	if (!check)
		die(2, "aligned_alloc", ENOMEM);
	for (unsigned i = 0; i < qd; i++) {
		if (!slots[i].completed)
			continue;
		ssize_t n = pread(fd, check, BLOCK, slots[i].offset);

		if (n != BLOCK) {
			fprintf(stderr, "read_bench: verification pread at %lld returned %zd\n",
				(long long)slots[i].offset, n);
			exit(2);
		}
		if (memcmp(check, buffers + (size_t)i * BLOCK, BLOCK) != 0) {
			fprintf(stderr, "read_bench: DATA MISMATCH: slot %u, offset %lld differs from pread\n",
				i, (long long)slots[i].offset);
			exit(3);
		}
		verified++;
	}
	free(check);
	return verified;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "direct", no_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "wait", required_argument, NULL, 'n' },
		{ "reg-ring", no_argument, NULL, 'r' },
		{ "eager", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int direct = 0, reg_ring = 0, eager = 0, opt, fd, ret;
	double warmup = 1.0, seconds;
	long qd, wait_nr = 1;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'd': direct = 1; break;
		case 'r': reg_ring = 1; break;
		case 'e': eager = 1; break;
		case 'w':
			if (parse_double(optarg, 0, 3600, &warmup) < 0) {
				fprintf(stderr, "read_bench: --warmup needs seconds in [0, 3600], given '%s'\n", optarg);
				return 1;
			}
			break;
		case 'n':
			if (parse_long(optarg, 1, MAX_QD, &wait_nr) < 0) {
				fprintf(stderr, "read_bench: --wait needs 1..%d, given '%s'\n", MAX_QD, optarg);
				return 1;
			}
			break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 1;
		}
	}
	if (argc - optind != 3) {
		usage(argv[0]);
		return 1;
	}
	const char *path = argv[optind];
	if (parse_long(argv[optind + 1], 1, MAX_QD, &qd) < 0) {
		fprintf(stderr, "read_bench: QD must be 1..%d, given '%s'\n", MAX_QD, argv[optind + 1]);
		return 1;
	}
	if (parse_double(argv[optind + 2], 0.001, 86400, &seconds) < 0) {
		fprintf(stderr, "read_bench: SECONDS must be in (0, 86400], given '%s'\n", argv[optind + 2]);
		return 1;
	}
	if (wait_nr > qd) {
		fprintf(stderr, "read_bench: --wait (%ld) cannot exceed QD (%ld)\n", wait_nr, qd);
		return 1;
	}

	fd = open(path, O_RDONLY | (direct ? O_DIRECT : 0));
	if (fd < 0)
		die(2, path, errno);
	uint64_t blocks = (uint64_t)file_size(fd, path) / BLOCK;
	if (blocks == 0) {
		fprintf(stderr, "read_bench: %s is smaller than one %d-byte block\n", path, BLOCK);
		return 1;
	}

	char *buffers = aligned_alloc(BLOCK, (size_t)qd * BLOCK);
	struct iovec *iov = calloc(qd, sizeof(*iov));
	if (!buffers || !iov)
		die(2, "allocating buffers", ENOMEM);
	memset(buffers, 0, (size_t)qd * BLOCK); /* fault the pages in before they are pinned */
	for (long i = 0; i < qd; i++) {
		iov[i].iov_base = buffers + (size_t)i * BLOCK;
		iov[i].iov_len = BLOCK;
	}

	struct io_uring ring;
	struct io_uring_params params = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
	ret = io_uring_queue_init_params((unsigned)qd, &ring, &params);
	if (ret < 0)
		die(2, "io_uring_queue_init_params(SINGLE_ISSUER|DEFER_TASKRUN)", -ret);
	ret = io_uring_register_files(&ring, &fd, 1);
	if (ret < 0)
		die(2, "io_uring_register_files", -ret);
	ret = io_uring_register_buffers(&ring, iov, (unsigned)qd);
	if (ret < 0)
		die(2, "io_uring_register_buffers", -ret);
	if (reg_ring && (ret = io_uring_register_ring_fd(&ring)) != 1)
		die(2, "io_uring_register_ring_fd", ret < 0 ? -ret : EINVAL);

	signal(SIGALRM, on_alarm);
	alarm((unsigned)(warmup + seconds) + 60);
	fprintf(stderr, "read_bench: %s, %llu blocks, qd %ld, wait %ld, %s, warm-up %.1f s, measuring %.1f s\n",
		path, (unsigned long long)blocks, qd, wait_nr, direct ? "O_DIRECT" : "buffered", warmup, seconds);

	for (unsigned i = 0; i < qd; i++)
		queue_read(&ring, i, buffers, blocks);

	uint64_t start = now_ns();
	uint64_t measure_from = start + (uint64_t)(warmup * 1e9), measure_to = 0, t_done = start;
	uint64_t ops = 0;
	double cpu_start = 0, cpu_end = 0;
	int measuring = 0, stopping = 0;
	unsigned in_flight = (unsigned)qd;

	while (in_flight > 0) {
		struct io_uring_cqe *cqe;
		unsigned head, reaped = 0;
		uint64_t t_submit = now_ns();

		for (unsigned i = 0; i < nfresh; i++)
			slots[fresh[i]].submitted_ns = t_submit;
		nfresh = 0;
		ret = io_uring_submit_and_wait(&ring, stopping ? 1 : (unsigned)wait_nr);
		if (ret < 0 && ret != -EINTR)
			die(2, "io_uring_submit_and_wait", -ret);
		t_done = now_ns();
		int count_this = 0;

		if (!measuring && !stopping && t_done >= measure_from) {
			/* this batch finished mostly before the window opened: it is not counted */
			measuring = 1;
			measure_from = t_done;
			measure_to = t_done + (uint64_t)(seconds * 1e9);
			cpu_start = cpu_seconds();
		} else if (measuring) {
			count_this = 1;
			if (t_done >= measure_to) { /* the last counted batch; then drain */
				measuring = 0;
				stopping = 1;
				measure_to = t_done;
				cpu_end = cpu_seconds();
			}
		}

		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned idx = (unsigned)cqe->user_data;

			if (cqe->res != BLOCK) {
				fprintf(stderr, "read_bench: read at %lld returned %d%s%s\n",
					(long long)slots[idx].offset, cqe->res, cqe->res < 0 ? ": " : " (short read)",
					cqe->res < 0 ? strerror(-cqe->res) : "");
				exit(2);
			}
			slots[idx].completed = 1;
			if (count_this) {
				hist_record(t_done - slots[idx].submitted_ns);
				ops++;
			}
			if (stopping) {
				in_flight--;
			} else {
				queue_read(&ring, idx, buffers, blocks);
				if (eager) { /* submitted now, so its latency starts now */
					nfresh--;
					slots[idx].submitted_ns = now_ns();
					ret = io_uring_submit(&ring);
					if (ret < 0)
						die(2, "io_uring_submit", -ret);
				}
			}
			reaped++;
		}
		io_uring_cq_advance(&ring, reaped);
	}

	int verified = verify_last_reads(fd, buffers, (unsigned)qd);
	double elapsed = (measure_to - measure_from) / 1e9;
	double cpu = cpu_end - cpu_start;

	fprintf(stderr, "read_bench: %llu reads in %.3f s, %.0f reads/s, %.3f us CPU per read, "
		"checked the last read of %d slots against pread\n",
		(unsigned long long)ops, elapsed, ops / elapsed, ops ? cpu / ops * 1e6 : 0.0, verified);
	printf("{\"ops_per_s\":%.1f,\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"cpu_s_per_op\":%.4e,"
	       "\"ops\":%llu,\"seconds\":%.3f,\"qd\":%ld,\"direct\":%s,\"wait\":%ld,\"reg_ring\":%s,\"verified\":%d}\n",
	       ops / elapsed, hist_percentile_us(0.50), hist_percentile_us(0.99), hist_percentile_us(0.999),
	       ops ? cpu / ops : 0.0, (unsigned long long)ops, elapsed, qd, direct ? "true" : "false",
	       wait_nr, reg_ring ? "true" : "false", verified);
	fflush(stdout);
	io_uring_queue_exit(&ring);
	close(fd);
	free(iov);
	free(buffers);
	return 0;
}
