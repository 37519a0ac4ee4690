// payload-vectors.mjs — Baileys' side of the ClientPayload / QR / pairing cross-check (test only).
//
//   node payload-vectors.mjs check FILE   FILE = `wa_payload_vectors emit` (one JSON per line)
//
// For every vector it rebuilds, with the pinned Baileys 7.0.0-rc14 and the same inputs:
//   * generateRegistrationNode → ClientPayload bytes, equal to embudo's registration hex;
//   * generateLoginNode → bytes, equal to embudo's login hex;
//   * buildPairingQRData → the QR string, equal to embudo's;
//   * configureSuccessfulPairing on the same pair-success: same key-index, and the reply's
//     ADVSignedDeviceIdentity equals embudo's once embudo's device signature is swapped for
//     Baileys' (the signatures are randomised); each side's device signature verifies.
// Exits 1 on any difference.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, 'node_modules', '@whiskeysockets', 'baileys');
const { proto } = await import(join(lib, 'WAProto', 'index.js'));
const vc = await import(join(lib, 'lib', 'Utils', 'validate-connection.js'));
const { buildPairingQRData } = await import(join(lib, 'lib', 'Utils', 'companion-reg-client-utils.js'));
const { Curve } = await import(join(lib, 'lib', 'Utils', 'crypto.js'));

const hex = (b) => Buffer.from(b).toString('hex');
const buf = (h) => Buffer.from(h, 'hex');
let failures = 0, checks = 0;

function same(name, what, got, want) {
    checks++;
    if (got !== want) {
        failures++;
        console.error(`DIFERENTE ${name} ${what}:\n  embudo:  ${want}\n  Baileys: ${got}`);
    }
}

function checkPairing(v, config) {
    const stanza = {
        tag: 'iq', attrs: { id: 'ps-1', type: 'set', from: 's.whatsapp.net' },
        content: [{ tag: 'pair-success', attrs: {}, content: [
            { tag: 'device-identity', attrs: {}, content: buf(v.deviceIdentity) },
            { tag: 'platform', attrs: { name: 'android' } },
            { tag: 'device', attrs: { jid: v.jid, lid: '99990001111:7@lid' } } ] }]
    };
    const creds = {
        advSecretKey: buf(v.adv).toString('base64'),
        signedIdentityKey: { public: buf(v.identityPub), private: buf(v.identityPriv) },
        signalIdentities: []
    };
    const { reply } = vc.configureSuccessfulPairing(stanza, creds);
    const di = reply.content[0].content[0];
    same(v.name, 'key-index', di.attrs['key-index'], String(v.keyIndex));
    const theirs = proto.ADVSignedDeviceIdentity.decode(di.content);
    const ours = proto.ADVSignedDeviceIdentity.decode(buf(v.pairReply));
    const account = proto.ADVSignedDeviceIdentity.decode(
        proto.ADVSignedDeviceIdentityHMAC.decode(buf(v.deviceIdentity)).details);
    const msg = Buffer.concat([Buffer.from([6, 1]), ours.details, buf(v.identityPub),
        account.accountSignatureKey]);
    same(v.name, 'firma de dispositivo de embudo', String(Curve.verify(buf(v.identityPub), msg,
        ours.deviceSignature)), 'true');
    same(v.name, 'firma de dispositivo de Baileys', String(Curve.verify(buf(v.identityPub), msg,
        theirs.deviceSignature)), 'true');
    const swapped = proto.ADVSignedDeviceIdentity.encode({ ...ours,
        deviceSignature: theirs.deviceSignature }).finish();
    same(v.name, 'pair-device-sign', hex(di.content), hex(swapped));
    same(v.name, 'sin accountSignatureKey', String(ours.accountSignatureKey?.length ?? 0), '0');
    void config;
}

const [cmd, file] = process.argv.slice(2);
if (cmd !== 'check' || !file) {
    console.error('uso: node payload-vectors.mjs check ARCHIVO');
    process.exit(2);
}
for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const v = JSON.parse(line);
    const config = { version: v.version, browser: [v.os, v.browser, '14.4.1'], countryCode: v.country,
        syncFullHistory: v.syncFullHistory, ...(v.pushName ? { pushName: v.pushName } : {}) };
    const signal = { registrationId: v.regid, signedIdentityKey: { public: buf(v.identityPub) },
        signedPreKey: { keyId: 1, keyPair: { public: buf(v.spkPub) }, signature: buf(v.spkSig) } };
    same(v.name, 'registro', hex(proto.ClientPayload.encode(vc.generateRegistrationNode(signal, config)).finish()),
        v.registration);
    same(v.name, 'login', hex(proto.ClientPayload.encode(vc.generateLoginNode(v.jid, config)).finish()), v.login);
    same(v.name, 'QR', buildPairingQRData(v.ref, buf(v.noisePub).toString('base64'),
        buf(v.identityPub).toString('base64'), buf(v.adv).toString('base64'), config.browser), v.qr);
    checkPairing(v, config);
}
console.log(`interop: payloads, QR y pair-device-sign: ${checks - failures}/${checks} iguales a Baileys`);
process.exit(failures ? 1 : 0);
