/*
 * coap-load: a small CoAP provisioning load generator for scripts/bench-coap.sh.
 *
 * Opens CLIENTS UDP sockets on loopback, each with one confirmable POST /api/v1/provision in flight, and runs
 * until DURATION seconds or MAX requests, whichever comes first. Mode "new" names a fresh device in every
 * request; mode "resend" first provisions POOL devices (untimed), then re-sends requests for them.
 * Prints: mode, requests, ok (2.01), other codes, timeouts (retransmitted), seconds, requests/s, p50/p99 ms.
 *
 *   cc -O2 -o coap-load coap-load.c
 *   coap-load HOST PORT MODE KEY SECRET PREFIX CLIENTS DURATION MAX [POOL]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RETRANSMIT_NS 2000000000LL

typedef struct {
    int fd;
    uint16_t mid;
    uint32_t token;
    long long sent_at;    /* first send of the current request */
    long long resent_at;  /* last (re)send */
    int len;
    unsigned char buf[1152];
} client_t;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Writes CON POST /api/v1/provision with a JSON body into c->buf. */
static void build(client_t *c, const char *key, const char *secret, const char *name) {
    unsigned char *p = c->buf;
    c->mid++;
    c->token++;
    *p++ = 0x44; /* ver 1, CON, TKL 4 */
    *p++ = 0x02; /* POST */
    *p++ = c->mid >> 8;
    *p++ = c->mid & 0xFF;
    memcpy(p, &c->token, 4);
    p += 4;
    *p++ = 0xB3; memcpy(p, "api", 3); p += 3;        /* Uri-Path (11) */
    *p++ = 0x02; memcpy(p, "v1", 2); p += 2;
    *p++ = 0x09; memcpy(p, "provision", 9); p += 9;
    *p++ = 0xFF;
    int room = (int)(sizeof(c->buf) - (p - c->buf));
    int n = snprintf((char *)p, room,
                     "{\"deviceName\":\"%s\",\"provisionDeviceKey\":\"%s\",\"provisionDeviceSecret\":\"%s\"}",
                     name, key, secret);
    c->len = (int)(p - c->buf) + n;
}

int main(int argc, char **argv) {
    if (argc < 10) {
        fprintf(stderr, "usage: %s HOST PORT MODE(new|resend) KEY SECRET PREFIX CLIENTS DURATION MAX [POOL]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int resend = strcmp(argv[3], "resend") == 0;
    const char *key = argv[4], *secret = argv[5], *prefix = argv[6];
    int clients = atoi(argv[7]);
    double duration = atof(argv[8]);
    long max = atol(argv[9]);
    long pool = argc > 10 ? atol(argv[10]) : 1000;
    if (clients < 1 || max < 1 || pool < 1) return 2;

    struct sockaddr_in server = {0};
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &server.sin_addr);

    client_t *cs = calloc(clients, sizeof(client_t));
    struct pollfd *pfds = calloc(clients, sizeof(struct pollfd));
    long long *lat = malloc(sizeof(long long) * max);
    for (int i = 0; i < clients; i++) {
        cs[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (cs[i].fd < 0 || connect(cs[i].fd, (struct sockaddr *)&server, sizeof server) != 0) {
            perror("socket");
            return 1;
        }
        cs[i].mid = (uint16_t)(rand() & 0xFFFF);
        cs[i].token = (uint32_t)i << 20;
        pfds[i].fd = cs[i].fd;
        pfds[i].events = POLLIN;
    }

    char name[128];
    long issued = 0, done = 0, ok = 0, other = 0, timeouts = 0;
    int warming = resend;
    long warm_issued = 0, warm_done = 0;
    long long start = now_ns(), deadline = start + (long long)(duration * 1e9);

    /* Starts the next request on client i; returns 0 when nothing is left to send. */
    #define NEXT(i) do { \
        if (warming) { \
            if (warm_issued >= pool) { cs[i].len = 0; break; } \
            snprintf(name, sizeof name, "%s-%ld", prefix, warm_issued++); \
        } else { \
            if (issued >= max || now_ns() >= deadline) { cs[i].len = 0; break; } \
            if (resend) snprintf(name, sizeof name, "%s-%ld", prefix, issued % pool); \
            else snprintf(name, sizeof name, "%s-%d-%ld", prefix, i, issued); \
            issued++; \
        } \
        build(&cs[i], key, secret, name); \
        cs[i].sent_at = cs[i].resent_at = now_ns(); \
        send(cs[i].fd, cs[i].buf, cs[i].len, 0); \
    } while (0)

    for (int i = 0; i < clients; i++) NEXT(i);
    for (;;) {
        int active = 0;
        for (int i = 0; i < clients; i++) active += cs[i].len > 0;
        if (!active) {
            if (warming) {
                warming = 0;
                start = now_ns();
                deadline = start + (long long)(duration * 1e9);
                for (int i = 0; i < clients; i++) NEXT(i);
                continue;
            }
            break;
        }
        int ready = poll(pfds, clients, 100);
        long long t = now_ns();
        if (ready > 0) {
            for (int i = 0; i < clients; i++) {
                if (!(pfds[i].revents & POLLIN)) continue;
                unsigned char in[2048];
                ssize_t n = recv(cs[i].fd, in, sizeof in, 0);
                if (n < 4 || cs[i].len == 0) continue;
                uint16_t mid = (uint16_t)(in[2] << 8 | in[3]);
                if (mid != cs[i].mid) continue; /* a late duplicate */
                if (warming) {
                    warm_done++;
                } else {
                    if (done < max) lat[done] = t - cs[i].sent_at;
                    done++;
                    if (in[1] == 0x41) ok++; else other++;
                }
                NEXT(i);
            }
        }
        for (int i = 0; i < clients; i++) {
            if (cs[i].len > 0 && t - cs[i].resent_at > RETRANSMIT_NS) {
                send(cs[i].fd, cs[i].buf, cs[i].len, 0); /* same Message ID: answered from the server's cache */
                cs[i].resent_at = t;
                timeouts++;
            }
        }
        if (t > deadline + 10000000000LL) break; /* never wait more than 10 s past the deadline */
    }
    double secs = (now_ns() - start) / 1e9;
    long n = done < max ? done : max;
    qsort(lat, n, sizeof(long long), cmp_ll);
    double p50 = n ? lat[n / 2] / 1e6 : 0, p99 = n ? lat[(long)(n * 0.99) < n ? (long)(n * 0.99) : n - 1] / 1e6 : 0;
    printf("%-7s requests=%ld ok=%ld other=%ld retransmissions=%ld seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
           resend ? "resend" : "new", done, ok, other, timeouts, secs, secs > 0 ? done / secs : 0, p50, p99);
    return 0;
}
