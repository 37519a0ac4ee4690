/*
 * app_cmd — the ":" commands: the table (names, usage, argument keys for completion),
 * running a line (parse with cmdline_vm, then either the controller handles it or it is
 * routed to the pane that owns it), the completion sources the panes fill, and the
 * history file (the lines themselves are cmdline_vm's).
 * Loop thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/app_internal.h"
#include "ui/term/term.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char *const keys_asignar[] = { "convenio", "entidad", "edad_min", "edad_max", NULL };
static const char *const keys_repartir[] = { "convenio", "entidad",    "edad_min",
                                             "edad_max", "promotores", NULL };
static const char *const keys_mover[] = { "motivo", NULL };

/*
 * pane: the pane a command is routed to ("" = the visible pane, NULL = the controller).
 * Kept beside the table by index: cmdline_cmd is pure and knows nothing of panes.
 */
const struct cmdline_cmd app_commands[] = {
    { "asignar", "CANTIDAD [convenio=CLAVE] [entidad=CLAVE] [edad_min=N] [edad_max=N]",
      "pedir un lote de clientes", keys_asignar, NULL, 1, 5 },
    { "repartir",
      "CANTIDAD [convenio=CLAVE] [entidad=CLAVE] [edad_min=N] [edad_max=N] [promotores=A,B]",
      "repartir clientes al equipo (supervisión)", keys_repartir, NULL, 1, 6 },
    { "mover", "ETAPA [motivo=TEXTO]", "mover la oportunidad elegida a otra etapa", keys_mover,
      "etapa", 1, 2 },
    { "bandeja", "", "ir a la bandeja (supervisión)", NULL, NULL, 0, 0 },
    { "buscar", "TEXTO", "buscar por teléfono, CURP o nombre (también cerradas)", NULL, NULL, 1,
      8 },
    { "ventas", "[DESDE [HASTA]] [LOGIN]", "ventas de esas fechas y su total (sin fechas: el mes)",
      NULL, "promotor", 0, 3 },
    { "estadisticas", "[DESDE [HASTA] | Nd]", "estadísticas de WhatsApp de esas fechas", NULL,
      "rango", 0, 2 },
    { "informe", "[DESDE HASTA] [LOGIN]", "informe del embudo de esas fechas", NULL, "promotor", 0,
      3 },
    { "envejecimiento", "[LOGIN]", "cuánto llevan las abiertas en su etapa", NULL, "promotor", 0,
      1 },
    { "usuarios", "", "todos los usuarios que ve, su rol y su estado (en Equipo)", NULL, NULL, 0,
      0 },
    { "calendario", "", "horario, días inhábiles y sus cambios (en Inicio)", NULL, NULL, 0, 0 },
    { "etapas", "", "las etapas del embudo, sus temporizadores y cambios (en Inicio)", NULL, NULL,
      0, 0 },
    { "tema", "NOMBRE", "cambiar el tema de colores", NULL, "tema", 1, 1 },
    { "raton", "[sí|no]", "clics y rueda del ratón (sin palabra: alterna)", NULL, "si_no", 0, 1 },
    { "teclas", "", "volver a leer teclas.conf", NULL, NULL, 0, 0 },
    { "ayuda", "", "todas las teclas y comandos", NULL, NULL, 0, 0 },
    { "q", "", "salir", NULL, NULL, 0, 0 },
};
const size_t app_ncommands = sizeof app_commands / sizeof app_commands[0];

static const char *const command_pane[] = {
    "asignacion",   "repartir", "",        "bandeja", "embudo", "embudo",
    "estadisticas", "informe",  "informe", "equipo",  "inicio", "inicio",
    NULL,           NULL,       NULL,      NULL,      NULL
};
_Static_assert(sizeof command_pane / sizeof command_pane[0] ==
                   sizeof app_commands / sizeof app_commands[0],
               "one routing entry per command");

/* The commands that change data: a read-only profile (the auditor) is refused them and is
   not offered them (completion, ":ayuda"). By index, as command_pane. */
static const bool command_writes[] = { true,  true,  true,  false, false, false,
                                       false, false, false, false, false, false,
                                       false, false, false, false, false };
_Static_assert(sizeof command_writes / sizeof command_writes[0] ==
                   sizeof app_commands / sizeof app_commands[0],
               "one writes flag per command");
_Static_assert(sizeof app_commands / sizeof app_commands[0] <= APP_MAX_COMMANDS,
               "APP_MAX_COMMANDS holds the table");

size_t
app_cmd_offered(const struct app *a, struct cmdline_cmd *out)
{
    bool read_only = vm_profile_read_only(a->profile);
    size_t n = 0;

    for (size_t i = 0; i < app_ncommands; i++)
        if (!(read_only && command_writes[i]))
            out[n++] = app_commands[i];
    return n;
}

/* ---- completion sources --------------------------------------------------------- */

void
app_complete_set(struct app *a, const char *kind, const char *const *vals, size_t n)
{
    struct app_source *s = NULL;

    for (int i = 0; i < APP_SOURCES && s == NULL; i++)
        if (strcmp(a->sources[i].kind, kind) == 0 || a->sources[i].kind[0] == '\0')
            s = &a->sources[i];
    if (s == NULL) {
        log_warn("completado: sin lugar para «%s»", kind);
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        free(s->vals[i]);
    free(s->vals);
    snprintf(s->kind, sizeof s->kind, "%s", kind);
    s->vals = n > 0 ? xcalloc(n, sizeof *s->vals) : NULL;
    s->n = n;
    for (size_t i = 0; i < n; i++)
        s->vals[i] = xstrdup(vals[i]);
}

void
app_cmd_fini(struct app *a)
{
    cmdline_hist_free(&a->cmd.hist);
    for (int i = 0; i < APP_SOURCES; i++) {
        for (size_t j = 0; j < a->sources[i].n; j++)
            free(a->sources[i].vals[j]);
        free(a->sources[i].vals);
        memset(&a->sources[i], 0, sizeof a->sources[i]);
    }
}

void
app_cmd_complete(struct app *a)
{
    struct cmdline_source src[APP_SOURCES];
    struct cmdline_cmd cmds[APP_MAX_COMMANDS];
    size_t n = 0;

    for (int i = 0; i < APP_SOURCES; i++)
        if (a->sources[i].kind[0] != '\0')
            src[n++] =
                (struct cmdline_source){ a->sources[i].kind,
                                         (const char *const *)a->sources[i].vals, a->sources[i].n };
    if (cmdline_vm_complete(&a->cmd, cmds, app_cmd_offered(a, cmds), src, n) == 0)
        app_message(a, false, "Nada que completar");
}

/* ---- history ------------------------------------------------------------------- */

/* $XDG_STATE_HOME/embudo/historial, else ~/.local/state/embudo/historial; NULL without either.
 * With mkdir, the directories are created (0700) when missing. */
static char *
history_path(bool mkdir_too)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char *dir;
    char *path;

    if (xdg != NULL && xdg[0] == '/')
        dir = xasprintf("%s/embudo", xdg);
    else if (home != NULL && home[0] == '/')
        dir = xasprintf("%s/.local/state/embudo", home);
    else
        return NULL;
    if (mkdir_too) {
        char *slash = dir;

        while ((slash = strchr(slash + 1, '/')) != NULL) {
            *slash = '\0';
            (void)mkdir(dir, 0700); /* existing ones stay as they are */
            *slash = '/';
        }
        (void)mkdir(dir, 0700);
    }
    path = xasprintf("%s/historial", dir);
    free(dir);
    return path;
}

void
app_cmd_history_load(struct app *a)
{
    char *path, *text = NULL, chunk[4096];
    size_t len = 0, got;
    FILE *f;

    if (a->cmd.hist.loaded)
        return;
    a->cmd.hist.loaded = true;
    if ((path = history_path(false)) == NULL)
        return;
    if ((f = fopen(path, "r")) != NULL) {
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            text = xrealloc(text, len + got + 1);
            memcpy(text + len, chunk, got);
            len += got;
        }
        fclose(f);
        cmdline_hist_load(&a->cmd.hist, text != NULL ? text : "", len);
        a->cmd.hist.loaded = true;
    }
    free(text);
    free(path);
}

void
app_cmd_history_add(struct app *a, const char *line)
{
    char *path, *tmp, *text;
    int fd;
    bool ok;

    /* Read again first: another session may have written since; its lines stay. */
    a->cmd.hist.loaded = false;
    app_cmd_history_load(a);
    cmdline_hist_add(&a->cmd.hist, line);
    if ((path = history_path(true)) == NULL)
        return;
    /* A new file, then rename: a crash never leaves half a history, and the mode is ours. */
    tmp = xasprintf("%s.%ld", path, (long)getpid());
    text = cmdline_hist_text(&a->cmd.hist);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        log_warn("historial de comandos: no se pudo escribir %s: %s", path, strerror(errno));
        (void)unlink(tmp);
    }
    free(text);
    free(tmp);
    free(path);
}

/* ---- running a line -------------------------------------------------------------- */

/* ":raton [sí|no]": the mouse on or off for this session (the setting: [ui] raton). */
static int
raton_command(struct app *a, const char *word, struct err *e)
{
    bool on = !a->raton;

    if (word != NULL && (strcmp(word, "sí") == 0 || strcmp(word, "si") == 0))
        on = true;
    else if (word != NULL && strcmp(word, "no") == 0)
        on = false;
    else if (word != NULL)
        return err_set(e, RC_INVAL, "uso: :raton [sí|no]");
    a->raton = term_mouse(on);
    if (on && !a->raton)
        app_message(a, true, "Esta terminal no informa clics del ratón.");
    else
        app_message(a, false, "%s",
                    on ? "Ratón: clic elige, doble clic abre, rueda mueve; Mayús+arrastrar copia."
                       : "Ratón: desactivado (la terminal selecciona texto).");
    return RC_OK;
}

static int
run_own(struct app *a, const struct cmdline_cmd *cmd, int argc, char **argv, struct err *e)
{
    if (strcmp(cmd->name, "q") == 0) {
        app_quit_ask(a);
    } else if (strcmp(cmd->name, "ayuda") == 0) {
        a->overlay = OVERLAY_REFERENCE;
        a->help_scroll = 0;
    } else if (strcmp(cmd->name, "tema") == 0) {
        if (app_set_theme(a, argv[1], e) != RC_OK)
            return e->rc;
        app_message(a, false, "Tema: %s", argv[1]);
    } else if (strcmp(cmd->name, "raton") == 0) {
        if (raton_command(a, argc > 1 ? argv[1] : NULL, e) != RC_OK)
            return e->rc;
    } else if (strcmp(cmd->name, "teclas") == 0) {
        int rc = app_keys_build(a);

        if (rc == RC_OK)
            app_message(a, false, "Teclas: se volvió a leer teclas.conf");
        else if (rc == RC_NOTFOUND)
            app_message(a, false, "Teclas: sin teclas.conf, se usan las predeterminadas");
        /* RC_INVAL: the bad line's message is already in the bottom bar */
    }
    a->dirty |= DIRTY_ALL;
    return RC_OK;
}

/* A command owned by a pane: make it visible, then hand it the words. */
static int
run_routed(struct app *a, const struct cmdline_cmd *cmd, const char *pane, int argc, char **argv,
           struct err *e)
{
    int slot = pane[0] != '\0' ? app_find_slot(a, pane) : a->active;
    const struct app_slot *s;
    char name[CMDLINE_BYTES];

    if (slot < 0)
        return err_set(e, RC_INVAL, ":%s aún no está disponible en esta versión", cmd->name);
    if (!app_slot_visible(a, slot))
        return err_set(e, RC_INVAL, "su perfil no tiene acceso a :%s", cmd->name);
    s = &a->slots[slot];
    if (s->ops->command == NULL && (pane[0] == '\0' || argc > 1))
        return err_set(e, RC_INVAL, ":%s no se usa en el panel %s", cmd->name, s->ops->title);
    app_activate(a, slot);
    /* The pane reads the whole name, whatever was typed: ":mov" is "mover", and a pane that
       owns two commands (":informe", ":envejecimiento") tells them apart by it. */
    snprintf(name, sizeof name, "%s", cmd->name);
    argv[0] = name;
    /* A pane without its own handling is just shown (":bandeja"). */
    return s->ops->command != NULL ? s->ops->command(s->st, argc, argv, e) : RC_OK;
}

void
app_cmd_run(struct app *a, const char *line)
{
    char buf[CMDLINE_BYTES], *argv[CMDLINE_MAX_ARGS];
    const struct cmdline_cmd *cmd;
    struct err e;
    int argc = 0, rc;

    err_clear(&e);
    /* The whole table, so that a read-only user typing ":asignar" hears why it is refused. */
    rc = cmdline_parse(line, app_commands, app_ncommands, buf, sizeof buf, &argc, argv, &cmd, &e);
    if (rc == RC_OK && vm_profile_read_only(a->profile) && command_writes[cmd - app_commands]) {
        rc = err_set(&e, RC_INVAL, "Solo lectura: su perfil no tiene acceso a :%s", cmd->name);
    } else if (rc == RC_OK) {
        const char *pane = command_pane[cmd - app_commands];

        rc = pane == NULL ? run_own(a, cmd, argc, argv, &e)
                          : run_routed(a, cmd, pane, argc, argv, &e);
    }
    if (rc != RC_OK)
        app_message(a, true, "%s", e.msg);
    a->dirty |= DIRTY_HINT;
}
