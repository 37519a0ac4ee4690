/*
 * db_wa_respuesta — the promoter answers a client's WhatsApp (sql/101_wa_responder.sql,
 * docs/wa-responder.md): whether and until when she can (the 24 hours after the client's
 * newest text), the answer queued for her own account's sender, and one opportunity's
 * conversation both ways. Detalle's `w`, `embudo wa responder` and `embudo wa conversacion`.
 *
 * Same rules as db_crm.h: one statement per call; an EB* refusal is RC_REFUSED with the
 * database's Spanish sentence in e. The thread that owns db.
 */
#ifndef DB_DB_WA_RESPUESTA_H
#define DB_DB_WA_RESPUESTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

/* Whether the caller can answer an opportunity now (api.wa_ventana). */
struct db_wa_ventana {
    int64_t hasta;        /* epoch seconds until which she can; 0 when she cannot */
    char hasta_local[24]; /* "DD/MM HH:MM" in the business zone; "" when she cannot */
    char codigo[8];       /* why not: EB421…EB425, EB366; "" when she can */
    char motivo[240];     /* why not, in Spanish; "" when she can */
    char telefono[24];    /* E.164, where the answer goes; "" when she cannot */
};

/* RC_OK (the answer in *out either way), RC_REFUSED (EB001), RC_DB. */
int db_wa_ventana(struct db *db, int64_t oportunidad, struct db_wa_ventana *out, struct err *e)
    __attribute__((warn_unused_result));

/* What queuing an answer did (api.wa_responder). */
struct db_wa_respondido {
    int64_t mensaje_id;
    bool repetido;          /* the same clave was queued before: that message, nothing new */
    char proveedor[8];      /* WEB | CLOUD */
    char estado_cuenta[20]; /* the account's state (CONECTADA, DESCONECTADA…) */
    char mensaje[160];      /* «respuesta en cola: sale en unos segundos» */
};

/*
 * Queues texto (1–4096 characters, trimmed) for the client of opportunity oportunidad from the
 * caller's own account; clave (NULL = none) makes a retry return the first. RC_OK; RC_REFUSED
 * with the database's sentence: EB420 (text, clave), EB421 (not hers), EB422 (not ABIERTA),
 * EB423 (no account that can send), EB424 (the client did not write in the last 24 h), EB425
 * (do-not-contact registry), EB366 (opted out); RC_DB.
 */
int db_wa_responder(struct db *db, int64_t oportunidad, const char *texto, const char *clave,
                    struct db_wa_respondido *out, struct err *e)
    __attribute__((warn_unused_result));

/* One message of a conversation (api.wa_conversacion); strings owned. */
struct db_wa_linea {
    int64_t cuando;        /* epoch seconds: received, sent, or queued when not sent yet */
    char cuando_local[24]; /* "DD/MM/YY HH:MM" in the business zone */
    bool entrante;         /* the client wrote it; else the account sent it (or will) */
    char *texto;           /* NULL once an ARCO suppression erased it */
    char estado[16];       /* SALIENTE: PENDIENTE, ENVIANDO, ENVIADO, ENTREGADO, LEIDO, FALLIDO,
                              OMITIDO (an answer the sender skipped); "" for ENTRANTE */
    char *campana;         /* SALIENTE of a campaign: its name; NULL for an answer */
    int64_t mensaje_id;    /* SALIENTE: the message; ENTRANTE: the message it answered (0) */
    bool baja;             /* ENTRANTE: it was an opt-out */
    bool incierto;         /* SALIENTE ENVIANDO whose ack was lost: it may or may not have left */
    char *motivo;          /* OMITIDO: why, in Spanish; FALLIDO: the failure's code; else NULL */
};

/* Opportunity oportunidad's WhatsApp both ways, oldest first, in *rows (db_wa_lineas_free).
 * RC_OK; RC_REFUSED (EB001, EB421 not visible); RC_DB. */
int db_wa_conversacion(struct db *db, int64_t oportunidad, struct db_wa_linea **rows, size_t *n,
                       struct err *e) __attribute__((warn_unused_result));
void db_wa_lineas_free(struct db_wa_linea *rows, size_t n);

#endif
