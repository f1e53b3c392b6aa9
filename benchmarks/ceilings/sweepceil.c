/*
 * sweepceil: the fastest TCP connect sweep of one host's ports that a C program does here, with nothing in the way.
 * A port sweep by pathprobe (or nmap -sT) is judged against this plus the time its own start takes.
 *
 *   sweepceil ADDR THREADS [FIRST LAST [TIMEOUT_MS]]
 *
 * Sweeps ports FIRST-LAST (default 1-65535) of the IPv4 address ADDR with non-blocking connect(), THREADS threads
 * (each its own epoll set and an interleaved share of the ports: thread t takes FIRST+t, FIRST+t+THREADS, ...),
 * at most 4096 connects in flight per thread. A port is open (handshake done), closed (ECONNREFUSED), filtered (no
 * answer within TIMEOUT_MS, default 2000 as
 * pathprobe's --timeout, or an ICMP error) or an error (a local failure). What a closed port costs: two connect()
 * calls on a socket the previous closed port left unconnected, where the answer came during connect() (on
 * loopback the kernel runs the peer's RST inside the call and the socket takes it as the call returns; the second
 * call reports it and dissolves the association); an open one adds SO_LINGER, a getsockname and close; one with
 * no answer yet goes into the epoll set. A connect
 * that meets itself (its ephemeral source port is the probed port, simultaneous open with nothing listening) is
 * tried once more on another socket, as pathprobe does; nmap reports those closed too.
 *
 * Prints one line:
 *   sweepceil ADDR threads=T ports=N open=O closed=C filtered=F errors=E wall=S user=U sys=K
 * with the sweep's wall time and the process's user and kernel CPU (getrusage, every thread), all in seconds.
 * Exit status 0 when every port ended open, closed or filtered, 1 when some had a local error, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 4096
#define BATCH 256

enum { OPEN, CLOSED, FILTERED, ERROR, STATES };

struct sweep {
    struct in_addr addr;
    int first, last, step, timeout_ms;
    long count[STATES];
};

struct pending {
    int fd, port, again;
    double deadline;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double seconds(struct timeval t) {
    return t.tv_sec + t.tv_usec / 1e6;
}

static int met_itself(int fd, int port) {
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    return getsockname(fd, (struct sockaddr *)&local, &len) == 0 && ntohs(local.sin_port) == port;
}

/* An ended connect's state by its errno (0: connected). */
static int state_of(int err) {
    if (err == 0) return OPEN;
    if (err == ECONNREFUSED) return CLOSED;
    if (err == EHOSTUNREACH || err == ENETUNREACH || err == ETIMEDOUT || err == EACCES || err == EPERM)
        return FILTERED;
    return ERROR;
}

/*
 * Starts port's connect on *spare (a socket a refused connect left unconnected) or a new socket: returns its state
 * when it ended inside connect() (or a self-connect's retry did), -1 when it is under way (then it is in the epoll
 * set and *fd holds its socket). A refused socket becomes *spare.
 */
static int start(const struct sweep *s, int ep, int port, int again, int *fd, int *spare) {
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = s->addr };
    int f = *spare;
    *spare = -1;
    if (f < 0 && (f = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) return ERROR;
    int err = connect(f, (struct sockaddr *)&to, sizeof to) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
        /* connect() holds the socket's lock, so an answer that came during the call is taken as it returns; a
           second connect() says how it went: 0 connected, EALREADY under way, or the error, after which the
           socket is unconnected and takes the next port's connect (no socket() and close() a closed port). */
        err = connect(f, (struct sockaddr *)&to, sizeof to) == 0 ? 0 : errno;
        if (err == EISCONN) err = 0;
    }
    if (err == EALREADY) {
        struct epoll_event e = { .events = EPOLLOUT, .data.fd = f };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, f, &e) < 0) {
            close(f);
            return ERROR;
        }
        *fd = f;
        return -1;
    }
    if (err == ECONNREFUSED) {
        *spare = f;
        return CLOSED;
    }
    if (err == 0) {
        if (!again && met_itself(f, port)) {
            close(f);
            return start(s, ep, port, 1, fd, spare);
        }
        struct linger l = { 1, 0 }; /* a RST, not a FIN: no TIME_WAIT left for a listener's port */
        setsockopt(f, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(f);
    return state_of(err);
}

static void *run(void *arg) {
    struct sweep *s = arg;
    int ep = epoll_create1(0);
    if (ep < 0) {
        perror("sweepceil: epoll_create1");
        exit(1);
    }
    /* Connects in flight by descriptor (a descriptor is in at most one of them). */
    int cap = 65536;
    struct pending *byfd = malloc(cap * sizeof *byfd);
    for (int fd = 0; fd < cap; fd++) byfd[fd].fd = -1;
    struct epoll_event events[BATCH];
    int next = s->first, inflight = 0, spare = -1;
    double timeout = s->timeout_ms / 1e3, sweep_at = now() + timeout;
    while (next <= s->last || inflight > 0) {
        while (inflight < WINDOW && next <= s->last) {
            int fd, st = start(s, ep, next, 0, &fd, &spare);
            if (st >= 0) {
                s->count[st]++;
            } else if (fd >= cap) {
                s->count[ERROR]++; /* cannot happen below 65536 descriptors */
                close(fd);
            } else {
                byfd[fd] = (struct pending){ fd, next, 0, now() + timeout };
                inflight++;
            }
            next += s->step;
        }
        int n = inflight == 0 ? 0 : epoll_wait(ep, events, BATCH, 10);
        for (int i = 0; i < n; i++) {
            struct pending *p = &byfd[events[i].data.fd];
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len);
            int fd = p->fd, port = p->port, again = p->again;
            p->fd = -1;
            inflight--;
            if (err == 0 && !again && met_itself(fd, port)) {
                close(fd);
                int f, st = start(s, ep, port, 1, &f, &spare);
                if (st >= 0) {
                    s->count[st]++;
                } else {
                    byfd[f] = (struct pending){ f, port, 1, now() + timeout };
                    inflight++;
                }
                continue;
            }
            close(fd); /* also takes it out of the epoll set */
            s->count[state_of(err)]++;
        }
        double t = now();
        if (t >= sweep_at && inflight > 0) { /* rare on loopback: a scan of the table every 10 ms at most */
            for (int fd = 0; fd < cap; fd++) {
                if (byfd[fd].fd == fd && byfd[fd].deadline <= t) {
                    close(fd);
                    byfd[fd].fd = -1;
                    inflight--;
                    s->count[FILTERED]++;
                }
            }
            sweep_at = t + 0.01;
        }
    }
    if (spare >= 0) close(spare);
    close(ep);
    free(byfd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 5 && argc != 6) {
        fprintf(stderr, "usage: sweepceil ADDR THREADS [FIRST LAST [TIMEOUT_MS]]\n");
        return 2;
    }
    struct in_addr addr;
    int threads = atoi(argv[2]);
    int first = argc > 3 ? atoi(argv[3]) : 1, last = argc > 4 ? atoi(argv[4]) : 65535;
    int timeout_ms = argc > 5 ? atoi(argv[5]) : 2000;
    if (inet_pton(AF_INET, argv[1], &addr) != 1 || threads < 1 || threads > 64 || first < 1 || last > 65535
            || first > last || timeout_ms < 1) {
        fprintf(stderr, "sweepceil: ADDR must be an IPv4 address, THREADS 1-64, 1 <= FIRST <= LAST <= 65535, "
                "TIMEOUT_MS at least 1\n");
        return 2;
    }
    struct rlimit nofile = { 65536 + 64, 65536 + 64 };
    setrlimit(RLIMIT_NOFILE, &nofile); /* best effort: WINDOW per thread is what it needs */
    struct sweep s[64];
    pthread_t tid[64];
    double t0 = now();
    for (int t = 0; t < threads; t++) {
        s[t] = (struct sweep){ .addr = addr, .first = first + t, .last = last, .step = threads,
                               .timeout_ms = timeout_ms };
        if (pthread_create(&tid[t], NULL, run, &s[t]) != 0) {
            perror("sweepceil: pthread_create");
            return 1;
        }
    }
    long count[STATES] = { 0 };
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        for (int k = 0; k < STATES; k++) count[k] += s[t].count[k];
    }
    double wall = now() - t0;
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("sweepceil %s threads=%d ports=%d open=%ld closed=%ld filtered=%ld errors=%ld wall=%.3f user=%.3f "
           "sys=%.3f\n", argv[1], threads, last - first + 1, count[OPEN], count[CLOSED], count[FILTERED],
           count[ERROR], wall, seconds(u.ru_utime), seconds(u.ru_stime));
    return count[ERROR] == 0 ? 0 : 1;
}
