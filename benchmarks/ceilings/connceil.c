/*
 * connceil: the most TCP connects per second one thread completes on loopback, with nothing in the way.
 * pathprobe's TCP connect rate is judged as a ratio to this, measured in the same run.
 *
 *   connceil PORT TOTAL WINDOW
 *
 * A child process listens on 127.0.0.1:PORT and accepts and closes as fast as it can; the parent, one epoll
 * thread, keeps WINDOW non-blocking connects in flight and closes each as soon as it is established (SO_LINGER 0,
 * so no TIME_WAIT piles up). Prints "connceil connected=N failed=F in S s: R/s". The child is killed at the end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void accept_loop(int listener) {
    for (;;) {
        int c = accept4(listener, NULL, NULL, 0);
        if (c >= 0) close(c);
        else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE && errno != ENFILE) _exit(1);
    }
}

static int start_connect(int ep, const struct sockaddr_in *to) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0) return -1;
    struct linger l = { 1, 0 };
    setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    if (connect(s, (const struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) {
        close(s);
        return -1;
    }
    struct epoll_event e = { .events = EPOLLOUT, .data.fd = s };
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: connceil PORT TOTAL WINDOW\n");
        return 2;
    }
    int port = atoi(argv[1]);
    long total = atol(argv[2]);
    int window = atoi(argv[3]);
    if (port < 1 || port > 65535 || total < 1 || window < 1) {
        fprintf(stderr, "connceil: PORT must be 1-65535, TOTAL and WINDOW at least 1\n");
        return 2;
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listener < 0 || bind(listener, (struct sockaddr *)&to, sizeof to) < 0 || listen(listener, 65535) < 0) {
        perror("connceil: listen on 127.0.0.1:PORT");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) accept_loop(listener);
    close(listener);

    int ep = epoll_create1(0);
    struct epoll_event events[256];
    long started = 0, connected = 0, failed = 0, inflight = 0;
    double t0 = now(), last = t0;
    while (connected + failed < total && now() - last < 2.0) {
        while (inflight < window && started < total) {
            if (start_connect(ep, &to) < 0) {
                failed++;
            } else {
                inflight++;
            }
            started++;
        }
        int n = epoll_wait(ep, events, 256, 10);
        for (int i = 0; i < n; i++) {
            int s = events[i].data.fd;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0 && !(events[i].events & (EPOLLERR | EPOLLHUP))) connected++;
            else failed++;
            close(s); /* also takes it out of the epoll set */
            inflight--;
            last = now();
        }
    }
    double t = now() - t0;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    printf("connceil connected=%ld failed=%ld in %.2fs: %.0f/s\n", connected, failed, t, connected / t);
    return failed == 0 && connected == total ? 0 : 1;
}
