/*
 * wizard_vm — the 4-step campaign wizard as a pure state machine plus its view:
 *
 *   1 Audiencia   the promoter's open opportunities per stage (live counts), filters
 *                 convenio / entidad / máximo
 *   2 Plantilla   the stage's saved templates (with their twin approved in Meta, when
 *                 mapped) or a new text, a live preview rendered with sample values
 *                 (variables + spintax); an unknown variable is shown with its line and
 *                 column and blocks the next step
 *   3 Variaciones N sample messages, spintax paths, AI variations (kept / refused with the
 *     y ritmo     reason, or why only spintax is used), pacing and ETA
 *   4 Revisión    the campaign as the database reserved it (LISTA): recipients, skipped
 *                 with reasons, today's allowance and what decides it, the per-day plan
 *
 * Enter goes forward, Esc back. Keys return an effect (enum wizard_efecto) the controller
 * performs (count, load templates, create, launch, cancel the draft, ask the AI); its answer
 * comes back through the wizard_model_set_* calls. Nothing typed is lost on a refusal: the
 * model keeps every field and shows the database's message. A campaign whose text is exactly a
 * mapped template's carries its mapping (wizard_model_meta). An account of Meta's official API
 * (cloud) may only send such a text: a new or edited text, or an unmapped template, is refused
 * on step 2 with how the admin maps one, and AI variations do not apply (Meta sends exactly
 * the approved text). An Enter pressed while step 2
 * loads is remembered (the status line says so) and taken when the templates arrive; Esc,
 * typing or a failed load drop it.
 *
 * Pure C (no curses, no db, no network); the loop thread owns the model.
 */
#ifndef VM_WIZARD_VM_H
#define VM_WIZARD_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/plantilla.h"
#include "core/variaciones.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct pacing_config;

enum wizard_paso {
    WIZARD_AUDIENCIA,
    WIZARD_PLANTILLA,
    WIZARD_VARIACIONES,
    WIZARD_REVISION,
    WIZARD_LANZADA, /* launched: the progress pane takes over */
};

/* What the controller must do after a key. */
enum wizard_efecto {
    WIZARD_NADA,
    WIZARD_REDIBUJAR,
    WIZARD_CONTAR,      /* re-count the audience (stage or filters changed) */
    WIZARD_PLANTILLAS,  /* load the chosen stage's templates and sample values */
    WIZARD_PEDIR_IA,    /* ask the AI for variations of wizard_model_texto() */
    WIZARD_CREAR,       /* create the campaign (LISTA) from wizard_model_texto_final() */
    WIZARD_CANCELAR,    /* cancel the draft campaign cancelar_id (going back from step 4) */
    WIZARD_LANZAR,      /* launch revision.id */
    WIZARD_SALIR,       /* Esc on step 1 */
};

#define WIZARD_MAX_ETAPAS 16
#define WIZARD_MUESTRAS 3
#define WIZARD_FILTRO_BYTES 64

struct wizard_etapa {
    char nombre[100];
    int oportunidades; /* ABIERTA in this stage (with the filters) */
    int con_telefono;  /* of them, with a phone to message */
};

struct wizard_plantilla {
    int64_t id;
    char nombre[340];
    char *texto;           /* owned */
    char meta_nombre[513]; /* its twin approved in Meta; "" = not mapped */
    char meta_idioma[16];
};

enum wizard_ia {
    WIZARD_IA_SIN_CONFIG, /* no [ia] url/model: spintax only */
    WIZARD_IA_NO_PEDIDA,
    WIZARD_IA_PIDIENDO,
    WIZARD_IA_LISTA,
    WIZARD_IA_FALLO, /* unreachable, timeout, garbage: ia_msg says why; spintax only */
};

struct wizard_plan_dia {
    char dia[24]; /* "hoy", "lun 30/11" */
    int mensajes;
    char desde[8]; /* "09:00" */
};

struct wizard_omitido {
    char cliente[300];
    char telefono[24];
    char motivo[160]; /* Spanish */
};

struct wizard_revision {
    int64_t id;
    int destinatarios, omitidos, hoy, tope_hoy;
    char porque[256]; /* "hoy puede enviar 10: límite 180, ya enviados 170" */
    char meta[540];   /* "primer_contacto (es_MX)": the campaign's Meta template; "" = none */
    struct wizard_plan_dia *plan; /* owned */
    size_t nplan;
    struct wizard_omitido *omitidos_v; /* owned */
    size_t nomitidos;
};

enum wizard_campo { WIZARD_CAMPO_ETAPA, WIZARD_CAMPO_CONVENIO, WIZARD_CAMPO_ENTIDAD,
                    WIZARD_CAMPO_MAXIMO, WIZARD_NCAMPOS };

struct wizard_model {
    enum wizard_paso paso;
    bool ascii, ocupado;  /* waiting for the database or the AI: Enter ignored but on step 2 */
    bool contando;        /* step 1's counts are not yet those of the filters as typed */
    bool enter_pendiente; /* Enter pressed while step 1 counted or step 2 loaded: taken after;
                           * on step 3 while the AI answers: only said (approval first) */
    char error[1024];     /* the last refusal or failure, shown until the next change */
    /* 1 */
    struct wizard_etapa etapas[WIZARD_MAX_ETAPAS];
    int netapas, cur_etapa;
    enum wizard_campo campo;
    char convenio[WIZARD_FILTRO_BYTES], entidad[WIZARD_FILTRO_BYTES], maximo[8];
    bool sin_whatsapp; /* the account was never linked: creating would be refused (EB352) */
    bool cloud;        /* the account sends through Meta's official API: mapped templates only */
    /* 2 */
    struct wizard_plantilla *plantillas; /* owned; the stage's saved ones */
    size_t nplantillas;
    int cur_plantilla; /* nplantillas = "nueva" */
    char texto[PLANTILLA_MAX_BYTES];
    char muestra[WIZARD_MUESTRAS][PLANTILLA_NVARS][96]; /* sample recipients' values */
    int nmuestra;
    char plantilla_error[512]; /* parse error with line and column; "" = valid */
    char vista[WIZARD_MUESTRAS][PLANTILLA_MAX_BYTES / 4];
    uint64_t caminos; /* spintax paths */
    /* 3 */
    enum wizard_ia ia;
    char ia_msg[300];
    char **candidatos; /* owned: every AI answer, in order */
    struct variacion_veredicto *veredictos;
    size_t ncandidatos, aceptadas;
    bool usar_variaciones;
    char ritmo[200], eta[300];
    /* 4 */
    struct wizard_revision rev;
    int64_t cancelar_id; /* the draft left by Esc on step 4 (WIZARD_CANCELAR) */
    int top;             /* scroll of long lists */
};

void wizard_model_init(struct wizard_model *m, bool ia_configurada);
void wizard_model_fini(struct wizard_model *m);

/* Applies a key (act already looked up; k raw for typing). */
enum wizard_efecto wizard_model_key(struct wizard_model *m, enum action act,
                                    const struct key *k);

/* ---- answers from the controller ---------------------------------------------------- */

/* The stage counts. vigente: they are for the filters as typed now (no re-count pending);
 * then an Enter pressed while counting is taken: returns its effect (WIZARD_NADA if none). */
enum wizard_efecto wizard_model_set_etapas(struct wizard_model *m, const struct wizard_etapa *v,
                                           int n, bool vigente);
/* Takes ownership of v (each texto malloc'd); picks the first saved template's text. Returns
 * the effect of an Enter pressed while they loaded (WIZARD_NADA when there was none). */
enum wizard_efecto wizard_model_set_plantillas(struct wizard_model *m, struct wizard_plantilla *v,
                                               size_t n);
/* Sample values of up to WIZARD_MUESTRAS recipients (vals[i].v[var], copied). */
void wizard_model_set_muestra(struct wizard_model *m, const struct plantilla_valores *vals, int n);
/* AI candidates (taken: malloc'd array of malloc'd strings) judged here by the filter. */
void wizard_model_set_ia(struct wizard_model *m, char **cand, size_t n);
/* The AI failed or is not configured: msg says why (spintax only). */
void wizard_model_set_ia_fallo(struct wizard_model *m, const char *msg);
/* The campaign was created: step 4 shows it (rev's arrays are taken). */
void wizard_model_set_revision(struct wizard_model *m, struct wizard_revision *rev);
/* A refusal or failure of the last effect: stays on the step, keeps everything but a
 * remembered Enter. */
void wizard_model_set_error(struct wizard_model *m, const char *msg);
void wizard_model_set_lanzada(struct wizard_model *m);

/* The template being edited / the text the campaign is created with: the template alone, or
 * with the kept AI variations as one more spintax group. Returned strings are malloc'd. */
const char *wizard_model_texto(const struct wizard_model *m);
char *wizard_model_texto_final(const struct wizard_model *m);

/* The chosen template's twin approved in Meta, when the campaign's text
 * (wizard_model_texto_final) is exactly that template's text: the campaign carries it. NULL
 * otherwise (a new or edited text, an unmapped template, kept AI variations). */
const struct wizard_plantilla *wizard_model_meta(const struct wizard_model *m);

/* The sentence "?" and ":ayuda" show under the wizard's keys: for an account of Meta's
 * official API, which templates it can send; NULL for WhatsApp Web (nothing to add). */
const char *wizard_model_help_note(const struct wizard_model *m);

/* "25–55 s entre mensajes; descanso de 4–10 min cada 8–15 mensajes" into buf. */
char *wizard_ritmo_fmt(const struct pacing_config *c, char *buf, size_t len);

#define WIZARD_VM_LINES 120

/* Where a click picks something that shares its row with others: a filter field of step 1 or
 * a template of step 2 (a stage's row is its line's item). */
struct wizard_hit {
    int y, x0, x1;
    int campo;     /* enum wizard_campo, or -1 */
    int plantilla; /* index into plantillas (nplantillas = "nueva"), or -1 */
};

#define WIZARD_HITS 32

struct wizard_vm {
    int width, height, nlines;
    struct vm_line lines[WIZARD_VM_LINES];
    int nhits;
    struct wizard_hit hits[WIZARD_HITS];
};

void wizard_vm_build(struct wizard_vm *vm, struct wizard_model *m, int width, int height);

/*
 * A click at (y, x) of the pane vm was last built into: step 1's stage row chooses the stage
 * and a filter field takes the focus; step 2's template is picked, as ↑↓ would. True for a
 * stage or a template, so a double click goes on as Enter does.
 */
bool wizard_vm_click(const struct wizard_vm *vm, struct wizard_model *m, int y, int x);
char *wizard_vm_dump(const struct wizard_vm *vm);

#endif
