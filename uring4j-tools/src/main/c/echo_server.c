/*
 * echo_server: the C liburing TCP echo server, the ceiling of benchmark workload E. One ring
 * with SINGLE_ISSUER|DEFER_TASKRUN and a large CQ; one multishot accept; per connection one
 * multishot recv that takes its buffers from a provided buffer ring; each received buffer is
 * sent back as it is and returned to the buffer ring only when its send has completed. Sends
 * of one connection go out one at a time in arrival order, so bytes are never reordered.
 * SIGINT and SIGTERM arrive through a signalfd read on the same ring, so stopping is race-free.
 *
 * Build (the bench harness does the same at bench time; never commit the binary):
 *   gcc -O2 -Wall -o /tmp/cbench/echo_server echo_server.c -luring
 *
 * Usage: echo_server [options] PORT [ADDRESS]
 *   PORT      TCP port, 0..65535 (0: the kernel picks one; the chosen port is printed)
 *   ADDRESS   IPv4 or IPv6 literal to bind (default 127.0.0.1)
 *   --sq=N, --cq=N    SQ and CQ entries (default 4096 and 16384)
 *   --buffers=N, --buf-size=B  provided buffers, a power of two up to 32768, of B bytes each
 *                     (default 4096 of 4096 bytes)
 *   --max-seconds=S   stop by itself after S seconds, a safety net for harnesses (default: never)
 *
 * Prints "listening on ADDR:PORT" on stderr once it accepts connections, serves until SIGINT or
 * SIGTERM (or --max-seconds), then prints one JSON line on stdout:
 *   {"connections":..,"bytes_echoed":..,"recv_cqes":..,"send_cqes":..,"cpu_s":..,"seconds":..}
 * Exit status: 0 after a clean stop, 1 on bad usage, 2 on a socket or io_uring error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BGID 7
#define NO_BUF (-1)
enum op { OP_ACCEPT = 1, OP_RECV, OP_SEND, OP_SIGNAL, OP_STOP };

/* user_data: op in the top byte, buffer id in bits 32..47, fd in the low 32 bits */
static inline uint64_t tag(enum op op, unsigned bid, int fd)
{
	return ((uint64_t)op << 56) | ((uint64_t)bid << 32) | (uint32_t)fd;
}

struct conn {
	int open;
	int recv_armed;   /* a multishot recv is outstanding */
	int finished;     /* EOF or error seen: close once nothing is outstanding */
	int broken;       /* an error: queued bytes are dropped, not sent */
	int sending;      /* the head of the queue is being sent */
	int head, tail;   /* FIFO of buffer ids waiting to be sent back */
	int queued;       /* this fd is in the starved FIFO (kept across reuse: one entry per fd) */
};

static struct io_uring ring;
static struct io_uring_buf_ring *buf_ring;
static char *buf_base;
static unsigned nbufs = 4096, buf_size = 4096, buf_mask, pending_adds, bufs_out;
static int *buf_len, *buf_off, *buf_next;
static struct conn *conns;
static int max_fd, listen_fd, stop;
static int *starved, starved_first, nstarved; /* FIFO of connections whose recv ran out of buffers */
static uint64_t accepted, bytes_echoed, recv_cqes, send_cqes;

static void die(const char *what, int err)
{
	fprintf(stderr, "echo_server: %s: %s\n", what, strerror(err)), exit(2);
}

/* An SQE, submitting what is queued first if the SQ is full. */
static struct io_uring_sqe *sqe_for(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	int ret;

	if (!sqe && (ret = io_uring_submit(&ring)) < 0)
		die("io_uring_submit (SQ full)", -ret);
	if (!sqe && !(sqe = io_uring_get_sqe(&ring)))
		die("io_uring_get_sqe", EBUSY);
	return sqe;
}

static void arm_accept(void)
{
	struct io_uring_sqe *sqe = sqe_for();

	io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, tag(OP_ACCEPT, 0, listen_fd));
}

static void arm_recv(int fd)
{
	struct io_uring_sqe *sqe = sqe_for();

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, tag(OP_RECV, 0, fd));
	conns[fd].recv_armed = 1;
}

static void send_head(int fd)
{
	int bid = conns[fd].head;
	struct io_uring_sqe *sqe = sqe_for();

	/* MSG_WAITALL: the kernel retries a short send on a stream socket itself */
	io_uring_prep_send(sqe, fd, buf_base + (size_t)bid * buf_size + buf_off[bid],
			   buf_len[bid] - buf_off[bid], MSG_NOSIGNAL | MSG_WAITALL);
	io_uring_sqe_set_data64(sqe, tag(OP_SEND, (unsigned)bid, fd));
	conns[fd].sending = 1;
}

/* Gives a buffer back to the kernel; the tail moves once per CQE batch (flush_buffers). */
static void recycle(int bid)
{
	io_uring_buf_ring_add(buf_ring, buf_base + (size_t)bid * buf_size, buf_size, (unsigned short)bid,
			      buf_mask, pending_adds++);
	bufs_out--;
}

static void flush_buffers(void)
{
	if (pending_adds) {
		io_uring_buf_ring_advance(buf_ring, pending_adds);
		pending_adds = 0;
	}
}

static void maybe_close(int fd)
{
	struct conn *c = &conns[fd];

	if (c->open && c->finished && !c->recv_armed && !c->sending && (c->broken || c->head == NO_BUF)) {
		while (c->head != NO_BUF) {
			int next = buf_next[c->head];

			recycle(c->head);
			c->head = next;
		}
		close(fd);
		c->open = 0;
	}
}

static void on_accept(struct io_uring_cqe *cqe)
{
	int fd = cqe->res, one = 1;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		arm_accept();
	if (fd < 0 || fd >= max_fd) { /* the table covers the fd limit, capped at 1 Mi */
		fprintf(stderr, "echo_server: accept: %s\n", fd < 0 ? strerror(-fd) : "fd beyond the table");
		if (fd >= 0)
			close(fd);
		else if (fd != -EMFILE && fd != -ENFILE && fd != -ECONNABORTED && fd != -EINTR && fd != -ENOBUFS)
			die("accept", -fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	conns[fd] = (struct conn){ .open = 1, .head = NO_BUF, .tail = NO_BUF, .queued = conns[fd].queued };
	accepted++;
	arm_recv(fd);
}

static void on_recv(struct io_uring_cqe *cqe, int fd)
{
	struct conn *c = &conns[fd];

	recv_cqes++;
	if (!(cqe->flags & IORING_CQE_F_MORE))
		c->recv_armed = 0;
	if (cqe->res > 0) {
		int bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		if (!(cqe->flags & IORING_CQE_F_BUFFER))
			die("recv completed without a provided buffer", EPROTO);
		bufs_out++;
		buf_len[bid] = cqe->res;
		buf_off[bid] = 0;
		buf_next[bid] = NO_BUF;
		if (c->broken) {
			recycle(bid); /* the connection failed; nothing more goes back */
		} else {
			if (c->tail == NO_BUF)
				c->head = bid;
			else
				buf_next[c->tail] = bid;
			c->tail = bid;
			if (!c->sending)
				send_head(fd);
		}
		if (!c->recv_armed && !c->finished)
			arm_recv(fd); /* the kernel ended the multishot; keep reading */
	} else if (cqe->res == -ENOBUFS) {
		if (!c->recv_armed && !c->finished && !c->queued) {
			starved[(starved_first + nstarved++) % max_fd] = fd; /* re-armed as buffers come back */
			c->queued = 1;
		}
	} else {
		/* 0 is EOF; ECONNRESET and friends end the connection as well */
		if (cqe->res < 0 && cqe->res != -ECONNRESET && cqe->res != -ECANCELED)
			fprintf(stderr, "echo_server: recv on fd %d: %s\n", fd, strerror(-cqe->res));
		c->finished = 1;
		c->broken = cqe->res < 0;
	}
	maybe_close(fd);
}

static void on_send(struct io_uring_cqe *cqe, int fd, int bid)
{
	struct conn *c = &conns[fd];

	send_cqes++;
	c->sending = 0;
	if (cqe->res < 0) {
		if (cqe->res != -EPIPE && cqe->res != -ECONNRESET)
			fprintf(stderr, "echo_server: send on fd %d: %s\n", fd, strerror(-cqe->res));
		c->finished = 1;
		c->broken = 1;
		if (c->recv_armed)
			shutdown(fd, SHUT_RDWR); /* ends the multishot recv so the fd can be closed */
		maybe_close(fd);
		return;
	}
	bytes_echoed += cqe->res;
	buf_off[bid] += cqe->res;
	if (buf_off[bid] < buf_len[bid]) {
		send_head(fd); /* short send: the rest of the same buffer */
		return;
	}
	c->head = buf_next[bid];
	if (c->head == NO_BUF)
		c->tail = NO_BUF;
	recycle(bid);
	if (c->head != NO_BUF && !c->broken)
		send_head(fd); /* also after EOF: what arrived before it still goes back */
	maybe_close(fd);
}

static void rearm_starved(void)
{
	/* one connection per free buffer, oldest first: re-arming all would only fail again. Each
	 * re-armed recv completes, so this runs again until the FIFO is empty. */
	for (unsigned avail = nbufs - bufs_out; nstarved > 0 && avail > 0; nstarved--) {
		int fd = starved[starved_first];

		starved_first = (starved_first + 1) % max_fd;
		conns[fd].queued = 0;
		if (conns[fd].open && !conns[fd].recv_armed && !conns[fd].finished) {
			arm_recv(fd);
			avail--;
		}
	}
}

static void setup_buffer_ring(void)
{
	size_t ring_bytes = (size_t)nbufs * sizeof(struct io_uring_buf);
	struct io_uring_buf_reg reg = { 0 };
	int ret;

	/* liburing 2.3 has no io_uring_setup_buf_ring: map and register the ring by hand */
	buf_ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf_ring == MAP_FAILED)
		die("mmap buffer ring", errno);
	io_uring_buf_ring_init(buf_ring);
	reg.ring_addr = (uint64_t)(uintptr_t)buf_ring;
	reg.ring_entries = nbufs;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret < 0)
		die("io_uring_register_buf_ring", -ret);
	buf_base = aligned_alloc(4096, (size_t)nbufs * buf_size);
	buf_len = calloc(nbufs, sizeof(int));
	buf_off = calloc(nbufs, sizeof(int));
	buf_next = calloc(nbufs, sizeof(int));
	if (!buf_base || !buf_len || !buf_off || !buf_next)
		die("allocating buffers", ENOMEM);
	buf_mask = io_uring_buf_ring_mask(nbufs);
	bufs_out = nbufs;
	for (unsigned i = 0; i < nbufs; i++)
		recycle((int)i);
	flush_buffers();
}

static int open_listener(const char *address, int port, char *shown, size_t shown_len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *ai;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[64], serv[8];
	int fd, one = 1;

	snprintf(serv, sizeof(serv), "%d", port);
	if (getaddrinfo(address, serv, &hints, &ai) != 0) {
		fprintf(stderr, "echo_server: ADDRESS must be an IPv4 or IPv6 literal, given '%s'\n", address);
		exit(1);
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket", errno);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("bind", errno);
	freeaddrinfo(ai);
	if (listen(fd, 4096) < 0)
		die("listen", errno);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		die("getsockname", errno);
	snprintf(shown, shown_len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
	return fd;
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
		"usage: %s [--sq=N] [--cq=N] [--buffers=N] [--buf-size=B] [--max-seconds=S] PORT [ADDRESS]\n"
		"  io_uring TCP echo server on ADDRESS (default 127.0.0.1):PORT until SIGINT/SIGTERM;\n"
		"  prints one JSON line of totals on stdout when it stops.\n", prog);
}

/* Seconds on a clock: CLOCK_MONOTONIC for time, CLOCK_PROCESS_CPUTIME_ID for all threads' CPU. */
static double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "sq", required_argument, NULL, 's' },
		{ "cq", required_argument, NULL, 'c' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "buf-size", required_argument, NULL, 'z' },
		{ "max-seconds", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long sq = 4096, cq = 16384, val, port, max_seconds = 0;
	const char *address = "127.0.0.1";
	char shown[128];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		const char *bad = NULL;

		switch (opt) {
		case 's': if (parse_long(optarg, 1, 32768, &sq) < 0) bad = "--sq needs 1..32768"; break;
		case 'c': if (parse_long(optarg, 2, 65536, &cq) < 0) bad = "--cq needs 2..65536"; break;
		case 'b':
			if (parse_long(optarg, 1, 32768, &val) < 0 || (val & (val - 1)))
				bad = "--buffers needs a power of two in 1..32768";
			nbufs = (unsigned)val;
			break;
		case 'z':
			if (parse_long(optarg, 1, 1 << 20, &val) < 0)
				bad = "--buf-size needs 1..1048576 bytes";
			buf_size = (unsigned)val;
			break;
		case 'm': if (parse_long(optarg, 1, 86400 * 7, &max_seconds) < 0) bad = "--max-seconds needs 1..604800"; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 1;
		}
		if (bad)
			return fprintf(stderr, "echo_server: %s, given '%s'\n", bad, optarg), 1;
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage(argv[0]), 1;
	if (parse_long(argv[optind], 0, 65535, &port) < 0)
		return fprintf(stderr, "echo_server: PORT must be 0..65535, given '%s'\n", argv[optind]), 1;
	if (argc - optind == 2)
		address = argv[optind + 1];
	if (cq < sq)
		return fprintf(stderr, "echo_server: --cq (%ld) must be at least --sq (%ld)\n", cq, sq), 1;

	/* one fd per connection: take the whole hard limit */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		getrlimit(RLIMIT_NOFILE, &rl);
	max_fd = rl.rlim_cur > 1 << 20 ? 1 << 20 : (int)rl.rlim_cur;
	conns = calloc(max_fd, sizeof(*conns));
	starved = calloc(max_fd, sizeof(int));
	if (!conns || !starved)
		die("allocating the connection table", ENOMEM);

	signal(SIGPIPE, SIG_IGN);
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop_signals, NULL) < 0)
		die("sigprocmask", errno);
	int sfd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd", errno);

	listen_fd = open_listener(address, (int)port, shown, sizeof(shown));

	struct io_uring_params params = {
		.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
		.cq_entries = (unsigned)cq,
	};
	ret = io_uring_queue_init_params((unsigned)sq, &ring, &params);
	if (ret < 0)
		die("io_uring_queue_init_params(SINGLE_ISSUER|DEFER_TASKRUN|CQSIZE)", -ret);
	setup_buffer_ring();

	struct signalfd_siginfo siginfo;
	struct __kernel_timespec limit = { .tv_sec = max_seconds };
	struct io_uring_sqe *sqe = sqe_for();
	io_uring_prep_read(sqe, sfd, &siginfo, sizeof(siginfo), 0);
	io_uring_sqe_set_data64(sqe, tag(OP_SIGNAL, 0, sfd));
	if (max_seconds > 0) {
		sqe = sqe_for();
		io_uring_prep_timeout(sqe, &limit, 0, 0);
		io_uring_sqe_set_data64(sqe, tag(OP_STOP, 0, 0));
	}
	arm_accept();

	fprintf(stderr, "echo_server: listening on %s (sq %ld, cq %ld, %u buffers of %u bytes)\n",
		shown, sq, cq, nbufs, buf_size);
	double t0 = clock_s(CLOCK_MONOTONIC), cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

	while (!stop) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			die("io_uring_submit_and_wait", -ret);
		io_uring_for_each_cqe(&ring, head, cqe) {
			uint64_t ud = cqe->user_data;
			int fd = (int)(uint32_t)ud;

			switch ((enum op)(ud >> 56)) {
			case OP_ACCEPT: on_accept(cqe); break;
			case OP_RECV: on_recv(cqe, fd); break;
			case OP_SEND: on_send(cqe, fd, (int)((ud >> 32) & 0xffff)); break;
			case OP_SIGNAL: case OP_STOP:
				if (cqe->res < 0 && cqe->res != -ETIME)
					die("reading the signalfd", -cqe->res);
				fprintf(stderr, "echo_server: %s, stopping\n", ud >> 56 == OP_STOP ? "--max-seconds reached"
					: siginfo.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
				stop = 1;
				break;
			default: die("unexpected completion", EPROTO);
			}
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		flush_buffers();
		rearm_starved();
	}

	double seconds = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	uint64_t still_open = 0;
	io_uring_queue_exit(&ring); /* cancels what is outstanding before the fds go */
	for (int fd = 0; fd < max_fd; fd++)
		if (conns[fd].open && close(fd) == 0)
			still_open++;
	close(listen_fd);
	close(sfd);
	fprintf(stderr, "echo_server: %llu connections (%llu still open at stop), %llu bytes echoed in %.1f s, "
		"%.2f s CPU\n", (unsigned long long)accepted, (unsigned long long)still_open,
		(unsigned long long)bytes_echoed, seconds, cpu);
	printf("{\"connections\":%llu,\"bytes_echoed\":%llu,\"recv_cqes\":%llu,\"send_cqes\":%llu,"
	       "\"cpu_s\":%.3f,\"seconds\":%.3f}\n", (unsigned long long)accepted, (unsigned long long)bytes_echoed,
	       (unsigned long long)recv_cqes, (unsigned long long)send_cqes, cpu, seconds);
	fflush(stdout);
	return 0;
}
