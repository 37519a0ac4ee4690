/*
 * wa_vm — the WhatsApp pane: the promoter's account (state with glyph and word, number,
 * daily limit and today's cap), the sender's health line, and while linking either the QR
 * code in half blocks with a countdown that follows each new ref, or — linking by phone
 * number, for a terminal too small or without UTF-8 for the QR — the 8-character code to type
 * on the phone with its countdown; when it all expired, one key to ask again. On the
 * simulated network a key scans (or "types" the code).
 *
 * An account of Meta's official API (CLOUD, docs/wa-cloud.md) has none of that: the pane says
 * it sends through Meta, Meta's number («+52 55 1234 5678») and quality rating (glyph and
 * word), its state and its daily limit (no warm-up ramp), and that the central server sends;
 * the keys that link or start this session's sender do not apply (wa_model_has), and pressing
 * one says why (wa_model_refusal).
 *
 * Pure C (no curses, no db); the loop thread owns the model. The QR text is rendered once
 * per ref (core/qr_text) when the model receives it, not per frame.
 */
#ifndef VM_WA_VM_H
#define VM_WA_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;

enum wa_estado {
    WA_DESCONOCIDO,
    WA_SIN_VINCULAR,
    WA_VINCULANDO,
    WA_CONECTADA,
    WA_DESCONECTADA,
    WA_REQUIERE_VINCULO,
    WA_BLOQUEADA,
};

/* "CONECTADA" → WA_CONECTADA…; anything else → WA_DESCONOCIDO. */
enum wa_estado wa_estado_parse(const char *s);

enum wa_envio {
    WA_ENVIO_DETENIDO,    /* no sender in this client */
    WA_ENVIO_ACTIVO,      /* this client's sender runs */
    WA_ENVIO_OTRA_SESION, /* another process holds the account's sender lock */
};

struct wa_model {
    bool loaded, ascii, sim;
    char error[512]; /* the last read failed: shown above the last data */
    enum wa_estado estado;
    char jid[64];
    char detalle[256];
    int32_t en_uso_desde; /* YYYYMMDD, 0 = unknown */
    int limite_diario, tope_hoy;
    bool envio_servidor;
    bool cloud;       /* sends through Meta's official API: nothing links, the server sends */
    char calidad[24]; /* with cloud: Meta's quality rating as Meta says it ("GREEN"…; "" unknown) */
    enum wa_envio envio;
    char salud[256]; /* the sender's latest word: "en descanso…", "reconecta en 8 s" */
    /* linking, in this client */
    char *qr; /* half-block text of the current ref (owned); NULL = none */
    int qr_rows, qr_cols, qr_n;
    int64_t qr_expira_ms;
    bool qr_vencido; /* every ref (or the phone code) expired unused */
    char codigo[16]; /* linking by phone number: "ABCD-EFGH"; "" = not asked */
    int64_t codigo_expira_ms;
    bool por_telefono; /* the last attempt showed a phone code, not QRs */
    int64_t now_ms; /* the clock for the countdown (set by the controller each second) */
};

void wa_model_init(struct wa_model *m);
void wa_model_fini(struct wa_model *m);

/* A new QR ref valid until expira_ms: rendered now (replacing the previous one), counted.
 * RC_INVAL when ref cannot be a QR code (the old one is dropped then). */
int wa_model_set_qr(struct wa_model *m, const char *ref, int64_t expira_ms, struct err *e)
    __attribute__((warn_unused_result));

/* Linking by phone number: the code to type on the phone (8 characters, shown as
 * "ABCD-EFGH"), valid until expira_ms. RC_INVAL (nothing changes) unless it is 8 letters and
 * digits. */
int wa_model_set_codigo(struct wa_model *m, const char *codigo, int64_t expira_ms, struct err *e)
    __attribute__((warn_unused_result));

/* Linking ended: the QR or the phone code disappears; vencido says whether it was because it
 * expired unused (the pane then offers the retry keys). */
void wa_model_qr_end(struct wa_model *m, bool vencido);

/* Whether the pane's key for act applies to the account: linking (v, n, s) and this session's
 * sender (e) do not for a CLOUD one. Until the account is read every key is offered. */
bool wa_model_has(const struct wa_model *m, enum action act);

/* Why act does nothing for this account (Spanish, for the bottom bar), or NULL when it
 * applies (wa_model_has). */
const char *wa_model_refusal(const struct wa_model *m, enum action act);

/* The sentence "?" and ":ayuda" show under the pane's keys: how this kind of account sends. */
const char *wa_model_help_note(const struct wa_model *m);

#define WA_VM_LINES 80

struct wa_vm {
    int width, height, nlines;
    struct vm_line lines[WA_VM_LINES];
};

/* Builds at most height lines for width columns. */
void wa_vm_build(struct wa_vm *vm, const struct wa_model *m, int width, int height);
char *wa_vm_dump(const struct wa_vm *vm); /* vm_lines_dump; caller frees */

#endif
