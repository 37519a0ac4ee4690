/*
 * detalle_vm — the detalle pane: one opportunity with its client data, contacts (phones
 * written "+52 55 1234 5678"), the history timeline with the stage names as they were
 * written, and the notes; a stage picker for "mover" and "salida". A phone in force in the
 * do-not-contact registry is tagged «⊘ No contactar» (also beside the stage) with its
 * entries under it (fuente, when a REUS one ends). A client the lender no longer lists
 * (sql/087) opens the data block with «⚠ El cliente ya no está en el padrón del convenio
 * (baja del 12/11/2026)» in the warning colour. A prórroga request waiting for the
 * supervisor shows in the data block, and so does the sale: in force (its amount as
 * «$138,500.00», «(corregida)» once corrected) or cancelled (when and why, sql/092). An answer
 * to the client whose ack was lost is «en duda» in the history, and the data block opens with
 * a warning until someone decides it (a choice form, detalle_duda_form). Long content scrolls;
 * at 120 columns or more the timeline takes the right half.
 *
 * Pure C (no curses, no db). The model holds a copy of what the database job returned; the
 * loop thread owns it, feeds it actions and reads back what the user chose (an intent).
 */
#ifndef VM_DETALLE_VM_H
#define VM_DETALLE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/vm/embudo_vm.h"
#include "ui/vm/form_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/no_contactar_vm.h"
#include "ui/vm/vm.h"

struct detalle_contacto {
    char tipo[16]; /* CELULAR, FIJO, EMAIL */
    char valor[96];
    bool vigente;
};

struct detalle_evento {
    char cuando[24]; /* "28/11/26 10:42", business zone */
    char evento[24]; /* crm.historial.evento */
    char etapa_anterior[48];
    char etapa_nueva[48];
    char login[48];
    char motivo[512];
    char resultado[24]; /* INTENTO: the outcome code; PRORROGA_PEDIDA, PRORROGA: the resume
                         * date, "15/12"; DATOS_CORREGIDOS: the fields, "nombre,telefono";
                         * "" otherwise */
    /* VENTA_CORREGIDA: the sale's fields before [0] and after [1], "" where the correction
     * left one alone (monto as decimal text); VENTA_CANCELADA: why the opportunity was
     * discarded instead of going back to the bandeja ("" = it went there). */
    char venta_monto[2][24];
    char venta_producto[2][96];
    char venta_folio[2][48];
    char cerrada[512];
    /* WA_MENSAJE whose message the user sees: its id; in doubt (incierto: its ack was lost,
     * nobody knows whether it arrived) with the end of the client's 24 hours on its account
     * (epoch seconds; 0 = none on record), which a re-send must beat. */
    int64_t mensaje_id;
    bool incierto;
    int64_t ventana_hasta;
};

/*
 * Whether the user can answer the client on WhatsApp now (sql/101, api.wa_ventana), read with
 * the opportunity for a promoter's ABIERTA one: until when, or the database's code and
 * sentence why not; and the phone the answer goes to.
 */
struct detalle_ventana {
    bool leida;           /* read with the opportunity; false: not asked (not hers to answer) */
    int64_t hasta;        /* epoch seconds; 0 when she cannot */
    char hasta_local[24]; /* "30/11 18:02" in the business zone */
    char codigo[8];       /* why not: EB421…EB425, EB366; "" when she can */
    char motivo[240];     /* why not, the database's sentence */
    char telefono[48];    /* E.164, the phone the client last wrote from */
};

/* What the database said about the opportunity (copied in by the controller). */
struct detalle_data {
    struct embudo_card card; /* id, client, convenio, owner, estado, timer */
    char etapa[48];
    char usuario_nombre[160];
    char convenio_nombre[160];
    char entidad[96];
    char municipio[160];
    int edad; /* 0 = unknown */
    char curp[24], rfc[24];
    char motivo_salida[512];
    char venta_folio[48], venta_monto[24], venta_producto[96]; /* "" folio: no sale */
    bool venta_cancelada;        /* the lender declined it (sql/092): not a sale in force */
    char venta_cancelada_el[16]; /* "29/11/2026" */
    char venta_motivo[512];      /* why it was cancelled */
    bool venta_corregida;        /* in force and corrected at least once */
    bool prospecto;
    char baja_padron[16]; /* "12/11/2026": the lender dropped the client that day; "" = listed */
    size_t ncontactos, neventos, nnc;
    struct detalle_contacto *contactos; /* owned */
    struct detalle_evento *eventos;     /* owned, oldest first */
    struct no_contactar_entrada *nc;    /* owned: the registry's entries for its phones */
    struct detalle_ventana wa;          /* answering the client on WhatsApp (sql/101) */
};

/* What a key asked for; the controller acts on it. */
enum detalle_intent {
    DETALLE_NADA,              /* handled here (or ignored); redraw when the return says so */
    DETALLE_MOVER,             /* move to intent_etapa (a non-exit stage) */
    DETALLE_SALIDA,            /* ask the reason, then move to intent_etapa (an exit stage) */
    DETALLE_NOTA,              /* open the note form */
    DETALLE_VENTA,             /* open the sale form */
    DETALLE_EXTENDER,          /* supervision: open the "more time" form */
    DETALLE_INTENTO,           /* open the contact attempt form */
    DETALLE_AVISO,             /* tell the user m->aviso (an exit that needs more attempts first) */
    DETALLE_NO_CONTACTAR,      /* ask which phone (detalle_nc_telefonos) goes in the registry */
    DETALLE_PRORROGA,          /* the owner: open the form asking the timer to wait until a date */
    DETALLE_PRORROGA_CANCELAR, /* the requester: ask, then withdraw their pending request */
    DETALLE_CORREGIR,          /* open the form correcting a captured lead's data */
    DETALLE_VENTA_CORREGIR,    /* supervision: open the form correcting the sale in force */
    DETALLE_VENTA_CANCELAR,    /* supervision: open the form cancelling it (the lender said no) */
    DETALLE_RESPONDER,         /* the owner: open the form answering the client on WhatsApp */
    DETALLE_DUDA,              /* open the form deciding the newest answer in doubt */
    DETALLE_VOLVER,            /* Esc: back to where the user came from */
};

struct detalle_model {
    int64_t want; /* the opportunity asked for; 0 = none chosen yet */
    char yo[48];  /* the user's login (set by the controller): whose request Z withdraws */
    bool admin;   /* set by the controller: an admin also corrects a closed one's data */
    bool promotor; /* set by the controller: the user is a promoter (only she answers, w) */
    bool lectura;  /* set by the controller: a read-only profile (the auditor) decides nothing */
    int64_t now;   /* set by the controller before an action: epoch seconds */
    bool loaded;
    char error[640]; /* the last read failed (shown under the title) */
    struct detalle_data d;
    bool ascii;
    int scroll;

    /* Stages the opportunity may go to (set by the controller from the funnel). */
    struct embudo_stage stages[EMBUDO_MAX_STAGES];
    int nstages;

    /* The picker ("m": non-exit stages; "x": exit stages). */
    bool picking, picking_salida;
    int pick;
    int picks[EMBUDO_MAX_STAGES]; /* indices into stages */
    int npicks;

    char intent_etapa[48];
    char aviso[320]; /* DETALLE_AVISO's message */
};

void detalle_model_init(struct detalle_model *m);
void detalle_model_fini(struct detalle_model *m);

/* Takes ownership of d's arrays (the caller's d is emptied); scroll resets on a new id. */
void detalle_model_take(struct detalle_model *m, struct detalle_data *d);

/* Frees d's arrays. */
void detalle_data_fini(struct detalle_data *d);

/*
 * Applies an action: movement scrolls (or moves the picker), ACTION_MOVE_STAGE and
 * ACTION_EXIT_STAGE open the picker (when the opportunity is ABIERTA), Enter in the picker
 * chooses, Esc closes it or backs out, ACTION_NOTE / ACTION_SALE ask for their forms,
 * ACTION_NO_CONTACT asks which phone goes in the registry (or says why none may),
 * ACTION_EXTENSION_ASK asks for the prórroga form (an ABIERTA opportunity with a timer and no
 * request pending), ACTION_EXTENSION_CANCEL for withdrawing the one m->yo asked for (or says
 * why there is none to withdraw), ACTION_CORRECT_DATA for the correction form (a captured
 * lead's, active or, for an admin, closed), ACTION_SALE_CORRECT and ACTION_SALE_CANCEL for the
 * sale's forms (a sale in force), ACTION_WA_REPLY for the answer's form (or says why not, at
 * m->now), ACTION_UNCERTAIN_DECIDE for the form deciding the newest answer in doubt (or says
 * why not). *redraw tells whether anything visible changed.
 * page = rows one screen shows.
 */
enum detalle_intent detalle_model_action(struct detalle_model *m, enum action a, int page,
                                         bool *redraw);

/* Spanish refusal when the opportunity's estado forbids action a, or NULL when allowed. */
const char *detalle_model_refusal(const struct detalle_model *m, enum action a);

/*
 * Why the user cannot answer the client on WhatsApp at now (epoch seconds), in Spanish, into
 * buf (which it returns); NULL when she can: a promoter (m->promotor), the opportunity read,
 * ABIERTA, and its window read and open (the database's sentence when it is not; its own when
 * the window read closed meanwhile).
 */
const char *detalle_responder_refusal(const struct detalle_model *m, int64_t now, char *buf,
                                      size_t size);

/*
 * Whether the pane has action a for the user now (pane_ops.has): ACTION_WA_REPLY only while
 * detalle_responder_refusal(m, now) says nothing, ACTION_UNCERTAIN_DECIDE only while
 * detalle_duda_refusal does not; every other action, yes.
 */
bool detalle_model_has(const struct detalle_model *m, enum action a, int64_t now);

/*
 * The form answering the client (sql/101): one long text field of 1–4096 characters whose
 * label, written into label (which must outlive the form), is «Respuesta para Julia Pérez
 * Núñez (+52 55 1234 5678)», under the note «Puede contestar hasta las 18:02 del 30/11.»; text
 * of blanks only is refused as it is typed.
 */
void detalle_responder_form(struct form_vm *f, char *label, size_t labelsz,
                            const struct detalle_data *d);

/* The most characters an answer takes (api.wa_responder). */
#define DETALLE_RESPUESTA_MAX 4096

/*
 * What a WhatsApp message's state (crm.wa_mensajes.estado) is called after «Le escribió por
 * WhatsApp»: «en cola», «enviando», «enviado», «entregado», «leído», «no se envió» (FALLIDO,
 * OMITIDO, CANCELADO); NULL for "" or an unknown state. A message in doubt is «en duda»
 * whatever its state (detalle_evento_label).
 */
const char *detalle_wa_estado(const char *estado);

/*
 * Answers in doubt (sql/024's incierto: the sender lost the ack; it counts against the
 * account's daily cap until someone decides). How many of d's answers the user sees are in
 * doubt; *nueva (may be NULL) gets the newest of them, borrowed from d (NULL when none).
 */
size_t detalle_dudas(const struct detalle_data *d, const struct detalle_evento **nueva);

/*
 * Why the user cannot decide an answer in doubt here, in Spanish into buf (which it returns);
 * NULL when she can: the opportunity read, an answer in doubt she sees, and a profile that
 * writes. Seeing the message is being allowed to operate it (api.mensaje_resolver_incierto's
 * crm.puede_operar: its account's owner, her supervisor, an admin — the row-level security of
 * crm.wa_mensajes), except for the auditor, who sees everything and writes nothing.
 */
const char *detalle_duda_refusal(const struct detalle_model *m, char *buf, size_t size);

/* What the form's choice says, in its order (detalle_duda_form). */
enum detalle_duda_accion {
    DETALLE_DUDA_LLEGO,     /* «sí le llegó»: ENVIADO */
    DETALLE_DUDA_REENVIAR,  /* «volver a enviar»: back to the queue, due now */
    DETALLE_DUDA_DESCARTAR, /* «descartar»: FALLIDO INCIERTO */
};

/*
 * The form deciding the newest answer in doubt of d (the caller checked detalle_duda_refusal):
 * titled «Respuesta en duda», «(hay N más)» when more wait; its note says nobody knows whether
 * it reached the client, when who wrote it and its text, and, when a re-send would not go at
 * now (detalle_duda_no_saldra), why first; one choice, «sí le llegó», «volver a enviar»,
 * «descartar».
 */
void detalle_duda_form(struct form_vm *f, const struct detalle_data *d, int64_t now);

/* The choice's value as an accion; -1 for anything else. */
int detalle_duda_eleccion(const char *value);

/*
 * Why answer ev of d, sent again at now, would be skipped by the sender's claim instead of
 * going (api.mensaje_reclamar), in the database's words; NULL when it would go as far as the
 * detail knows: the opportunity no longer ABIERTA with the account that wrote it (CERRADA),
 * or the client's 24 hours over (VENTANA).
 */
const char *detalle_duda_no_saldra(const struct detalle_data *d, const struct detalle_evento *ev,
                                   int64_t now);

/*
 * The bottom bar's sentence after a decision: what became of the answer, for a re-send where
 * it goes (sale: «sale en unos segundos», «la envía el WhatsApp de rspn1»…) or, when no_saldra
 * is not NULL, that it will not go and why; then how many answers remain in doubt.
 */
void detalle_duda_resultado(char *buf, size_t size, enum detalle_duda_accion a,
                            const char *no_saldra, const char *sale, size_t quedan);

/*
 * Whether the hint bar offers action a for the opportunity shown: once it is read, not what
 * detalle_model_refusal refuses (a won one offers the note and the sale's keys, not a move);
 * the sale's keys only for a sale in force. Before the first read, everything but those.
 */
bool detalle_model_offers(const struct detalle_model *m, enum action a);

/*
 * Writes a stored phone for people: "+525512345678" → "+52 55 1234 5678" (two-digit area
 * codes 33, 55, 56, 81), "+522221234567" → "+52 222 123 4567"; anything else as it is.
 */
void detalle_phone_fmt(char *buf, size_t bufsz, const char *e164);

/*
 * What a history row says ("Nuevo → Contactado", "Timer vencido: de vuelta al pool"); ascii
 * writes the arrow "->" (no UTF-8 terminal).
 */
void detalle_evento_label(char *buf, size_t bufsz, const struct detalle_evento *ev, bool ascii);

/*
 * The prórroga request of d still waiting for the supervisor, as the history tells it: the
 * latest PRORROGA_PEDIDA with no PRORROGA, PRORROGA_RECHAZADA or PRORROGA_CANCELADA after it.
 * Returns who asked (a login borrowed from d) and *reanudar the resume date ("15/12"), or
 * NULL (and "") when none is pending.
 */
const char *detalle_prorroga_pendiente(const struct detalle_data *d, const char **reanudar);

/* Contact attempts since the opportunity reached its owner, as api.mover counts them; *ultimo
 * gets the latest one's outcome code (NULL: none). */
int detalle_intentos(const struct detalle_data *d, const char **ultimo);

/*
 * The phones the person may ask not to be called at (SOLICITUD): each vigente mobile or
 * landline of d (E.164, borrowed from d) that has no SOLICITUD entry in force yet. Writes up
 * to max into out; returns how many there are.
 */
size_t detalle_nc_telefonos(const struct detalle_data *d, const char **out, size_t max);

/* The most phones the registry form offers (a client has one or two). */
#define DETALLE_NC_TELEFONOS 8

/*
 * A captured lead's correctable data (api.prospecto_corregir, sql/085) as the form holds them:
 * the name, the phone as the user types it (ten digits) and the CURP.
 */
struct detalle_correccion {
    char nombre[256], telefono[48], curp[24];
};

/* What the correction form opens with: the lead's name, its phone without "+52", its CURP. */
void detalle_correccion_de(const struct detalle_data *d, struct detalle_correccion *c);

/*
 * What a correction sends: each field of escrito that differs from antes as the database
 * compares them (the name with its spaces collapsed, the phone normalised, the CURP in upper
 * case) goes into *enviar, each unchanged one is "" (sent as NULL: left as it is). Returns
 * how many changed (0: the database answers «nada que corregir»), or -1 with a Spanish msg
 * when the CURP was erased: the database keeps an empty one as it was, so the form says so.
 */
int detalle_correccion_cambios(const struct detalle_correccion *antes,
                               const struct detalle_correccion *escrito,
                               struct detalle_correccion *enviar, char *msg, size_t msgsz);

#define DETALLE_VM_LINES   120
#define DETALLE_PICK_LINES (EMBUDO_MAX_STAGES + 2)

struct detalle_vm {
    int width, height;
    int nlines;
    int page;
    int content; /* rows the whole content takes (for scrolling) */
    struct vm_line lines[DETALLE_VM_LINES];
    struct vm_box pick_box; /* h == 0: no picker; coordinates relative to the pane */
    int npick_lines;
    struct vm_line pick_lines[DETALLE_PICK_LINES]; /* relative to pick_box */
};

/* Builds the pane for width × height (keeps m->scroll in range, hence not const). */
void detalle_vm_build(struct detalle_vm *vm, struct detalle_model *m, int width, int height);

/* vm_lines_dump, then the picker ("pick y,x hxw title" and its lines); caller frees. */
char *detalle_vm_dump(const struct detalle_vm *vm);

#endif
