/*
 * db_tui — the read queries of the terminal client's panes (issue 4): the funnel's stages, the
 * cards of the embudo, one opportunity in detail, the assignment context (quota, convenios,
 * entidades), and the team (per promoter numbers and the aging grid promoter × stage). The
 * stages and the cards also serve `embudo oportunidades` (src/cmd), and the detail `embudo
 * oportunidad N`, so the command line shows exactly what the embudo and detalle panes show.
 *
 * Plain SELECTs under row-level security (a promoter sees its own rows, a supervisor its
 * team, an admin everything); business hours come from crm.ventanas_habiles (sql/011_tui.sql),
 * the same windows as api.horas_habiles_entre. Results are plain C structs with fixed-size,
 * UTF-8-safe truncated strings, so a job can copy them to the loop thread as they are. Writes
 * go through db_crm.h. Same threading rule as db.h: the thread that owns the struct db.
 */
#ifndef DB_DB_TUI_H
#define DB_DB_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct err;

enum {
    TUI_NOMBRE_BYTES = 160, /* names: client, promoter; truncated on a character boundary */
    TUI_CORTO_BYTES = 48,   /* stage names, logins, claves, estados */
    TUI_TEXTO_BYTES = 512,  /* reasons, notes */
};

enum tui_etapa_tipo { TUI_ETAPA_INICIAL, TUI_ETAPA_NORMAL, TUI_ETAPA_SALIDA, TUI_ETAPA_VENTA };

/* One active stage of crm.etapas, in funnel order. */
struct tui_etapa {
    int id;
    int orden;
    enum tui_etapa_tipo tipo;
    double timer_horas; /* 0 = no timer */
    char nombre[TUI_CORTO_BYTES];
    int intentos_minimos; /* an exit: contact attempts it asks for first (sql/065) */
};

/* The active stages by orden; *out (n of them) is freed with free(). RC_OK or RC_DB. */
int db_tui_etapas(struct db *db, struct tui_etapa **out, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

enum tui_estado { TUI_ABIERTA, TUI_EN_BANDEJA, TUI_GANADA, TUI_DEVUELTA, TUI_DESCARTADA };

/* "ABIERTA"… → enum; unknown text → TUI_ABIERTA (the CHECK constraint allows no other). */
enum tui_estado tui_estado_parse(const char *s);

/* One card of the embudo. */
struct tui_tarjeta {
    int64_t id;
    int etapa_id;
    int usuario_id;
    enum tui_estado estado;
    bool con_timer;     /* ABIERTA in a stage with a timer */
    double restante;    /* business hours until timer_vence; negative = overdue by that much;
                         * while pausada, the hours it keeps */
    bool pausada;       /* the timer waits while its owner is away (sql/094) */
    double timer_horas; /* the stage's timer (0 = none) */
    double aviso_pct;   /* crm.ajustes.aviso_pct */
    time_t etapa_desde; /* entered the stage */
    time_t actualizada; /* updated_at */
    char cliente[TUI_NOMBRE_BYTES];
    char convenio[TUI_CORTO_BYTES]; /* clave, "" for a prospect without one */
    char login[TUI_CORTO_BYTES];    /* owner */
    int64_t lote_id;                /* the lote it came in (SOLICITUD, REASIGNACION, CAPTACION) */
};

/*
 * The cards the caller may see: active opportunities (ABIERTA, EN_BANDEJA) and the sales of
 * the last 7 days, of usuario_id (0 = everyone visible), by stage order then expiry. *out is
 * freed with free(). RC_OK or RC_DB.
 */
int db_tui_embudo(struct db *db, int usuario_id, struct tui_tarjeta **out, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/*
 * The caller's visible active opportunities whose client the lender dropped (a BAJA_PADRON
 * block in force, api.baja_padron_oportunidades, sql/091), ascending, into *ids (free() it;
 * NULL when *n is 0): the embudo's and the bandeja's «⚠» marks, read beside their rows.
 * RC_OK or RC_DB.
 */
int db_tui_baja_padron(struct db *db, int64_t **ids, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* A phone, e-mail… of the client (padron.datos_contacto) or the prospect's phone. */
struct tui_contacto {
    char tipo[16]; /* CELULAR, FIJO, EMAIL */
    char valor[TUI_CORTO_BYTES * 2];
    bool vigente;
};

/* One row of crm.historial, stage names as they were written. */
struct tui_evento {
    int64_t id;
    time_t at;
    char cuando[24]; /* "28/11 10:42" in the business zone */
    char evento[24];
    char etapa_anterior[TUI_CORTO_BYTES]; /* "" when NULL */
    char etapa_nueva[TUI_CORTO_BYTES];
    char login[TUI_CORTO_BYTES]; /* who acted; "" = the system */
    char motivo[TUI_TEXTO_BYTES];
    char resultado[24]; /* INTENTO: its outcome code (core/intento.h); PRORROGA_PEDIDA and
                         * PRORROGA: the resume date, "15/12"; DATOS_CORREGIDOS: the fields
                         * corrected, "nombre,telefono,curp" (sql/085); WA_MENSAJE: the answer's
                         * crm.wa_mensajes.estado now (sql/101: PENDIENTE … LEIDO, FALLIDO,
                         * OMITIDO, CANCELADO; "" when the caller may not see it); "" otherwise */
    /* VENTA_CORREGIDA (sql/092): each field of the sale before [0] and after [1] the
     * correction, "" for those it left alone (monto as decimal text, "138500.00"). */
    char venta_monto[2][24];
    char venta_producto[2][96];
    char venta_folio[2][48];
    /* VENTA_CANCELADA: why the opportunity was discarded instead of going back to the bandeja
     * (its client cannot be worked again); "" when it went there, and for other events. */
    char cerrada[TUI_TEXTO_BYTES];
    /* WA_MENSAJE, when the caller sees the message (row-level security: its account is hers
     * or her team's; the auditor's too): its id, and whether it is in doubt (its ack was
     * lost: ENVIANDO and incierto). In doubt, ventana_hasta is the end of the client's
     * 24 hours on that account as the claim would judge a re-send (the newest text the client
     * sent to that account + 24 h, epoch seconds; 0 when none is on record). 0 / false
     * otherwise. */
    int64_t mensaje_id;
    bool incierto;
    int64_t ventana_hasta;
};

struct tui_detalle {
    struct tui_tarjeta t; /* the card fields */
    char etapa[TUI_CORTO_BYTES];
    char usuario_nombre[TUI_NOMBRE_BYTES];
    char convenio_nombre[TUI_NOMBRE_BYTES];
    char entidad[TUI_CORTO_BYTES * 2];
    char municipio[TUI_NOMBRE_BYTES];
    int edad; /* 0 = unknown (prospect) */
    char curp[24];
    char rfc[24];
    char motivo_salida[TUI_TEXTO_BYTES];
    char venta_folio[48]; /* "" = no sale, in force or cancelled */
    char venta_monto[24];
    char venta_producto[96];
    /* What became of the sale (sql/092): cancelled (the lender declined the credit) on that
     * day of the business zone ("29/11/2026") and why, or corrected at least once. The three
     * fields above stay the sale's either way. */
    bool venta_cancelada;
    char venta_cancelada_fecha[16];
    char venta_motivo_cancelacion[TUI_TEXTO_BYTES];
    bool venta_corregida;
    bool prospecto; /* captured lead, not a padron client */
    /* The lender no longer lists the client (a BAJA_PADRON block in force, sql/087): since
     * when, and that day as "12/11/2026" in the business zone; 0 and "" otherwise. */
    time_t baja_padron;
    char baja_padron_fecha[16];
    size_t ncontactos, neventos;
    struct tui_contacto *contactos;
    struct tui_evento *eventos; /* oldest first */
};

/*
 * Loads opportunity id with its contacts and its whole history into *out (db_tui_detalle_fini
 * it). RC_NOTFOUND when it does not exist or is not visible to the caller; RC_DB otherwise.
 */
int db_tui_detalle(struct db *db, int64_t id, struct tui_detalle *out, struct err *e)
    __attribute__((warn_unused_result));
void db_tui_detalle_fini(struct tui_detalle *d);

/* A filter choice for the assignment (padron.convenios activos, padron.entidades). */
struct tui_opcion {
    char clave[TUI_CORTO_BYTES];
    char nombre[TUI_NOMBRE_BYTES];
};

/* The caller's own quota and cartera, and the filter choices. */
struct tui_asignacion_ctx {
    char rol[16];
    char estado[16];
    int cupo_limite; /* today's limit */
    int cupo_usados; /* charged today */
    int cartera;     /* active opportunities */
    int cartera_max;
    size_t nconvenios, nentidades;
    struct tui_opcion *convenios; /* by clave */
    struct tui_opcion *entidades; /* by INEGI id */
};

/* Fills *out (db_tui_asignacion_ctx_fini it). RC_NOTFOUND for a login that is no CRM user. */
int db_tui_asignacion_ctx(struct db *db, struct tui_asignacion_ctx *out, struct err *e)
    __attribute__((warn_unused_result));
void db_tui_asignacion_ctx_fini(struct tui_asignacion_ctx *c);

/* One promoter of the caller's team (admin: every promoter; promoter: itself). */
struct tui_promotor {
    int id;
    char login[TUI_CORTO_BYTES];
    char nombre[TUI_NOMBRE_BYTES];
    char estado[16];
    int cupo_limite, cupo_usados;
    int cartera, cartera_max;
    int vencidas;      /* ABIERTA past timer_vence (the sweep has not run yet) */
    int avisadas;      /* ABIERTA past the warning */
    int ventas_semana; /* sales in force registered since Monday 00:00 in the business zone */
    int intentos_hoy;  /* contact attempts recorded today (api.reparto's count); filled by
                        * db_tui_equipo only, 0 from db_tui_promotores */
};

/* Aging of the active opportunities of one promoter in one stage. */
struct tui_celda {
    int usuario_id;
    int etapa_id;
    int n;
    double max_horas; /* business hours in the stage of the oldest one */
};

struct tui_equipo {
    size_t npromotores, nceldas;
    struct tui_promotor *promotores; /* by login */
    struct tui_celda *celdas;        /* only non-empty cells */
};

/*
 * The promoters alone (what reasignar's picker and the embudo's member choice need), by login;
 * *out (n of them) is freed with free(). RC_OK or RC_DB.
 */
int db_tui_promotores(struct db *db, struct tui_promotor **out, size_t *n, struct err *e)
    __attribute__((warn_unused_result));

/* Fills *out (db_tui_equipo_fini it). RC_OK or RC_DB. */
int db_tui_equipo(struct db *db, struct tui_equipo *out, struct err *e)
    __attribute__((warn_unused_result));
void db_tui_equipo_fini(struct tui_equipo *q);

#endif
