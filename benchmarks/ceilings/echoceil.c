/*
 * echoceil: the most ICMP echo round trips per second this machine completes on loopback, with nothing in the way.
 * pathprobe's echo rate is judged as a ratio to this, measured in the same run.
 *
 *   echoceil MODE THREADS TOTAL WINDOW [WORK]
 *     MODE     dgram (unprivileged ping socket; needs net.ipv4.ping_group_range to admit the group) or raw (root)
 *     THREADS  threads, each with a socket of its own and TOTAL echoes (so THREADS * TOTAL in all)
 *     WINDOW   echoes in flight per thread, round-robin over 127.0.1.1-127.0.1.254 (all of 127/8 answers on lo)
 *     WORK     optional, comma-separated: the kernel work an accurate prober asks for beyond the bare echo, to tell
 *              what costs what. stamp: SO_TIMESTAMPNS, each reply's kernel receive time read from its control
 *              message; recverr: IP_RECVERR (ICMP errors about our echoes in the error queue; dgram); ttl:
 *              IP_RECVTTL, each reply's TTL as a control message (dgram); mmsg=N: sendmmsg/recvmmsg in batches of N
 *              with a 64-byte control buffer a message (else sendto/recv one by one); engine: all of them, as
 *              pathprobe's ping sockets ask (stamp,recverr,ttl,mmsg=64).
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
static int want_stamp, want_recverr, want_ttl, batch;
static long stamped; /* replies that carried a kernel time stamp, all threads */
#define CONTROL 64
#define MAX_BATCH 1024

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
    int on = 1;
    if ((want_stamp && setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) ||
        (want_recverr && !raw_mode && setsockopt(s, SOL_IP, IP_RECVERR, &on, sizeof on) < 0) ||
        (want_ttl && !raw_mode && setsockopt(s, SOL_IP, IP_RECVTTL, &on, sizeof on) < 0)) {
        perror("echoceil: setsockopt");
        exit(1);
    }
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
    int nb = batch > 0 ? batch : 1;
    int msghdrs = batch > 0 || want_stamp || want_ttl; /* recvmsg with control messages, not plain recv */
    uint8_t (*pkt)[sizeof(struct icmphdr) + PAYLOAD] = calloc(nb, sizeof *pkt);
    uint8_t (*in)[2048] = calloc(nb, sizeof *in);
    uint8_t (*ctl)[CONTROL] = calloc(nb, sizeof *ctl);
    struct sockaddr_in *to = calloc(nb, sizeof *to), *from = calloc(nb, sizeof *from);
    struct iovec *oiov = calloc(nb, sizeof *oiov), *iiov = calloc(nb, sizeof *iiov);
    struct mmsghdr *out = calloc(nb, sizeof *out), *msgs = calloc(nb, sizeof *msgs);
    long inflight = 0, my_stamped = 0;
    double last = now();
    while (w->matched < total && now() - last < 1.0) {
        for (;;) { /* fill the window, a batch (or one echo) at a time */
            int k = 0;
            while (k < nb && inflight + k < window && w->sent + k < total) {
                uint16_t seq = (uint16_t)(w->sent + k);
                if (outstanding[seq]) break; /* sequence space wrapped onto a lost echo: wait for the timeout */
                struct icmphdr *h = (struct icmphdr *)pkt[k];
                memset(pkt[k], 0, sizeof pkt[k]);
                h->type = ICMP_ECHO;
                h->un.echo.id = htons(id);
                h->un.echo.sequence = htons(seq);
                h->checksum = checksum(pkt[k], sizeof pkt[k]);
                to[k] = (struct sockaddr_in){ .sin_family = AF_INET };
                to[k].sin_addr.s_addr = htonl(0x7f000100u | (uint32_t)(1 + (w->sent + k) % 254));
                k++;
            }
            if (k == 0) break;
            int r;
            if (batch > 0) {
                for (int i = 0; i < k; i++) {
                    oiov[i] = (struct iovec){ pkt[i], sizeof pkt[i] };
                    out[i].msg_hdr = (struct msghdr){ .msg_name = &to[i], .msg_namelen = sizeof to[i],
                                                      .msg_iov = &oiov[i], .msg_iovlen = 1 };
                }
                r = sendmmsg(s, out, k, 0);
            } else {
                r = sendto(s, pkt[0], sizeof pkt[0], 0, (struct sockaddr *)&to[0], sizeof to[0]) < 0 ? -1 : 1;
            }
            if (r < 0) {
                if (errno == EAGAIN || errno == ENOBUFS) break;
                perror("echoceil: send");
                exit(1);
            }
            for (int i = 0; i < r; i++) outstanding[(uint16_t)(w->sent + i)] = 1;
            w->sent += r;
            inflight += r;
            if (r < k) break;
        }
        struct pollfd p = { s, POLLIN, 0 };
        poll(&p, 1, 10);
        for (;;) {
            int n;
            if (msghdrs) {
                for (int i = 0; i < nb; i++) {
                    iiov[i] = (struct iovec){ in[i], sizeof in[i] };
                    msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof from[i],
                                                       .msg_iov = &iiov[i], .msg_iovlen = 1,
                                                       .msg_control = ctl[i], .msg_controllen = CONTROL };
                }
                if (batch > 0) {
                    n = recvmmsg(s, msgs, nb, 0, NULL);
                } else {
                    ssize_t m = recvmsg(s, &msgs[0].msg_hdr, 0);
                    msgs[0].msg_len = m < 0 ? 0 : (unsigned)m;
                    n = m < 0 ? -1 : 1;
                }
            } else {
                ssize_t m = recv(s, in[0], sizeof in[0], 0);
                msgs[0].msg_len = m < 0 ? 0 : (unsigned)m;
                n = m < 0 ? -1 : 1;
            }
            if (n <= 0) break;
            for (int i = 0; i < n; i++) {
                ssize_t len = msgs[i].msg_len;
                if (msghdrs) {
                    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) my_stamped++;
                    }
                }
                int off = raw_mode ? (in[i][0] & 0x0f) * 4 : 0;
                if (len < off + (ssize_t)sizeof(struct icmphdr)) continue;
                struct icmphdr *h = (struct icmphdr *)(in[i] + off);
                if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.id) != id) continue;
                uint16_t seq = ntohs(h->un.echo.sequence);
                if (!outstanding[seq]) continue; /* a duplicate */
                outstanding[seq] = 0;
                w->matched++;
                inflight--;
                last = now();
            }
            if (n < nb) break;
        }
    }
    __atomic_add_fetch(&stamped, my_stamped, __ATOMIC_RELAXED);
    free(pkt); free(in); free(ctl); free(to); free(from); free(oiov); free(iiov); free(out); free(msgs);
    close(s);
    free(outstanding);
    return NULL;
}

int main(int argc, char **argv) {
    if ((argc != 5 && argc != 6) || (strcmp(argv[1], "raw") && strcmp(argv[1], "dgram"))) {
        fprintf(stderr, "usage: echoceil raw|dgram THREADS TOTAL_PER_THREAD WINDOW [stamp,recverr,ttl,mmsg=N|engine]\n");
        return 2;
    }
    if (argc == 6) {
        char *work = strdup(argv[5]);
        for (char *t = strtok(work, ","); t; t = strtok(NULL, ",")) {
            if (!strcmp(t, "stamp")) want_stamp = 1;
            else if (!strcmp(t, "recverr")) want_recverr = 1;
            else if (!strcmp(t, "ttl")) want_ttl = 1;
            else if (!strncmp(t, "mmsg=", 5) && atoi(t + 5) >= 1 && atoi(t + 5) <= MAX_BATCH) batch = atoi(t + 5);
            else if (!strcmp(t, "engine")) want_stamp = want_recverr = want_ttl = 1, batch = 64;
            else {
                fprintf(stderr, "echoceil: unknown WORK item '%s': use stamp, recverr, ttl, mmsg=1-%d or engine\n", t,
                        MAX_BATCH);
                return 2;
            }
        }
        free(work);
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
    if (argc == 6) {
        printf("echoceil work %s: stamp=%d recverr=%d ttl=%d batch=%d, %ld replies time-stamped\n", argv[5], want_stamp,
               want_recverr, want_ttl, batch, stamped);
    }
    printf("echoceil %s threads=%d sent=%ld matched=%ld lost=%ld in %.2fs: %.0f/s\n", argv[1], threads, sent, matched,
           sent - matched, t, matched / t);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("echoceil cpu per echo: user %.2f us, kernel %.2f us (wall %.2f us on %d threads)\n", user * 1e6 / matched,
           sys * 1e6 / matched, t * 1e6 * threads / matched, threads);
    return matched == sent ? 0 : 1;
}
