/*
 * C reference loops for the bench's figures (h) and (i): the machine's own
 * calibration for the issues' throughput targets, which were set beside
 * C loops ("C 7-9 M/s" for reading plus VNI counts, "a C loop with a simple
 * hash table does 3.4-6 M/s" for sessions). Run here in the same minutes as
 * (b) and (d), they say how fast this machine is at that moment.
 *
 *   c-reference vni FILE        read(2) in 512 KiB chunks, walk the classic
 *                               pcap records, count frames per VNI (24 bits
 *                               at byte 46 of an untagged AWS mirror frame)
 *   c-reference sessions FILE   the same, and per frame look the VNI and the
 *                               canonical inner IPv4 5-tuple up in an
 *                               open-addressing table of 2^21 slots (room for
 *                               vxmon's default 1,000,000 sessions at half
 *                               load), counting packets and bytes per direction
 *
 * Like bench/plain-loop.mjs it validates nothing: fixed offsets, no checks
 * of EtherType, IP version, header lengths or tunnel flags. It is a floor
 * for the work, not something to ship. Prints one JSON line: frames,
 * seconds (the loop only, after the table is allocated), and per-VNI frame
 * counts (vni) or the number of table entries (sessions).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (512 * 1024)
#define MAX_RECORD (16 + 262144)
#define VNI_AT (14 + 20 + 8 + 4)
#define INNER_IP_AT (14 + 20 + 8 + 8 + 14)
#define VNI_SLOTS 4096
#define FLOW_SLOTS (1u << 21)

typedef struct {
  uint32_t vni, lo, hi, ports; /* ports: the lower address's port in the high half */
  uint8_t proto, used;
  uint64_t packets[2], bytes[2];
} flow_t;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t rd32(const unsigned char *p, int swap) {
  uint32_t v;
  memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "vni") != 0 && strcmp(argv[1], "sessions") != 0)) {
    fprintf(stderr, "usage: c-reference vni|sessions FILE\n");
    return 2;
  }
  int sessions = strcmp(argv[1], "sessions") == 0;
  int fd = open(argv[2], O_RDONLY);
  if (fd < 0) {
    perror(argv[2]);
    return 1;
  }
  unsigned char *buf = malloc(CHUNK + MAX_RECORD);
  int32_t *vniKeys = malloc(VNI_SLOTS * sizeof *vniKeys);
  uint64_t *vniCounts = calloc(VNI_SLOTS, sizeof *vniCounts);
  flow_t *flows = sessions ? calloc(FLOW_SLOTS, sizeof *flows) : NULL;
  if (!buf || !vniKeys || !vniCounts || (sessions && !flows)) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  memset(vniKeys, 0xff, VNI_SLOTS * sizeof *vniKeys);
  /* Touch the table once, so the timed loop does not pay the first-touch page faults calloc deferred. */
  if (sessions) memset(flows, 0, FLOW_SLOTS * sizeof *flows);

  double t0 = now();
  size_t have = 0, pos = 0;
  int swap = -1;
  uint64_t frames = 0, entries = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, CHUNK);
    if (n < 0) {
      perror("read");
      return 1;
    }
    if (n == 0) break;
    have += (size_t)n;
    if (swap < 0) {
      if (have < 24) continue;
      uint32_t magic = be32(buf);
      if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) swap = 1; /* written big-endian: swap on x86 */
      else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) swap = 0;
      else {
        fprintf(stderr, "%s: not a classic pcap file\n", argv[2]);
        return 1;
      }
      pos = 24;
    }
    while (have - pos >= 16) {
      uint32_t cap = rd32(buf + pos + 8, swap);
      if (cap > 262144) {
        fprintf(stderr, "%s: bad record length %u\n", argv[2], cap);
        return 1;
      }
      if (have - pos < 16 + (size_t)cap) break;
      const unsigned char *f = buf + pos + 16;
      frames++;
      if (cap >= VNI_AT + 3) {
        uint32_t vni = be32(f + VNI_AT - 1) & 0xffffff;
        uint32_t slot = (vni * 0x9e3779b1u) >> 20;
        for (;;) {
          if (vniKeys[slot] == (int32_t)vni) {
            vniCounts[slot]++;
            break;
          }
          if (vniKeys[slot] == -1) {
            vniKeys[slot] = (int32_t)vni;
            vniCounts[slot] = 1;
            break;
          }
          slot = (slot + 1) & (VNI_SLOTS - 1);
        }
        if (sessions && cap >= INNER_IP_AT + 24) {
          const unsigned char *ip = f + INNER_IP_AT;
          uint32_t src = be32(ip + 12), dst = be32(ip + 16), ports = be32(ip + 20);
          uint32_t sp = ports >> 16, dp = ports & 0xffff;
          int dir = src > dst || (src == dst && sp > dp);
          uint32_t lo = dir ? dst : src, hi = dir ? src : dst;
          uint32_t key = dir ? (dp << 16) | sp : (sp << 16) | dp;
          uint8_t proto = ip[9];
          uint32_t h = vni * 0x9e3779b1u;
          h ^= lo * 0x85ebca6bu;
          h = (h << 13) | (h >> 19);
          h ^= hi * 0xc2b2ae35u;
          h = (h << 13) | (h >> 19);
          h ^= key * 0x27d4eb2fu ^ proto;
          h ^= h >> 15;
          h *= 0x2c1b3c6du;
          h ^= h >> 12;
          for (uint32_t i = h & (FLOW_SLOTS - 1);; i = (i + 1) & (FLOW_SLOTS - 1)) {
            flow_t *e = &flows[i];
            if (!e->used) {
              e->used = 1, e->vni = vni, e->lo = lo, e->hi = hi, e->ports = key, e->proto = proto;
              entries++;
            } else if (e->vni != vni || e->lo != lo || e->hi != hi || e->ports != key || e->proto != proto) {
              continue;
            }
            e->packets[dir]++;
            e->bytes[dir] += rd32(buf + pos + 12, swap);
            break;
          }
        }
      }
      pos += 16 + cap;
    }
    memmove(buf, buf + pos, have - pos);
    have -= pos;
    pos = 0;
  }
  double seconds = now() - t0;
  printf("{\"mode\":\"%s\",\"frames\":%llu,\"seconds\":%.6f", argv[1], (unsigned long long)frames, seconds);
  if (sessions) printf(",\"entries\":%llu", (unsigned long long)entries);
  printf(",\"byVni\":{");
  int first = 1;
  for (int i = 0; i < VNI_SLOTS; i++) {
    if (vniKeys[i] == -1) continue;
    printf("%s\"%d\":%llu", first ? "" : ",", vniKeys[i], (unsigned long long)vniCounts[i]);
    first = 0;
  }
  printf("}}\n");
  return 0;
}
