#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

typedef bool config_check_fn(const char *value);

/* One key a file may set: "[section] key" (section "" = top level). */
struct config_key {
    const char *section;
    const char *key;
    size_t offset; /* of the struct config_value inside struct config */
    config_check_fn *check;
    const char *expect; /* Spanish description of a valid value */
};

static bool
check_any(const char *v)
{
    (void)v;
    return true;
}

static bool
check_abs_path(const char *v)
{
    return v[0] == '/';
}

static bool
check_transport(const char *v)
{
    return strcmp(v, "sim") == 0 || strcmp(v, "web") == 0;
}

static bool
check_http_url(const char *v)
{
    return strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0;
}

/* "HOST:PUERTO" with a port 1…65535 (an IPv6 host in brackets: "[::1]:8089"). */
static bool
check_host_port(const char *v)
{
    const char *colon = strrchr(v, ':');
    char *end;
    long port;

    if (colon == NULL || colon == v)
        return false;
    port = strtol(colon + 1, &end, 10);
    return colon[1] != '\0' && *end == '\0' && port >= 1 && port <= 65535;
}

static bool
check_tema(const char *v)
{
    return strcmp(v, "dark") == 0 || strcmp(v, "light") == 0 ||
           strcmp(v, "high-contrast") == 0 || strcmp(v, "mono") == 0;
}

static bool
check_si_no(const char *v)
{
    return strcmp(v, "sí") == 0 || strcmp(v, "si") == 0 || strcmp(v, "no") == 0;
}

static bool
check_log(const char *v)
{
    return strcmp(v, "debug") == 0 || strcmp(v, "info") == 0 || strcmp(v, "aviso") == 0 ||
           strcmp(v, "error") == 0;
}

static bool
check_account(const char *v)
{
    if (*v == '\0' || strlen(v) > 32)
        return false;
    for (const char *p = v; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return false;
    return true;
}

/* An environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
static bool
check_env_name(const char *v)
{
    if (*v == '\0' || isdigit((unsigned char)*v))
        return false;
    for (const char *p = v; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

/* A zone name must be a file of the system's tz database (no "..", no absolute path). */
static bool
check_zona(const char *v)
{
    char path[512];
    struct stat st;

    if (*v == '\0' || *v == '/' || strstr(v, "..") != NULL)
        return false;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", v);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

#define KEY(sec, k, field, chk, exp) { sec, k, offsetof(struct config, field), chk, exp }
static const struct config_key config_keys[] = {
    KEY("", "home", home, check_abs_path, "una ruta absoluta"),
    KEY("db", "url", database_url, check_any, "una cadena de conexión"),
    KEY("pg", "bindir", pg_bindir, check_abs_path, "una ruta absoluta"),
    KEY("pg", "cuenta", pg_cuenta, check_account, "un nombre de cuenta del sistema"),
    KEY("negocio", "zona", zona, check_zona, "una zona horaria (p. ej. America/Mexico_City)"),
    KEY("wa", "transport", transport, check_transport, "sim o web"),
    KEY("wa", "key_file", wa_key_file, check_abs_path, "una ruta absoluta"),
    KEY("wa", "url", wa_url, check_any, "una URL"),
    KEY("wa", "cloud_url", cloud_url, check_http_url, "una URL https://"),
    KEY("wa", "cloud_token_archivo", cloud_token, check_abs_path, "una ruta absoluta"),
    KEY("wa", "cloud_secreto_archivo", cloud_secreto, check_abs_path, "una ruta absoluta"),
    KEY("wa", "cloud_verificacion", cloud_verif, check_any, "el token de verificación"),
    KEY("wa", "webhook_escuchar", webhook, check_host_port, "HOST:PUERTO"),
    KEY("ui", "tema", tema, check_tema, "dark, light, high-contrast o mono"),
    KEY("ui", "barrido", barrido, check_si_no, "sí o no"),
    KEY("ui", "raton", raton, check_si_no, "sí o no"),
    KEY("log", "nivel", log_nivel, check_log, "debug, info, aviso o error"),
    KEY("ia", "url", ia_url, check_any, "una URL (vacía = sin variaciones con IA)"),
    KEY("ia", "modelo", ia_modelo, check_any, "un nombre de modelo"),
    KEY("ia", "llave_env", ia_llave_env, check_env_name,
        "el nombre de una variable de entorno (p. ej. EMBUDO_IA_LLAVE)"),
};
#undef KEY

static struct config_value *
config_slot(struct config *cfg, const struct config_key *k)
{
    return (struct config_value *)(void *)((char *)cfg + k->offset);
}

static void
value_set(struct config_value *v, const char *value, enum config_origin origin, const char *where)
{
    free(v->value);
    free(v->where);
    v->value = xstrdup(value);
    v->origin = origin;
    v->where = xstrdup(where);
}

const char *
config_origin_name(enum config_origin o)
{
    switch (o) {
    case CONFIG_DEFAULT:
        return "predeterminado";
    case CONFIG_FILE_SYSTEM:
        return "archivo del sistema";
    case CONFIG_FILE_USER:
        return "archivo del usuario";
    case CONFIG_ENV:
        return "entorno";
    case CONFIG_FLAG:
        return "opción";
    }
    return "?";
}

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Removes one pair of matching double quotes around v, if present. */
static char *
unquote(char *v)
{
    size_t n = strlen(v);

    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

static const struct config_key *
key_find(const char *section, const char *key)
{
    for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
        if (strcmp(config_keys[i].section, section) == 0 && strcmp(config_keys[i].key, key) == 0)
            return &config_keys[i];
    return NULL;
}

static int
parse_section(char *line, char *section, size_t cap, const char *path, int lineno, struct err *e)
{
    char *end = strchr(line, ']');
    char *name;

    if (end == NULL || *trim(end + 1) != '\0')
        return err_set(e, RC_INVAL, "%s:%d: sección mal formada (se esperaba «[nombre]»)", path,
                       lineno);
    *end = '\0';
    name = trim(line + 1);
    if (strcmp(name, "db") != 0 && strcmp(name, "pg") != 0 && strcmp(name, "negocio") != 0 &&
        strcmp(name, "wa") != 0 && strcmp(name, "ui") != 0 && strcmp(name, "log") != 0 &&
        strcmp(name, "ia") != 0)
        return err_set(e, RC_INVAL, "%s:%d: sección desconocida «[%s]»", path, lineno, name);
    snprintf(section, cap, "%s", name);
    return RC_OK;
}

static int
parse_assignment(struct config *tmp, const char *section, char *line, const char *path,
                 int lineno, enum config_origin origin, struct err *e)
{
    char *eq = strchr(line, '=');
    const struct config_key *k;
    char *key, *value;
    char where[300];

    if (eq == NULL)
        return err_set(e, RC_INVAL, "%s:%d: falta «=» (se esperaba «clave = valor»)", path,
                       lineno);
    *eq = '\0';
    key = trim(line);
    value = unquote(trim(eq + 1));
    if (*key == '\0')
        return err_set(e, RC_INVAL, "%s:%d: falta la clave antes de «=»", path, lineno);
    k = key_find(section, key);
    if (k == NULL)
        return err_set(e, RC_INVAL, "%s:%d: clave desconocida «%s%s%s»", path, lineno, section,
                       *section != '\0' ? "." : "", key);
    if (!k->check(value))
        return err_set(e, RC_INVAL, "%s:%d: valor inválido para «%s»: «%s» (se esperaba %s)",
                       path, lineno, key, value, k->expect);
    snprintf(where, sizeof where, "%s:%d", path, lineno);
    value_set(config_slot(tmp, k), value, origin, where);
    return RC_OK;
}

static void
config_move_set(struct config *dst, struct config *src)
{
    for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
        struct config_value *s = config_slot(src, &config_keys[i]);
        struct config_value *d = config_slot(dst, &config_keys[i]);

        if (s->value == NULL)
            continue;
        free(d->value);
        free(d->where);
        *d = *s;
        *s = (struct config_value){ 0 };
    }
}

int
config_parse(struct config *cfg, const char *text, const char *path, enum config_origin origin,
             struct err *e)
{
    struct config tmp = { 0 };
    char section[32] = "";
    char *copy = xstrdup(text);
    char *save = NULL;
    int lineno = 0;
    int rc = RC_OK;

    /* Parse into tmp first, so a bad line leaves cfg untouched. */
    for (char *p = copy; p != NULL && rc == RC_OK; p = save) {
        char *nl = strchr(p, '\n');
        char *line;

        save = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        line = trim(p);
        if (*line == '\0' || *line == '#' || *line == ';')
            continue;
        if (*line == '[')
            rc = parse_section(line, section, sizeof section, path, lineno, e);
        else
            rc = parse_assignment(&tmp, section, line, path, lineno, origin, e);
    }
    if (rc == RC_OK)
        config_move_set(cfg, &tmp);
    config_fini(&tmp);
    free(copy);
    return rc;
}

/* Reads a whole file; a missing optional file is RC_NOTFOUND with nothing filled. */
static int
read_file(const char *path, char **out, struct err *e)
{
    struct strbuf sb;
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        if (errno == ENOENT)
            return err_set(e, RC_NOTFOUND, "no existe el archivo de configuración %s", path);
        return err_set(e, RC_IO, "no se pudo leer %s: %s", path, strerror(errno));
    }
    strbuf_init(&sb);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_add(&sb, chunk, n);
    if (ferror(f)) {
        fclose(f);
        strbuf_fini(&sb);
        return err_set(e, RC_IO, "no se pudo leer %s", path);
    }
    fclose(f);
    if (memchr(sb.buf, '\0', sb.len) != NULL) {
        strbuf_fini(&sb);
        return err_set(e, RC_INVAL, "%s: no es un archivo de texto", path);
    }
    *out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb);
    return RC_OK;
}

static int
load_file(struct config *cfg, const char *path, bool required, enum config_origin origin,
          struct err *e)
{
    char *text = NULL;
    int rc = read_file(path, &text, e);

    if (rc == RC_NOTFOUND && !required) {
        err_clear(e);
        return RC_OK;
    }
    if (rc != RC_OK)
        return rc;
    rc = config_parse(cfg, text, path, origin, e);
    free(text);
    return rc;
}

static const char *
env_get(char *const *env, const char *name)
{
    size_t n = strlen(name);

    for (char *const *p = env; p != NULL && *p != NULL; p++)
        if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
            return *p + n + 1;
    return NULL;
}

static const char *
env_nonempty(char *const *env, const char *name)
{
    const char *v = env_get(env, name);

    return v != NULL && *v != '\0' ? v : NULL;
}

static void
set_defaults(struct config *cfg, char *const *env)
{
    const char *xdg = env_nonempty(env, "XDG_STATE_HOME");
    const char *home = env_nonempty(env, "HOME");
    char *dir;

    /* As root the embedded server runs as an unprivileged account, which cannot
     * traverse /root; root's state therefore lives in /var/lib/embudo. */
    if (geteuid() == 0 && xdg == NULL)
        dir = xstrdup("/var/lib/embudo");
    else if (xdg != NULL)
        dir = xasprintf("%s/embudo", xdg);
    else
        dir = xasprintf("%s/.local/state/embudo", home != NULL ? home : "/tmp");
    value_set(&cfg->home, dir, CONFIG_DEFAULT, "predeterminado");
    free(dir);
    value_set(&cfg->database_url, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->pg_bindir, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->pg_cuenta, "postgres", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->zona, "America/Mexico_City", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->transport, "sim", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->wa_key_file, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->wa_url, "wss://web.whatsapp.com/ws/chat", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->cloud_url, "https://graph.facebook.com/v21.0", CONFIG_DEFAULT,
              "predeterminado");
    value_set(&cfg->cloud_token, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->cloud_secreto, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->cloud_verif, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->webhook, "127.0.0.1:8089", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->tema, "dark", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->barrido, "sí", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->raton, "sí", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->log_nivel, "info", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->ia_url, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->ia_modelo, "", CONFIG_DEFAULT, "predeterminado");
    value_set(&cfg->ia_llave_env, "EMBUDO_IA_LLAVE", CONFIG_DEFAULT, "predeterminado");
}

/* Environment variables that name a setting directly. */
static int
apply_env(struct config *cfg, char *const *env, struct err *e)
{
    static const struct {
        const char *var;
        const char *section;
        const char *key;
    } map[] = {
        { "EMBUDO_HOME", "", "home" },
        { "DATABASE_URL", "db", "url" },
        { "EMBUDO_TRANSPORT", "wa", "transport" },
        { "EMBUDO_WA_URL", "wa", "url" },
        { "EMBUDO_WA_KEY_FILE", "wa", "key_file" },
        { "EMBUDO_WA_CLOUD_URL", "wa", "cloud_url" },
        { "EMBUDO_ZONA", "negocio", "zona" },
        { "EMBUDO_TEMA", "ui", "tema" },
        { "EMBUDO_BARRIDO", "ui", "barrido" },
        { "EMBUDO_RATON", "ui", "raton" },
    };

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = env_nonempty(env, map[i].var);
        const struct config_key *k = key_find(map[i].section, map[i].key);

        if (v == NULL)
            continue;
        if (!k->check(v))
            return err_set(e, RC_INVAL, "valor inválido en %s: «%s» (se esperaba %s)", map[i].var,
                           v, k->expect);
        value_set(config_slot(cfg, k), v, CONFIG_ENV, map[i].var);
    }
    return RC_OK;
}

static int
apply_flags(struct config *cfg, const struct config_flags *flags, struct err *e)
{
    if (flags == NULL)
        return RC_OK;
    if (flags->home != NULL) {
        if (!check_abs_path(flags->home))
            return err_set(e, RC_INVAL, "--home necesita una ruta absoluta: «%s»", flags->home);
        value_set(&cfg->home, flags->home, CONFIG_FLAG, "--home");
    }
    if (flags->database_url != NULL)
        value_set(&cfg->database_url, flags->database_url, CONFIG_FLAG, "--db");
    return RC_OK;
}

static void
derive(struct config *cfg, char *const *env)
{
    cfg->embedded = cfg->database_url.value[0] == '\0' && env_nonempty(env, "PGHOST") == NULL &&
                    env_nonempty(env, "PGDATABASE") == NULL &&
                    env_nonempty(env, "PGSERVICE") == NULL;
    cfg->ui_barre = strcmp(cfg->barrido.value, "no") != 0;
    cfg->ui_raton = strcmp(cfg->raton.value, "no") != 0;
    if (cfg->database_url.value[0] == '\0' && !cfg->embedded)
        value_set(&cfg->database_url, "", CONFIG_ENV, "PGHOST/PGDATABASE/PGSERVICE");
    if (cfg->wa_key_file.value[0] == '\0') {
        char *path = xasprintf("%s/wa.key", cfg->home.value);
        value_set(&cfg->wa_key_file, path, cfg->home.origin, cfg->home.where);
        free(path);
    }
}

static char *
user_file_path(char *const *env)
{
    const char *xdg = env_nonempty(env, "XDG_CONFIG_HOME");
    const char *home = env_nonempty(env, "HOME");

    if (xdg != NULL)
        return xasprintf("%s/embudo/embudo.conf", xdg);
    if (home != NULL)
        return xasprintf("%s/.config/embudo/embudo.conf", home);
    return NULL;
}

int
config_load_from(struct config *cfg, const struct config_flags *flags, char *const *env,
                 const char *system_path, struct err *e)
{
    char *user_path = NULL;
    int rc;

    *cfg = (struct config){ 0 };
    set_defaults(cfg, env);
    if (system_path != NULL) {
        rc = load_file(cfg, system_path, false, CONFIG_FILE_SYSTEM, e);
        if (rc != RC_OK)
            goto out;
    }
    if (flags != NULL && flags->config_file != NULL) {
        rc = load_file(cfg, flags->config_file, true, CONFIG_FILE_USER, e);
    } else {
        user_path = user_file_path(env);
        rc = user_path != NULL ? load_file(cfg, user_path, false, CONFIG_FILE_USER, e) : RC_OK;
    }
    if (rc != RC_OK)
        goto out;
    rc = apply_env(cfg, env, e);
    if (rc == RC_OK)
        rc = apply_flags(cfg, flags, e);
    if (rc == RC_OK)
        derive(cfg, env);
out:
    free(user_path);
    if (rc != RC_OK)
        config_fini(cfg);
    return rc;
}

int
config_load(struct config *cfg, const struct config_flags *flags, char *const *env, struct err *e)
{
    return config_load_from(cfg, flags, env, "/etc/embudo/embudo.conf", e);
}

void
config_fini(struct config *cfg)
{
    for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
        struct config_value *v = config_slot(cfg, &config_keys[i]);
        free(v->value);
        free(v->where);
        *v = (struct config_value){ 0 };
    }
}
