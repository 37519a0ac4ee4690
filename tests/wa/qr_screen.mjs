// tests/wa/qr_screen.mjs — reads a terminal screen (tmux capture-pane -p) on stdin, finds the
// QR code drawn in half blocks (core/qr_text: "█" both halves lit, "▀" top, "▄" bottom, lit =
// light module, a lit quiet zone around it) and prints the text it encodes: what a phone
// would read off the screen. Test-only; exit 1 when no QR decodes.
//
// The screen is exact (no camera), so this is a plain decoder without error correction:
// module matrix → function patterns → zigzag data bits under each of the 8 masks →
// de-interleaved blocks (ECC level L, the one qr_text uses) → a byte-mode segment. The first
// mask whose segment is well formed (mode 0100, its length inside the data, then the
// terminator and the 0xEC/0x11 padding) gives the answer. Layout rules and tables follow the
// QR specification as written out in Project Nayuki's QR generator.
import { readFileSync } from "node:fs";

const LIT = { "█": [1, 1], "▀": [1, 0], "▄": [0, 1], " ": [0, 0] };
const ECC_L = [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28,
    28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30];
const BLOCKS_L = [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10,
    12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25];
const MASKS = [
    (x, y) => (x + y) % 2 === 0,
    (x, y) => y % 2 === 0,
    (x) => x % 3 === 0,
    (x, y) => (x + y) % 3 === 0,
    (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
    (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
    (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
    (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

// The module matrix (true = dark) of the first QR drawing on the screen, or null. The drawing
// starts with a row of lit blocks as wide as the symbol plus its quiet zone; the quiet zone's
// width is where the top-left finder's first dark module is.
function matrixFromScreen(text) {
    const rows = text.split("\n").map((l) => Array.from(l));
    for (let r = 0; r < rows.length; r++) {
        const line = rows[r].join("");
        const m = /█{25,}/.exec(line);
        if (m === null)
            continue;
        const c0 = Array.from(line.slice(0, m.index)).length;
        const width = Array.from(m[0]).length;
        const dark = [];
        for (let y = 0; y < width; y++) {
            const cells = rows[r + (y >> 1)];
            if (cells === undefined)
                return null;
            const row = [];
            for (let x = 0; x < width; x++) {
                const lit = LIT[cells[c0 + x] ?? " "];
                if (lit === undefined)
                    return null;
                row.push(lit[y & 1] === 0);
            }
            dark.push(row);
        }
        const q = dark.findIndex((row) => row.includes(true));
        const n = width - 2 * q;
        if (q < 1 || dark[q].indexOf(true) !== q || n < 21 || (n - 17) % 4 !== 0)
            continue;
        return dark.slice(q, q + n).map((row) => row.slice(q, q + n));
    }
    return null;
}

function alignmentPositions(ver, size) {
    if (ver === 1)
        return [];
    const num = Math.floor(ver / 7) + 2;
    const step = ver === 32 ? 26 : Math.ceil((ver * 4 + 4) / (num * 2 - 2)) * 2;
    const pos = [6];
    for (let p = size - 7; pos.length < num; p -= step)
        pos.splice(1, 0, p);
    return pos;
}

function functionModules(ver, size) {
    const f = Array.from({ length: size }, () => new Array(size).fill(false));
    const box = (x0, y0, w, h) => {
        for (let y = Math.max(0, y0); y < Math.min(size, y0 + h); y++)
            for (let x = Math.max(0, x0); x < Math.min(size, x0 + w); x++)
                f[y][x] = true;
    };
    box(0, 0, 9, 9); // finder, separator, format bits
    box(size - 8, 0, 8, 9);
    box(0, size - 8, 9, 8); // includes the dark module
    box(6, 0, 1, size); // timing
    box(0, 6, size, 1);
    const al = alignmentPositions(ver, size);
    for (const ay of al)
        for (const ax of al)
            if (!((ax === 6 && ay === 6) || (ax === 6 && ay === size - 7) ||
                  (ax === size - 7 && ay === 6)))
                box(ax - 2, ay - 2, 5, 5);
    if (ver >= 7) {
        box(size - 11, 0, 3, 6);
        box(0, size - 11, 6, 3);
    }
    return f;
}

function rawDataModules(ver) {
    let r = (16 * ver + 128) * ver + 64;
    if (ver >= 2) {
        const num = Math.floor(ver / 7) + 2;
        r -= (25 * num - 10) * num - 55;
        if (ver >= 7)
            r -= 36;
    }
    return r;
}

function decodeWithMask(dark, ver, func, mask) {
    const size = dark.length;
    const bits = [];
    for (let right = size - 1; right >= 1; right -= 2) {
        if (right === 6)
            right = 5;
        for (let vert = 0; vert < size; vert++) {
            for (let j = 0; j < 2; j++) {
                const x = right - j;
                const upward = ((right + 1) & 2) === 0;
                const y = upward ? size - 1 - vert : vert;
                if (!func[y][x])
                    bits.push(dark[y][x] !== MASKS[mask](x, y) ? 1 : 0);
            }
        }
    }
    const raw = Math.floor(rawDataModules(ver) / 8);
    const codewords = [];
    for (let i = 0; i < raw; i++) {
        let b = 0;
        for (let k = 0; k < 8; k++)
            b = (b << 1) | bits[i * 8 + k];
        codewords.push(b);
    }
    const nblocks = BLOCKS_L[ver], ecc = ECC_L[ver];
    const nshort = nblocks - (raw % nblocks), shortLen = Math.floor(raw / nblocks);
    const blocks = Array.from({ length: nblocks }, () => []);
    let k = 0;
    for (let i = 0; i <= shortLen; i++)
        for (let j = 0; j < nblocks; j++)
            if (i !== shortLen - ecc || j >= nshort) // a short block skips one data place
                blocks[j][i] = codewords[k++];
    const data = [];
    for (let j = 0; j < nblocks; j++)
        for (let i = 0; i < shortLen - ecc + (j < nshort ? 0 : 1); i++)
            data.push(blocks[j][i]);
    return parseSegment(data, ver);
}

// A single byte-mode segment, its terminator and padding; null when malformed.
function parseSegment(data, ver) {
    let pos = 0;
    const read = (n) => {
        let v = 0;
        for (let i = 0; i < n; i++, pos++)
            v = (v << 1) | ((data[pos >> 3] >> (7 - (pos & 7))) & 1);
        return v;
    };
    const total = data.length * 8;
    if (read(4) !== 4)
        return null;
    const len = read(ver <= 9 ? 8 : 16);
    if (pos + len * 8 > total)
        return null;
    const bytes = [];
    for (let i = 0; i < len; i++)
        bytes.push(read(8));
    if (pos + 4 <= total && read(4) !== 0)
        return null;
    pos = Math.ceil(pos / 8) * 8;
    for (let i = 0; pos < total; i++)
        if (read(8) !== (i % 2 === 0 ? 0xec : 0x11))
            return null;
    return Buffer.from(bytes).toString("utf8");
}

const dark = matrixFromScreen(readFileSync(0, "utf8"));
if (dark === null) {
    console.error("qr_screen: no hay un código QR en la pantalla");
    process.exit(1);
}
const ver = (dark.length - 17) / 4;
const func = functionModules(ver, dark.length);
for (let mask = 0; mask < 8; mask++) {
    const text = decodeWithMask(dark, ver, func, mask);
    if (text !== null) {
        console.log(text);
        process.exit(0);
    }
}
console.error(`qr_screen: el código (versión ${ver}) no se pudo leer con ninguna máscara`);
process.exit(1);
