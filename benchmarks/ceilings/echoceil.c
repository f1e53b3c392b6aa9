/*
 * echoceil: the most ICMP echo round trips per second this machine completes on loopback, with nothing in the way.
 * pathprobe's echo rate is judged as a ratio to this, measured in the same run.
 *
 *   echoceil MODE THREADS TOTAL WINDOW
 *     MODE     dgram (unprivileged ping socket; needs net.ipv4.ping_group_range to admit the group) or raw (root)
 *     THREADS  threads, each with a socket of its own and TOTAL echoes (so THREADS * TOTAL in all)
 *     WINDOW   echoes in flight per thread, round-robin over 127.0.1.1-127.0.1.254 (all of 127/8 answers on lo)
 *
 * Prints "echoceil MODE threads=T sent=N matched=M in S s: R/s", then the CPU time per echo in user space and in the
 * kernel (getrusage, all threads), to set beside pathprobe's (IcmpRate prints the same line). A reply counts once, matched on the socket (ping
 * sockets: the kernel hands each socket the replies to its identifier) or the identifier (raw sockets: each
 * thread its own, with a classic BPF filter so that a thread's socket takes only its own replies, as iputils
 * does), then on the sequence number. A thread stops after 1 s without a reply: what is missing is reported as lost.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 56
#define MAX_THREADS 64

static int raw_mode;
static long total;
static int window;

struct worker {
    pthread_t thread;
    int index;
    long sent;
    long matched;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint16_t checksum(const void *data, int len) {
    const uint16_t *p = data;
    uint32_t sum = 0;
    for (; len > 1; len -= 2) sum += *p++;
    if (len) sum += *(const uint8_t *)p;
    sum = (sum >> 16) + (sum & 0xffff);
    sum += sum >> 16;
    return (uint16_t)~sum;
}

/* Raw sockets see every ICMP message of the host: keep only echo replies carrying this thread's identifier. */
static void attach_filter(int s, uint16_t id) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),            /* X = IP header length */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),             /* A = ICMP type */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 0, 3),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),             /* A = identifier */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { sizeof code / sizeof code[0], code };
    if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
        perror("echoceil: SO_ATTACH_FILTER");
        exit(1);
    }
}

static void *run(void *arg) {
    struct worker *w = arg;
    int s = socket(AF_INET, (raw_mode ? SOCK_RAW : SOCK_DGRAM) | SOCK_NONBLOCK, IPPROTO_ICMP);
    if (s < 0) {
        perror(raw_mode ? "echoceil: raw ICMP socket (run as root)"
                        : "echoceil: ping socket (set net.ipv4.ping_group_range to admit this group)");
        exit(1);
    }
    int buf = 8 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    uint16_t id = (uint16_t)(getpid() * 31 + w->index * 7919);
    if (raw_mode) {
        attach_filter(s, id);
    } else {
        struct sockaddr_in local = { .sin_family = AF_INET };
        socklen_t len = sizeof local;
        if (bind(s, (struct sockaddr *)&local, sizeof local) < 0 ||
            getsockname(s, (struct sockaddr *)&local, &len) < 0) {
            perror("echoceil: bind");
            exit(1);
        }
        id = ntohs(local.sin_port); /* the kernel writes this identifier itself */
    }
    uint8_t *outstanding = calloc(65536, 1);
    uint8_t pkt[sizeof(struct icmphdr) + PAYLOAD];
    uint8_t in[2048];
    long inflight = 0;
    double last = now();
    while (w->matched < total && now() - last < 1.0) {
        while (inflight < window && w->sent < total) {
            uint16_t seq = (uint16_t)w->sent;
            if (outstanding[seq]) break; /* sequence space wrapped onto a lost echo: wait for the timeout */
            struct icmphdr *h = (struct icmphdr *)pkt;
            memset(pkt, 0, sizeof pkt);
            h->type = ICMP_ECHO;
            h->un.echo.id = htons(id);
            h->un.echo.sequence = htons(seq);
            h->checksum = checksum(pkt, sizeof pkt);
            struct sockaddr_in to = { .sin_family = AF_INET };
            to.sin_addr.s_addr = htonl(0x7f000100u | (uint32_t)(1 + w->sent % 254));
            if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to) < 0) {
                if (errno == EAGAIN || errno == ENOBUFS) break;
                perror("echoceil: sendto");
                exit(1);
            }
            outstanding[seq] = 1;
            w->sent++;
            inflight++;
        }
        struct pollfd p = { s, POLLIN, 0 };
        poll(&p, 1, 10);
        for (;;) {
            ssize_t n = recv(s, in, sizeof in, 0);
            if (n < 0) break;
            int off = 0;
            if (raw_mode) {
                off = (in[0] & 0x0f) * 4;
            }
            if (n < off + (ssize_t)sizeof(struct icmphdr)) continue;
            struct icmphdr *h = (struct icmphdr *)(in + off);
            if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.id) != id) continue;
            uint16_t seq = ntohs(h->un.echo.sequence);
            if (!outstanding[seq]) continue; /* a duplicate */
            outstanding[seq] = 0;
            w->matched++;
            inflight--;
            last = now();
        }
    }
    close(s);
    free(outstanding);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "raw") && strcmp(argv[1], "dgram"))) {
        fprintf(stderr, "usage: echoceil raw|dgram THREADS TOTAL_PER_THREAD WINDOW\n");
        return 2;
    }
    raw_mode = strcmp(argv[1], "raw") == 0;
    int threads = atoi(argv[2]);
    total = atol(argv[3]);
    window = atoi(argv[4]);
    if (threads < 1 || threads > MAX_THREADS || total < 1 || window < 1 || window > 32768) {
        fprintf(stderr, "echoceil: THREADS must be 1-%d, TOTAL at least 1, WINDOW 1-32768\n", MAX_THREADS);
        return 2;
    }
    struct worker w[MAX_THREADS];
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        w[i] = (struct worker){ .index = i };
        pthread_create(&w[i].thread, NULL, run, &w[i]);
    }
    long sent = 0, matched = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(w[i].thread, NULL);
        sent += w[i].sent;
        matched += w[i].matched;
    }
    double t = now() - t0;
    printf("echoceil %s threads=%d sent=%ld matched=%ld lost=%ld in %.2fs: %.0f/s\n", argv[1], threads, sent, matched,
           sent - matched, t, matched / t);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("echoceil cpu per echo: user %.2f us, kernel %.2f us (wall %.2f us on %d threads)\n", user * 1e6 / matched,
           sys * 1e6 / matched, t * 1e6 * threads / matched, threads);
    return matched == sent ? 0 : 1;
}
