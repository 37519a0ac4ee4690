#include "wa/creds.h"

#include <assert.h>
#include <string.h>

#include "crypto/secure.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "util/err.h"

/* Blob record tags (v1). Values are fixed forever for version 1. */
enum {
    T_NOISE = 1,    /* priv 32 ‖ pub 32 */
    T_IDENTITY = 2, /* priv 32 ‖ pub 32 */
    T_SPK = 3,      /* id u32 ‖ priv 32 ‖ pub 32 ‖ sig 64 */
    T_REGID = 4,    /* u32, at most 0x3FFF */
    T_ADV = 5,      /* 32 bytes */
    T_COUNTERS = 6, /* next_prekey_id u32 ‖ first_unuploaded_prekey_id u32 */
    T_JID = 7,      /* strings: no NUL, shorter than their field */
    T_LID = 8,
    T_NAME = 9,
    T_PLATFORM = 10,
    T_ACCOUNT = 11, /* bytes */
    T_ROUTING = 12, /* bytes */
    T_PREKEYS = 13, /* n × (id u32 ‖ priv 32 ‖ pub 32), ids strictly increasing */
    T_LAST = 13,
};
/* Records every v1 blob must have. */
#define REQUIRED_MASK                                                                         \
    ((1u << T_NOISE) | (1u << T_IDENTITY) | (1u << T_SPK) | (1u << T_REGID) | (1u << T_ADV) | \
     (1u << T_COUNTERS) | (1u << T_PREKEYS))

static const uint8_t MAGIC[3] = { 'e', 'w', 'c' };
#define PAIR_BYTES   (2 * X25519_KEY_BYTES)
#define PREKEY_BYTES (4 + PAIR_BYTES)
#define SPK_BYTES    (4 + PAIR_BYTES + SIGN_BYTES)

static struct wa_creds *
creds_alloc(void)
{
    return secure_alloc(sizeof(struct wa_creds));
}

static uint16_t
random_regid(void)
{
    uint16_t r = 0;

    while (r == 0) {
        secure_random(&r, sizeof r);
        r &= 0x3FFF;
    }
    return r;
}

struct wa_creds *
wa_creds_generate(struct err *e)
{
    struct wa_creds *c = creds_alloc();
    uint8_t msg[1 + X25519_KEY_BYTES];

    x25519_keypair_gen(&c->noise);
    x25519_keypair_gen(&c->identity);
    x25519_keypair_gen(&c->signed_prekey);
    c->signed_prekey_id = 1;
    msg[0] = 0x05;
    memcpy(msg + 1, c->signed_prekey.pub, X25519_KEY_BYTES);
    if (sign_xeddsa(c->signed_prekey_sig, c->identity.priv, msg, sizeof msg, NULL, e) != RC_OK) {
        wa_creds_free(c);
        return NULL;
    }
    c->registration_id = random_regid();
    secure_random(c->adv_secret, sizeof c->adv_secret);
    c->next_prekey_id = 1;
    c->first_unuploaded_prekey_id = 1;
    return c;
}

void
wa_creds_free(struct wa_creds *c)
{
    if (c == NULL)
        return;
    secure_free(c->prekeys);
    secure_free(c);
}

bool
wa_creds_is_paired(const struct wa_creds *c)
{
    return c->me_jid[0] != '\0';
}

/* Makes room for n more pre-keys (secure memory cannot grow in place: copy, then wipe). */
static void
prekeys_reserve(struct wa_creds *c, size_t n)
{
    struct wa_prekey *p;
    size_t cap = c->capprekeys ? c->capprekeys : 64;

    if (c->nprekeys + n <= c->capprekeys)
        return;
    while (cap < c->nprekeys + n)
        cap *= 2;
    p = secure_alloc(cap * sizeof *p);
    if (c->nprekeys > 0)
        memcpy(p, c->prekeys, c->nprekeys * sizeof *p);
    secure_free(c->prekeys);
    c->prekeys = p;
    c->capprekeys = cap;
}

int
wa_creds_prekeys_gen(struct wa_creds *c, size_t n, struct err *e)
{
    if (n > WA_CREDS_MAX_PREKEYS - c->nprekeys ||
        n > (size_t)WA_CREDS_PREKEY_ID_MAX + 1 - c->next_prekey_id)
        return err_set(e, RC_INVAL, "credenciales: demasiadas pre-claves (%zu)", n);
    prekeys_reserve(c, n);
    for (size_t i = 0; i < n; i++) {
        struct wa_prekey *k = &c->prekeys[c->nprekeys++];

        k->id = c->next_prekey_id++;
        x25519_keypair_gen(&k->kp);
    }
    return RC_OK;
}

/* Index of the pre-key with id (binary search: ids are strictly increasing), or nprekeys. */
static size_t
prekey_index(const struct wa_creds *c, uint32_t id)
{
    size_t lo = 0, hi = c->nprekeys;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->prekeys[mid].id == id)
            return mid;
        if (c->prekeys[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return c->nprekeys;
}

const struct wa_prekey *
wa_creds_prekey_find(const struct wa_creds *c, uint32_t id)
{
    size_t i = prekey_index(c, id);

    return i < c->nprekeys ? &c->prekeys[i] : NULL;
}

bool
wa_creds_prekey_remove(struct wa_creds *c, uint32_t id)
{
    size_t i = prekey_index(c, id);

    if (i >= c->nprekeys)
        return false;
    memmove(&c->prekeys[i], &c->prekeys[i + 1], (c->nprekeys - i - 1) * sizeof *c->prekeys);
    c->nprekeys--;
    secure_wipe(&c->prekeys[c->nprekeys], sizeof *c->prekeys);
    return true;
}

int
wa_creds_set_routing(struct wa_creds *c, const uint8_t *data, size_t len, struct err *e)
{
    if (len > WA_CREDS_ROUTING_MAX)
        return err_set(e, RC_INVAL, "credenciales: routing info demasiado larga (%zu bytes)", len);
    if (len > 0)
        memcpy(c->routing, data, len);
    c->routing_len = len;
    return RC_OK;
}

/* ---- dump ---------------------------------------------------------------------------- */

/* A cursor over a secure buffer sized in advance. */
struct wbuf {
    uint8_t *p;
    size_t off;
};

static void
put_u32(struct wbuf *w, uint32_t v)
{
    w->p[w->off++] = (uint8_t)(v >> 24);
    w->p[w->off++] = (uint8_t)(v >> 16);
    w->p[w->off++] = (uint8_t)(v >> 8);
    w->p[w->off++] = (uint8_t)v;
}

static void
put_raw(struct wbuf *w, const void *data, size_t len)
{
    if (len > 0)
        memcpy(w->p + w->off, data, len);
    w->off += len;
}

static void
put_head(struct wbuf *w, uint8_t tag, size_t len)
{
    w->p[w->off++] = tag;
    put_u32(w, (uint32_t)len);
}

static void
put_rec(struct wbuf *w, uint8_t tag, const void *data, size_t len)
{
    put_head(w, tag, len);
    put_raw(w, data, len);
}

static void
put_pair(struct wbuf *w, const struct x25519_keypair *kp)
{
    put_raw(w, kp->priv, X25519_KEY_BYTES);
    put_raw(w, kp->pub, X25519_KEY_BYTES);
}

/* The optional string record, skipped when empty. */
static void
put_str(struct wbuf *w, uint8_t tag, const char *s)
{
    if (s[0] != '\0')
        put_rec(w, tag, s, strlen(s));
}

static size_t
dump_len(const struct wa_creds *c)
{
    size_t n = sizeof MAGIC + 1;
    const char *strs[] = { c->me_jid, c->me_lid, c->me_name, c->platform };

    n += 5 + PAIR_BYTES + 5 + PAIR_BYTES + 5 + SPK_BYTES + 5 + 4 + 5 + WA_CREDS_ADV_BYTES + 5 + 8;
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        n += strs[i][0] ? 5 + strlen(strs[i]) : 0;
    n += c->account_len ? 5 + c->account_len : 0;
    n += c->routing_len ? 5 + c->routing_len : 0;
    return n + 5 + c->nprekeys * PREKEY_BYTES;
}

void
wa_creds_dump(const struct wa_creds *c, uint8_t **out, size_t *len)
{
    size_t n = dump_len(c);
    struct wbuf w = { secure_alloc(n), 0 };

    put_raw(&w, MAGIC, sizeof MAGIC);
    w.p[w.off++] = WA_CREDS_VERSION;
    put_head(&w, T_NOISE, PAIR_BYTES);
    put_pair(&w, &c->noise);
    put_head(&w, T_IDENTITY, PAIR_BYTES);
    put_pair(&w, &c->identity);
    put_head(&w, T_SPK, SPK_BYTES);
    put_u32(&w, c->signed_prekey_id);
    put_pair(&w, &c->signed_prekey);
    put_raw(&w, c->signed_prekey_sig, SIGN_BYTES);
    put_head(&w, T_REGID, 4);
    put_u32(&w, c->registration_id);
    put_rec(&w, T_ADV, c->adv_secret, WA_CREDS_ADV_BYTES);
    put_head(&w, T_COUNTERS, 8);
    put_u32(&w, c->next_prekey_id);
    put_u32(&w, c->first_unuploaded_prekey_id);
    put_str(&w, T_JID, c->me_jid);
    put_str(&w, T_LID, c->me_lid);
    put_str(&w, T_NAME, c->me_name);
    put_str(&w, T_PLATFORM, c->platform);
    if (c->account_len > 0)
        put_rec(&w, T_ACCOUNT, c->account, c->account_len);
    if (c->routing_len > 0)
        put_rec(&w, T_ROUTING, c->routing, c->routing_len);
    put_head(&w, T_PREKEYS, c->nprekeys * PREKEY_BYTES);
    for (size_t i = 0; i < c->nprekeys; i++) {
        put_u32(&w, c->prekeys[i].id);
        put_pair(&w, &c->prekeys[i].kp);
    }
    *out = w.p;
    *len = w.off;
}

/* ---- parse --------------------------------------------------------------------------- */

static uint32_t
get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Reads a key pair and checks the public half against the private one. */
static int
get_pair(struct x25519_keypair *kp, const uint8_t *p, const char *what, struct err *e)
{
    struct x25519_keypair chk;
    bool ok;

    ok = x25519_keypair_from_priv(&chk, p, NULL) == RC_OK &&
         secure_equal(chk.priv, p, X25519_KEY_BYTES) &&
         secure_equal(chk.pub, p + X25519_KEY_BYTES, X25519_KEY_BYTES);
    secure_wipe(&chk, sizeof chk);
    if (!ok)
        return err_set(e, RC_INVAL, "credenciales: la clave %s no es coherente", what);
    memcpy(kp->priv, p, X25519_KEY_BYTES);
    memcpy(kp->pub, p + X25519_KEY_BYTES, X25519_KEY_BYTES);
    return RC_OK;
}

static int
get_str(char *dst, size_t cap, const uint8_t *v, size_t len, const char *what, struct err *e)
{
    if (len == 0 || len >= cap || memchr(v, '\0', len) != NULL)
        return err_set(e, RC_INVAL, "credenciales: campo %s inválido", what);
    memcpy(dst, v, len);
    dst[len] = '\0';
    return RC_OK;
}

static int
get_bytes(uint8_t *dst, size_t *dlen, size_t cap, const uint8_t *v, size_t len, const char *what,
          struct err *e)
{
    if (len == 0 || len > cap)
        return err_set(e, RC_INVAL, "credenciales: campo %s inválido", what);
    memcpy(dst, v, len);
    *dlen = len;
    return RC_OK;
}

static int
get_prekeys(struct wa_creds *c, const uint8_t *v, size_t len, struct err *e)
{
    size_t n = len / PREKEY_BYTES;

    if (len % PREKEY_BYTES != 0 || n > WA_CREDS_MAX_PREKEYS)
        return err_set(e, RC_INVAL, "credenciales: lista de pre-claves inválida");
    prekeys_reserve(c, n);
    for (size_t i = 0; i < n; i++, v += PREKEY_BYTES) {
        struct wa_prekey *k = &c->prekeys[i];

        k->id = get_u32(v);
        if (k->id == 0 || k->id > WA_CREDS_PREKEY_ID_MAX || (i > 0 && k->id <= k[-1].id))
            return err_set(e, RC_INVAL, "credenciales: ids de pre-claves inválidos");
        memcpy(k->kp.priv, v + 4, X25519_KEY_BYTES);
        memcpy(k->kp.pub, v + 4 + X25519_KEY_BYTES, X25519_KEY_BYTES);
        c->nprekeys = i + 1;
    }
    return RC_OK;
}

static int
get_spk(struct wa_creds *c, const uint8_t *v, size_t len, struct err *e)
{
    if (len != SPK_BYTES)
        return err_set(e, RC_INVAL, "credenciales: pre-clave firmada inválida");
    c->signed_prekey_id = get_u32(v);
    if (c->signed_prekey_id == 0 || c->signed_prekey_id > WA_CREDS_PREKEY_ID_MAX)
        return err_set(e, RC_INVAL, "credenciales: id de pre-clave firmada inválido");
    memcpy(c->signed_prekey_sig, v + 4 + PAIR_BYTES, SIGN_BYTES);
    return get_pair(&c->signed_prekey, v + 4, "de pre-clave firmada", e);
}

static int
get_fixed(int tag, struct wa_creds *c, const uint8_t *v, size_t len, struct err *e)
{
    static const size_t want[] = { [T_NOISE] = PAIR_BYTES,
                                   [T_IDENTITY] = PAIR_BYTES,
                                   [T_REGID] = 4,
                                   [T_ADV] = WA_CREDS_ADV_BYTES,
                                   [T_COUNTERS] = 8 };

    if (len != want[tag])
        return err_set(e, RC_INVAL, "credenciales: registro %d de largo inválido", tag);
    switch (tag) {
    case T_NOISE:
        return get_pair(&c->noise, v, "noise", e);
    case T_IDENTITY:
        return get_pair(&c->identity, v, "de identidad", e);
    case T_REGID:
        c->registration_id = get_u32(v);
        if (c->registration_id > 0x3FFF)
            return err_set(e, RC_INVAL, "credenciales: id de registro fuera de rango");
        return RC_OK;
    case T_ADV:
        memcpy(c->adv_secret, v, WA_CREDS_ADV_BYTES);
        return RC_OK;
    default: /* T_COUNTERS */
        c->next_prekey_id = get_u32(v);
        c->first_unuploaded_prekey_id = get_u32(v + 4);
        return RC_OK;
    }
}

static int
get_record(int tag, struct wa_creds *c, const uint8_t *v, size_t len, struct err *e)
{
    switch (tag) {
    case T_SPK:
        return get_spk(c, v, len, e);
    case T_JID:
        return get_str(c->me_jid, sizeof c->me_jid, v, len, "jid", e);
    case T_LID:
        return get_str(c->me_lid, sizeof c->me_lid, v, len, "lid", e);
    case T_NAME:
        return get_str(c->me_name, sizeof c->me_name, v, len, "nombre", e);
    case T_PLATFORM:
        return get_str(c->platform, sizeof c->platform, v, len, "plataforma", e);
    case T_ACCOUNT:
        return get_bytes(c->account, &c->account_len, sizeof c->account, v, len, "cuenta", e);
    case T_ROUTING:
        return get_bytes(c->routing, &c->routing_len, sizeof c->routing, v, len, "routing", e);
    case T_PREKEYS:
        return get_prekeys(c, v, len, e);
    default:
        return get_fixed(tag, c, v, len, e);
    }
}

/* Cross-field rules: counters agree with the kept pre-keys; paired means jid + account. */
static int
check_consistent(const struct wa_creds *c, struct err *e)
{
    uint32_t next = c->next_prekey_id;

    if (next == 0 || next > WA_CREDS_PREKEY_ID_MAX + 1 || c->first_unuploaded_prekey_id == 0 ||
        c->first_unuploaded_prekey_id > next)
        return err_set(e, RC_INVAL, "credenciales: contadores de pre-claves inválidos");
    if (c->nprekeys > 0 && c->prekeys[c->nprekeys - 1].id >= next)
        return err_set(e, RC_INVAL, "credenciales: pre-clave con id no asignado");
    if ((c->me_jid[0] != '\0') != (c->account_len > 0))
        return err_set(e, RC_INVAL, "credenciales: vinculación incompleta");
    return RC_OK;
}

static int
parse_records(struct wa_creds *c, const uint8_t *p, size_t len, struct err *e)
{
    uint32_t seen = 0;
    size_t off = 0;

    while (off < len) {
        size_t rlen;
        int tag, rc;

        if (len - off < 5)
            return err_set(e, RC_INVAL, "credenciales: registro truncado (byte %zu)", off);
        tag = p[off];
        rlen = get_u32(p + off + 1);
        off += 5;
        if (tag < 1 || tag > T_LAST || (seen & (1u << tag)))
            return err_set(e, RC_INVAL, "credenciales: registro %d desconocido o repetido", tag);
        if (rlen > len - off)
            return err_set(e, RC_INVAL, "credenciales: registro %d truncado", tag);
        seen |= 1u << tag;
        rc = get_record(tag, c, p + off, rlen, e);
        if (rc != RC_OK)
            return rc;
        off += rlen;
    }
    if ((seen & REQUIRED_MASK) != REQUIRED_MASK)
        return err_set(e, RC_INVAL, "credenciales: faltan registros obligatorios");
    return check_consistent(c, e);
}

int
wa_creds_parse(const uint8_t *blob, size_t len, struct wa_creds **out, struct err *e)
{
    struct wa_creds *c;
    int rc;

    assert(out != NULL && (blob != NULL || len == 0));
    *out = NULL;
    if (len < sizeof MAGIC + 1 || memcmp(blob, MAGIC, sizeof MAGIC) != 0)
        return err_set(e, RC_INVAL, "credenciales: formato desconocido");
    if (blob[sizeof MAGIC] != WA_CREDS_VERSION)
        return err_set(e, RC_INVAL, "credenciales: versión %u no soportada",
                       (unsigned)blob[sizeof MAGIC]);
    c = creds_alloc();
    rc = parse_records(c, blob + sizeof MAGIC + 1, len - sizeof MAGIC - 1, e);
    if (rc != RC_OK) {
        wa_creds_free(c);
        return rc;
    }
    *out = c;
    return RC_OK;
}
