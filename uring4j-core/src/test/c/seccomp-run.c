/*
 * seccomp-run: runs a command under a seccomp filter that makes chosen system calls fail with
 * a chosen errno, and allows every other call. The fault-injection tests of uring4j start a JVM
 * through it to see what uring4j reports when io_uring_setup, io_uring_enter or
 * io_uring_register is blocked, as Docker's default profile or a hardened systemd unit does.
 *
 *   seccomp-run SYSCALL ERRNO [SYSCALL ERRNO ...] -- COMMAND [ARG ...]
 *
 * SYSCALL is io_uring_setup, io_uring_enter, io_uring_register or a number; ERRNO is EPERM,
 * ENOSYS, EACCES, ENOMEM or a number. The filter is inherited across execve and by every thread
 * the command starts. Exit status 125 when the filter cannot be installed (the message says
 * why), 127 when the command cannot be run.
 *
 * The tests compile it with gcc at test time (no library beyond libc and the kernel headers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#if defined(__x86_64__)
#define THIS_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp-run knows the audit architecture of x86_64 and aarch64 only"
#endif

/* The io_uring calls have the same numbers on every architecture (the unified table, 5.1). */
struct name_value { const char *name; int value; };
static const struct name_value SYSCALLS[] = {
    {"io_uring_setup", 425}, {"io_uring_enter", 426}, {"io_uring_register", 427}, {NULL, 0}};
static const struct name_value ERRNOS[] = {
    {"EPERM", EPERM}, {"ENOSYS", ENOSYS}, {"EACCES", EACCES}, {"ENOMEM", ENOMEM}, {"EINVAL", EINVAL}, {NULL, 0}};

#define MAX_RULES 8

static int lookup(const struct name_value *table, const char *text, const char *what) {
    for (int i = 0; table[i].name != NULL; i++) {
        if (strcmp(table[i].name, text) == 0) return table[i].value;
    }
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > 4095) {
        fprintf(stderr, "seccomp-run: unknown %s '%s'\n", what, text);
        exit(2);
    }
    return (int) v;
}

static void usage(void) {
    fprintf(stderr, "usage: seccomp-run SYSCALL ERRNO [SYSCALL ERRNO ...] -- COMMAND [ARG ...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int nr[MAX_RULES], err[MAX_RULES], rules = 0, i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
        if (i + 1 >= argc || rules == MAX_RULES) usage();
        nr[rules] = lookup(SYSCALLS, argv[i], "system call");
        err[rules] = lookup(ERRNOS, argv[i + 1], "errno");
        rules++;
    }
    if (rules == 0 || i >= argc - 1) usage();
    char **command = argv + i + 1;

    /* Check the architecture (a foreign ABI would reuse the numbers), then per rule: number ==
     * nr ? ERRNO(err) : next rule; finally ALLOW. */
    struct sock_filter program[4 + 2 * MAX_RULES + 1];
    int n = 0;
    program[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_ARCH, 1, 0);
    program[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    program[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (int r = 0; r < rules; r++) {
        program[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) nr[r], 0, 1);
        program[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err[r] & SECCOMP_RET_DATA));
    }
    program[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short) n, .filter = program};

    /* Without privileges a filter needs no_new_privs; it also keeps setuid programs from
     * running unfiltered with more rights. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fprintf(stderr, "seccomp-run: prctl(PR_SET_NO_NEW_PRIVS): %s\n", strerror(errno));
        return 125;
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        fprintf(stderr, "seccomp-run: prctl(PR_SET_SECCOMP): %s\n", strerror(errno));
        return 125;
    }
    execvp(command[0], command);
    fprintf(stderr, "seccomp-run: cannot run %s: %s\n", command[0], strerror(errno));
    return 127;
}
