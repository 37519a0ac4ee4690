/*
 * config — embudo's settings and where each came from.
 *
 * Precedence, highest first: command-line flags > environment (EMBUDO_HOME,
 * DATABASE_URL, PG*, EMBUDO_TRANSPORT, EMBUDO_WA_URL, EMBUDO_BARRIDO, EMBUDO_RATON…)
 * > ~/.config/embudo/embudo.conf > /etc/embudo/embudo.conf > embedded defaults. The file
 * format is documented in packaging/embudo.conf.example. Main thread at start-up; the
 * result is read-only afterwards and may then be read from any thread.
 */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>

struct err;

enum config_origin {
    CONFIG_DEFAULT,
    CONFIG_FILE_SYSTEM, /* /etc/embudo/embudo.conf */
    CONFIG_FILE_USER,   /* ~/.config/embudo/embudo.conf (or --config FILE) */
    CONFIG_ENV,
    CONFIG_FLAG,
};

/* One setting: its value (owned, never NULL after config_load) and its origin. */
struct config_value {
    char *value;
    enum config_origin origin;
    char *where; /* "file:line" or variable name or flag, for `embudo config`; owned */
};

struct config {
    struct config_value home;         /* EMBUDO_HOME: embedded cluster, key file, log */
    struct config_value database_url; /* "" = embedded cluster; else a libpq conninfo/URL */
    struct config_value pg_bindir;    /* "" = search /usr/lib/postgresql/<newest>/bin, PATH */
    struct config_value pg_cuenta;    /* OS account that runs the embedded server as root */
    struct config_value zona;         /* business time zone (America/Mexico_City) */
    struct config_value transport;    /* sim | web */
    struct config_value wa_key_file;  /* default $EMBUDO_HOME/wa.key */
    struct config_value wa_url;       /* WhatsApp Web endpoint */
    struct config_value cloud_url;    /* [wa] Cloud API (Graph) base URL */
    struct config_value cloud_token;  /* [wa] cloud_token_archivo: file with Meta's token */
    struct config_value cloud_secreto; /* [wa] cloud_secreto_archivo: file with the app secret */
    struct config_value cloud_verif;   /* [wa] cloud_verificacion: the webhook's verify token */
    struct config_value webhook;       /* [wa] webhook_escuchar: HOST:PUERTO of `wa webhook` */
    struct config_value tema;         /* theme name: dark | light | high-contrast | mono */
    struct config_value barrido;      /* [ui] sí | no: the client runs the timer sweep */
    struct config_value raton;        /* [ui] sí | no: clicks and the wheel reach the client */
    struct config_value log_nivel;    /* debug | info | aviso | error */
    struct config_value ia_url;       /* [ia] OpenAI-compatible base URL; "" = no AI variations */
    struct config_value ia_modelo;    /* [ia] model name */
    struct config_value ia_llave_env; /* [ia] NAME of the environment variable with the key */
    bool embedded;                    /* derived: true when no server is configured */
    bool ui_barre;                    /* derived: barrido is not "no" */
    bool ui_raton;                    /* derived: raton is not "no" */
};

/* Command-line overrides collected by main; NULL fields are "not given". */
struct config_flags {
    const char *config_file; /* --config FILE: replaces the user file; must exist */
    const char *home;        /* --home DIR */
    const char *database_url;/* --db URL */
};

/*
 * Loads the configuration with the precedence above. A malformed file is an
 * RC_INVAL error naming file, line and reason; nothing is half-loaded.
 * env is an environ-style array (tests pass their own). Fills cfg on RC_OK.
 */
int config_load(struct config *cfg, const struct config_flags *flags, char *const *env,
                struct err *e) __attribute__((warn_unused_result));

/*
 * Parses one file's text into cfg, marking values with origin and "path:line".
 * Unknown keys, missing '=', bad sections and invalid values are RC_INVAL.
 */
int config_parse(struct config *cfg, const char *text, const char *path,
                 enum config_origin origin, struct err *e) __attribute__((warn_unused_result));

/*
 * config_load with an explicit system file path (tests use their own; NULL = none).
 * config_load() calls this with "/etc/embudo/embudo.conf".
 */
int config_load_from(struct config *cfg, const struct config_flags *flags, char *const *env,
                     const char *system_path, struct err *e) __attribute__((warn_unused_result));

void config_fini(struct config *cfg);

/* Spanish name of an origin ("predeterminado", "archivo del sistema"…). */
const char *config_origin_name(enum config_origin o);

#endif
