// baileys-vs-fakewa.mjs FAKEWA_BIN — the real Baileys client (7.0.0-rc14, pinned) against
// embudo's C fake WhatsApp server (tests/wa/fakewa): Noise handshake with the fake's test
// certificate chain, QR pairing through the fake phone (admin FIFO), the 515 restart, login,
// pre-key upload and passive→active; then linking by phone number: Baileys'
// requestPairingCode, the code typed into the fake's second phone (admin "type-code"), the
// same 515 and login; and a wrong code, which the fake phone notices only when the key
// bundle does not open. Loopback only. Test-only; never shipped.
//
// The test root key reaches Baileys through its exported, mutable WA_CERT_DETAILS object
// (../shared/docs/wa-protocol.md §13.b); nothing in node_modules is patched.
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import pino from 'pino'
import makeWASocket, { WA_CERT_DETAILS, initAuthCreds, BufferJSON } from '@whiskeysockets/baileys'
import { makeCacheableSignalKeyStore } from '@whiskeysockets/baileys/lib/Utils/auth-utils.js'

const bin = process.argv[2]
if (!bin) {
    console.error('uso: node baileys-vs-fakewa.mjs RUTA/fakewa')
    process.exit(2)
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bvf-'))
const eventsFile = path.join(tmp, 'events.jsonl')
const fifo = path.join(tmp, 'admin')
let passed = 0, failed = 0
const check = (name, ok, detail = '') => {
    if (ok) passed++; else failed++
    console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ' — ' + detail : ''}`)
}

// Starts the fake server and waits for its "ready" line.
function startFake() {
    const child = spawn(bin, ['--events', eventsFile, '--admin', fifo],
        { stdio: ['ignore', 'pipe', fs.openSync(path.join(tmp, 'fakewa.log'), 'w')] })
    const info = {}
    return new Promise((resolve, reject) => {
        const rl = readline.createInterface({ input: child.stdout })
        rl.on('line', line => {
            const [k, v] = line.split(' ')
            info[k] = v
            if (k === 'ready') resolve({ child, info })
        })
        child.on('exit', code => reject(new Error(`fakewa salió con ${code}`)))
    })
}

const events = () => fs.existsSync(eventsFile)
    ? fs.readFileSync(eventsFile, 'utf8').trim().split('\n').filter(Boolean).map(l => JSON.parse(l))
    : []
const admin = line => fs.appendFileSync(fifo, line + '\n')

// In-memory auth state that survives the 515 restart (what useMultiFileAuthState keeps).
function memoryAuth() {
    const creds = initAuthCreds()
    const keys = {}
    const store = {
        get: async (type, ids) => Object.fromEntries(ids.map(id => [id, keys[`${type}-${id}`]])),
        set: async data => {
            for (const type in data) for (const id in data[type]) keys[`${type}-${id}`] = data[type][id]
        }
    }
    return { creds, keys: makeCacheableSignalKeyStore(store, pino({ level: 'silent' })) }
}

function connect(url, auth, onQr) {
    return new Promise(resolve => {
        const sock = makeWASocket({
            waWebSocketUrl: url, auth, logger: pino({ level: 'silent' }),
            shouldSyncHistoryMessage: () => false, markOnlineOnConnect: false,
        })
        sock.ev.on('creds.update', u => Object.assign(auth.creds, u))
        sock.ev.on('connection.update', u => {
            if (u.qr) onQr(u.qr, sock)
            if (u.connection === 'open') resolve({ sock, open: true })
            if (u.connection === 'close') {
                const error = u.lastDisconnect?.error
                resolve({ sock, open: false, code: error?.output?.statusCode, why: error?.message })
            }
        })
    })
}

const waitFor = async (pred, ms = 10000) => {
    const end = Date.now() + ms
    while (Date.now() < end) {
        if (pred(events())) return true
        await new Promise(r => setTimeout(r, 50))
    }
    return false
}

// Events logged after mark (the number of lines when a scenario began).
const since = mark => events().slice(mark)
const PHONE2 = '15550002222'

// Linking by phone number: on the first QR the socket asks for a pairing code for each of
// users in turn (as Baileys' README does: once the socket shows a QR). Once the fake logged
// the last request, the person types typeAs(code) into that phone. Resolves with the
// connection's end and the last pairing code.
async function linkByCode(url, auth, users, typeAs) {
    const mark = events().length
    let pairingCode = null, asked = false
    const res = await connect(url, auth, async (qr, sock) => {
        if (asked) return
        asked = true
        try {
            for (const [i, user] of users.entries()) {
                pairingCode = await sock.requestPairingCode(user)
                await waitFor(es => es.slice(mark).filter(e => e.ev === 'link-code-hello').length > i)
            }
            admin(`type-code ${users.at(-1)} ${typeAs(pairingCode)}`)
        } catch (err) {
            check('requestPairingCode', false, String(err?.stack ?? err))
        }
    })
    return { ...res, pairingCode, mark }
}

// A fresh socket links to the fake's second phone with the code it shows.
async function scenarioLinkCode(url) {
    const auth = memoryAuth()
    const first = await linkByCode(url, auth, [PHONE2], code => code)
    const ev = since(first.mark)
    const hello = ev.find(e => e.ev === 'link-code-hello')
    check('pairing code: 8 characters', /^[A-Z0-9]{8}$/.test(first.pairingCode ?? ''), first.pairingCode)
    check('fake took companion_hello for phone 2 (platform id 1)',
        hello?.ok === true && hello.phone === PHONE2 && hello.platform === '1', JSON.stringify(hello))
    check('type-code: the phone sent primary_hello', ev.some(e => e.ev === 'link-code-typed' && e.ok))
    check('fake phone opened the key bundle (link-code-finish ok)',
        ev.some(e => e.ev === 'link-code-finish' && e.ok && e.phone === PHONE2))
    check('pair-success HMAC with the derived adv secret, device signature back',
        ev.some(e => e.ev === 'device-sign' && e.ok && e.jid.startsWith(PHONE2 + ':')))
    check('code link ends with 515 restart', !first.open && first.code === 515, `code ${first.code} ${first.why}`)
    check('creds.me.id names phone 2', new RegExp(`^${PHONE2}:\\d+@s\\.whatsapp\\.net$`).test(auth.creds.me?.id ?? ''),
        auth.creds.me?.id)
    check('no QR was scanned for it', !ev.some(e => e.ev === 'scan'))
    const second = await connect(url, auth, () => {})
    check('code-linked device logs in (connection open)', second.open)
    const login = since(first.mark).find(e => e.ev === 'login')
    check('login names phone 2', login?.ok === true && login.username === PHONE2, JSON.stringify(login))
    second.sock.end(undefined)
}

// An unknown number gets an iq error; a wrong code typed into phone 1 fails at the bundle.
async function scenarioWrongCode(url) {
    const auth = memoryAuth()
    const res = await linkByCode(url, auth, ['15559999999', '15550001111'],
        code => (code[0] === 'A' ? 'B' : 'A') + code.slice(1))
    const ev = since(res.mark)
    const hellos = ev.filter(e => e.ev === 'link-code-hello')
    check('unknown number: companion_hello refused',
        hellos[0]?.ok === false && hellos[0].why === 'unknown-phone', JSON.stringify(hellos[0]))
    check('the same connection may ask again (phone 1)', hellos[1]?.ok === true, JSON.stringify(hellos[1]))
    const fin = ev.find(e => e.ev === 'link-code-finish')
    check('wrong code: the key bundle does not open', fin?.ok === false && fin.why === 'bundle', JSON.stringify(fin))
    check('wrong code: no pair-success, Baileys does not open', !res.open && !ev.some(e => e.ev === 'device-sign'),
        `code ${res.code}`)
    check('wrong code: Baileys got no device jid', auth.creds.me?.id === '15550001111@s.whatsapp.net', auth.creds.me?.id)
}

async function main() {
    const { child, info } = await startFake()
    const savedRoot = WA_CERT_DETAILS.PUBLIC_KEY
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(info.root, 'hex')
    const auth = memoryAuth()
    let qrs = 0
    try {
        const first = await connect(info.url, auth, qr => { if (qrs++ === 0) admin('scan-qr ' + qr) })
        check('Baileys completes the handshake and registers', events().some(e => e.ev === 'registration' && e.ok))
        check('the QR carries the URL prefix and platform id', events().some(e => e.ev === 'scan' && e.ok && e.parts === 5))
        check('fake phone verified the device signature (06 01)', events().some(e => e.ev === 'device-sign' && e.ok))
        check('first connection ends with 515 restart', !first.open && first.code === 515, `code ${first.code}`)
        check('Baileys stored its jid from pair-success', /^15550001111:\d+@s\.whatsapp\.net$/.test(auth.creds.me?.id ?? ''), auth.creds.me?.id)
        const second = await connect(info.url, auth, () => {})
        check('second connection opens (login)', second.open)
        const ev = events()
        const login = ev.find(e => e.ev === 'login')
        check('login payload: known username/device/noise key, passive', login?.ok === true && login.passive === true,
            JSON.stringify(login))
        check('no second registration', ev.filter(e => e.ev === 'registration').length === 1)
        check('pre-keys uploaded with a valid layout', await waitFor(es => es.some(e => e.ev === 'prekey-upload' && e.ok && e.keys > 0)))
        check('passive → active', await waitFor(es => es.some(e => e.ev === 'active')))
        second.sock.end(undefined)
        await scenarioLinkCode(info.url)
        await scenarioWrongCode(info.url)
    } catch (err) {
        check('no exception', false, String(err?.stack ?? err))
    } finally {
        WA_CERT_DETAILS.PUBLIC_KEY = savedRoot
        admin('quit')
        const code = await new Promise(r => child.exitCode !== null ? r(child.exitCode) : child.on('exit', r))
        check('fake server exits cleanly (uv_loop_close == 0, no sanitizer report)', code === 0, `exit ${code}`)
    }
    console.log(`${passed} passed, ${failed} failed`)
    if (failed === 0) fs.rmSync(tmp, { recursive: true, force: true })
    else console.log(`rastros: ${tmp}`)
    process.exit(failed === 0 ? 0 : 1)
}
main()
