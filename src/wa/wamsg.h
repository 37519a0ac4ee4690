/*
 * wamsg — the plaintext WhatsApp Message (guide §7.3, §7.4, §8.3, §12) and its padding.
 *
 * Encodes a text Message (conversation, or extendedTextMessage + messageContextInfo as
 * Baileys sends it), wraps a Message for our own other devices (deviceSentMessage), and
 * decodes what a peer sent (unwrapping deviceSentMessage). The schema is
 * src/wa/proto/msg.proto (protoc-c). Padding is Baileys' writeRandomPadMax16: r =
 * (random & 0x0F) + 1 bytes of value r, added before Signal encryption.
 *
 * Pure functions, any thread. The decoder and the unpadder treat their input as hostile
 * (fuzzed by tests/fuzz/fuzz_wa_message.c).
 */
#ifndef WA_WAMSG_H
#define WA_WAMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct strbuf;

#define WAMSG_SECRET_BYTES 32
#define WAMSG_PAD_MAX      16
#define WAMSG_TEXT_MAX     65536 /* bytes; longer texts are refused both ways */
#define WAMSG_JID_MAX      128

/* A decoded Message, as far as embudo reads it. */
struct wamsg {
    char *text;    /* conversation or extendedTextMessage.text (xmalloc'd); NULL: neither */
    bool extended; /* the text came in extendedTextMessage */
    bool has_secret;
    uint8_t secret[WAMSG_SECRET_BYTES]; /* messageContextInfo.messageSecret */
    bool device_sent;                   /* it was a deviceSentMessage (our own other device) */
    char dest_jid[WAMSG_JID_MAX];       /* deviceSentMessage.destinationJid, "" otherwise */
};

/*
 * Appends an encoded text Message to out. extended: extendedTextMessage{text} plus
 * messageContextInfo{messageSecret = secret} (what Baileys sends; secret must then be
 * given, e.g. 32 random bytes); otherwise conversation = text and secret is ignored.
 * RC_OK, or RC_INVAL (text empty, not UTF-8, or over WAMSG_TEXT_MAX; missing secret).
 */
int wamsg_encode_text(const char *text, bool extended, const uint8_t *secret, struct strbuf *out,
                      struct err *e) __attribute__((warn_unused_result));

/*
 * Appends to out the Message for our own other devices (guide §7.4):
 * deviceSentMessage{destinationJid = dest_jid, message = msg} plus msg's
 * messageContextInfo copied. RC_OK, or RC_INVAL (msg does not decode, dest_jid empty or
 * too long).
 */
int wamsg_wrap_device_sent(const uint8_t *msg, size_t len, const char *dest_jid, struct strbuf *out,
                           struct err *e) __attribute__((warn_unused_result));

/*
 * Decodes a Message (already unpadded) into m (wamsg_fini it, also after a failure).
 * deviceSentMessage is unwrapped (device_sent, dest_jid). Unknown fields are skipped. A
 * Message without text is RC_OK with m->text NULL (not ours to read: media, protocol…).
 * RC_INVAL for bytes that are not a Message, a text that is not UTF-8 or too long.
 */
int wamsg_decode(const uint8_t *buf, size_t len, struct wamsg *m, struct err *e)
    __attribute__((warn_unused_result));

/* Frees m->text and clears m. NULL-safe. */
void wamsg_fini(struct wamsg *m);

/* Appends msg then 1..16 padding bytes (random count r, each byte r) to out. pad_rand
 * NULL draws r from the CSPRNG; tests pass a byte (r = (byte & 0x0F) + 1). */
void wamsg_pad(const uint8_t *msg, size_t len, const uint8_t *pad_rand, struct strbuf *out);

/*
 * Checks the padding of a decrypted plaintext and sets *msglen to the length without it.
 * Refuses (RC_INVAL): an empty buffer, a last byte r of 0, r >= len (nothing left), or
 * any of the last r bytes different from r. r up to 255 is accepted (other clients pad
 * with more than 16; whatsmeow checks the same way).
 */
int wamsg_unpad(const uint8_t *buf, size_t len, size_t *msglen, struct err *e)
    __attribute__((warn_unused_result));

#endif
