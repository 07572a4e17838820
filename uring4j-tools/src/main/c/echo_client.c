/*
 * echo_client: the one lean load client for every echo server in benchmark workload E. Plain
 * epoll and non-blocking sockets, so it favours no server. N connections each ping-pong one
 * message at a time: send SIZE bytes, read back exactly SIZE bytes, compare every byte with what
 * was sent, then send the next message. Each message carries the connection number and a
 * per-connection sequence number, and the rest of its bytes are derived from both, so an echo
 * from the wrong connection or a stale one never compares equal.
 *
 * Build (the bench harness does the same at bench time; never commit the binary):
 *   gcc -O2 -Wall -o /tmp/cbench/echo_client echo_client.c
 * (it needs no liburing; the harness adds -luring to every C peer, which is harmless)
 *
 * Usage: echo_client [options] PORT
 *   -c, --connections=N   connections, 1..100000 (default 1); the fd soft limit is raised
 *                         towards the hard limit as needed
 *   -s, --size=S          message bytes, 16..1048576 (default 64)
 *   -w, --warmup=W        unmeasured warm-up seconds (default 1)
 *   -d, --duration=D      measured seconds (default 5)
 *   -H, --host=ADDR       127.0.0.1 (default) or ::1; loopback only, on purpose
 *       --stall=T         fail if no echo completes for T seconds, or if any connection
 *                         still waits longer than T for its echo at the end (default 5)
 *       --server-pid=PID  also report the CPU time the server process PID (all its threads,
 *                         io_uring workers included) spent in the measured window, read from
 *                         /proc/PID/stat at the same instants as the client's own CPU
 *
 * Output: one JSON line on stdout at the end,
 *   {"requests_per_s":..,"p50_us":..,"p99_us":..,"p999_us":..,"client_cpu_s":..,
 *    "client_cpu_util":..,"errors":0,"connections":N,"size":S,"requests":..,"seconds":..}
 * plus "server_cpu_s":..,"server_cpu_util":.. when --server-pid is given.
 * Latency of a request runs from the clock read just before its first send to the clock read
 * when its last byte has been received. CPU is the client's user+system time over the measured
 * window (getrusage); client_cpu_util is that divided by the window (1.0 = one core busy).
 * Chatter goes to stderr. Exit status: 0 on success, 1 on bad usage, 2 on a socket error, a
 * closed connection or a stall, 3 on a data mismatch.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define CONNECT_TIMEOUT_MS 5000
#define HEADER 16 /* u32 magic, u32 connection number, u64 sequence number */
#define MAGIC 0x45434831u

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

static void fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/*
 * utime + stime of process pid in seconds: the whole thread group, exited threads included.
 * The kernel reports them in clock ticks (10 ms here), so a window of seconds is exact to <1%.
 */
static double process_cpu_seconds(long pid)
{
	char path[64], buf[1024];
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		fail(2, "reading %s: %s (has the server died?)", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields are counted after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		fail(2, "cannot parse %s", path);
	return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

static void fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("echo_client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* The watchdog: whatever the server does, the client ends. */
static void on_alarm(int sig)
{
	static const char msg[] = "echo_client: watchdog expired, the run took far longer than asked\n";

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

/* ---- connections and messages ---- */

struct conn {
	int fd;
	int want_out;      /* EPOLLOUT is armed because a send was short */
	uint32_t sent, received;
	uint64_t seq;      /* sequence number of the message in flight */
	uint64_t started;  /* clock before its first send */
};

static struct conn *conns;
static char *tx_all, *rx_all;
static long nconns, size;
static int epfd;

static inline char *tx_of(long i) { return tx_all + (size_t)i * size; }
static inline char *rx_of(long i) { return rx_all + (size_t)i * size; }

/* Writes message `seq` of connection i: the header, then words derived from both numbers. */
static void fill_message(long i, uint64_t seq)
{
	char *p = tx_of(i);
	uint32_t magic = MAGIC, id = (uint32_t)i;
	uint64_t word = (seq + 1) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)id << 32 | id);
	long off;

	memcpy(p, &magic, 4);
	memcpy(p + 4, &id, 4);
	memcpy(p + 8, &seq, 8);
	for (off = HEADER; off + 8 <= size; off += 8) {
		word = word * 6364136223846793005ull + 1442695040888963407ull;
		memcpy(p + off, &word, 8);
	}
	for (; off < size; off++)
		p[off] = (char)(word >> (8 * (off & 7)));
}

static void set_events(long i, int want_out)
{
	struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u64 = (uint64_t)i };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, conns[i].fd, &ev) < 0)
		fail(2, "epoll_ctl: %s", strerror(errno));
	conns[i].want_out = want_out;
}

/* Sends what is left of the message; arms EPOLLOUT while the socket is full. */
static void push(long i)
{
	struct conn *c = &conns[i];

	while (c->sent < size) {
		ssize_t n = send(c->fd, tx_of(i) + c->sent, size - c->sent, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			fail(2, "send on connection %ld: %s", i, strerror(errno));
		}
		c->sent += (uint32_t)n;
	}
	if ((c->sent < size) != c->want_out)
		set_events(i, c->sent < size);
}

static void start_message(long i, uint64_t t)
{
	struct conn *c = &conns[i];

	fill_message(i, c->seq);
	c->sent = c->received = 0;
	c->started = t;
	push(i);
}

static void check_message(long i)
{
	const char *want = tx_of(i), *got = rx_of(i);
	uint32_t got_id;
	uint64_t got_seq;

	if (memcmp(want, got, size) == 0)
		return;
	long at = 0;
	while (at < size && want[at] == got[at])
		at++;
	memcpy(&got_id, got + 4, 4);
	memcpy(&got_seq, got + 8, 8);
	fail(3, "DATA MISMATCH on connection %ld, message %llu: first differing byte at offset %ld "
	     "(sent 0x%02x, got 0x%02x); the echo's header names connection %u, message %llu",
	     i, (unsigned long long)conns[i].seq, at, (unsigned char)want[at], (unsigned char)got[at],
	     got_id, (unsigned long long)got_seq);
}

static int open_connection(int family, const struct sockaddr *sa, socklen_t len, long i)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, err = 0;
	socklen_t errlen = sizeof(err);
	struct pollfd pfd;

	if (fd < 0)
		fail(2, "socket for connection %ld: %s", i, strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS)
			fail(2, "connect %ld: %s", i, strerror(errno));
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		int ready = poll(&pfd, 1, CONNECT_TIMEOUT_MS);
		if (ready == 0)
			fail(2, "connect %ld: no answer within %d ms", i, CONNECT_TIMEOUT_MS);
		if (ready < 0)
			fail(2, "poll while connecting %ld: %s", i, strerror(errno));
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0 || err != 0)
			fail(2, "connect %ld: %s", i, strerror(err ? err : errno));
	}
	return fd;
}

static void raise_fd_limit(long needed)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		fail(2, "getrlimit: %s", strerror(errno));
	if ((long)rl.rlim_cur >= needed)
		return;
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < needed)
		fail(1, "%ld connections need about %ld fds but the hard limit is %lu", nconns, needed,
		     (unsigned long)rl.rlim_max);
	rl.rlim_cur = needed;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		fail(2, "raising the fd soft limit to %ld: %s", needed, strerror(errno));
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-c N] [-s SIZE] [-w WARMUP_S] [-d DURATION_S] [-H 127.0.0.1|::1] [--stall=S] [--server-pid=PID] PORT\n"
		"  N loopback connections (default 1) each ping-pong SIZE-byte messages (default 64) with\n"
		"  the echo server on PORT, checking every byte; measures DURATION_S (default 5) after\n"
		"  WARMUP_S (default 1) and prints one JSON line on stdout.\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "connections", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "host", required_argument, NULL, 'H' },
		{ "stall", required_argument, NULL, 'S' },
		{ "server-pid", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double warmup = 1, duration = 5, stall = 5;
	const char *host = "127.0.0.1";
	long port, server_pid = 0;
	int opt;

	nconns = 1;
	size = 64;
	while ((opt = getopt_long(argc, argv, "c:s:w:d:H:h", options, NULL)) != -1) {
		const char *bad = NULL;

		switch (opt) {
		case 'c': if (parse_long(optarg, 1, 100000, &nconns) < 0) bad = "--connections needs 1..100000"; break;
		case 's': if (parse_long(optarg, HEADER, 1 << 20, &size) < 0) bad = "--size needs 16..1048576 bytes"; break;
		case 'w': if (parse_double(optarg, 0, 3600, &warmup) < 0) bad = "--warmup needs seconds in [0, 3600]"; break;
		case 'd': if (parse_double(optarg, 0.001, 86400, &duration) < 0) bad = "--duration needs seconds in (0, 86400]"; break;
		case 'S': if (parse_double(optarg, 0.1, 3600, &stall) < 0) bad = "--stall needs seconds in [0.1, 3600]"; break;
		case 'P': if (parse_long(optarg, 1, 1L << 22, &server_pid) < 0) bad = "--server-pid needs a process id"; break;
		case 'H':
			if (strcmp(optarg, "127.0.0.1") != 0 && strcmp(optarg, "::1") != 0)
				bad = "--host must be 127.0.0.1 or ::1 (loopback only)";
			host = optarg;
			break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 1;
		}
		if (bad)
			fail(1, "%s, given '%s'", bad, optarg);
	}
	if (argc - optind != 1) {
		usage(argv[0]);
		return 1;
	}
	if (parse_long(argv[optind], 1, 65535, &port) < 0)
		fail(1, "PORT must be 1..65535, given '%s'", argv[optind]);
	if ((double)nconns * size * 2 > (double)(1ul << 31))
		fail(1, "%ld connections x %ld bytes needs more than 2 GiB of buffers", nconns, size);

	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	socklen_t sslen;
	if (strcmp(host, "::1") == 0) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, host, &v6->sin6_addr);
		sslen = sizeof(*v6);
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &v4->sin_addr);
		sslen = sizeof(*v4);
	}

	raise_fd_limit(nconns + 32);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)(warmup + duration + stall) + 60);

	conns = calloc(nconns, sizeof(*conns));
	tx_all = malloc((size_t)nconns * size);
	rx_all = malloc((size_t)nconns * size);
	if (!conns || !tx_all || !rx_all)
		fail(2, "out of memory for %ld connections x %ld bytes", nconns, size);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		fail(2, "epoll_create1: %s", strerror(errno));
	for (long i = 0; i < nconns; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };

		conns[i].fd = open_connection(ss.ss_family, (struct sockaddr *)&ss, sslen, i);
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0)
			fail(2, "epoll_ctl ADD: %s", strerror(errno));
	}
	fprintf(stderr, "echo_client: %ld connections to %s port %ld, %ld-byte messages, warm-up %.1f s, "
		"measuring %.1f s\n", nconns, host, port, size, warmup, duration);

	struct epoll_event events[MAX_EVENTS];
	uint64_t t = now_ns(), last_progress = t, stall_ns = (uint64_t)(stall * 1e9);
	uint64_t measure_from = t + (uint64_t)(warmup * 1e9), measure_to = UINT64_MAX;
	uint64_t requests = 0;
	double cpu_start = 0, cpu_end = 0, server_cpu_start = 0, server_cpu_end = 0;
	int measuring = 0;

	for (long i = 0; i < nconns; i++)
		start_message(i, now_ns());

	for (;;) {
		int n = epoll_wait(epfd, events, MAX_EVENTS, 100);

		if (n < 0 && errno != EINTR)
			fail(2, "epoll_wait: %s", strerror(errno));
		for (int e = 0; e < n; e++) {
			long i = (long)events[e].data.u64;
			struct conn *c = &conns[i];
			uint32_t ev = events[e].events;

			if (ev & EPOLLOUT)
				push(i);
			if (ev & EPOLLIN) {
				ssize_t got = recv(c->fd, rx_of(i) + c->received, size - c->received, 0);

				if (got == 0)
					fail(2, "the server closed connection %ld (%u of %ld bytes of message %llu echoed)",
					     i, c->received, size, (unsigned long long)c->seq);
				if (got < 0) {
					if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
						continue;
					fail(2, "recv on connection %ld: %s", i, strerror(errno));
				}
				c->received += (uint32_t)got;
				if (c->received > c->sent)
					fail(3, "DATA MISMATCH on connection %ld: %u bytes echoed but only %u sent",
					     i, c->received, c->sent);
				if (c->received == size) {
					uint64_t done = now_ns();

					check_message(i);
					if (measuring) {
						uint64_t ns = done - c->started;
						hist[hist_index(ns)]++;
						hist_count++;
						requests++;
					}
					last_progress = done;
					c->seq++;
					start_message(i, done);
				}
			} else if (ev & (EPOLLERR | EPOLLHUP)) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				fail(2, "connection %ld failed: %s", i, err ? strerror(err) : "hang-up");
			}
		}
		t = now_ns();
		if (!measuring && t >= measure_from && measure_to == UINT64_MAX) {
			measuring = 1;
			measure_from = t;
			measure_to = t + (uint64_t)(duration * 1e9);
			cpu_start = cpu_seconds();
			if (server_pid)
				server_cpu_start = process_cpu_seconds(server_pid);
		} else if (measuring && t >= measure_to) {
			measure_to = t;
			cpu_end = cpu_seconds();
			if (server_pid)
				server_cpu_end = process_cpu_seconds(server_pid);
			break;
		}
		if (t - last_progress > stall_ns)
			fail(2, "no echo completed for %.1f s: the server stalled or died", stall);
	}

	/* A server that silently drops one connection's message must not pass unnoticed. */
	long stuck = 0;
	for (long i = 0; i < nconns; i++)
		if (t - conns[i].started > stall_ns)
			stuck++;
	if (stuck)
		fail(2, "%ld connection(s) waited more than %.1f s for their echo", stuck, stall);

	double elapsed = (measure_to - measure_from) / 1e9, cpu = cpu_end - cpu_start;
	for (long i = 0; i < nconns; i++)
		close(conns[i].fd);
	close(epfd);
	fprintf(stderr, "echo_client: %llu requests in %.3f s: %.0f req/s, p99 %.1f us, client CPU %.2f s (%.0f%% of a core)\n",
		(unsigned long long)requests, elapsed, requests / elapsed, hist_percentile_us(0.99), cpu,
		100 * cpu / elapsed);
	printf("{\"requests_per_s\":%.1f,\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"client_cpu_s\":%.3f,"
	       "\"client_cpu_util\":%.3f,\"errors\":0,\"connections\":%ld,\"size\":%ld,\"requests\":%llu,\"seconds\":%.3f",
	       requests / elapsed, hist_percentile_us(0.50), hist_percentile_us(0.99), hist_percentile_us(0.999),
	       cpu, cpu / elapsed, nconns, size, (unsigned long long)requests, elapsed);
	if (server_pid)
		printf(",\"server_cpu_s\":%.3f,\"server_cpu_util\":%.3f", server_cpu_end - server_cpu_start,
		       (server_cpu_end - server_cpu_start) / elapsed);
	printf("}\n");
	fflush(stdout);
	free(conns);
	free(tx_all);
	free(rx_all);
	return 0;
}
