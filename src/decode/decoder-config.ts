import { Tunnel } from './packet-view.js';

/**
 * What the decoder needs to know, resolved once into hot-path-friendly form:
 * a 64 Ki-entry table from UDP destination port to tunnel type (one indexed
 * load per frame instead of a Set lookup), and the reserved-bits policy.
 */
export interface DecoderConfig {
  /** tunnelByPort[port] = Tunnel.* (0: not a tunnel port). */
  readonly tunnelByPort: Uint8Array;
  /** RFC 7348 says receivers ignore reserved bits (`permissive`); `strict` drops frames that set them. */
  readonly strictReserved: boolean;
}

export type ReservedPolicy = 'permissive' | 'strict';

export const DEFAULT_VXLAN_PORTS: readonly number[] = [4789];

export function makeDecoderConfig(opts: {
  vxlanPorts?: readonly number[];
  reservedPolicy?: ReservedPolicy;
} = {}): DecoderConfig {
  const tunnelByPort = new Uint8Array(65536);
  for (const p of opts.vxlanPorts ?? DEFAULT_VXLAN_PORTS) tunnelByPort[p] = Tunnel.VXLAN;
  return Object.freeze({ tunnelByPort, strictReserved: opts.reservedPolicy === 'strict' });
}
