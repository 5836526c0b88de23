/*
 * mqtt-load: a small MQTT 3.1.1 load generator for scripts/bench-mqtt.sh.
 *
 * One thread, one epoll set, CLIENTS non-blocking TCP connections on loopback. Runs until DURATION seconds or MAX
 * operations, whichever comes first. Modes (an operation is one cycle, or one message for telemetry):
 *   provision-new     TCP connect, CONNECT (client id and user name "provision", clean session), CONNACK, PUBLISH
 *                     QoS 1 on /provision/request with {"deviceName","provisionDeviceKey","provisionDeviceSecret"},
 *                     PUBACK and PUBLISH on /provision/response with "status":"SUCCESS" (anything else is an error),
 *                     DISCONNECT, wait for the server to close. A fresh device name in every cycle.
 *                     Latency: TCP connect to the response.
 *   provision-resend  The same, for POOL names provisioned first (untimed), then cycled; their access tokens
 *                     ("credentialsValue") are written to TOKENS_OUT, one a line, when given.
 *   connect           TCP connect, CONNECT (user name USER, or the tokens of @FILE in turn; password PASSWORD unless
 *                     "-"), CONNACK with return code 0, DISCONNECT, wait for the server to close.
 *                     Latency: TCP connect to CONNACK.
 *   telemetry         CLIENTS connections authenticated as in "connect" (untimed), each keeping WINDOW (default 16,
 *                     at most 64) PUBLISH QoS 1 {"temperature":N} on v1/devices/me/telemetry in flight; counts
 *                     PUBACKs. Latency: PUBLISH to PUBACK. A connection the server drops is counted and reopened.
 * Errors are counted, never fatal: connect (refused or no connection in 2 s), refused (CONNACK code != 0), failed
 * (provisioning status other than SUCCESS), protocol (unexpected or malformed packet), closed (the server closed
 * early), timeouts (a cycle unfinished after 5 s). Prints one line: mode, operations, ok, errors (operations not ok),
 * the errors by kind (for telemetry: connection-level events, the messages they lost in lost_messages), seconds,
 * rate (ok operations/s), p50/p99 ms.
 *
 *   cc -O2 -o mqtt-load mqtt-load.c
 *   mqtt-load HOST PORT provision-new    CLIENTS DURATION MAX KEY SECRET PREFIX
 *   mqtt-load HOST PORT provision-resend CLIENTS DURATION MAX KEY SECRET PREFIX POOL [TOKENS_OUT]
 *   mqtt-load HOST PORT connect          CLIENTS DURATION MAX USER|@FILE [PASSWORD|-]
 *   mqtt-load HOST PORT telemetry        CLIENTS DURATION MAX USER|@FILE [PASSWORD|-] [WINDOW]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_NS 2000000000LL
#define CYCLE_TIMEOUT_NS 5000000000LL
#define RBUF 4096
#define OBUF 8192
#define WMAX 128 /* send-time slots by packet id; WINDOW <= WMAX / 2 keeps in-flight ids on distinct slots */
#define KEEP_ALIVE 60

enum mode { PROVISION_NEW, PROVISION_RESEND, CONNECT, TELEMETRY };
enum state { IDLE, CONNECTING, AWAIT_CONNACK, AWAIT_PROVISION, PUBLISHING, CLOSING };
enum outcome { OK, E_CONNECT, E_REFUSED, E_FAILED, E_PROTOCOL, E_CLOSED, E_TIMEOUT, OUTCOMES };
static const char *outcome_names[OUTCOMES] = {"ok", "connect", "refused", "failed", "protocol", "closed", "timeouts"};

typedef struct {
    int fd;
    uint32_t gen;            /* bumped on every close: stale epoll events are ignored */
    enum state state;
    enum outcome pending;    /* the cycle's outcome once the server has closed after DISCONNECT */
    int warm;                /* this cycle belongs to the untimed warm-up */
    long long started, deadline, latency;
    long name;               /* device name index (resend pool) */
    long user;               /* index into users */
    int got_puback, got_response;
    uint16_t pid;
    int inflight;
    long long sent_at[WMAX];
    int rlen, olen, ooff;
    unsigned char rbuf[RBUF], obuf[OBUF];
} conn_t;

static enum mode mode;
static struct sockaddr_in server;
static int ep, clients, window = 16;
static conn_t *cs;
static const char *key, *secret, *prefix, *password;
static char **users;
static long nusers, pool;
static char **tokens;
static double duration;
static long max_ops;

static int warming;              /* 1: untimed phase (resend pool, telemetry connections) */
static long warm_issued, warm_ok, warm_errors;
static long issued, done, counts[OUTCOMES], lost;
static long long start, deadline, end_at;
static long long *lat;
static long nlat;
static int active;               /* connections open (state != IDLE) */
static int stopping;             /* timed phase over: no new operations */

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void record_latency(long long ns) {
    if (nlat < max_ops) lat[nlat++] = ns;
}

/* ---- encoding ---- */

static int put_rl(unsigned char *p, int rl) {
    int n = 0;
    do {
        unsigned char b = rl % 128;
        rl /= 128;
        if (rl > 0) b |= 128;
        p[n++] = b;
    } while (rl > 0);
    return n;
}

static int put_str(unsigned char *p, const char *s, int n) {
    p[0] = (unsigned char)(n >> 8);
    p[1] = (unsigned char)(n & 0xFF);
    memcpy(p + 2, s, n);
    return n + 2;
}

/* Decodes a fixed header: 1 = complete header (*rl, *hlen), 0 = need more bytes, -1 = malformed. */
static int decode_header(const unsigned char *p, int avail, int *rl, int *hlen) {
    int value = 0, mult = 1;
    for (int k = 0; k < 4; k++) {
        if (1 + k >= avail) return 0;
        unsigned char b = p[1 + k];
        value += (b & 127) * mult;
        mult *= 128;
        if (!(b & 128)) {
            *rl = value;
            *hlen = 2 + k;
            return 1;
        }
    }
    return -1;
}

/* ---- connection plumbing ---- */

static void close_conn(conn_t *c) {
    if (c->fd >= 0) close(c->fd); /* also leaves the epoll set */
    c->fd = -1;
    c->gen++;
    c->rlen = c->olen = c->ooff = 0;
    c->inflight = 0;
    if (c->state != IDLE) active--;
    c->state = IDLE;
}

/* Writes what is queued; returns -1 when the connection broke. */
static int flush(conn_t *c) {
    while (c->ooff < c->olen) {
        ssize_t n = send(c->fd, c->obuf + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL);
        if (n > 0) {
            c->ooff += (int)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0; /* the next EPOLLOUT edge continues */
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    c->olen = c->ooff = 0;
    return 0;
}

/* Room for n more bytes in the output buffer (compacting it), or NULL. */
static unsigned char *reserve(conn_t *c, int n) {
    if (c->ooff > 0 && c->olen + n > OBUF) {
        memmove(c->obuf, c->obuf + c->ooff, c->olen - c->ooff);
        c->olen -= c->ooff;
        c->ooff = 0;
    }
    return c->olen + n <= OBUF ? c->obuf + c->olen : NULL;
}

static void queue_connect(conn_t *c, const char *client_id, const char *user, const char *pass) {
    int idn = (int)strlen(client_id), un = user ? (int)strlen(user) : 0, pn = pass ? (int)strlen(pass) : 0;
    int rl = 10 + 2 + idn + (user ? 2 + un : 0) + (pass ? 2 + pn : 0);
    unsigned char *p = reserve(c, rl + 5), *s = p;
    if (!p) return;
    *p++ = 0x10;
    p += put_rl(p, rl);
    p += put_str(p, "MQTT", 4);
    *p++ = 4; /* 3.1.1 */
    *p++ = 0x02 | (user ? 0x80 : 0) | (pass ? 0x40 : 0); /* clean session */
    *p++ = KEEP_ALIVE >> 8;
    *p++ = KEEP_ALIVE & 0xFF;
    p += put_str(p, client_id, idn);
    if (user) p += put_str(p, user, un);
    if (pass) p += put_str(p, pass, pn);
    c->olen += (int)(p - s);
}

static void queue_publish(conn_t *c, const char *topic, uint16_t pid, const char *payload, int n) {
    int tn = (int)strlen(topic), rl = 2 + tn + 2 + n;
    unsigned char *p = reserve(c, rl + 5), *s = p;
    if (!p) return;
    *p++ = 0x32; /* PUBLISH QoS 1 */
    p += put_rl(p, rl);
    p += put_str(p, topic, tn);
    *p++ = pid >> 8;
    *p++ = pid & 0xFF;
    memcpy(p, payload, n);
    p += n;
    c->olen += (int)(p - s);
}

static void queue_puback(conn_t *c, uint16_t pid) {
    unsigned char *p = reserve(c, 4);
    if (!p) return;
    p[0] = 0x40; p[1] = 2; p[2] = pid >> 8; p[3] = pid & 0xFF;
    c->olen += 4;
}

static void queue_disconnect(conn_t *c) {
    unsigned char *p = reserve(c, 2);
    if (!p) return;
    p[0] = 0xE0; p[1] = 0;
    c->olen += 2;
}

static uint16_t next_pid(conn_t *c) {
    c->pid = c->pid == 0xFFFF ? 1 : c->pid + 1;
    return c->pid;
}

/* ---- operations ---- */

static void start_cycle(int i);

/* Whether the timed phase may start another operation (and counts it). */
static int take_op(void) {
    if (stopping) return 0;
    if (issued >= max_ops || now_ns() >= deadline) {
        stopping = 1;
        return 0;
    }
    issued++;
    return 1;
}

/* A provisioning or connect cycle ended (or a telemetry connection failed): count it and go on. */
static void finish(int i, enum outcome o) {
    conn_t *c = &cs[i];
    long long t = now_ns();
    if (mode == TELEMETRY) {
        int was_warm = c->warm;
        if (o != OK) {
            if (was_warm) warm_errors++;
            else { counts[o]++; lost += c->inflight; done += c->inflight; }
        }
        close_conn(c);
        if (o != OK && !was_warm && !stopping) start_cycle(i); /* reopen a dropped connection */
        return;
    }
    if (c->warm) {
        if (o == OK) warm_ok++; else warm_errors++;
    } else {
        done++;
        counts[o]++;
        if (o == OK) record_latency(c->latency);
        end_at = t;
    }
    close_conn(c);
    start_cycle(i);
}

static void start_cycle(int i) {
    conn_t *c = &cs[i];
    if (mode == TELEMETRY) {
        if (warming) { if (warm_issued >= clients) return; warm_issued++; c->warm = 1; }
        else { if (stopping) return; c->warm = 0; }
        c->user = i % nusers;
    } else if (warming) {
        if (warm_issued >= pool) return;
        c->name = warm_issued++;
        c->warm = 1;
    } else {
        if (!take_op()) return;
        c->warm = 0;
        if (mode == PROVISION_RESEND) c->name = (issued - 1) % pool;
        else if (mode == PROVISION_NEW) c->name = issued - 1;
        else c->user = (issued - 1) % nusers;
    }
    c->started = now_ns();
    c->deadline = c->started + CONNECT_TIMEOUT_NS;
    c->got_puback = c->got_response = 0;
    c->pending = OK;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->state = CONNECTING;
    active++;
    if (c->fd < 0) { finish(i, E_CONNECT); return; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.u64 = (uint64_t)c->gen << 32 | (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) { finish(i, E_CONNECT); return; }
    if (connect(c->fd, (struct sockaddr *)&server, sizeof server) != 0 && errno != EINPROGRESS) {
        finish(i, E_CONNECT);
        return;
    }
    char id[32];
    if (mode == PROVISION_NEW || mode == PROVISION_RESEND) {
        queue_connect(c, "provision", "provision", NULL);
    } else {
        snprintf(id, sizeof id, "mqtt-load-%d", i);
        queue_connect(c, id, users[c->user], password);
    }
}

/* Queues telemetry PUBLISHes up to the window. */
static void fill_window(conn_t *c) {
    char payload[48];
    while (c->inflight < window && take_op()) {
        uint16_t pid = next_pid(c);
        int n = snprintf(payload, sizeof payload, "{\"temperature\":%ld}", issued % 100);
        c->sent_at[pid % WMAX] = now_ns();
        queue_publish(c, "v1/devices/me/telemetry", pid, payload, n);
        c->inflight++;
    }
    if (c->inflight == 0 && stopping) {
        queue_disconnect(c);
        c->state = CLOSING;
        c->deadline = now_ns() + CYCLE_TIMEOUT_NS;
    }
}

static void connected(int i) {
    conn_t *c = &cs[i];
    long long t = now_ns();
    switch (mode) {
    case PROVISION_NEW:
    case PROVISION_RESEND: {
        char body[512], name[160];
        snprintf(name, sizeof name, "%s-%ld", prefix, c->name);
        int n = snprintf(body, sizeof body,
                         "{\"deviceName\":\"%s\",\"provisionDeviceKey\":\"%s\",\"provisionDeviceSecret\":\"%s\"}",
                         name, key, secret);
        queue_publish(c, "/provision/request", next_pid(c), body, n);
        c->state = AWAIT_PROVISION;
        break;
    }
    case CONNECT:
        c->latency = t - c->started;
        queue_disconnect(c);
        c->state = CLOSING;
        break;
    case TELEMETRY:
        c->state = PUBLISHING;
        c->deadline = 0;
        if (c->warm) return; /* the timed phase fills the windows */
        fill_window(c);
        break;
    }
}

/* The provisioning answer: records the token during the resend warm-up. */
static void provision_response(conn_t *c, const unsigned char *payload, int n) {
    char text[1024];
    if (n >= (int)sizeof text) n = sizeof text - 1;
    memcpy(text, payload, n);
    text[n] = 0;
    c->got_response = 1;
    if (!strstr(text, "\"status\":\"SUCCESS\"")) {
        c->pending = E_FAILED;
        return;
    }
    if (c->warm && tokens && c->name < pool) {
        const char *v = strstr(text, "\"credentialsValue\":\"");
        if (v) {
            v += 20;
            const char *e = strchr(v, '"');
            if (e && e - v < 200) tokens[c->name] = strndup(v, e - v);
        }
    }
}

/* Handles one packet; returns an outcome to end the connection with, or -1 to go on. */
static int packet(int i, const unsigned char *p, int hlen, int rl) {
    conn_t *c = &cs[i];
    const unsigned char *b = p + hlen;
    int type = p[0] >> 4;
    long long t = now_ns();
    switch (type) {
    case 2: /* CONNACK */
        if (c->state != AWAIT_CONNACK || rl != 2) return E_PROTOCOL;
        if (b[1] != 0) return E_REFUSED;
        connected(i);
        return -1;
    case 4: { /* PUBACK */
        if (rl < 2) return E_PROTOCOL;
        uint16_t pid = (uint16_t)(b[0] << 8 | b[1]);
        if (c->state == AWAIT_PROVISION) {
            if (pid != c->pid) return E_PROTOCOL;
            c->got_puback = 1;
        } else if (c->state == PUBLISHING || c->state == CLOSING) {
            if (mode != TELEMETRY || c->inflight <= 0) return E_PROTOCOL;
            c->inflight--;
            done++;
            counts[OK]++;
            record_latency(t - c->sent_at[pid % WMAX]);
            end_at = t;
            fill_window(c);
            return -1;
        } else {
            return E_PROTOCOL;
        }
        break;
    }
    case 3: { /* PUBLISH */
        int qos = (p[0] >> 1) & 3;
        if (rl < 2) return E_PROTOCOL;
        int tn = b[0] << 8 | b[1];
        int off = 2 + tn + (qos ? 2 : 0);
        if (qos == 3 || off > rl) return E_PROTOCOL;
        if (qos == 1) queue_puback(c, (uint16_t)(b[2 + tn] << 8 | b[3 + tn]));
        if (c->state == AWAIT_PROVISION && tn == 19 && memcmp(b + 2, "/provision/response", 19) == 0) {
            provision_response(c, b + off, rl - off);
        } else if (mode != TELEMETRY) {
            return E_PROTOCOL;
        }
        break;
    }
    case 13: /* PINGRESP */
        return -1;
    default:
        return E_PROTOCOL;
    }
    if (c->state == AWAIT_PROVISION && c->got_puback && c->got_response) {
        c->latency = t - c->started;
        queue_disconnect(c);
        c->state = CLOSING;
    }
    return -1;
}

static void readable(int i) {
    conn_t *c = &cs[i];
    for (;;) {
        if (c->rlen == RBUF) { finish(i, E_PROTOCOL); return; }
        ssize_t n = recv(c->fd, c->rbuf + c->rlen, RBUF - c->rlen, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            /* the server closed: the normal end after DISCONNECT, an error otherwise */
            finish(i, c->state == CLOSING ? c->pending : E_CLOSED);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        c->rlen += (int)n;
        int off = 0;
        for (;;) {
            int rl, hlen, r = decode_header(c->rbuf + off, c->rlen - off, &rl, &hlen);
            if (r < 0) { finish(i, E_PROTOCOL); return; }
            if (r == 0 || c->rlen - off < hlen + rl) {
                if (r == 1 && hlen + rl > RBUF) { finish(i, E_PROTOCOL); return; }
                break;
            }
            uint32_t gen = c->gen;
            int o = packet(i, c->rbuf + off, hlen, rl);
            if (o >= 0) { finish(i, (enum outcome)o); return; }
            if (c->gen != gen) return;
            off += hlen + rl;
        }
        if (off > 0) {
            memmove(c->rbuf, c->rbuf + off, c->rlen - off);
            c->rlen -= off;
        }
    }
    if (c->olen > c->ooff && flush(c) < 0) finish(i, c->state == CLOSING ? c->pending : E_CLOSED);
}

static void event(int i, uint32_t events) {
    conn_t *c = &cs[i];
    if (c->state == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            finish(i, E_CONNECT);
            return;
        }
        c->state = AWAIT_CONNACK;
        c->deadline = c->started + CYCLE_TIMEOUT_NS;
        if (flush(c) < 0) { finish(i, E_CLOSED); return; }
    }
    uint32_t gen = c->gen;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        readable(i);
        if (c->gen != gen) return;
    }
    if ((events & EPOLLOUT) && c->olen > c->ooff && flush(c) < 0) finish(i, E_CLOSED);
}

static void load_users(const char *arg) {
    if (arg[0] != '@') {
        users = malloc(sizeof(char *));
        users[0] = strdup(arg);
        nusers = 1;
        return;
    }
    FILE *f = fopen(arg + 1, "r");
    if (!f) { perror(arg + 1); exit(2); }
    char line[512];
    long cap = 1024;
    users = malloc(cap * sizeof(char *));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        if (nusers == cap) users = realloc(users, (cap *= 2) * sizeof(char *));
        users[nusers++] = strdup(line);
    }
    fclose(f);
    if (nusers == 0) { fprintf(stderr, "%s: no user names\n", arg + 1); exit(2); }
}

static int usage(const char *argv0) {
    fprintf(stderr,
            "usage: %s HOST PORT provision-new    CLIENTS DURATION MAX KEY SECRET PREFIX\n"
            "       %s HOST PORT provision-resend CLIENTS DURATION MAX KEY SECRET PREFIX POOL [TOKENS_OUT]\n"
            "       %s HOST PORT connect          CLIENTS DURATION MAX USER|@FILE [PASSWORD|-]\n"
            "       %s HOST PORT telemetry        CLIENTS DURATION MAX USER|@FILE [PASSWORD|-] [WINDOW]\n",
            argv0, argv0, argv0, argv0);
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 8) return usage(argv[0]);
    const char *m = argv[3], *tokens_out = NULL;
    clients = atoi(argv[4]);
    duration = atof(argv[5]);
    max_ops = atol(argv[6]);
    if (!strcmp(m, "provision-new") || !strcmp(m, "provision-resend")) {
        mode = !strcmp(m, "provision-new") ? PROVISION_NEW : PROVISION_RESEND;
        if (argc < 10 || (mode == PROVISION_RESEND && argc < 11)) return usage(argv[0]);
        key = argv[7]; secret = argv[8]; prefix = argv[9];
        if (mode == PROVISION_RESEND) {
            pool = atol(argv[10]);
            if (pool < 1) return usage(argv[0]);
            if (argc > 11) tokens_out = argv[11];
            tokens = calloc(pool, sizeof(char *));
        }
    } else if (!strcmp(m, "connect") || !strcmp(m, "telemetry")) {
        mode = !strcmp(m, "connect") ? CONNECT : TELEMETRY;
        load_users(argv[7]);
        password = argc > 8 && strcmp(argv[8], "-") != 0 ? argv[8] : NULL;
        if (mode == TELEMETRY && argc > 9) window = atoi(argv[9]);
        if (window < 1 || window > WMAX / 2) { fprintf(stderr, "WINDOW must be 1..%d\n", WMAX / 2); return 2; }
    } else {
        return usage(argv[0]);
    }
    if (clients < 1 || max_ops < 1) return usage(argv[0]);

    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", argv[1]); return 2; }
    ep = epoll_create1(EPOLL_CLOEXEC);
    cs = calloc(clients, sizeof(conn_t));
    lat = malloc(sizeof(long long) * max_ops);
    if (ep < 0 || !cs || !lat) { perror("setup"); return 1; }
    for (int i = 0; i < clients; i++) cs[i].fd = -1;

    warming = mode == PROVISION_RESEND || mode == TELEMETRY;
    start = now_ns();
    deadline = start + (long long)(duration * 1e9);
    long long hard_stop = 0, last_scan = 0;
    for (int i = 0; i < clients; i++) start_cycle(i);

    struct epoll_event evs[256];
    for (;;) {
        if (warming) {
            int settled = 0;
            if (mode == TELEMETRY) {
                settled = 1; /* every connection is either publishing-ready or gone */
                for (int i = 0; i < clients; i++)
                    if (cs[i].state != IDLE && cs[i].state != PUBLISHING) settled = 0;
                if (warm_issued < clients) settled = 0;
            } else {
                settled = active == 0;
            }
            if (settled) {
                warming = 0;
                if (mode == PROVISION_RESEND) {
                    if (warm_errors) fprintf(stderr, "provision-resend: %ld of %ld pool devices failed to provision\n", warm_errors, pool);
                    if (tokens_out) {
                        FILE *f = fopen(tokens_out, "w");
                        if (!f) { perror(tokens_out); return 1; }
                        for (long k = 0; k < pool; k++) if (tokens[k]) fprintf(f, "%s\n", tokens[k]);
                        fclose(f);
                    }
                } else if (warm_errors) {
                    fprintf(stderr, "telemetry: %ld of %d connections failed\n", warm_errors, clients);
                }
                start = end_at = now_ns();
                deadline = start + (long long)(duration * 1e9);
                for (int i = 0; i < clients; i++) {
                    if (mode == TELEMETRY) {
                        if (cs[i].state == PUBLISHING) { cs[i].warm = 0; fill_window(&cs[i]); if (flush(&cs[i]) < 0) finish(i, E_CLOSED); }
                    } else {
                        start_cycle(i);
                    }
                }
                continue;
            }
        } else if (active == 0) {
            break;
        }
        int n = epoll_wait(ep, evs, 256, 20);
        for (int k = 0; k < n; k++) {
            int i = (int)(evs[k].data.u64 & 0xFFFFFFFF);
            uint32_t gen = (uint32_t)(evs[k].data.u64 >> 32);
            if (i < 0 || i >= clients || cs[i].gen != gen || cs[i].fd < 0) continue;
            event(i, evs[k].events);
        }
        long long t = now_ns();
        if (!warming && !stopping && (t >= deadline || issued >= max_ops)) {
            stopping = 1;
            /* telemetry: idle connections with nothing in flight disconnect now */
            if (mode == TELEMETRY)
                for (int i = 0; i < clients; i++)
                    if (cs[i].state == PUBLISHING && cs[i].inflight == 0) { fill_window(&cs[i]); if (flush(&cs[i]) < 0) finish(i, E_CLOSED); }
        }
        if (t - last_scan >= 20000000LL) {
            last_scan = t;
            for (int i = 0; i < clients; i++) {
                conn_t *c = &cs[i];
                if (c->state == IDLE || c->deadline == 0 || t < c->deadline) continue;
                if (mode == TELEMETRY && c->state == CLOSING && !c->warm) { close_conn(c); continue; } /* slow close after the run */
                finish(i, c->state == CONNECTING ? E_CONNECT : E_TIMEOUT);
            }
            /* telemetry in flight that never gets acknowledged */
            if (mode == TELEMETRY && stopping) {
                if (!hard_stop) hard_stop = t + CYCLE_TIMEOUT_NS;
                if (t >= hard_stop) {
                    for (int i = 0; i < clients; i++)
                        if (cs[i].state != IDLE) { counts[E_TIMEOUT]++; lost += cs[i].inflight; done += cs[i].inflight; close_conn(&cs[i]); }
                }
            }
        }
    }
    if (end_at < start) end_at = start;
    double secs = (end_at - start) / 1e9;
    qsort(lat, nlat, sizeof(long long), cmp_ll);
    double p50 = nlat ? lat[nlat / 2] / 1e6 : 0, p99 = nlat ? lat[(long)(nlat * 0.99) < nlat ? (long)(nlat * 0.99) : nlat - 1] / 1e6 : 0;
    printf("%-16s ops=%ld ok=%ld errors=%ld", m, done, counts[OK], done - counts[OK]);
    for (int o = 1; o < OUTCOMES; o++) printf(" %s=%ld", outcome_names[o], counts[o]);
    if (mode == TELEMETRY) printf(" lost_messages=%ld window=%d", lost, window);
    printf(" seconds=%.2f rate=%.0f p50_ms=%.2f p99_ms=%.2f\n", secs, secs > 0 ? counts[OK] / secs : 0, p50, p99);
    return 0;
}
