/*
 * db_wa — typed calls to the WhatsApp functions of schema api (sql/020…026, docs/campanas.md
 * "Base de datos"): the promoter's account and its sealed credentials, campaign creation
 * (reserve + texts rendered with core/plantilla, one transaction), lifecycle and counts, the
 * sender's claim/ack/receipt/failure calls, uncertain messages, incoming texts and opt-outs,
 * number checks, statistics and the message export.
 *
 * Same rules as db_crm.h: plain C structs in and out, parameters only, autocommit unless
 * stated; a business refusal is RC_REFUSED with e->code = the SQLSTATE (EB3xx) and e->msg =
 * the database's Spanish message; anything else RC_DB. Results own their strings: release
 * them with the matching _fini/_free. The thread that owns the struct db.
 */
#ifndef DB_DB_WA_H
#define DB_DB_WA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

/* ---- the account ---------------------------------------------------------------------- */

struct db_wa_cuenta {
    int usuario_id;
    char *jid;                   /* NULL when never linked */
    char estado[20];             /* SIN_VINCULAR, VINCULANDO, CONECTADA, DESCONECTADA… */
    unsigned char *credenciales; /* the sealed blob (src/crypto/seal.h); NULL when none */
    size_t credenciales_len;
    time_t vinculada_at;  /* 0 = never */
    int32_t en_uso_desde; /* YYYYMMDD, 0 = unknown (pacing_cap_for's convention) */
    bool envio_servidor;
    int limite_diario;
    char *detalle; /* may be NULL */
    int tope_hoy;  /* today's cap: min(limit, warm-up ramp) */
};

/* The caller's account (a SIN_VINCULAR one with the defaults when none is stored). Fills out
 * (db_wa_cuenta_fini it). EB001, EB330 (not a promoter). */
int db_wa_cuenta(struct db *db, struct db_wa_cuenta *out, struct err *e)
    __attribute__((warn_unused_result));
/* Wipes the credentials and frees the strings. NULL-safe fields. */
void db_wa_cuenta_fini(struct db_wa_cuenta *c);

/* Stores the sealed credentials after pairing (estado CONECTADA; warm-up kept for the same
 * number). The blob goes as a binary parameter. EB330, EB332. */
int db_wa_guardar_credenciales(struct db *db, const char *jid, const unsigned char *blob,
                               size_t len, struct err *e) __attribute__((warn_unused_result));

/* Records a connection state (VINCULANDO, CONECTADA, DESCONECTADA, REQUIERE_VINCULO,
 * BLOQUEADA) with an optional Spanish detalle. EB331, EB333. */
int db_wa_cambiar_estado(struct db *db, const char *estado, const char *detalle, struct err *e)
    __attribute__((warn_unused_result));

/* Drops the credentials (SIN_VINCULAR); jid and warm-up start stay. */
int db_wa_desvincular(struct db *db, struct err *e) __attribute__((warn_unused_result));

/* ---- campaigns ------------------------------------------------------------------------ */

struct db_campana_nueva {
    const char *etapa;    /* stage name (INICIAL/NORMAL) */
    const char *texto;    /* the template (variables, spintax) */
    const char *nombre;   /* NULL = "<etapa> <date>" */
    const char *convenio; /* NULL = any */
    const char *entidad;  /* NULL = any */
    int maximo;           /* recipients that get a message; 0 = no limit (5000) */
    const char *meta_nombre; /* the template's twin approved in Meta; NULL = none */
    const char *meta_idioma; /* its language; NULL = "es_MX" */
};

struct db_plan_dia {
    int32_t dia; /* YYYYMMDD, business date */
    int mensajes;
    time_t desde; /* earliest scheduled send that day */
    bool hoy;     /* dia is today's business date */
};

struct db_omitido {
    int64_t mensaje_id;
    int64_t oportunidad_id;
    char *cliente;  /* may be NULL */
    char *telefono; /* may be NULL (SIN_TELEFONO) */
    char *motivo;   /* code: BAJA, BLOQUEADO, SIN_WHATSAPP, DUPLICADO, RECIENTE, SIN_CUPO… */
    char *detalle;  /* Spanish */
};

struct db_campana_creada {
    int64_t id;
    int destinatarios; /* messages scheduled */
    int omitidos;
    int hoy;       /* of them, today */
    int tope_hoy;  /* today's cap */
    char *mensaje; /* "hoy puede enviar 10: límite 180, ya enviados 170" */
    struct db_plan_dia *plan;
    size_t nplan;
    struct db_omitido *omitidos_v;
    size_t nomitidos;
};

/*
 * Creates a campaign in one transaction: api.campana_crear (audience, skipped, capacity
 * reserved per day with the account row locked), api.campana_destinatarios, each text
 * rendered here with plantilla_render(seed plantilla_seed(campaign, message)) — a render
 * missing a value marks that message OMITIDO FALTA_DATO —, api.campana_textos (→ LISTA),
 * and with n->meta_nombre api.campana_meta (each message's values of the template's variables
 * in order of first appearance: the body parameters of its twin in Meta, docs/wa-cloud.md).
 * Then the plan and the skipped list. Fills out (db_campana_creada_fini it) on RC_OK.
 * EB330, EB340, EB350…EB354, EB394; RC_INVAL if the template does not parse in C.
 */
int db_campana_crear(struct db *db, const struct db_campana_nueva *n, struct db_campana_creada *out,
                     struct err *e) __attribute__((warn_unused_result));
void db_campana_creada_fini(struct db_campana_creada *c);

enum db_campana_accion {
    DB_CAMPANA_LANZAR,
    DB_CAMPANA_PAUSAR,
    DB_CAMPANA_REANUDAR,
    DB_CAMPANA_CANCELAR, /* pending messages → CANCELADO: the capacity is released */
};

/* Applies an action; estado receives the campaign's state after it (the same state again is
 * a no-op). EB355 not yours, EB356 not allowed in this state, EB357 texts missing. */
int db_campana_accion(struct db *db, int64_t id, enum db_campana_accion accion, char estado[16],
                      struct err *e) __attribute__((warn_unused_result));

/* Counts per state, derived from the messages (api.campana_estado). */
struct db_campana_estado {
    int64_t id;
    char *nombre;
    char estado[16];
    char *etapa;
    char *usuario_login;
    int total, pendientes, enviando, inciertos, enviados, entregados, leidos, respondidos;
    int fallidos, omitidos, cancelados, bajas;
    int sin_entregar; /* sent longer than wa_ajustes.sin_entrega_horas ago, still undelivered */
    time_t creada_at, lanzada_at, terminada_at, proximo_at; /* 0 = none */
    char *pausa_motivo; /* why it paused by itself (sql/102); NULL: not paused, or by a user */
};

int db_campana_estado(struct db *db, int64_t id, struct db_campana_estado *out, struct err *e)
    __attribute__((warn_unused_result));
void db_campana_estado_fini(struct db_campana_estado *s);

/* The campaigns the caller sees (row-level security: own, team, all), newest first, at most
 * limite, each as api.campana_estado gives it; estado (the database's word) and promotor
 * (a login) filter when not NULL. db_campanas_free the rows. */
int db_campanas(struct db *db, const char *estado, const char *promotor, int limite,
                struct db_campana_estado **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_campanas_free(struct db_campana_estado *rows, size_t n);

/* The per-day plan / the skipped recipients; arrays owned by the caller. EB355. */
int db_campana_plan(struct db *db, int64_t id, struct db_plan_dia **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
int db_campana_omitidos(struct db *db, int64_t id, struct db_omitido **rows, size_t *n,
                        struct err *e) __attribute__((warn_unused_result));
void db_omitidos_free(struct db_omitido *rows, size_t n);

/* ---- the sender ----------------------------------------------------------------------- */

struct db_mensaje {
    int64_t id;
    int64_t campana_id; /* 0: a reply (campana_id NULL, sql/101_wa_responder.sql) */
    int64_t oportunidad_id;
    char *telefono;
    char *jid; /* may be NULL (not checked yet) */
    char *texto;
};

/*
 * Claims the next due message of account cuenta (its own short transaction): *found false
 * when none is due (campaign paused, account not CONECTADA, outside the window, today's cap
 * reached). Fills out (db_mensaje_fini it) when found. EB363.
 */
int db_mensaje_reclamar(struct db *db, int cuenta, struct db_mensaje *out, bool *found,
                        struct err *e) __attribute__((warn_unused_result));
void db_mensaje_fini(struct db_mensaje *m);

/* Server ack: ENVIADO with wa_id. *cambio false when this ack was already recorded.
 * EB360, EB361. */
int db_mensaje_enviado(struct db *db, int64_t id, const char *wa_id, bool *cambio, struct err *e)
    __attribute__((warn_unused_result));

/* A receipt (leido false = delivered, true = read) at `at` (0 = now). *cambio false for a
 * duplicated, late or unknown receipt. EB362. */
int db_mensaje_recibo(struct db *db, const char *wa_id, bool leido, time_t at, bool *cambio,
                      struct err *e) __attribute__((warn_unused_result));

/* The send failed with error (a short code or text). *cambio false when already FALLIDO.
 * EB360, EB361. */
int db_mensaje_fallido(struct db *db, int64_t id, const char *error, bool *cambio, struct err *e)
    __attribute__((warn_unused_result));

/* Marks the account's messages found ENVIANDO as uncertain (the sender, at start, holding
 * the account's advisory lock); *n receives how many. EB363. */
int db_mensajes_recuperar(struct db *db, int cuenta, int *n, struct err *e)
    __attribute__((warn_unused_result));

enum db_incierto_accion { DB_INCIERTO_ENVIADO, DB_INCIERTO_REENVIAR, DB_INCIERTO_DESCARTAR };

/* The user's decision on an uncertain message; estado receives the message's new state.
 * EB360, EB361. */
int db_mensaje_resolver_incierto(struct db *db, int64_t id, enum db_incierto_accion accion,
                                 char estado[16], struct err *e)
    __attribute__((warn_unused_result));

struct db_entrante {
    int64_t oportunidad_id; /* 0 = none matched */
    int64_t mensaje_id;     /* 0 = no message of ours answered */
    bool baja;
};

/*
 * An incoming text on account cuenta (0 = the caller's own) from a phone or jid. baja/regla
 * come from optout_detect (src/core/optout.h); with baja the opt-out is recorded, pending
 * messages to that phone skipped, the opportunity sent to the bandeja. EB363, EB364.
 */
int db_wa_entrante(struct db *db, int cuenta, const char *telefono_o_jid, const char *texto,
                   bool baja, const char *regla, struct db_entrante *out, struct err *e)
    __attribute__((warn_unused_result));

/* Caches a number check (jid may be NULL); a number not on WhatsApp skips its pending
 * messages, *omitidos receives how many. EB701, EB362. */
int db_wa_numero_guardar(struct db *db, const char *telefono, bool en_whatsapp, const char *jid,
                         int *omitidos, struct err *e) __attribute__((warn_unused_result));

/* ---- statistics and export -------------------------------------------------------------- */

struct db_wa_estadistica {
    int usuario_id;
    char *usuario_login;
    int32_t dia; /* YYYYMMDD */
    int64_t campana_id;
    char *campana;
    int enviados, entregados, leidos, respondidos, bajas, fallidos;
    char *fallidos_por; /* JSON object: {"479": 2} */
    int sin_entregar;   /* sent over wa_ajustes.sin_entrega_horas ago, still undelivered */
};

/* Per promoter/day/campaign over what the caller may see; desde/hasta YYYY-MM-DD. EB370. */
int db_wa_estadisticas(struct db *db, const char *desde, const char *hasta,
                       struct db_wa_estadistica **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_wa_estadisticas_free(struct db_wa_estadistica *rows, size_t n);

/* One exported message; borrowed strings, valid during the callback only (NULL = empty). */
struct db_mensaje_fila {
    const char *campos[15]; /* in db_mensaje_columnas order, timestamps ISO 8601 UTC */
};

#define DB_MENSAJE_NCOLUMNAS 15
extern const char *const db_mensaje_columnas[DB_MENSAJE_NCOLUMNAS];

/* Calls fila for every message of the visible accounts — campaigns' and answers to clients
 * (campana_id and campana NULL, sql/101) — whose day is in desde…hasta (YYYY-MM-DD); a
 * non-zero return from fila stops and is returned. EB370. */
int db_mensajes_exportar(struct db *db, const char *desde, const char *hasta,
                         int (*fila)(void *arg, const struct db_mensaje_fila *f), void *arg,
                         struct err *e) __attribute__((warn_unused_result));

#endif
