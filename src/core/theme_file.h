/*
 * theme_file — the parser of the terminal client's theme files (themes/NAME.theme): one line
 * per theme role, "rol = frente fondo [atributo…]", with '#' comments.
 *
 *   # dark.theme
 *   bar    = white blue
 *   db_err = blanco rojo bold
 *   muted  = default default dim
 *
 * Colours: default (the terminal's own, also "-" and "predeterminado"), the eight names in
 * English or Spanish (black/negro, red/rojo, green/verde, yellow/amarillo, blue/azul,
 * magenta, cyan/cian, white/blanco), "bright-<name>" / "<nombre>-claro" (8–15), or a number
 * 0–255. Attributes: normal, bold/negrita, dim/tenue, reverse/inverso,
 * underline/subrayado, italic/cursiva, standout/resaltado, blink/parpadeo.
 *
 * The role names are the caller's (the UI's enum vm_role names), so this module knows no
 * UI. Pure C, no I/O; any thread; the result is the caller's.
 */
#ifndef CORE_THEME_FILE_H
#define CORE_THEME_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define THEME_COLOR_DEFAULT (-1)

enum theme_attr {
    THEME_BOLD = 1u << 0,
    THEME_DIM = 1u << 1,
    THEME_REVERSE = 1u << 2,
    THEME_UNDERLINE = 1u << 3,
    THEME_ITALIC = 1u << 4,
    THEME_STANDOUT = 1u << 5,
    THEME_BLINK = 1u << 6,
};

struct theme_style {
    short fg, bg;   /* THEME_COLOR_DEFAULT or 0..255 */
    unsigned attrs; /* enum theme_attr bits */
    bool set;       /* the file named this role */
};

/*
 * Parses text (len bytes; path names it in messages) into out[0..nroles), out[i] being
 * the style of roles[i]. Roles the file does not name take the style of roles[0] (the
 * plain text role). Every line must be good: RC_INVAL with e->msg "PATH:LÍNEA: motivo"
 * for the first bad one (out is then unspecified); RC_OK otherwise. A role named twice
 * is an error (a typo would otherwise silently win).
 */
int theme_file_parse(const char *text, size_t len, const char *path, const char *const *roles,
                     size_t nroles, struct theme_style *out, struct err *e)
    __attribute__((warn_unused_result));

/* True when some style uses a colour (not only the terminal's default). */
bool theme_file_has_color(const struct theme_style *styles, size_t n);

#endif
