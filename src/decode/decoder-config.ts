import { Tunnel } from './packet-view.js';

/**
 * What the decoder needs to know, resolved once into hot-path-friendly form:
 * a 64 Ki-entry table from UDP destination port to tunnel type (one indexed
 * load per frame instead of a Set lookup), the reserved-bits policy, and how
 * deep tunnels may nest.
 */
export interface DecoderConfig {
  /** tunnelByPort[port] = Tunnel.* (0: not a tunnel port). */
  readonly tunnelByPort: Uint8Array;
  /** RFC 7348 says receivers ignore reserved bits (`permissive`); `strict` drops frames that set them. */
  readonly strictReserved: boolean;
  /** Most tunnel headers one frame may carry (1: no nesting); a deeper one is `inner_tunnel_too_deep`. */
  readonly maxTunnelDepth: number;
  /**
   * Offer Ethernet frames to decodeCommonShape before the layers (true, the
   * default). false decodes every frame layer by layer: the reference the
   * common shape is tested against; the outcome and view are the same.
   */
  readonly commonShape: boolean;
}

export type ReservedPolicy = 'permissive' | 'strict';

/** IANA: VXLAN 4789 (RFC 7348), Geneve 6081 (RFC 8926), VXLAN-GPE 4790. Linux's own VXLAN default, 8472, is opt-in. */
export const DEFAULT_VXLAN_PORTS: readonly number[] = [4789];
export const DEFAULT_GENEVE_PORTS: readonly number[] = [6081];
export const DEFAULT_VXLAN_GPE_PORTS: readonly number[] = [4790];
/**
 * Four tunnel headers: AWS Gateway Load Balancer in front of a mirror target
 * makes two (Geneve -> VXLAN), an overlay inside the mirrored VPC one or two
 * more. Zeek's default limit (Tunnel::max_depth) is the same order.
 */
export const DEFAULT_MAX_TUNNEL_DEPTH = 4;

export function makeDecoderConfig(opts: {
  vxlanPorts?: readonly number[];
  genevePorts?: readonly number[];
  vxlanGpePorts?: readonly number[];
  reservedPolicy?: ReservedPolicy;
  maxTunnelDepth?: number;
  commonShape?: boolean;
} = {}): DecoderConfig {
  const tunnelByPort = new Uint8Array(65536);
  // Later lines win a port named twice; config validation rejects that before we get here.
  for (const p of opts.vxlanGpePorts ?? DEFAULT_VXLAN_GPE_PORTS) tunnelByPort[p] = Tunnel.VXLAN_GPE;
  for (const p of opts.genevePorts ?? DEFAULT_GENEVE_PORTS) tunnelByPort[p] = Tunnel.GENEVE;
  for (const p of opts.vxlanPorts ?? DEFAULT_VXLAN_PORTS) tunnelByPort[p] = Tunnel.VXLAN;
  return Object.freeze({
    tunnelByPort,
    strictReserved: opts.reservedPolicy === 'strict',
    maxTunnelDepth: opts.maxTunnelDepth ?? DEFAULT_MAX_TUNNEL_DEPTH,
    commonShape: opts.commonShape ?? true,
  });
}
