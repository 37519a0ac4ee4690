// tests/e2e/fake_ia.mjs — test-only: a fake OpenAI-compatible chat endpoint for the e2e
// scenarios (the C tests have their own in tests/db/test_ia.c). Node's standard library only.
//
//   node tests/e2e/fake_ia.mjs CONTENT_FILE PORT_FILE LOG_FILE
//
// Listens on 127.0.0.1 on a free port and writes the port to PORT_FILE once listening (poll
// for it). Every POST ending in /chat/completions is answered 200 with a chat completion whose
// message content is CONTENT_FILE's text, read at each request; anything else gets 404. One
// JSON line per request is appended to LOG_FILE: {"path", "model", "llave", "plantilla"}
// (llave: whether an "Authorization: Bearer …" header came; plantilla: the user message).
// Runs until killed.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [contentFile, portFile, logFile] = process.argv.slice(2);
if (!contentFile || !portFile || !logFile) {
    console.error('uso: node fake_ia.mjs CONTENIDO PUERTO BITACORA');
    process.exit(2);
}

const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
            res.writeHead(404, { 'Content-Type': 'text/plain' });
            res.end('no encontrado');
            return;
        }
        let body = {};
        try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
            body = {};
        }
        const user = (body.messages || []).find((m) => m.role === 'user');
        appendFileSync(logFile, JSON.stringify({
            path: req.url,
            model: body.model ?? null,
            llave: /^Bearer .+/.test(req.headers.authorization ?? ''),
            plantilla: user ? user.content : null,
        }) + '\n');
        const answer = {
            id: 'e2e', object: 'chat.completion', model: body.model ?? '',
            choices: [{ index: 0, finish_reason: 'stop', message: {
                role: 'assistant', content: readFileSync(contentFile, 'utf8') } }],
        };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
    });
});

server.listen(0, '127.0.0.1', () => {
    writeFileSync(portFile, `${server.address().port}\n`);
});
