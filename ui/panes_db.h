/*
 * panes_db — what the issue-4 panes (ui/<pane>_panel.c: embudo, detalle, asignación, bandeja,
 * equipo, repartir) share: copying the database's plain structs (src/db/db_tui.h, db_crm.h) into
 * the view-models' own structs (vm may not include db headers), the calls one pane makes into
 * another (Enter on a card opens it in detalle), and the job that writes one action and
 * reports the database's answer.
 *
 * Loop thread only, except a job's query(), which runs on the database worker with the
 * worker's connection and touches only the job's own fields.
 */
#ifndef UI_PANES_DB_H
#define UI_PANES_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db_crm.h"
#include "db/db_tui.h"
#include "ui/app_pane.h"
#include "ui/vm/asignacion_form.h"
#include "ui/vm/bandeja_vm.h"
#include "ui/vm/embudo_vm.h"
#include "ui/vm/equipo_vm.h"

/* ---- copies db → vm ----------------------------------------------------------------- */

void panes_card_from(struct embudo_card *c, const struct tui_tarjeta *t);
/* Stages as the embudo shows them (every active one, in funnel order); returns how many. */
int panes_stages_from(struct embudo_stage *out, int max, const struct tui_etapa *e, size_t n);
/* Stages as the equipo heat map shows them (all but VENTA). */
int panes_equipo_etapas_from(struct equipo_etapa *out, int max, const struct tui_etapa *e,
                             size_t n);
void panes_promotor_from(struct equipo_promotor *p, const struct tui_promotor *t);
void panes_bandeja_promotor_from(struct bandeja_promotor *p, const struct tui_promotor *t);
void panes_bandeja_fila_from(struct bandeja_fila *f, const struct db_bandeja_fila *t);

/* ---- the lote form (asignación and repartir) ------------------------------------------ */

/* The filter options as the form holds them (malloc'd, for asignacion_form_take_opciones). */
struct asignacion_opcion *panes_opciones_from(const struct tui_opcion *o, size_t n);

/* Offers o's claves to the command line's completion of kind ("convenio", "entidad"). */
void panes_complete_claves(struct app *a, const char *kind, const struct tui_opcion *o, size_t n);

/* The form's filters copied into a job (the worker never reads the form). */
struct panes_filtros {
    char convenio[48], entidad[48]; /* "" = any */
    int edad_min, edad_max;         /* 0 = any */
};

void panes_filtros_from(struct panes_filtros *pf, const struct asignacion_form *f);
/* A db_filtros view of pf (valid while pf is). */
struct db_filtros panes_filtros_db(const struct panes_filtros *pf);

/*
 * Each convenio's count with the other filters of pf (api.disponibles por convenio), for
 * the picker; worker thread. Fills *por / *n (db_conteos_free them).
 */
int panes_conteo_convenios(struct db *db, const struct panes_filtros *pf, struct db_conteo **por,
                           size_t *n, struct err *e);

/* The count asked for gen came back (rc, total, per convenio): hands it to the form (a failed
   one as unknown). Returns true when it is still current. */
bool panes_form_counted(struct asignacion_form *f, unsigned gen, int rc, long long total,
                        const struct db_conteo *por, size_t n);

/* ---- between panes ------------------------------------------------------------------ */

/* detalle_panel.c: show opportunity id, coming back to pane `from` on Esc. */
void detalle_panel_open(struct app *a, int64_t id, const char *from);

/* repartir_panel.c: show the Repartir pane limited to login's promoter (NULL = the team). */
void repartir_panel_open(struct app *a, const char *login);

/* embudo_panel.c: show usuario_id's embudo (0 = everyone visible), titled login. */
void embudo_panel_show_member(struct app *a, int usuario_id, const char *login);

/* app_home.c: the opportunities with replies to campaigns nobody attended (sql/089), as
 * Inicio last read them, ascending; borrowed until its next read (loop thread). Returns how
 * many; 0 (and *ids NULL) before the first read. */
size_t app_home_respuestas(struct app *a, const int64_t **ids);

/*
 * An idempotency clave for one submission: "tui-<login>-<seconds>-<pid>-<n>", unique per
 * process and call. Written into buf.
 */
void panes_clave_new(char *buf, size_t bufsz, const char *login);

/* ---- one write ---------------------------------------------------------------------- */

enum panes_write_kind {
    PANES_MOVER,
    PANES_NOTA,
    PANES_VENTA,
    PANES_BANDEJA,           /* devolver / descartar / reabrir */
    PANES_REASIGNAR,         /* from the bandeja */
    PANES_REASIGNAR_OP,      /* an active opportunity, from detalle (api.reasignar) */
    PANES_EXTENDER,          /* more business hours on the stage timer (supervision) */
    PANES_INTENTO,           /* a contact attempt: resultado (a core/intento.h code) and texto */
    PANES_CAPTAR,            /* a lead of one's own: texto = nombre, telefono, convenio, curp */
    PANES_NO_CONTACTAR,      /* telefono (E.164) in the registry as SOLICITUD; texto = detalle */
    PANES_PRORROGA,          /* id = opportunity: wait until reanudar; texto = motivo (the owner) */
    PANES_PRORROGA_RESOLVER, /* id = request: aprobar, or reject with texto (supervision) */
    PANES_CORREGIR,          /* id = opportunity: nombre, telefono, curp ("" = unchanged),
                              * texto = motivo (api.prospecto_corregir) */
    PANES_VENTA_CORREGIR,    /* id = opportunity: monto, producto, folio ("" = unchanged),
                              * texto = motivo (api.venta_corregir; ui/panes_ventas.h) */
    PANES_VENTA_CANCELAR,    /* id = opportunity, texto = motivo (api.venta_cancelar) */
};

/*
 * A write job: the inputs are copies; after query() rc/e (and msg on success) say what the
 * database answered. The submitter sets done(j) (loop thread) and ctx; panes_write_submit
 * sets the rest and frees the job after done().
 */
struct panes_write_job {
    struct app_job base;
    enum panes_write_kind kind;
    int64_t id;   /* MOVER, NOTA, VENTA…, EXTENDER, INTENTO; CAPTAR: the new one, on success */
    int horas;    /* EXTENDER */
    int64_t *ids; /* BANDEJA, REASIGNAR, REASIGNAR_OP (owned) */
    size_t nids;
    enum db_bandeja_accion accion;
    char etapa[48];
    char resultado[24]; /* INTENTO */
    char texto[2048]; /* motivo / nota */
    char monto[32], producto[96], folio[48]; /* VENTA, VENTA_CORREGIR */
    char a_login[48];
    char telefono[48], convenio[24], curp[24]; /* CAPTAR ("" = not given), NO_CONTACTAR,
                                                * CORREGIR */
    char nombre[256];                          /* CORREGIR ("" = unchanged) */
    char reanudar[16];                         /* PRORROGA: "AAAA-MM-DD" */
    bool aprobar;                              /* PRORROGA_RESOLVER */
    char msg[512]; /* on success: what to tell the user (Spanish) */
    void (*done)(struct panes_write_job *j);
    void *ctx;
};

/* A zeroed job of kind (free it with free() only if never submitted). */
struct panes_write_job *panes_write_new(enum panes_write_kind kind);

/*
 * Submits j on the worker; j->done runs on the loop thread when it ran (NULL: the answer is
 * shown as the bottom bar's message), then j is freed.
 */
void panes_write_submit(struct app *a, struct panes_write_job *j);

/* True when e says the database could not be reached (rather than a refusal or a bug). */
bool panes_err_is_down(const struct err *e);

/* ---- form checks (struct form_field.check) -------------------------------------------- */

/* A Mexican phone as api.normalizar_telefono takes it (captación, corregir datos). */
bool panes_telefono_check(const char *v, char *msg, size_t msgsz);
/* Empty, or 18 characters with the shape of a CURP, any case. */
bool panes_curp_check(const char *v, char *msg, size_t msgsz);
/* A sale's folio as crm.ventas takes it: letters, digits, / _ -; up to 40 (registrar, corregir). */
bool panes_folio_check(const char *v, char *msg, size_t msgsz);

#endif
