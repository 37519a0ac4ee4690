/*
 * db_wa_cloud — the database side of WhatsApp's Cloud API provider (sql/100_wa_cloud.sql,
 * docs/wa-cloud.md): which accounts send through Meta and with which phone number id, the
 * mapping of embudo's templates and campaigns to Meta's approved templates and each
 * message's parameter values, and the webhook's event queue (stored by `embudo wa webhook`,
 * taken by the account's sender).
 *
 * Same rules as db_wa.h: plain structs, parameters only (jsonb and arrays built by libpq
 * parameters, never SQL text), a refusal is RC_REFUSED with the SQLSTATE in e->code, anything
 * else RC_DB; arrays are malloc'd and owned by the caller (free with the matching _free).
 * The thread that owns the struct db.
 */
#ifndef DB_DB_WA_CLOUD_H
#define DB_DB_WA_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;

#define DB_WA_CLOUD_NUMERO_MAX  32 /* digits of a Meta phone number id */
#define DB_WA_CLOUD_CALIDAD_MAX 20 /* Meta's quality rating: GREEN, YELLOW, RED, UNKNOWN… */

/* ---- accounts (admin) ------------------------------------------------------------------- */

/*
 * Makes LOGIN's account a CLOUD one with Meta's phone number id (digits): envio_servidor on,
 * DESCONECTADA until its sender connects, any WEB credentials, jid and Signal state dropped,
 * its running campaigns without an approved template paused; the change is in
 * usuarios_cambios. The same id again is a no-op (*cambio false). 42501 not an admin (RC_DB);
 * EB111 no such user; EB391 the id is another account's (the message names it); EB392 not a
 * promoter, or one of BAJA; EB396 malformed id.
 */
int db_wa_cloud_asignar(struct db *db, const char *login, const char *numero_id, bool *cambio,
                        struct err *e) __attribute__((warn_unused_result));

/* Gives LOGIN's account back to WEB (SIN_VINCULAR: link it again); the webhook events still
 * queued for its number go. *cambio false when it was WEB already. 42501, EB111. */
int db_wa_cloud_quitar(struct db *db, const char *login, bool *cambio, struct err *e)
    __attribute__((warn_unused_result));

struct db_wa_cloud_cuenta {
    int usuario_id;
    char login[64];
    char nombre[128];
    char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1];
    char estado[20]; /* DESCONECTADA, CONECTADA, BLOQUEADA… */
    char jid[64];    /* "" until its sender first connected */
    int pendientes;  /* webhook events its sender has not marked done yet */
};

/* The CLOUD accounts the caller may see, by login: every one for admins, auditors and server
 * sessions, a supervisor's team's, a promoter's own (if CLOUD). */
int db_wa_cloud_cuentas(struct db *db, struct db_wa_cloud_cuenta **rows, size_t *n,
                        struct err *e) __attribute__((warn_unused_result));
void db_wa_cloud_cuentas_free(struct db_wa_cloud_cuenta *rows);

/*
 * The caller's own account as its promoter's panes show it (the WhatsApp pane, the wizard):
 * *cloud true when it sends through Meta, with Meta's quality rating in calidad (as Meta
 * says it, "GREEN"…; "" while unknown); false for a WEB account, no account yet, or a user
 * with none. A read of crm.wa_cuentas' granted columns (row-level security: the caller's row).
 */
int db_wa_cloud_propia(struct db *db, bool *cloud, char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1],
                       struct err *e) __attribute__((warn_unused_result));

/* ---- the sender ------------------------------------------------------------------------- */

/* What Meta said about the number when account cuenta's sender connected: its digits numero
 * (the account's jid becomes numero@s.whatsapp.net) and its quality rating calidad ("GREEN"…;
 * NULL unknown). Notifies the panes when something changed. EB363; EB332 numero not 6…20
 * digits or calidad not a word; EB393 not a CLOUD account. */
int db_wa_cloud_conectada(struct db *db, int cuenta, const char *numero, const char *calidad,
                          struct err *e) __attribute__((warn_unused_result));

/* The provider of account cuenta as its sender needs it: *cloud false for WEB; for CLOUD,
 * numero_id filled. EB363 when the session may not send for it. */
int db_wa_cloud_remitente(struct db *db, int cuenta, bool *cloud,
                          char numero_id[DB_WA_CLOUD_NUMERO_MAX + 1], struct err *e)
    __attribute__((warn_unused_result));

/* What Meta must render for message id: its campaign's approved template and the message's
 * parameter values. *found false for a message without one (a WEB campaign, a manual
 * message): send its text. EB360. */
struct db_wa_cloud_plantilla {
    char nombre[513];
    char idioma[16];
    char **parametros; /* nparametros malloc'd strings */
    size_t nparametros;
};
int db_wa_cloud_plantilla_mensaje(struct db *db, int64_t mensaje, struct db_wa_cloud_plantilla *out,
                                  bool *found, struct err *e) __attribute__((warn_unused_result));
void db_wa_cloud_plantilla_fini(struct db_wa_cloud_plantilla *p);

enum db_wa_cloud_tipo {
    DB_WA_CLOUD_ESTADO,  /* a status object (value.statuses[]) */
    DB_WA_CLOUD_MENSAJE, /* a message object (value.messages[]) */
};

struct db_wa_cloud_evento {
    int64_t id;
    enum db_wa_cloud_tipo tipo;
    char *datos; /* the object as Meta sent it (JSON text), owned */
};

/*
 * Takes up to max (1…500) events of account cuenta, oldest first: those never taken, and
 * those taken more than five minutes ago and never marked done (a sender that died). Locked
 * with SKIP LOCKED, so two senders never take the same row at once. Also purges up to 1000 of
 * the account's events done more than 7 days ago. EB363; EB362 max out of range.
 */
int db_wa_cloud_tomar(struct db *db, int cuenta, int max, struct db_wa_cloud_evento **rows,
                      size_t *n, struct err *e) __attribute__((warn_unused_result));
void db_wa_cloud_eventos_free(struct db_wa_cloud_evento *rows, size_t n);

/* Marks events done (purged 7 days later); ids of another account are ignored. EB363. */
int db_wa_cloud_hechos(struct db *db, int cuenta, const int64_t *ids, size_t n, struct err *e)
    __attribute__((warn_unused_result));

/* ---- the webhook ------------------------------------------------------------------------ */

/*
 * Stores the events of one verified webhook body (Meta's JSON, as received): one row per
 * status and per message, for the account whose numero_id is the change's
 * metadata.phone_number_id; a repeated event (same account, kind, id and status) is stored
 * once. *eventos receives how many rows were added, *ajenos how many events were stored for
 * nobody (no CLOUD account has that number, or the object lacks the id Meta always sends). A
 * body that is not JSON (invalid UTF-8 and NUL bytes included), or not an object with
 * "object": "whatsapp_business_account": RC_REFUSED with EB397. 42501 (RC_DB) unless a server
 * session (admin, superuser, embudo_owner).
 */
int db_wa_cloud_recibir(struct db *db, const char *cuerpo, size_t len, int *eventos, int *ajenos,
                        struct err *e) __attribute__((warn_unused_result));

/* ---- templates and campaigns ------------------------------------------------------------ */

/*
 * Maps template plantilla (the caller's own; a shared one only for an admin) to Meta's
 * approved template meta_nombre in language meta_idioma (NULL: "es_MX"); meta_nombre NULL
 * removes the mapping. EB342 not found or not yours; EB394 the template has spintax ({a|b}),
 * or the name is not [a-z0-9_]{1,512}, or the language not like "es" / "es_MX".
 */
int db_plantilla_meta(struct db *db, int64_t plantilla, const char *meta_nombre,
                      const char *meta_idioma, struct err *e) __attribute__((warn_unused_result));

/*
 * In the transaction that creates campaign campana (still BORRADOR, before its texts): its
 * approved template and, for each pending message mensajes[i], its parameter values
 * parametros[i][0…nparametros) (every message the same count, 0…20, each value 1…1024 bytes);
 * parametros[i] NULL for a message whose text cannot be rendered (a value missing: its text
 * will be NULL too, OMITIDO FALTA_DATO). Launching refuses a mapped campaign with a pending
 * message without values (EB357). EB355, EB356 (not BORRADOR), EB357 (a pending message
 * missing or repeated, counts that differ, a value too long or empty), EB394 (name, language,
 * the campaign's text has spintax).
 */
int db_campana_meta(struct db *db, int64_t campana, const char *meta_nombre,
                    const char *meta_idioma, const int64_t *mensajes,
                    const char *const *const *parametros, size_t nmensajes, size_t nparametros,
                    struct err *e) __attribute__((warn_unused_result));

#endif
