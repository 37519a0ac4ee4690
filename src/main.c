/*
 * main — the composition root: global options, configuration, then one command.
 *
 * Global options may stand anywhere before "--": --as LOGIN, --json,
 * --config FILE, --home DIR, --db URL, -h/--help, -V/--version. With no
 * command, embudo opens the terminal client ("ui").
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/config.h"
#include "util/err.h"

extern char **environ;

struct globals {
    struct config_flags flags;
    const char *as_login;
    bool json;
    bool help;
    bool version;
};

static void
usage_full(FILE *out)
{
    fputs("embudo — CRM de terminal para promotores y supervisores\n"
          "\n"
          "uso: embudo [opciones] [comando] [argumentos]\n"
          "Sin comando abre el cliente de terminal.\n"
          "\n"
          "Opciones globales:\n"
          "  --as LOGIN      actuar como LOGIN (solo con el clúster embebido)\n"
          "  --json          salida JSON para scripts\n"
          "  --config FILE   archivo de configuración en lugar de ~/.config/embudo/embudo.conf\n"
          "  --home DIR      directorio de estado (EMBUDO_HOME)\n"
          "  --db URL        servidor PostgreSQL (DATABASE_URL); sin él, clúster embebido\n"
          "  -h, --help      esta ayuda\n"
          "  -V, --version   versión\n"
          "\n"
          "Comandos:\n",
          out);
    for (const struct cmd_entry *c = cmd_table; c->name != NULL; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fputs("\nUse «embudo COMANDO --help» para la sintaxis de cada comando.\n", out);
}

/* Removes global options from argv in place; returns the new argc or -1 on error. */
static int
globals_take(struct globals *g, int argc, char **argv)
{
    static const char *const with_arg[] = { "--as", "--config", "--home", "--db" };
    int out = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;

        if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(a, "--json") == 0) {
            g->json = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            g->help = true;
            continue;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            g->version = true;
            continue;
        }
        for (size_t k = 0; k < sizeof with_arg / sizeof with_arg[0]; k++) {
            size_t n = strlen(with_arg[k]);
            if (strncmp(a, with_arg[k], n) != 0 || (a[n] != '\0' && a[n] != '='))
                continue;
            slot = k == 0 ? &g->as_login
                 : k == 1 ? &g->flags.config_file
                 : k == 2 ? &g->flags.home
                          : &g->flags.database_url;
            if (a[n] == '=') {
                *slot = a + n + 1;
            } else if (i + 1 < argc) {
                *slot = argv[++i];
            } else {
                fprintf(stderr, "embudo: falta el valor de «%s»\n", with_arg[k]);
                return -1;
            }
            if (**slot == '\0') {
                fprintf(stderr, "embudo: «%s» no puede estar vacío\n", with_arg[k]);
                return -1;
            }
            break;
        }
        if (slot == NULL)
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

int
main(int argc, char **argv)
{
    struct globals g = { 0 };
    struct config cfg;
    struct err e = { 0 };
    const struct cmd_entry *entry;
    struct cmd_ctx ctx;
    int status;

    setlocale(LC_ALL, "");
    argc = globals_take(&g, argc, argv);
    if (argc < 0)
        return cmd_usage(NULL, NULL);
    if (g.version && argc == 1)
        return cmd_find("version")->exec(&(struct cmd_ctx){ .json = g.json });
    if (g.help && argc == 1) {
        usage_full(stdout);
        return 0;
    }
    entry = cmd_find(argc > 1 ? argv[1] : "ui");
    if (entry == NULL)
        return argc > 1 ? cmd_usage(NULL, "comando desconocido: «%s»", argv[1])
                        : cmd_usage(NULL, "falta el comando");
    if (g.help) {
        printf("uso: embudo %s\n%s\n", entry->usage, entry->summary);
        return 0;
    }
    if (config_load(&cfg, &g.flags, environ, &e) != RC_OK) {
        fprintf(stderr, "embudo: %s\n", e.msg);
        return 1;
    }
    if (g.as_login != NULL && !cfg.embedded) {
        fprintf(stderr, "embudo: --as solo se acepta con el clúster embebido "
                        "(hay un servidor configurado en %s)\n",
                cfg.database_url.where);
        config_fini(&cfg);
        return 2;
    }
    ctx = (struct cmd_ctx){
        .cfg = &cfg,
        .as_login = g.as_login,
        .json = g.json,
        .argc = argc > 1 ? argc - 2 : 0,
        .argv = argc > 1 ? argv + 2 : argv + argc,
    };
    status = entry->exec(&ctx);
    config_fini(&cfg);
    return status;
}
