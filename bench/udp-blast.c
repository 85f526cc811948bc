/*
 * udp-blast: the overload sender (bench/overload.mjs and its test). Sends
 * distinct-tuple TCP SYNs in VXLAN (the same datagrams as bench/syn-flood.mjs:
 * VXLAN header, inner Ethernet, IPv4 10.a.b.c:port -> 192.168.0.1:443) to
 * HOST:PORT as fast as sendmmsg(2) goes, 256 datagrams per call, for SECONDS.
 * Node's dgram.send tops out near 40 k/s here, far below what lo and vxmon
 * take, so the burst comes from C. Prints {"sent":N,"errors":E} where
 * `sent` counts only datagrams the kernel accepted.
 *
 *   cc -O2 -o udp-blast bench/udp-blast.c
 *   ./udp-blast HOST PORT SECONDS [FIRST] [VNI]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define LEN (8 + 14 + 20 + 20)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* Same layout as writeVxlanTemplate() in bench/syn-flood.mjs. */
static void template_syn(uint8_t *b, uint32_t vni) {
  static const uint8_t eth[14] = {0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x20, 0x08, 0x00};
  static const uint8_t ip[20] = {0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 0, 192, 168, 0, 1};
  memset(b, 0, LEN);
  b[0] = 0x08; /* I flag */
  b[4] = vni >> 16;
  b[5] = vni >> 8;
  b[6] = vni;
  memcpy(b + 8, eth, 14);
  memcpy(b + 22, ip, 20);
  uint8_t *tcp = b + 42;
  tcp[2] = 443 >> 8;
  tcp[3] = 443 & 0xff;
  tcp[7] = 1;      /* sequence number 1 */
  tcp[12] = 5 << 4; /* data offset */
  tcp[13] = 0x02;   /* SYN */
  tcp[14] = 64240 >> 8;
  tcp[15] = 64240 & 0xff;
}

static void set_tuple(uint8_t *b, uint64_t i) {
  uint8_t *ip = b + 22;
  ip[13] = i >> 16;
  ip[14] = i >> 8;
  ip[15] = i;
  uint16_t port = 1024 + (uint16_t)((i >> 24) % 64512);
  ip[20] = port >> 8;
  ip[21] = port;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: udp-blast HOST PORT SECONDS [FIRST] [VNI]\n");
    return 2;
  }
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "udp-blast: bad IPv4 address %s\n", argv[1]);
    return 2;
  }
  double seconds = atof(argv[3]);
  uint64_t i = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
  uint32_t vni = argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 0) : 4012345;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("udp-blast: socket");
    return 1;
  }
  static uint8_t bufs[BATCH][LEN];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  for (int k = 0; k < BATCH; k++) {
    template_syn(bufs[k], vni);
    iov[k].iov_base = bufs[k];
    iov[k].iov_len = LEN;
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    msgs[k].msg_hdr.msg_name = &to;
    msgs[k].msg_hdr.msg_namelen = sizeof to;
  }
  uint64_t sent = 0, errors = 0;
  double end = now() + seconds;
  while (now() < end) {
    for (int k = 0; k < BATCH; k++) set_tuple(bufs[k], i + k);
    int n = sendmmsg(fd, msgs, BATCH, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      errors++;
      if (errno == ENOBUFS || errno == EAGAIN) continue;
      perror("udp-blast: sendmmsg");
      break;
    }
    /* the tuples of unsent datagrams are reused by the next call */
    sent += n;
    i += n;
  }
  printf("{\"sent\":%llu,\"errors\":%llu,\"next\":%llu}\n", (unsigned long long)sent, (unsigned long long)errors, (unsigned long long)i);
  return 0;
}
