/*
 * db_sender — the database calls of the sender runtime (src/rt/sender.c) that db_wa.h does
 * not have: the cluster-wide "one sender per account" lock, the account as its sender sees
 * it, the accounts `embudo worker` sends for, the connection state, when to try the next
 * claim (sql/028_wa_remitente.sql), and LISTEN on the sender's own connection so an idle
 * sender wakes on a campaign change without polling.
 *
 * Every call takes the account explicitly (the promoter's own session or a server session:
 * crm.wa_remitente decides, EB363). Errors as db.h. The thread that owns the struct db.
 */
#ifndef DB_DB_SENDER_H
#define DB_DB_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_mensaje;
struct err;

/*
 * Takes the session-level advisory lock of account cuenta on this connection (released by
 * db_sender_unlock or when the connection ends): *got false when another session holds it,
 * i.e. another sender runs for that account somewhere in the cluster.
 */
int db_sender_lock(struct db *db, int cuenta, bool *got, struct err *e)
    __attribute__((warn_unused_result));
int db_sender_unlock(struct db *db, int cuenta, struct err *e) __attribute__((warn_unused_result));

struct db_sender_cuenta {
    int usuario_id;
    char login[64];
    char estado[20]; /* SIN_VINCULAR, CONECTADA, DESCONECTADA… */
    char jid[64];    /* "" when never linked */
    bool vinculada;  /* sealed credentials are stored, or a CLOUD account (nothing to link) */
    bool envio_servidor;
    int limite_diario;
};

/* The account cuenta (api.wa_remitente_cuenta). RC_NOTFOUND when no such user. EB363. */
int db_sender_cuenta(struct db *db, int cuenta, struct db_sender_cuenta *out, struct err *e)
    __attribute__((warn_unused_result));

/* The ids of the linked accounts with server-side sending on (api.wa_cuentas_servidor), in a
 * new array the caller frees (NULL when n is 0). EB363 for a non-server session. */
int db_sender_cuentas_servidor(struct db *db, int **ids, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* The account's sealed credentials (api.wa_remitente_credenciales) in a new heap blob *blob
 * (the caller frees it) of *len bytes; *blob NULL when the account has none. EB363. */
int db_sender_credenciales(struct db *db, int cuenta, uint8_t **blob, size_t *len, struct err *e)
    __attribute__((warn_unused_result));

/* Replaces the sealed credentials after the connection changed them; nothing else about the
 * account changes. EB332, EB333 (dropped meanwhile: not brought back), EB363. */
int db_sender_guardar_credenciales(struct db *db, int cuenta, const uint8_t *blob, size_t len,
                                   struct err *e) __attribute__((warn_unused_result));

/* Records the connection state the sender saw (CONECTADA, DESCONECTADA, REQUIERE_VINCULO,
 * BLOQUEADA) with an optional Spanish detalle. EB331, EB333, EB363. */
int db_sender_estado(struct db *db, int cuenta, const char *estado, const char *detalle,
                     struct err *e) __attribute__((warn_unused_result));

/* How long until the next claim could succeed, in ms from the database's now, in *wait_ms
 * (-1 = nothing is waiting: sleep until a notification). api.envio_proximo. */
int db_sender_proximo(struct db *db, int cuenta, int64_t *wait_ms, struct err *e)
    __attribute__((warn_unused_result));

/*
 * api.mensaje_enviado / api.mensaje_recibo (as db_wa.h's) committed asynchronously
 * (synchronous_commit off for that one transaction): a server crash may lose the last few,
 * which leaves a message ENVIANDO (→ uncertain at the next start, never re-sent) or a tick
 * missing — never a double send. The claim stays a durable commit: it is what must not be
 * lost before the text leaves. *cambio as in db_wa.h. One message at a time: the sender
 * records them in batches (db_sender_lote); tests/bench/sender times this form as its baseline.
 */
int db_sender_enviado(struct db *db, int64_t id, const char *wa_id, bool *cambio, struct err *e)
    __attribute__((warn_unused_result));
int db_sender_recibo(struct db *db, const char *wa_id, bool leido, int64_t at_ms, bool *cambio,
                     struct err *e) __attribute__((warn_unused_result));

/* One item of a batch (db_sender_lote). */
enum db_sender_item_kind {
    DB_SENDER_ACK,       /* the server accepted message id under wa_id */
    DB_SENDER_RECIBO,    /* wa_id was delivered (leido false) or read */
    DB_SENDER_RECLAMADO, /* message id was claimed by db_sender_reclamar: its NOTIFY */
};

struct db_sender_item {
    enum db_sender_item_kind kind;
    int64_t id;       /* ack: the message */
    char wa_id[136];  /* the WhatsApp id (longer than 128 bytes matches nothing) */
    bool leido;       /* receipt: read, else delivered */
    int64_t at_ms;    /* when the network said it, epoch ms (0 = the server's now) */
    int64_t tag;      /* the caller's, untouched (sendcore: the campaign) */
    bool cambio;      /* out: it changed the message (not a duplicate, late or foreign) */
    char motivo[200]; /* out: an ack refused, why (Spanish; as api.mensaje_enviado's EB36x) */
};

/* A number found on WhatsApp: the cache row and the jid of its pending messages. */
struct db_sender_numero {
    char telefono[24]; /* as stored in the message (+52…) */
    char jid[64];
};

/*
 * api.mensaje_reclamar (as db_mensaje_reclamar, db_wa.h) with the panes' NOTIFY of the claim
 * deferred to the next db_sender_lote (a DB_SENDER_RECLAMADO item): a notifying transaction
 * holds a cluster-wide lock until its commit is flushed, which made the durable claims of
 * all accounts wait for one another's fsync (sql/045_wa_envio_lotes.sql). The account's
 * pending replies (campana_id NULL: out->campana_id 0) come first, at any hour and past the
 * cap (sql/101_wa_responder.sql); with solo_respuestas only they do
 * (api.respuesta_reclamar_diferido: the sender inside a campaign's pacing gap), never a
 * campaign's message. EB363.
 */
int db_sender_reclamar(struct db *db, int cuenta, bool solo_respuestas, struct db_mensaje *out,
                       bool *found, struct err *e) __attribute__((warn_unused_result));

/*
 * Records a batch in one statement (api.envio_lote), committed asynchronously like
 * db_sender_enviado: the claims' notifications, the numbers, then the acks, then the receipts
 * (so a receipt may follow its ack in the same batch). Fills every item's cambio and motivo.
 * Forward-only states make a batch safe to repeat; a server crash may lose the last batches (see
 * db_sender_enviado). EB362 (lists of different lengths), EB363.
 */
int db_sender_lote(struct db *db, int cuenta, struct db_sender_item *items, size_t n,
                   const struct db_sender_numero *nums, size_t nnums, struct err *e)
    __attribute__((warn_unused_result));

/* LISTEN on channel `embudo` on this connection. */
int db_sender_listen(struct db *db, struct err *e) __attribute__((warn_unused_result));

/* The connection's socket, to poll for readability while idle (-1 when closed). */
int db_sender_fd(struct db *db);

/* Receives one notification payload of another session (valid during the call only). */
typedef void db_sender_notify_fn(void *ctx, const char *payload);

/*
 * Reads what arrived on the socket (when readable is true) and passes every queued
 * notification from another session to fn; notifications caused by this connection's own
 * statements are dropped. RC_OK, or RC_DB when the connection is lost.
 */
int db_sender_notifications(struct db *db, bool readable, db_sender_notify_fn *fn, void *ctx,
                            struct err *e) __attribute__((warn_unused_result));

#endif
