/*
 * cmd — the command-line subcommands (tmux's cmd-*.c: one file per command family).
 *
 * main() resolves global options and the configuration, finds the entry in
 * cmd_table by name and calls its exec with the remaining arguments. A command
 * returns the process exit status: 0 ok, 1 failure (message printed), 2 usage.
 * Commands run on the main thread; messages to people are Spanish.
 */
#ifndef CMD_CMD_H
#define CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>

struct config;

/* What every command receives. */
struct cmd_ctx {
    const struct config *cfg;
    const char *as_login; /* --as LOGIN, or NULL; only valid with the embedded cluster */
    bool json;            /* --json: machine-readable output on stdout */
    int argc;             /* arguments after the command name */
    char **argv;
};

struct cmd_entry {
    const char *name;    /* "db", "demo", "asignar"… */
    const char *usage;   /* Spanish usage line(s), without the program name */
    const char *summary; /* one Spanish line for `embudo --help` */
    int (*exec)(struct cmd_ctx *ctx);
};

/* The registry, terminated by an entry with name NULL. */
extern const struct cmd_entry cmd_table[];

const struct cmd_entry *cmd_find(const char *name);

/* Prints "uso: embudo <usage>" and msg (when not NULL) to stderr; returns 2. */
int cmd_usage(const struct cmd_entry *entry, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "embudo: msg" to stderr; returns 1. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One action of a command family: "prorroga pedir …" runs run(ctx, entry, argc, argv) with
 * the arguments after the verb. */
struct cmd_verb {
    const char *name;
    int (*run)(struct cmd_ctx *ctx, const struct cmd_entry *entry, int argc, char **argv);
};

/*
 * Runs the verb of the family named command that ctx->argv[0] names. With no argument, or an
 * option first, runs verbs[0] with all of them when lista_por_omision ("prorroga --todas" is
 * "prorroga lista --todas"), else prints usage. An unknown verb prints usage naming the verbs.
 * Returns the verb's status, or 2.
 */
int cmd_verbs_run(struct cmd_ctx *ctx, const char *command, const struct cmd_verb *verbs, size_t n,
                  bool lista_por_omision);

/*
 * A tiny long-option parser for commands. Each spec names an option ("cantidad")
 * and where its value goes; flags (has_arg false) set *flag. Positional
 * arguments are collected in order into pos (up to npos_max). Returns 0, or 2
 * after printing usage for an unknown option, a missing value or too many
 * positionals. "--" ends options.
 */
struct cmd_opt {
    const char *name;
    bool has_arg;
    const char **value; /* has_arg: receives the argument */
    bool *flag;         /* !has_arg: set to true */
};
int cmd_parse(const struct cmd_entry *entry, int argc, char **argv, const struct cmd_opt *opts,
              char **pos, int npos_max, int *npos_out);

/* Parses a decimal integer in [min, max]; false with nothing changed when invalid. */
bool cmd_parse_long(const char *s, long min, long max, long *out);

/* Command families, each in its own cmd_<name>.c. */
int cmd_version_exec(struct cmd_ctx *ctx);
int cmd_db_exec(struct cmd_ctx *ctx);
int cmd_ui_exec(struct cmd_ctx *ctx);
int cmd_demo_exec(struct cmd_ctx *ctx); /* cmd_demo.c */
/* cmd_crm.c, cmd_bandeja.c, cmd_sweep.c, cmd_import.c (issue 3). */
int cmd_asignar_exec(struct cmd_ctx *ctx);
int cmd_disponibles_exec(struct cmd_ctx *ctx);
int cmd_mover_exec(struct cmd_ctx *ctx);
int cmd_intento_exec(struct cmd_ctx *ctx); /* cmd_crm.c */
int cmd_venta_exec(struct cmd_ctx *ctx);
int cmd_captar_exec(struct cmd_ctx *ctx);
int cmd_corregir_exec(struct cmd_ctx *ctx);
int cmd_oportunidades_exec(struct cmd_ctx *ctx); /* cmd_oportunidades.c */
int cmd_oportunidad_exec(struct cmd_ctx *ctx);   /* cmd_oportunidades.c */
int cmd_buscar_exec(struct cmd_ctx *ctx);        /* cmd_buscar.c (sql/090) */
int cmd_bandeja_exec(struct cmd_ctx *ctx);
int cmd_reasignar_exec(struct cmd_ctx *ctx);
int cmd_extender_exec(struct cmd_ctx *ctx); /* cmd_bandeja.c */
int cmd_reparto_exec(struct cmd_ctx *ctx);  /* cmd_reparto.c */
int cmd_distribuir_exec(struct cmd_ctx *ctx); /* cmd_distribuir.c */
int cmd_usuario_exec(struct cmd_ctx *ctx);    /* cmd_usuario.c */
int cmd_calendario_exec(struct cmd_ctx *ctx); /* cmd_calendario.c (sql/093) */
int cmd_etapa_exec(struct cmd_ctx *ctx);      /* cmd_etapa.c (sql/095) */
int cmd_sweep_exec(struct cmd_ctx *ctx);
int cmd_doctor_exec(struct cmd_ctx *ctx);
int cmd_import_exec(struct cmd_ctx *ctx);
/* cmd_no_contactar.c, cmd_no_contactar_importar.c (sql/074). */
int cmd_no_contactar_exec(struct cmd_ctx *ctx);
int cmd_arco_exec(struct cmd_ctx *ctx);  /* cmd_arco.c (sql/080) */
int cmd_aviso_exec(struct cmd_ctx *ctx); /* cmd_arco.c (sql/080) */
/* cmd_wa.c (issue 6). */
int cmd_wa_exec(struct cmd_ctx *ctx);
/* cmd_campana.c (issue 5). */
int cmd_campana_exec(struct cmd_ctx *ctx);
int cmd_respuestas_exec(struct cmd_ctx *ctx); /* cmd_respuestas.c (sql/089) */
int cmd_ventas_exec(struct cmd_ctx *ctx);     /* cmd_ventas.c (sql/092) */
int cmd_export_exec(struct cmd_ctx *ctx);  /* cmd_export.c */
int cmd_informe_exec(struct cmd_ctx *ctx); /* cmd_informe.c (sql/077) */
int cmd_prorroga_exec(struct cmd_ctx *ctx); /* cmd_prorroga.c (sql/079) */
/* cmd_worker.c (issue 5): the sweep and the senders, headless. */
int cmd_worker_exec(struct cmd_ctx *ctx);

#endif
