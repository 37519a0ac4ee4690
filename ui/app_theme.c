/*
 * app_theme — themes as plain files: finding NAME.theme, reading it, parsing it with the
 * role names of the view-models (src/core/theme_file), and listing the names installed
 * (for ":tema <Tab>").
 *
 * Search order (the first file found wins, so a user's copy overrides an installed one):
 *   $XDG_CONFIG_HOME/embudo/themes (or ~/.config/embudo/themes),
 *   EMBUDO_DATADIR/themes (where `make install` put them: /usr/share/embudo/themes for the
 *   Debian package, $(PREFIX)/share/embudo/themes otherwise),
 *   EMBUDO_SOURCE_DIR/themes (the source tree the binary was built from).
 * If no file is found for "dark" or "mono", a compiled-in copy is used, so a binary copied
 * alone still starts. Loop thread (it reads small files; called at start and on :tema).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/theme_file.h"
#include "paths.h"
#include "ui/app_internal.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#ifndef EMBUDO_SOURCE_DIR
#define EMBUDO_SOURCE_DIR "."
#endif

#define THEME_MAX_BYTES (64 * 1024)

_Static_assert(ROLE_COUNT == 23, "a new role: add it to builtin_dark, builtin_mono and themes/");

#define S(fg, bg, at)    \
    {                    \
        fg, bg, at, true \
    }
#define D THEME_COLOR_DEFAULT
/* The fallbacks, in enum vm_role order (themes/dark.theme and themes/mono.theme). */
static const struct theme_style builtin_dark[ROLE_COUNT] = {
    S(D, D, 0),          S(7, 4, 0),          S(3, 4, THEME_BOLD), S(7, 4, THEME_BOLD),
    S(2, 4, THEME_BOLD), S(3, 4, THEME_BOLD), S(7, 1, THEME_BOLD), S(6, D, THEME_BOLD),
    S(D, D, 0),          S(D, D, THEME_BOLD), S(D, D, THEME_DIM),  S(1, D, THEME_BOLD),
    S(4, D, 0),          S(0, 6, 0),          S(0, 6, THEME_BOLD), S(0, 6, THEME_BOLD),
    S(5, D, THEME_BOLD), S(2, D, 0),          S(3, D, THEME_BOLD), S(1, D, THEME_BOLD),
    S(D, D, 0),          S(0, 6, THEME_BOLD), S(D, D, THEME_BOLD),
};
static const struct theme_style builtin_mono[ROLE_COUNT] = {
    S(D, D, 0),
    S(D, D, THEME_REVERSE),
    S(D, D, THEME_REVERSE | THEME_BOLD),
    S(D, D, THEME_REVERSE),
    S(D, D, THEME_REVERSE),
    S(D, D, THEME_REVERSE | THEME_BOLD),
    S(D, D, THEME_REVERSE | THEME_BOLD | THEME_UNDERLINE),
    S(D, D, THEME_BOLD),
    S(D, D, 0),
    S(D, D, THEME_BOLD),
    S(D, D, THEME_DIM),
    S(D, D, THEME_BOLD | THEME_UNDERLINE),
    S(D, D, 0),
    S(D, D, THEME_REVERSE),
    S(D, D, THEME_REVERSE | THEME_BOLD),
    S(D, D, THEME_REVERSE | THEME_BOLD),
    S(D, D, THEME_BOLD | THEME_UNDERLINE),
    S(D, D, 0),
    S(D, D, THEME_BOLD),
    S(D, D, THEME_BOLD | THEME_UNDERLINE),
    S(D, D, 0),
    S(D, D, THEME_REVERSE | THEME_BOLD),
    S(D, D, THEME_BOLD),
};
#undef S
#undef D

/* The directories, in search order, into dirs (caller frees each). */
static int
theme_dirs(char *dirs[3])
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n = 0;

    if (xdg != NULL && xdg[0] != '\0')
        dirs[n++] = xasprintf("%s/embudo/themes", xdg);
    else if (home != NULL && home[0] != '\0')
        dirs[n++] = xasprintf("%s/.config/embudo/themes", home);
    dirs[n++] = xstrdup(EMBUDO_DATADIR "/themes");
    dirs[n++] = xstrdup(EMBUDO_SOURCE_DIR "/themes");
    return n;
}

static bool
name_ok(const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) > 40)
        return false;
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return false;
    return true;
}

/* Reads path whole; NULL when it cannot be opened. RC_INVAL in e when it is too big. */
static char *
slurp(const char *path, size_t *len, struct err *e)
{
    FILE *f = fopen(path, "r");
    char *buf;

    if (f == NULL)
        return NULL;
    buf = xmalloc(THEME_MAX_BYTES + 1);
    *len = fread(buf, 1, THEME_MAX_BYTES + 1, f);
    fclose(f);
    if (*len > THEME_MAX_BYTES) {
        err_set(e, RC_INVAL, "%s: el archivo de tema es demasiado grande", path);
        free(buf);
        return NULL;
    }
    return buf;
}

int
app_theme_load(const char *name, struct theme_style *out, struct err *e)
{
    const char *roles[ROLE_COUNT];
    char *dirs[3], *text = NULL, *path = NULL;
    int n = theme_dirs(dirs), rc = RC_OK;
    size_t len = 0;

    if (!name_ok(name))
        return err_set(e, RC_INVAL, "nombre de tema inválido: «%s»", name != NULL ? name : "");
    err_clear(e);
    for (int i = 0; i < n && text == NULL && e->rc == RC_OK; i++) {
        free(path);
        path = xasprintf("%s/%s.theme", dirs[i], name);
        text = slurp(path, &len, e);
    }
    for (int i = 0; i < ROLE_COUNT; i++)
        roles[i] = vm_role_name((enum vm_role)i);
    if (text != NULL) {
        char shown[64];

        /* The bottom bar has room for "roto.theme:2: …"; the log has the whole path. */
        snprintf(shown, sizeof shown, "%s.theme", name);
        rc = theme_file_parse(text, len, shown, roles, ROLE_COUNT, out, e);
        if (rc != RC_OK)
            log_warn("tema %s (%s): %s", name, path, e->msg);
    } else if (e->rc != RC_OK)
        rc = e->rc;
    else if (strcmp(name, "dark") == 0 || strcmp(name, "mono") == 0)
        memcpy(out, strcmp(name, "dark") == 0 ? builtin_dark : builtin_mono, sizeof builtin_dark);
    else
        rc = err_set(e, RC_NOTFOUND, "tema desconocido: «%s» (:tema y Tab lista los instalados)",
                     name);
    if (rc == RC_OK)
        log_info("tema %s: %s", name, text != NULL ? path : "integrado");
    free(text);
    free(path);
    for (int i = 0; i < n; i++)
        free(dirs[i]);
    return rc;
}

static int
cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

size_t
app_theme_names(char **names, size_t max)
{
    char *dirs[3];
    int nd = theme_dirs(dirs);
    size_t n = 0;

    for (int i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *de;

        while (d != NULL && (de = readdir(d)) != NULL && n < max) {
            size_t l = strlen(de->d_name);
            bool dup = false;
            char *nm;

            if (l <= 6 || strcmp(de->d_name + l - 6, ".theme") != 0)
                continue;
            nm = xstrndup(de->d_name, l - 6);
            for (size_t j = 0; j < n && !dup; j++)
                dup = strcmp(names[j], nm) == 0;
            if (dup || !name_ok(nm))
                free(nm);
            else
                names[n++] = nm;
        }
        if (d != NULL)
            closedir(d);
        free(dirs[i]);
    }
    qsort(names, n, sizeof *names, cmp_names);
    return n;
}
