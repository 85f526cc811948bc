# vxmon container image: the daemon with live capture (libpcap through `cap`).
#
# Build (Docker, with access to a registry):
#   docker build -t vxmon .
# Build from local base images instead (no registry; deploy/container/build-with-podman.sh makes them
# with debootstrap and `podman import`):
#   podman build --format docker --build-arg NODE_BASE=localhost/vxmon-base:node20 \
#                --build-arg BASE=localhost/vxmon-base:bookworm -t vxmon .
#   (--format docker keeps the HEALTHCHECK; the OCI image format has no field for it.)
# The build needs a Debian mirror (apt) and the npm registry (npm ci), nothing else: node-gyp uses
# the headers of the base image's Node instead of downloading them.
#
# Run on the mirror target:
#   docker run -d --name vxmon --network host --cap-add=NET_RAW \
#     -v /etc/vxmon/vxmon.yml:/etc/vxmon/vxmon.yml:ro vxmon
#   or with flags instead of a config file (they replace CMD):
#   podman run -d --network host --cap-add=NET_RAW vxmon --interface ens5
# - --network host: the mirrored VXLAN arrives on the host's NIC, and Prometheus scrapes :14789 there.
# - --cap-add=NET_RAW: node carries the file capability cap_net_raw+ep (below). The kernel refuses to
#   exec a binary whose file capabilities cannot all be granted, so without NET_RAW in the container's
#   bounding set node does not start at all. Docker's default set includes NET_RAW; Podman's does not.
#   Only --listen-udp (no libpcap) would not need it, but the binary is the same, so always add it.
# - Do not add --security-opt no-new-privileges: it makes the kernel ignore file capabilities, and
#   libpcap then fails with "Operation not permitted".
# - SIGTERM (docker stop) makes vxmon write its open sessions' flow records and exit 0 within 5 s,
#   inside Docker's default 10 s stop timeout. vxmon handles its own signals, so --init is optional.

# Debian bookworm with Node.js 20 in /usr/local (the official image's layout): used only to build.
ARG NODE_BASE=docker.io/library/node:20-bookworm-slim
# Plain Debian bookworm: the runtime gets only node's binary, libpcap and the application.
ARG BASE=docker.io/library/debian:bookworm-slim

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
# Toolchain for node-gyp, and libpcap's headers for cap's binding.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev \
 && rm -rf /var/lib/apt/lists/*
# node-gyp compiles against the headers of the node that runs it, which it would otherwise download
# from nodejs.org; the base image already has them in /usr/local/include/node.
ENV npm_config_nodedir=/usr/local npm_config_update_notifier=false
WORKDIR /src
# Dependencies first, so editing src/ does not rebuild cap.
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy, hand its CA bundle in as a build secret (it stays out of the
# image): --secret id=extra_ca,src=/etc/ssl/certs/ca-certificates.crt. Without it nothing changes.
RUN --mount=type=secret,id=extra_ca,required=false \
    NODE_EXTRA_CA_CERTS="$(test -s /run/secrets/extra_ca && echo /run/secrets/extra_ca)" \
    npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && node -e "require('cap'); console.log('cap binding loads')" \
 && cp "$(command -v node)" /tmp/node

# ---------------------------------------------------------------------------------------------------
FROM ${BASE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# node's only dependencies are libc and libstdc++ (already in every Debian image); libpcap0.8 is cap's.
# The file capability lets the unprivileged user open AF_PACKET sockets. A setcap in the layer
# after a COPY would store the 95 MB binary a second time (first try here: 335 MB instead of
# 236 MB), so node comes from a bind mount of the build stage and gets its capability in one layer.
# libcap2-bin is needed only for setcap: installed and purged in the same layer.
RUN --mount=type=bind,from=build,source=/tmp/node,target=/mnt/node \
    apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 libcap2-bin \
 && install -m 0755 /mnt/node /usr/local/bin/node \
 && setcap cap_net_raw+ep /usr/local/bin/node \
 && getcap /usr/local/bin/node \
 && apt-get purge -y --auto-remove libcap2-bin \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && groupadd --gid 10001 vxmon \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/vxmon --shell /usr/sbin/nologin vxmon \
 && install -d -o vxmon -g vxmon -m 0700 /var/lib/vxmon \
 && install -d -m 0755 /etc/vxmon

# The application is owned by root: the daemon can read it but not change it.
WORKDIR /opt/vxmon
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The bundled AWS sample, for a smoke test: docker run --rm --entrypoint node vxmon \
#   /opt/vxmon/dist/cli.js replay /opt/vxmon/pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap
COPY pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap ./pcaps/corpus/suricata-verify/vxlan-decoder-03/

ENV NODE_ENV=production
# Numeric, so that orchestrators can check "runAsNonRoot" without reading /etc/passwd.
USER 10001:10001
# Relative paths in the config (flow records) land in the writable home.
WORKDIR /var/lib/vxmon
EXPOSE 14789
# The image has no curl: node's own fetch asks the default web address. Change the URL if
# --web.listen-address moves it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:14789/-/healthy').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/vxmon/dist/cli.js", "run"]
CMD ["--config", "/etc/vxmon/vxmon.yml"]
