/** The engine's modules from the compiled project (dist/), for bench/fuzz.mjs. */
export { readCaptureFile } from '../../dist/capture/pcap-file-source.js';
export { CaptureReader } from '../../dist/capture/capture-reader.js';
export { InputError } from '../../dist/errors.js';
export { PacketView } from '../../dist/decode/packet-view.js';
export { decodeFrame } from '../../dist/decode/decoder.js';
export { makeDecoderConfig } from '../../dist/decode/decoder-config.js';
export { OUTCOME_NAMES } from '../../dist/decode/outcome.js';
export { SessionTracker } from '../../dist/session/session-tracker.js';
export { DEFAULT_TIMEOUTS } from '../../dist/session/tcp-state.js';
export { VniFolder } from '../../dist/aggregate/vni-key.js';
export { Pipeline } from '../../dist/pipeline.js';
export { flowToJson, flowToVpcLines } from '../../dist/export/flow-records.js';
