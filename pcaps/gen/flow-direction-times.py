#!/usr/bin/env python3
"""Fill the per-direction times of the hand-written flow records from tshark.

The crafted flow-record expectations (pcaps/crafted/sessions-*.flows.jsonl)
were typed by hand from the packet lists in make-fixtures.mjs. Their
per-direction `first`/`last`/`first_iso`/`last_iso`/`duration_seconds` and
the microsecond `start_iso`/`end_iso` come from this script instead, so that
they are not vxmon's output either: for each record, tshark lists the frames
of its VNI, addresses and ports (ICMP: the echo identifier), those between the
record's own `start` and `end` are its packets, and their frame times give
each direction's first and last packet.

The script checks that it found exactly the record's per-direction packet
counts (typed by hand) before it writes anything, and exits non-zero if not.

    python3 pcaps/gen/flow-direction-times.py            # rewrite the files
    python3 pcaps/gen/flow-direction-times.py --check    # only compare

tshark command, per capture (the last occurrence of each field is the inner
header's):
    tshark -r X.pcap -T fields -E occurrence=l -e frame.time_epoch -e vxlan.vni
      -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e tcp.srcport -e tcp.dstport
      -e udp.srcport -e udp.dstport -e icmp.ident -e icmpv6.echo.identifier
"""
import json
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

CRAFTED = Path(__file__).resolve().parent.parent / 'crafted'
CAPTURES = ['sessions-tcp-close', 'sessions-idle', 'sessions-partial', 'sessions-udp-icmp', 'sessions-syn-retx', 'sessions-evict']
FIELDS = ['frame.time_epoch', 'vxlan.vni', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport',
          'udp.srcport', 'udp.dstport', 'icmp.ident', 'icmpv6.echo.identifier']


def frames(pcap):
    cmd = ['tshark', '-r', str(pcap), '-T', 'fields', '-E', 'occurrence=l']
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split('\t')))
        us = int(Decimal(v['frame.time_epoch']) * 1000000)
        src = v['ip.src'] or v['ipv6.src']
        dst = v['ip.dst'] or v['ipv6.dst']
        if v['tcp.srcport']:
            proto, sport, dport = 'tcp', v['tcp.srcport'], v['tcp.dstport']
        elif v['icmp.ident'] or v['icmpv6.echo.identifier']:
            ident = v['icmp.ident'] or v['icmpv6.echo.identifier']
            proto, sport, dport = ('icmp' if v['icmp.ident'] else 'icmpv6'), ident, ident
        else:
            proto, sport, dport = 'udp', v['udp.srcport'], v['udp.dstport']
        # vxmon writes an IPv6 endpoint as [addr]:port
        ep = (lambda a, p: f'[{a}]:{p}') if ':' in src else (lambda a, p: f'{a}:{p}')
        rows.append((us, int(v['vxlan.vni']), proto, ep(src, sport), ep(dst, dport)))
    return rows


def iso(us):
    if us is None:
        return None
    return datetime.fromtimestamp(us // 1000000, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%S') + f'.{us % 1000000:06d}Z'


def seconds(us):
    return None if us is None else float(Decimal(us) / 1000000)


def direction(d, times):
    first, last = (min(times), max(times)) if times else (None, None)
    d['first'] = seconds(first)
    d['last'] = seconds(last)
    d['first_iso'] = iso(first)
    d['last_iso'] = iso(last)
    d['duration_seconds'] = None if first is None else float(Decimal(last - first) / 1000000)
    return len(times)


def main():
    check = '--check' in sys.argv[1:]
    failed = False
    results = []
    for name in CAPTURES:
        rows = frames(CRAFTED / f'{name}.pcap')
        path = CRAFTED / f'{name}.flows.jsonl'
        records = [json.loads(line) for line in path.read_text().splitlines() if line]
        out = []
        for r in records:
            start = int(Decimal(str(r['start'])) * 1000000)
            end = int(Decimal(str(r['end'])) * 1000000)
            mine = [x for x in rows if x[1] == r['vni'] and x[2] == r['protocol'] and start <= x[0] <= end]
            fwd = [x[0] for x in mine if x[3] == r['initiator'] and x[4] == r['responder']]
            rev = [x[0] for x in mine if x[3] == r['responder'] and x[4] == r['initiator']]
            want = dict(r)
            want['start_iso'], want['end_iso'] = iso(start), iso(end)
            want['initiator_to_responder'] = dict(r['initiator_to_responder'])
            want['responder_to_initiator'] = dict(r['responder_to_initiator'])
            nf = direction(want['initiator_to_responder'], fwd)
            nr = direction(want['responder_to_initiator'], rev)
            if nf != r['initiator_to_responder']['packets'] or nr != r['responder_to_initiator']['packets']:
                print(f'{path.name}: {r["initiator"]} -> {r["responder"]} vni {r["vni"]}: tshark has {nf}/{nr} packets,'
                      f' the record {r["initiator_to_responder"]["packets"]}/{r["responder_to_initiator"]["packets"]}')
                failed = True
            if check and want != r:
                print(f'{path.name}: {r["initiator"]} -> {r["responder"]} vni {r["vni"]}: times differ')
                failed = True
            out.append(want)
        results.append((path, out))
    if not check and not failed:
        for path, out in results:
            path.write_text(''.join(json.dumps(w, separators=(',', ':')) + '\n' for w in out))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
