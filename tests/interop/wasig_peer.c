/*
 * wasig_peer — embudo's side of the Signal cross-check with Baileys' libsignal-node
 * (tests/interop/signal-vs-baileys.mjs, run by run-signal.sh). Test only.
 *
 * One account's wasig (fresh credentials, 3 one-time pre-keys, rows kept sealed in memory)
 * driven by one command per line on stdin; one answer line per command on stdout. Bytes
 * and texts travel as hex.
 *
 *   bundle                          → bundle REGID IDENTITY SKEY_ID SKEY SIG PREKEY_ID PREKEY
 *   build JID REGID IDENTITY SKEY_ID SKEY SIG [PREKEY_ID PREKEY]  → ok CHANGED(0|1)
 *   send JID EXTENDED(0|1) TEXT     → enc pkmsg|msg CIPHERTEXT      (Message, padded, Signal)
 *   recv JID pkmsg|msg CIPHERTEXT   → text TEXT DSM(0|1) PREKEYS_LEFT (unpadded, decoded)
 *   reopen                          → ok   (a restart: a new wasig from the stored rows)
 *   quit
 * A failure answers "err RC message" and the program goes on.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wa/creds.h"
#include "wa/signal/wasig.h"
#include "wa/wamsg.h"

#define PEER_MAX_ROWS 4096

struct row {
    char key[WASIG_ROWKEY_MAX];
    uint8_t *blob;
    size_t len;
};

struct peer {
    struct row rows[WASIG_T_COUNT][PEER_MAX_ROWS];
    size_t n[WASIG_T_COUNT];
    struct wa_creds *creds;
    struct seal_key *key;
    struct wasig *s;
    struct wasig_persist persist;
};

static struct row *
row_find(struct peer *p, enum wasig_table t, const char *key)
{
    for (size_t i = 0; i < p->n[t]; i++)
        if (strcmp(p->rows[t][i].key, key) == 0)
            return &p->rows[t][i];
    return NULL;
}

static int
m_put(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
      struct err *e)
{
    struct peer *p = ctx;
    struct row *r = row_find(p, t, key);

    if (r == NULL) {
        if (p->n[t] == PEER_MAX_ROWS)
            return err_set(e, RC_INVAL, "demasiadas filas");
        r = &p->rows[t][p->n[t]++];
        snprintf(r->key, sizeof r->key, "%s", key);
    }
    free(r->blob);
    r->blob = xmalloc(len);
    memcpy(r->blob, blob, len);
    r->len = len;
    return RC_OK;
}

static int
m_del(void *ctx, enum wasig_table t, const char *key, struct err *e)
{
    struct peer *p = ctx;
    struct row *r = row_find(p, t, key);

    (void)e;
    if (r != NULL) {
        free(r->blob);
        *r = p->rows[t][--p->n[t]];
    }
    return RC_OK;
}

static int
m_load(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e)
{
    struct peer *p = ctx;

    for (size_t i = 0; i < p->n[t]; i++) {
        int rc = fn(arg, p->rows[t][i].key, p->rows[t][i].blob, p->rows[t][i].len, e);

        if (rc != RC_OK)
            return rc;
    }
    return RC_OK;
}

static void
hex_out(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
}

/* Decodes hex into a new buffer (*out, *n); false on bad hex. */
static bool
unhex(const char *h, uint8_t **out, size_t *n)
{
    size_t len = h ? strlen(h) : 0;

    if (len % 2 != 0)
        return false;
    *n = len / 2;
    *out = xmalloc(*n + 1);
    for (size_t i = 0; i < *n; i++) {
        unsigned v;

        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            return false;
        (*out)[i] = (uint8_t)v;
    }
    (*out)[*n] = 0;
    return true;
}

/* Hex of exactly n bytes into out. */
static bool
unhex_n(const char *h, uint8_t *out, size_t n)
{
    uint8_t *b = NULL;
    size_t len = 0;
    bool ok = unhex(h, &b, &len) && len == n;

    if (ok)
        memcpy(out, b, n);
    free(b);
    return ok;
}

static void
cmd_bundle(struct peer *p)
{
    const struct wa_creds *c = p->creds;

    printf("bundle %u ", c->registration_id);
    hex_out(c->identity.pub, 32);
    printf(" %u ", c->signed_prekey_id);
    hex_out(c->signed_prekey.pub, 32);
    printf(" ");
    hex_out(c->signed_prekey_sig, 64);
    printf(" %u ", c->prekeys[0].id);
    hex_out(c->prekeys[0].kp.pub, 32);
    printf("\n");
}

static int
cmd_build(struct peer *p, char **arg, int n, struct err *e)
{
    struct wasig_addr a;
    struct wasig_bundle b;
    bool changed = false;
    int rc;

    memset(&b, 0, sizeof b);
    if (n != 7 && n != 9)
        return err_set(e, RC_INVAL, "build: argumentos");
    rc = wasig_addr_from_jid(arg[1], &a, e);
    if (rc != RC_OK)
        return rc;
    b.registration_id = (uint32_t)strtoul(arg[2], NULL, 10);
    b.skey_id = (uint32_t)strtoul(arg[4], NULL, 10);
    if (!unhex_n(arg[3], b.identity, 32) || !unhex_n(arg[5], b.skey, 32) ||
        !unhex_n(arg[6], b.skey_sig, 64))
        return err_set(e, RC_INVAL, "build: hex");
    if (n == 9) {
        b.has_prekey = true;
        b.prekey_id = (uint32_t)strtoul(arg[7], NULL, 10);
        if (!unhex_n(arg[8], b.prekey, 32))
            return err_set(e, RC_INVAL, "build: hex");
    }
    rc = wasig_session_build(p->s, &a, &b, &changed, e);
    if (rc == RC_OK)
        printf("ok %d\n", changed ? 1 : 0);
    return rc;
}

static int
cmd_send(struct peer *p, char **arg, int n, struct err *e)
{
    struct wasig_addr a;
    struct strbuf msg, padded;
    uint8_t *text = NULL, *ct = NULL, secret[WAMSG_SECRET_BYTES];
    size_t tlen = 0, ctlen = 0;
    enum wasig_type type;
    int rc;

    if (n != 4 || !unhex(arg[3], &text, &tlen))
        return err_set(e, RC_INVAL, "send: argumentos");
    strbuf_init(&msg);
    strbuf_init(&padded);
    secure_random(secret, sizeof secret);
    rc = wasig_addr_from_jid(arg[1], &a, e);
    if (rc == RC_OK)
        rc = wamsg_encode_text((const char *)text, arg[2][0] == '1', secret, &msg, e);
    if (rc == RC_OK) {
        wamsg_pad((const uint8_t *)msg.buf, msg.len, NULL, &padded);
        rc =
            wasig_encrypt(p->s, &a, (const uint8_t *)padded.buf, padded.len, &type, &ct, &ctlen, e);
    }
    if (rc == RC_OK) {
        printf("enc %s ", wasig_type_name(type));
        hex_out(ct, ctlen);
        printf("\n");
    }
    free(ct);
    free(text);
    strbuf_fini(&msg);
    strbuf_fini(&padded);
    return rc;
}

static int
cmd_recv(struct peer *p, char **arg, int n, struct err *e)
{
    struct wasig_addr a;
    enum wasig_type type;
    uint8_t *ct = NULL, *pt = NULL;
    size_t ctlen = 0, ptlen = 0, mlen = 0;
    struct wamsg m;
    int rc;

    memset(&m, 0, sizeof m);
    if (n != 4 || !unhex(arg[3], &ct, &ctlen)) {
        free(ct);
        return err_set(e, RC_INVAL, "recv: argumentos");
    }
    rc = wasig_addr_from_jid(arg[1], &a, e);
    if (rc == RC_OK)
        rc = wasig_type_parse(arg[2], &type, e);
    if (rc == RC_OK)
        rc = wasig_decrypt(p->s, &a, type, ct, ctlen, NULL, &pt, &ptlen, e);
    if (rc == RC_OK)
        rc = wamsg_unpad(pt, ptlen, &mlen, e);
    if (rc == RC_OK)
        rc = wamsg_decode(pt, mlen, &m, e);
    if (rc == RC_OK && m.text == NULL)
        rc = err_set(e, RC_INVAL, "recv: sin texto");
    if (rc == RC_OK) {
        printf("text ");
        hex_out((const uint8_t *)m.text, strlen(m.text));
        printf(" %d %zu\n", m.device_sent ? 1 : 0, wasig_prekey_count(p->s));
    }
    wamsg_fini(&m);
    free(pt);
    free(ct);
    return rc;
}

static int
dispatch(struct peer *p, char **arg, int n, struct err *e)
{
    if (strcmp(arg[0], "bundle") == 0) {
        cmd_bundle(p);
        return RC_OK;
    }
    if (strcmp(arg[0], "build") == 0)
        return cmd_build(p, arg, n, e);
    if (strcmp(arg[0], "send") == 0)
        return cmd_send(p, arg, n, e);
    if (strcmp(arg[0], "recv") == 0)
        return cmd_recv(p, arg, n, e);
    if (strcmp(arg[0], "reopen") == 0) {
        wasig_free(p->s);
        p->s = wasig_open(p->creds, 7, p->key, &p->persist, e);
        if (p->s == NULL)
            return e->rc;
        printf("ok\n");
        return RC_OK;
    }
    return err_set(e, RC_INVAL, "orden desconocida");
}

static int
loop(struct peer *p)
{
    char *line = NULL, *arg[12];
    size_t cap = 0;

    while (getline(&line, &cap, stdin) > 0) {
        struct err e;
        int n = 0;

        err_clear(&e);
        for (char *t = strtok(line, " \n"); t && n < 12; t = strtok(NULL, " \n"))
            arg[n++] = t;
        if (n == 0)
            continue;
        if (strcmp(arg[0], "quit") == 0)
            break;
        if (dispatch(p, arg, n, &e) != RC_OK)
            printf("err %d %s\n", e.rc, e.msg);
        fflush(stdout);
    }
    free(line);
    return 0;
}

int
main(void)
{
    static struct peer p;
    char dir[] = "/tmp/wasig_peer.XXXXXX", path[64];
    struct err e;
    int rc;

    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof path, "%s/wa.key", dir);
    p.key = seal_key_open(path, true, &e);
    p.creds = wa_creds_generate(&e);
    if (p.key == NULL || p.creds == NULL || wa_creds_prekeys_gen(p.creds, 3, &e) != RC_OK)
        return 2;
    p.persist = (struct wasig_persist){ m_put, m_del, m_load, &p };
    p.s = wasig_open(p.creds, 7, p.key, &p.persist, &e);
    if (p.s == NULL)
        return 2;
    rc = loop(&p);
    wasig_free(p.s);
    wa_creds_free(p.creds);
    seal_key_close(p.key);
    for (int t = 0; t < WASIG_T_COUNT; t++)
        for (size_t i = 0; i < p.n[t]; i++)
            free(p.rows[t][i].blob);
    unlink(path);
    rmdir(dir);
    return rc;
}
