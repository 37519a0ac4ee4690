/*
 * vista_lectura — the read of a view a pane shows in place of its own content until Esc
 * (`:ventas` in the Embudo, `:calendario` and `:etapas` in Inicio): one read at a time (a
 * second asked meanwhile runs once after it), the command's read shown when it arrives and
 * an older one's answer dropped (a generation the command and Esc bump), and the re-reads
 * notifications ask for paced by app_reread while the view is open.
 *
 * The view keeps its model and its job; it embeds one struct vista_lectura, gives it a
 * submit() that builds the job for the generation and flag it is told, and in the job's
 * result asks vista_lectura_llego what the answer is worth, then vista_lectura_fin.
 * Loop thread only.
 */
#ifndef UI_VISTA_LECTURA_H
#define UI_VISTA_LECTURA_H

#include <stdbool.h>

#include "ui/app_reread.h"

struct app;

struct vista_lectura {
    unsigned gen;        /* the command and Esc bump it: an answer for an older one is dropped */
    bool mostrar;        /* the command's read: shown when it arrives (or its failure said) */
    bool loading, again; /* a read is in flight / another was asked meanwhile */
    struct app_reread reread;
    void (*submit)(void *st, unsigned gen, bool mostrar); /* builds the job and app_submit()s it */
    bool (*abierta)(void *st);                            /* the view is shown */
    void *st;
};

/* pausa: after a read, notifications wait pausa times as long as it took (app_reread). */
void vista_lectura_init(struct vista_lectura *l, struct app *a, unsigned pausa, void *st,
                        void (*submit)(void *st, unsigned gen, bool mostrar),
                        bool (*abierta)(void *st));

/* The command: read now and show the answer when it arrives. */
void vista_lectura_pedir(struct vista_lectura *l);

/* Read again (after a write of the view's own): one at a time. */
void vista_lectura_cargar(struct vista_lectura *l);

/* Esc: an answer on its way is dropped and nothing waits to be re-read. */
void vista_lectura_cerrar(struct vista_lectura *l);

enum vista_respuesta {
    VISTA_TOMAR, /* show it */
    VISTA_FALLO, /* the command's read failed: say why (what was shown stays) */
    VISTA_NADA,  /* an older read's, or a failed re-read: drop it */
};

/* The job's answer arrived (gen and mostrar as submit() was given them, rc its outcome). */
enum vista_respuesta vista_lectura_llego(struct vista_lectura *l, unsigned gen, bool mostrar,
                                         int rc);

/* After the answer was handled: the read asked meanwhile, if any, starts. */
void vista_lectura_fin(struct vista_lectura *l);

/* A notification: relevant says whether it may change what the view shows. */
void vista_lectura_aviso(struct vista_lectura *l, bool relevant, bool resync);

#endif
