#include "wa/wamsg.h"

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "crypto/secure.h"
#include "msg.pb-c.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* A text or JID field is usable when it is UTF-8 without NUL and not too long. */
static bool
wamsg_text_ok(const uint8_t *p, size_t n, size_t max)
{
    if (n == 0)
        return true; /* protobuf-c gives an empty field as NULL: no memchr(NULL, …) */
    return n <= max && memchr(p, '\0', n) == NULL && csv_utf8_valid((const char *)p, n);
}

/* Packs m at the end of out. */
static void
wamsg_pack(const Proto__Message *m, struct strbuf *out)
{
    size_t n = proto__message__get_packed_size(m);
    uint8_t *tmp = xmalloc(n > 0 ? n : 1);

    proto__message__pack(m, tmp);
    strbuf_add(out, tmp, n);
    free(tmp);
}

int
wamsg_encode_text(const char *text, bool extended, const uint8_t *secret, struct strbuf *out,
                  struct err *e)
{
    Proto__Message m = PROTO__MESSAGE__INIT;
    Proto__ExtendedTextMessage ext = PROTO__EXTENDED_TEXT_MESSAGE__INIT;
    Proto__MessageContextInfo ctx = PROTO__MESSAGE_CONTEXT_INFO__INIT;
    ProtobufCBinaryData t;
    size_t n = text ? strlen(text) : 0;

    if (n == 0 || !wamsg_text_ok((const uint8_t *)text, n, WAMSG_TEXT_MAX))
        return err_set(e, RC_INVAL, "mensaje: texto vacío, demasiado largo o no UTF-8");
    if (extended && secret == NULL)
        return err_set(e, RC_INVAL, "mensaje: falta el secreto del mensaje");
    t.data = (uint8_t *)(uintptr_t)text;
    t.len = n;
    if (extended) {
        ext.has_text = 1;
        ext.text = t;
        m.extendedtextmessage = &ext;
        ctx.has_messagesecret = 1;
        ctx.messagesecret.data = (uint8_t *)(uintptr_t)secret;
        ctx.messagesecret.len = WAMSG_SECRET_BYTES;
        m.messagecontextinfo = &ctx;
    } else {
        m.has_conversation = 1;
        m.conversation = t;
    }
    wamsg_pack(&m, out);
    return RC_OK;
}

int
wamsg_wrap_device_sent(const uint8_t *msg, size_t len, const char *dest_jid, struct strbuf *out,
                       struct err *e)
{
    Proto__Message w = PROTO__MESSAGE__INIT;
    Proto__DeviceSentMessage dsm = PROTO__DEVICE_SENT_MESSAGE__INIT;
    Proto__MessageContextInfo ctx = PROTO__MESSAGE_CONTEXT_INFO__INIT;
    size_t jlen = dest_jid ? strlen(dest_jid) : 0;
    Proto__Message *orig;

    if (jlen == 0 || !wamsg_text_ok((const uint8_t *)dest_jid, jlen, WAMSG_JID_MAX - 1))
        return err_set(e, RC_INVAL, "mensaje: JID de destino vacío o inválido");
    orig = proto__message__unpack(NULL, len, msg);
    if (orig == NULL)
        return err_set(e, RC_INVAL, "mensaje: no es un Message");
    dsm.has_destinationjid = 1;
    dsm.destinationjid.data = (uint8_t *)(uintptr_t)dest_jid;
    dsm.destinationjid.len = jlen;
    dsm.has_message = 1;
    dsm.message.data = (uint8_t *)(uintptr_t)msg;
    dsm.message.len = len;
    w.devicesentmessage = &dsm;
    /* guide §7.4: the original's messageContextInfo goes on the wrapper too. Only its known
     * field is copied: re-packing a parsed one would also re-encode its unknown fields, and
     * protobuf-c re-encodes some odd ones into bytes it then refuses to parse (found by
     * fuzz_wa_message: a wrapper that did not decode). */
    if (orig->messagecontextinfo != NULL && orig->messagecontextinfo->has_messagesecret) {
        ctx.has_messagesecret = 1;
        ctx.messagesecret = orig->messagecontextinfo->messagesecret;
        w.messagecontextinfo = &ctx;
    }
    wamsg_pack(&w, out);
    proto__message__free_unpacked(orig, NULL);
    return RC_OK;
}

/* Reads the text and the secret of one (unwrapped) Message into m. */
static int
wamsg_read(const Proto__Message *p, struct wamsg *m, struct err *e)
{
    const ProtobufCBinaryData *t = NULL;

    if (p->has_conversation) {
        t = &p->conversation;
    } else if (p->extendedtextmessage != NULL && p->extendedtextmessage->has_text) {
        t = &p->extendedtextmessage->text;
        m->extended = true;
    }
    if (t != NULL) {
        if (!wamsg_text_ok(t->data, t->len, WAMSG_TEXT_MAX))
            return err_set(e, RC_INVAL, "mensaje: texto demasiado largo o no UTF-8");
        m->text = xmalloc(t->len + 1);
        if (t->len > 0)
            memcpy(m->text, t->data, t->len);
        m->text[t->len] = '\0';
    }
    if (p->messagecontextinfo != NULL && p->messagecontextinfo->has_messagesecret &&
        p->messagecontextinfo->messagesecret.len == WAMSG_SECRET_BYTES) {
        memcpy(m->secret, p->messagecontextinfo->messagesecret.data, WAMSG_SECRET_BYTES);
        m->has_secret = true;
    }
    return RC_OK;
}

/* Unwraps a deviceSentMessage: one level only (a DSM inside a DSM is refused). */
static int
wamsg_read_dsm(const Proto__DeviceSentMessage *d, struct wamsg *m, struct err *e)
{
    Proto__Message *inner;
    int rc;

    if (!d->has_destinationjid || d->destinationjid.len == 0 ||
        !wamsg_text_ok(d->destinationjid.data, d->destinationjid.len, WAMSG_JID_MAX - 1))
        return err_set(e, RC_INVAL, "mensaje: deviceSentMessage sin JID de destino válido");
    memcpy(m->dest_jid, d->destinationjid.data, d->destinationjid.len); /* len > 0 here */
    m->dest_jid[d->destinationjid.len] = '\0';
    m->device_sent = true;
    if (!d->has_message)
        return RC_OK;
    inner = proto__message__unpack(NULL, d->message.len, d->message.data);
    if (inner == NULL)
        return err_set(e, RC_INVAL, "mensaje: deviceSentMessage con un Message inválido");
    if (inner->devicesentmessage != NULL)
        rc = err_set(e, RC_INVAL, "mensaje: deviceSentMessage anidado");
    else
        rc = wamsg_read(inner, m, e);
    proto__message__free_unpacked(inner, NULL);
    return rc;
}

int
wamsg_decode(const uint8_t *buf, size_t len, struct wamsg *m, struct err *e)
{
    Proto__Message *p;
    int rc;

    memset(m, 0, sizeof *m);
    p = proto__message__unpack(NULL, len, buf);
    if (p == NULL)
        return err_set(e, RC_INVAL, "mensaje: no es un Message");
    if (p->devicesentmessage != NULL) {
        rc = wamsg_read_dsm(p->devicesentmessage, m, e);
        /* The wrapper's messageContextInfo is the original's copy. */
        if (rc == RC_OK && !m->has_secret && p->messagecontextinfo != NULL &&
            p->messagecontextinfo->has_messagesecret &&
            p->messagecontextinfo->messagesecret.len == WAMSG_SECRET_BYTES) {
            memcpy(m->secret, p->messagecontextinfo->messagesecret.data, WAMSG_SECRET_BYTES);
            m->has_secret = true;
        }
    } else {
        rc = wamsg_read(p, m, e);
    }
    proto__message__free_unpacked(p, NULL);
    return rc;
}

void
wamsg_fini(struct wamsg *m)
{
    if (m == NULL)
        return;
    free(m->text);
    memset(m, 0, sizeof *m);
}

void
wamsg_pad(const uint8_t *msg, size_t len, const uint8_t *pad_rand, struct strbuf *out)
{
    uint8_t r;
    uint8_t pad[WAMSG_PAD_MAX];

    if (pad_rand != NULL)
        r = *pad_rand;
    else
        secure_random(&r, 1);
    r = (uint8_t)((r & 0x0F) + 1);
    memset(pad, r, r);
    strbuf_add(out, msg, len);
    strbuf_add(out, pad, r);
}

int
wamsg_unpad(const uint8_t *buf, size_t len, size_t *msglen, struct err *e)
{
    uint8_t r;
    uint8_t bad = 0;

    if (len == 0)
        return err_set(e, RC_INVAL, "mensaje: texto descifrado vacío");
    r = buf[len - 1];
    if (r == 0 || r >= len)
        return err_set(e, RC_INVAL, "mensaje: relleno inválido");
    for (size_t i = len - r; i < len; i++)
        bad |= (uint8_t)(buf[i] ^ r);
    if (bad != 0)
        return err_set(e, RC_INVAL, "mensaje: relleno inválido");
    *msglen = len - r;
    return RC_OK;
}
