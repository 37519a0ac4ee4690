/*
 * equipo_vm — the team pane (supervisors and admins): per promoter, cartera, quota used
 * today, overdue and warned counts, sales this week and contact attempts recorded today (from
 * 80 columns); below, the aging heat map promoter × stage: how many active opportunities sit
 * in each stage and how long the oldest has been there in business hours, against the stage's
 * own timer (its rot threshold). Every level has a glyph and a word in the legend, not only a
 * colour. A promoter who is not ACTIVO (ausente, vacaciones) carries that estado in its name
 * cell, as a glyph and a word, or the glyph alone with the word under the table; the words
 * of each estado are here too, for the form that changes it (ui/equipo_panel.c), and the
 * admin's two forms: a promoter's cupo diario and cartera máxima, and its supervisor.
 *
 * Pure C (no curses, no db); the loop thread owns the model.
 */
#ifndef VM_EQUIPO_VM_H
#define VM_EQUIPO_VM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/vm/form_vm.h"
#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct equipo_promotor {
    int id;
    char login[48];
    char nombre[160];
    char estado[16]; /* crm.usuarios.estado: ACTIVO | AUSENTE | VACACIONES (BAJA never listed) */
    int cupo_limite, cupo_usados;
    int cartera, cartera_max;
    int vencidas, avisadas, ventas_semana;
    int intentos_hoy;
};

struct equipo_etapa {
    int id;
    char nombre[48];
    double timer_horas; /* 0: no timer (exits): EQUIPO_SALIDA_HORAS is the reference */
};

struct equipo_celda {
    int usuario_id, etapa_id, n;
    double max_horas;
};

/*
 * A promoter's estados as the form offers them: "Activo", "Ausente", "Vacaciones" and, last,
 * "Baja", which only an admin may set (the database refuses it to a supervisor, EB115), so
 * a supervisor's form offers the first EQUIPO_ESTADOS_SUPERVISOR.
 */
#define EQUIPO_ESTADOS            4
#define EQUIPO_ESTADOS_SUPERVISOR 3
extern const char *const equipo_estado_etiquetas[EQUIPO_ESTADOS];

/* "Ausente" for "AUSENTE"; a code this client does not know, as it is. */
const char *equipo_estado_etiqueta(const char *codigo);

/* A rol as a word: «Promotor», «Supervisor», «Administrador», «Auditor» (anything else as is). */
const char *equipo_rol_etiqueta(const char *rol);

/* "AUSENTE" for "Ausente" (any case): what api.cambiar_estado_usuario takes; NULL if unknown. */
const char *equipo_estado_codigo(const char *etiqueta);

/* ---- the admin's forms: cupo and cartera, supervisor (api.usuario_limites, cambiar_supervisor) */

/* api.usuario_limites' bounds (EB108). */
#define EQUIPO_CUPO_MAX    10000
#define EQUIPO_CARTERA_MAX 100000

/*
 * Fills f as «Cupo y cartera de LOGIN»: «Cupo diario» (0…10 000) and «Cartera máxima»
 * (0…100 000), both required whole numbers, holding cupo and cartera as they are now. The
 * form machinery checks each keystroke («Solo dígitos», «Debe estar entre 0 y 10,000») and
 * submits only when both are valid.
 */
void equipo_limites_form(struct form_vm *f, const char *login, int cupo, int cartera);

/*
 * What a valid limits form, opened with cupo0 and cartera0, asks for: *cupo and *cartera get
 * each new value, or -1 for one left as it was (db_usuario_limites keeps it). Returns false
 * when neither changed: there is nothing to send.
 */
bool equipo_limites_cambio(const struct form_vm *f, int cupo0, int cartera0, int *cupo,
                           int *cartera);

/* A user as the admin's forms need it (the controller copies api.usuarios' rows). */
struct equipo_usuario {
    char login[48];
    char nombre[160];
    char rol[16];        /* PROMOTOR | SUPERVISOR | ADMIN | AUDITOR */
    char estado[16];     /* ACTIVO | AUSENTE | VACACIONES | BAJA */
    char supervisor[48]; /* a promoter's supervisor's login; "" for none */
    int cupo_diario, cartera_max;
};

#define EQUIPO_OPCION_BYTES 224

/*
 * The supervisor form's choices for a promoter whose supervisor is actual ("" = none): every
 * ACTIVO SUPERVISOR among us (n, in their order) as "login · Nombre" (the first given name,
 * so it fits the field), and actual whatever its estado, so the form opens on what is there.
 * Writes up to max into out and returns how many there are; *cur = actual's index, 0 when it
 * is not among them.
 */
size_t equipo_supervisor_opciones(char (*out)[EQUIPO_OPCION_BYTES], size_t max,
                                  const struct equipo_usuario *us, size_t n, const char *actual,
                                  size_t *cur);

/* Fills f as «Supervisor de LOGIN»: one of opciones (n; they must outlive the form), the one
 * at cur chosen. */
void equipo_supervisor_form(struct form_vm *f, const char *login, const char *const *opciones,
                            size_t n, size_t cur);

/* The login a choice starts with ("suplim2 · Saúl" → "suplim2"), into buf. */
void equipo_opcion_login(char *buf, size_t size, const char *opcion);

/* The alta form's roles, the first (PROMOTOR) chosen when it opens. */
#define EQUIPO_ROLES 4
extern const char *const equipo_roles[EQUIPO_ROLES];

/* The alta form's first supervisor choice: no team (an admin, an auditor, a supervisor). */
#define EQUIPO_SIN_SUPERVISOR "—"

/* What a new user gets unless the admin types otherwise (api.crear_usuario's defaults). */
#define EQUIPO_CUPO_DEFECTO    50
#define EQUIPO_CARTERA_DEFECTO 500

/*
 * Fills f as «Alta de usuario»: «Usuario» (the login: the database's rule — 2 to 31 lower-case
 * letters, digits or «_», not starting with a digit — checked as it is typed), «Nombre
 * completo», «Rol» (equipo_roles), «Supervisor» (opciones, n: EQUIPO_SIN_SUPERVISOR first,
 * then equipo_supervisor_opciones'; they must outlive the form; the one at cur chosen — a
 * promoter, the usual new user, needs one), «Cupo diario» and «Cartera máxima» (the defaults
 * above, the bounds of equipo_limites_form).
 */
void equipo_alta_form(struct form_vm *f, const char *const *opciones, size_t n, size_t cur);

/*
 * Fills f as «Nombre de LOGIN» (sql/099): «Nombre completo», holding nombre, 2…120 characters,
 * and an optional «Motivo» (…500) for the record of changes.
 */
void equipo_nombre_form(struct form_vm *f, const char *login, const char *nombre);

/* Whether a valid nombre form asks for another name than nombre0 (blanks collapsed as the
 * database does); the name to send into buf. */
bool equipo_nombre_cambio(const struct form_vm *f, const char *nombre0, char *buf, size_t size);

/* A valid alta form's values, for api.crear_usuario (supervisor "" = none). */
struct equipo_alta {
    char login[48];
    char nombre[FORM_VALUE_BYTES];
    char rol[16];
    char supervisor[48];
    int cupo, cartera;
};
void equipo_alta_valores(const struct form_vm *f, struct equipo_alta *a);

/* Business hours an exit may wait in the bandeja before it counts as late. */
#define EQUIPO_SALIDA_HORAS 8.0

enum equipo_nivel { EQUIPO_VACIA, EQUIPO_FRESCA, EQUIPO_MEDIA, EQUIPO_AVISO, EQUIPO_VENCIDA };

/* The level of a cell whose oldest opportunity has spent horas of a stage with timer hours. */
enum equipo_nivel equipo_nivel_de(int n, double horas, double timer);

#define EQUIPO_MAX_ETAPAS 16

struct equipo_model {
    bool loaded, ascii;
    char error[640];
    struct equipo_promotor *promotores; /* owned */
    size_t npromotores;
    struct equipo_celda *celdas; /* owned */
    size_t nceldas;
    struct equipo_etapa etapas[EQUIPO_MAX_ETAPAS];
    int netapas;
    int cur, top;
    /* A login the cursor goes to when a read brings it (the user an admin just created);
       "" = none. */
    char seguir[48];
};

void equipo_model_init(struct equipo_model *m);
void equipo_model_fini(struct equipo_model *m);
void equipo_model_set_etapas(struct equipo_model *m, const struct equipo_etapa *e, int n);
/* Takes ownership of both arrays (malloc'd). The cursor stays on the promoter it was on,
 * wherever a re-read puts them (a promoter added or gone above it moves the rows), or goes to
 * m->seguir when the read has it; when its promoter left, it keeps its row. */
void equipo_model_take(struct equipo_model *m, struct equipo_promotor *p, size_t np,
                       struct equipo_celda *c, size_t nc);
/* Movement; returns true when the cursor moved. */
bool equipo_model_action(struct equipo_model *m, enum action a, int page);
/* The promoter under the cursor (its embudo opens on Enter), or NULL. */
const struct equipo_promotor *equipo_model_selected(const struct equipo_model *m);

#define EQUIPO_VM_LINES 120

struct equipo_vm {
    int width, height, nlines, page;
    struct vm_line lines[EQUIPO_VM_LINES];
};

void equipo_vm_build(struct equipo_vm *vm, struct equipo_model *m, int width, int height);
char *equipo_vm_dump(const struct equipo_vm *vm);

#endif
