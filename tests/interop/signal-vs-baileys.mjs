// signal-vs-baileys.mjs — Signal sessions between embudo's wasig and Baileys' libsignal-node
// (test only; run by run-signal.sh).
//
//   node signal-vs-baileys.mjs PATH/TO/wasig_peer
//
// Baileys' side is libsignal-node (the `libsignal` package Baileys 7.0.0-rc14 pins) with an
// in-memory store, Baileys' writeRandomPadMax16 / unpadRandomMax16 and WAProto's Message.
// Both directions, both message kinds:
//   A. Baileys builds from embudo's bundle and writes first (pkmsg, extendedTextMessage with
//      messageSecret, then a deviceSentMessage); embudo answers (msg); several turns, with an
//      embudo restart (reopen: a new wasig from its sealed rows) in the middle.
//   B. embudo builds from a second Baileys device's bundle and writes first (pkmsg); Baileys
//      answers (msg); more turns.
// Exits 1 on the first difference.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, 'node_modules', '@whiskeysockets', 'baileys');
const require = createRequire(join(lib, 'package.json'));
const libsignal = require('libsignal');
const { proto } = await import(join(lib, 'WAProto', 'index.js'));
const { writeRandomPadMax16, unpadRandomMax16 } = await import(join(lib, 'lib', 'Utils', 'generics.js'));

const hex = (b) => Buffer.from(b).toString('hex');
const buf = (h) => Buffer.from(h, 'hex');
const k05 = (raw) => Buffer.concat([Buffer.from([5]), raw]);
let checks = 0;

function fail(msg) {
    console.error(`signal-vs-baileys: FALLA: ${msg}`);
    process.exit(1);
}
function expect(what, got, want) {
    checks++;
    if (got !== want) fail(`${what}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
}

// ---- embudo's peer over stdin/stdout ----
const child = spawn(process.argv[2], [], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout });
const pending = [];
lines.on('line', (l) => pending.shift()?.(l));
function ask(cmd) {
    return new Promise((resolve) => { pending.push(resolve); child.stdin.write(cmd + '\n'); });
}
async function ok(cmd, word) {
    const l = await ask(cmd);
    const f = l.split(' ');
    if (f[0] !== word) fail(`${cmd.split(' ')[0]}: ${l}`);
    return f;
}

// ---- a Baileys device: libsignal-node with an in-memory store ----
function device(preKeyId) {
    const ident = libsignal.keyhelper.generateIdentityKeyPair();
    const regid = libsignal.keyhelper.generateRegistrationId();
    const spk = libsignal.keyhelper.generateSignedPreKey(ident, 9);
    const pk = libsignal.keyhelper.generatePreKey(preKeyId);
    const sessions = new Map();
    const prekeys = new Map([[pk.keyId, pk.keyPair]]);
    const storage = {
        getOurIdentity: async () => ident,
        getOurRegistrationId: async () => regid,
        isTrustedIdentity: async () => true,
        loadSession: async (id) => sessions.get(id),
        storeSession: async (id, rec) => { sessions.set(id, rec); },
        loadPreKey: async (id) => prekeys.get(id),
        removePreKey: async (id) => { prekeys.delete(id); },
        loadSignedPreKey: async (id) => (id === spk.keyId ? spk.keyPair : undefined),
    };
    return { ident, regid, spk, pk, prekeys, storage };
}

// Baileys' send path: Message → writeRandomPadMax16 → SessionCipher.encrypt.
async function baileysSend(dev, addr, message) {
    const cipher = new libsignal.SessionCipher(dev.storage, addr);
    const padded = writeRandomPadMax16(proto.Message.encode(message).finish());
    const { type, body } = await cipher.encrypt(padded);
    return { type: type === 3 ? 'pkmsg' : 'msg', ct: Buffer.from(body) };
}

// Baileys' receive path: decrypt by type → unpadRandomMax16 → Message.decode.
async function baileysRecv(dev, addr, type, ct) {
    const cipher = new libsignal.SessionCipher(dev.storage, addr);
    const plain = type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(ct)
                                   : await cipher.decryptWhisperMessage(ct);
    return proto.Message.decode(unpadRandomMax16(plain));
}

const embudoAddr = new libsignal.ProtocolAddress('15550001111', 3); // how Baileys names us
const textOf = (m) => m.conversation || m.extendedTextMessage?.text;

// ---- A: Baileys writes first ----
{
    const dev = device(31);
    const jid = '15557654321:2@s.whatsapp.net';
    const [, regid, identity, skeyId, skey, sig, preKeyId, preKey] = await ok('bundle', 'bundle');
    await new libsignal.SessionBuilder(dev.storage, embudoAddr).initOutgoing({
        identityKey: k05(buf(identity)),
        registrationId: Number(regid),
        preKey: { keyId: Number(preKeyId), publicKey: k05(buf(preKey)) },
        signedPreKey: { keyId: Number(skeyId), publicKey: k05(buf(skey)), signature: buf(sig) },
    });
    const secret = Buffer.alloc(32, 7);
    let m = await baileysSend(dev, embudoAddr, {
        extendedTextMessage: { text: 'hola desde Baileys, ¿qué tal?' },
        messageContextInfo: { messageSecret: secret },
    });
    expect('A1 type', m.type, 'pkmsg');
    let r = await ok(`recv ${jid} ${m.type} ${hex(m.ct)}`, 'text');
    expect('A1 text', buf(r[1]).toString(), 'hola desde Baileys, ¿qué tal?');
    expect('A1 pre-keys left', r[3], '2');
    m = await baileysSend(dev, embudoAddr, {
        deviceSentMessage: { destinationJid: '5215512345678@s.whatsapp.net',
                             message: { conversation: 'copia para mis dispositivos' } },
    });
    r = await ok(`recv ${jid} ${m.type} ${hex(m.ct)}`, 'text');
    expect('A2 dsm text', buf(r[1]).toString(), 'copia para mis dispositivos');
    expect('A2 dsm flag', r[2], '1');
    for (let i = 0; i < 4; i++) {
        const say = `respuesta ${i} de embudo`;
        const [, type, ct] = await ok(`send ${jid} ${i % 2} ${hex(Buffer.from(say))}`, 'enc');
        expect(`A3.${i} type`, type, 'msg');
        const got = await baileysRecv(dev, embudoAddr, type, buf(ct));
        expect(`A3.${i} text`, textOf(got), say);
        if (i % 2 === 1) expect(`A3.${i} secret`, got.messageContextInfo?.messageSecret?.length, 32);
        if (i === 1) await ok('reopen', 'ok');
        const back = await baileysSend(dev, embudoAddr, { conversation: `eco ${i}` });
        expect(`A4.${i} type`, back.type, 'msg');
        r = await ok(`recv ${jid} ${back.type} ${hex(back.ct)}`, 'text');
        expect(`A4.${i} text`, buf(r[1]).toString(), `eco ${i}`);
    }
}

// ---- B: embudo writes first ----
{
    const dev = device(77);
    const jid = '99990002222:5@lid';
    const addr = new libsignal.ProtocolAddress('15550001111', 3);
    const pub = (k) => hex(k.subarray(1));
    const [, changed] = await ok(`build ${jid} ${dev.regid} ${pub(dev.ident.pubKey)} ${dev.spk.keyId}`
                                 + ` ${pub(dev.spk.keyPair.pubKey)} ${hex(dev.spk.signature)}`
                                 + ` ${dev.pk.keyId} ${pub(dev.pk.keyPair.pubKey)}`, 'ok');
    expect('B0 changed', changed, '0');
    let [, type, ct] = await ok(`send ${jid} 1 ${hex(Buffer.from('hola, soy embudo'))}`, 'enc');
    expect('B1 type', type, 'pkmsg');
    let got = await baileysRecv(dev, addr, type, buf(ct));
    expect('B1 text', textOf(got), 'hola, soy embudo');
    expect('B1 one-time pre-key consumed', dev.prekeys.has(77), false);
    await ok('reopen', 'ok');
    for (let i = 0; i < 3; i++) {
        const back = await baileysSend(dev, addr, { conversation: `vuelta ${i}` });
        expect(`B2.${i} type`, back.type, 'msg');
        const r = await ok(`recv ${jid} ${back.type} ${hex(back.ct)}`, 'text');
        expect(`B2.${i} text`, buf(r[1]).toString(), `vuelta ${i}`);
        [, type, ct] = await ok(`send ${jid} 0 ${hex(Buffer.from(`ida ${i}`))}`, 'enc');
        expect(`B3.${i} type`, type, 'msg');
        got = await baileysRecv(dev, addr, type, buf(ct));
        expect(`B3.${i} text`, textOf(got), `ida ${i}`);
    }
}

child.stdin.end('quit\n');
await new Promise((resolve) => child.on('exit', (code) => {
    if (code !== 0) fail(`wasig_peer terminó con ${code}`);
    resolve();
}));
console.log(`signal-vs-baileys: ${checks} comprobaciones iguales`);
