// binnode-vectors.mjs — Baileys' side of the binary-node cross-check (test only).
//
//   node binnode-vectors.mjs emit        encodes Baileys' corpus and prints one JSON object
//                                        per line: {name, kind, hex, dump}; "node" vectors
//                                        come from encodeBinaryNode, "bytes" are wire input
//                                        made here (zlib-compressed frames)
//   node binnode-vectors.mjs check FILE  decodes embudo's vectors with decodeBinaryNode,
//                                        compares the dump, and for "node" vectors checks
//                                        that encodeBinaryNode gives back the same bytes
//
// The dump format is binnode_dump()'s (src/wa/binnode.h), re-implemented here byte for byte.
// Attribute keys are never integer-like ("1710"): a JavaScript object would reorder them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, 'node_modules', '@whiskeysockets', 'baileys', 'lib', 'WABinary');
const { encodeBinaryNode } = await import(join(lib, 'encode.js'));
const { decodeBinaryNode } = await import(join(lib, 'decode.js'));
const { SINGLE_BYTE_TOKENS, DOUBLE_BYTE_TOKENS } = await import(join(lib, 'constants.js'));

// ---- binnode_dump() in JavaScript -----------------------------------------------------------

function esc(text) {
    const out = [];
    for (const b of Buffer.from(text, 'utf8')) {
        if (b === 0x26) out.push(...Buffer.from('&amp;'));
        else if (b === 0x3c) out.push(...Buffer.from('&lt;'));
        else if (b === 0x3e) out.push(...Buffer.from('&gt;'));
        else if (b === 0x22) out.push(...Buffer.from('&quot;'));
        else if (b === 0x5b || b < 0x20 || b === 0x7f)
            out.push(...Buffer.from(`&#x${b.toString(16).padStart(2, '0')};`));
        else out.push(b);
    }
    return Buffer.from(out).toString('utf8');
}

function dump(node, indent = 0) {
    const pad = ' '.repeat(indent);
    let s = `${pad}<${esc(node.tag)}`;
    for (const [k, v] of Object.entries(node.attrs || {}))
        s += ` ${esc(k)}="${esc(v)}"`;
    const c = node.content;
    if (c === undefined) return s + '/>\n';
    s += '>';
    if (typeof c === 'string') s += esc(c);
    else if (c instanceof Uint8Array) s += `[${Buffer.from(c).toString('hex')}]`;
    else if (Array.isArray(c) && c.length > 0)
        s += '\n' + c.map(child => dump(child, indent + 2)).join('') + pad;
    return s + `</${esc(node.tag)}>\n`;
}

// ---- Baileys' corpus --------------------------------------------------------------------------

const bytes = (n, mul, add) => Buffer.from(Array.from({ length: n }, (_, i) => (i * mul + add) & 0xff));

const corpus = [
    ['presence-raw-name', { tag: 'presence', attrs: { name: 'Bob', type: 'available' } }],
    ['ack', { tag: 'ack', attrs: { id: '3EB0AA', to: '15557654321@s.whatsapp.net', class: 'receipt', type: 'read' } }],
    ['chatstate-device', {
        tag: 'chatstate', attrs: { from: '15550001111:3@s.whatsapp.net', to: '15557654321@s.whatsapp.net' },
        content: [{ tag: 'composing', attrs: {} }],
    }],
    ['lid-and-group', {
        tag: 'message',
        attrs: { to: '120363025246125486@g.us', participant: '123456789012345:7@lid', sender_lid: '99990001111@lid', id: '3EB0C431C26A1916E3E2' },
        content: [{ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: bytes(64, 29, 3) }],
    }],
    ['hosted', { tag: 'user', attrs: { a: '4242:9@hosted', b: '4242:9@hosted.lid', c: '4242@hosted.lid' } }],
    ['server-forms', { tag: 'iq', attrs: { to: '@s.whatsapp.net', server: 's.whatsapp.net', target: 'status@broadcast', mail: 'someone@example.org' } }],
    ['usync', {
        tag: 'iq', attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'usync', id: '12345.6789-1' },
        content: [{
            tag: 'usync', attrs: { sid: '3EB0C431C26A', mode: 'query', last: 'true', index: '0', context: 'interactive' },
            content: [
                { tag: 'query', attrs: {}, content: [{ tag: 'contact', attrs: {} }, { tag: 'devices', attrs: { version: '2' } }] },
                { tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: {}, content: [{ tag: 'contact', attrs: {}, content: '+5215512345678' }] }] },
            ],
        }],
    }],
    ['packed', { tag: 'p', attrs: { n1: '987654321', n2: '1-2.3', h1: 'DEADBEEF', h2: 'F00', low: 'deadbeef', e: '' } }],
    ['tokens', {
        tag: 'notification',
        attrs: { type: DOUBLE_BYTE_TOKENS[0][24], x: DOUBLE_BYTE_TOKENS[1][0], y: DOUBLE_BYTE_TOKENS[2][255], [DOUBLE_BYTE_TOKENS[3][9]]: SINGLE_BYTE_TOKENS[1] },
        content: DOUBLE_BYTE_TOKENS[1][238],
    }],
    ['string-contents', {
        tag: 'c', attrs: {}, content: [
            { tag: 'digits', attrs: {}, content: '12345678901' },
            { tag: 'hex', attrs: {}, content: 'ABCDEF0123' },
            { tag: 'jid', attrs: {}, content: '5215512345678:4@s.whatsapp.net' },
            { tag: 'text', attrs: {}, content: 'Ünïcödé ✓ & <tags> [x]' },
            { tag: 'empty', attrs: {}, content: '' },
            { tag: 'emptylist', attrs: {}, content: [] },
            { tag: 'emptybytes', attrs: {}, content: Buffer.alloc(0) },
        ],
    }],
    ['binary-8', { tag: 'media', attrs: { type: 'image' }, content: bytes(255, 17, 1) }],
    ['binary-20', { tag: 'media', attrs: {}, content: bytes(70000, 7, 5) }],
    ['binary-32', { tag: 'media', attrs: {}, content: bytes((1 << 20) + 3, 13, 9) }],
    ['list-16', { tag: 'list', attrs: {}, content: Array.from({ length: 260 }, (_, i) => ({ tag: 'item', attrs: { jid: `${1000 + i}@s.whatsapp.net` } })) }],
    ['raw-20-attr', { tag: 'note', attrs: { text: 'x'.repeat(400) } }],
    ['deep', (() => {
        let n = { tag: 'leaf', attrs: { v: '1' }, content: Buffer.from([0, 1, 2]) };
        for (let i = 0; i < 20; i++) n = { tag: `d${i}`, attrs: {}, content: [n] };
        return n;
    })()],
];

function emit() {
    const lines = [];
    for (const [name, node] of corpus) {
        const wire = encodeBinaryNode(node);
        lines.push({ name, kind: 'node', wire });
    }
    // Compressed frames, as the server may send them (flags 0x02, zlib deflate).
    for (const [name, node] of corpus.slice(0, 3)) {
        const plain = encodeBinaryNode(node).subarray(1);
        lines.push({ name: `zlib-${name}`, kind: 'bytes', wire: Buffer.concat([Buffer.from([2]), deflateSync(plain)]) });
    }
    return Promise.all(lines.map(async l => {
        const decoded = await decodeBinaryNode(l.wire);
        return JSON.stringify({ name: l.name, kind: l.kind, hex: l.wire.toString('hex'), dump: dump(decoded) });
    })).then(out => process.stdout.write(out.join('\n') + '\n'));
}

async function check(file) {
    let passed = 0, failed = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        const v = JSON.parse(line);
        const wire = Buffer.from(v.hex, 'hex');
        try {
            const decoded = await decodeBinaryNode(wire);
            const got = dump(decoded);
            if (got !== v.dump)
                throw new Error(`Baileys decodes\n${got}embudo decodes\n${v.dump}`);
            if (v.kind === 'node' && !encodeBinaryNode(decoded).equals(wire))
                throw new Error('Baileys re-encodes different bytes than embudo wrote');
            passed++;
        } catch (err) {
            process.stderr.write(`binnode-vectors: ${v.name}: ${err.message}\n`);
            failed++;
        }
    }
    process.stdout.write(`binnode embudo -> Baileys: ${passed} passed, ${failed} failed\n`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

const [mode, file] = process.argv.slice(2);
if (mode === 'emit') await emit();
else if (mode === 'check' && file) await check(file);
else {
    process.stderr.write('uso: node binnode-vectors.mjs emit | check ARCHIVO\n');
    process.exit(2);
}
