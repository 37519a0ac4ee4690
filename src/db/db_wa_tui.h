/*
 * db_wa_tui — the read queries (and the variations store) of the campaign panes of the
 * terminal: the wizard's audience counts per stage, the stage's templates, sample template
 * values, stored AI variations; the progress pane's campaign list and uncertain messages.
 * Writes of campaigns go through db_wa.h (creation, actions, uncertain decisions).
 *
 * Same rules as db_wa.h: plain structs, parameters only, a refusal is RC_REFUSED with the
 * SQLSTATE in e->code, anything else RC_DB; arrays are malloc'd and owned by the caller (free
 * with the matching _free). The thread that owns the struct db (the UI's database worker).
 */
#ifndef DB_DB_WA_TUI_H
#define DB_DB_WA_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

struct db_wa_audiencia {
    char etapa[100];
    int abiertas;  /* the caller's ABIERTA opportunities in the stage (with the filters) */
    int enviables; /* of them, with no skip reason now */
};

/* Per working stage, in funnel order (api.campana_audiencia). convenio/entidad NULL or "" =
 * any; maximo 0 = none. EB330 (not a promoter), EB354 (unknown convenio/entidad). */
int db_wa_tui_audiencia(struct db *db, const char *convenio, const char *entidad, int maximo,
                        struct db_wa_audiencia **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

struct db_wa_plantilla {
    int64_t id;
    char nombre[340];
    bool compartida;
    char *texto;           /* owned */
    char meta_nombre[513]; /* its twin approved in Meta (sql/100); "" = not mapped */
    char meta_idioma[16];  /* the twin's language ("es_MX"); "" = not mapped */
};

/* The templates of stage etapa the caller sees (own first, then shared), by name, with their
 * mapping to Meta's approved templates. */
int db_wa_tui_plantillas(struct db *db, const char *etapa, struct db_wa_plantilla **rows,
                         size_t *n, struct err *e) __attribute__((warn_unused_result));
void db_wa_tui_plantillas_free(struct db_wa_plantilla *rows, size_t n);

/* Template values of one recipient, indexed by enum plantilla_var (NULL = missing). */
struct db_wa_muestra {
    char *v[8];
};

/* The first max (1…10) recipients a campaign on etapa would message now
 * (api.campana_muestra). EB330, EB350, EB354. */
int db_wa_tui_muestra(struct db *db, const char *etapa, const char *convenio,
                      const char *entidad, int max, struct db_wa_muestra **rows, size_t *n,
                      struct err *e) __attribute__((warn_unused_result));
void db_wa_tui_muestra_free(struct db_wa_muestra *rows, size_t n);

struct db_wa_variacion {
    int orden;
    bool aceptada;
    char *texto;  /* owned */
    char *motivo; /* owned, "" when accepted */
};

/* The stored AI variations of plantilla for modelo (*n 0: never generated). */
int db_wa_tui_variaciones(struct db *db, const char *plantilla, const char *modelo,
                          struct db_wa_variacion **rows, size_t *n, struct err *e)
    __attribute__((warn_unused_result));
void db_wa_tui_variaciones_free(struct db_wa_variacion *rows, size_t n);

/* Stores them once (another session's earlier answer wins); *guardadas = how many are
 * stored for (plantilla, modelo) afterwards. EB340, EB380. */
int db_wa_tui_variaciones_guardar(struct db *db, const char *plantilla, const char *modelo,
                                  const char *const *textos, const bool *aceptadas,
                                  const char *const *motivos, size_t n, int *guardadas,
                                  struct err *e) __attribute__((warn_unused_result));

struct db_wa_campana_fila {
    int64_t id;
    char nombre[484];
    char estado[16];
    char login[64];
    bool pausada_sola; /* PAUSADA by itself: its account's sends kept failing (sql/102) */
};

/* The campaigns the caller sees (RLS), newest first, at most 50. */
int db_wa_tui_campanas(struct db *db, struct db_wa_campana_fila **rows, size_t *n,
                       struct err *e) __attribute__((warn_unused_result));

struct db_wa_incierto {
    int64_t id;
    char cliente[300];
    char telefono[24];
    time_t desde; /* when it was claimed */
};

/* The uncertain messages of campaign id (RLS), oldest first. */
int db_wa_tui_inciertos(struct db *db, int64_t id, struct db_wa_incierto **rows, size_t *n,
                        struct err *e) __attribute__((warn_unused_result));

struct db_campana_creada;

/*
 * "Retry failed": a new LISTA campaign with campaign id's FALLIDO messages (their texts),
 * each checked again and given capacity like a creation (api.campana_reintentar), in one
 * transaction; then its plan and skipped list. Fills out (db_campana_creada_fini it) on RC_OK.
 * EB330, EB355, EB356, EB358 (nothing to retry).
 */
int db_wa_tui_reintentar(struct db *db, int64_t id, struct db_campana_creada *out,
                         struct err *e) __attribute__((warn_unused_result));

#endif
