#include "ui/term/term.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "util/err.h"

/* One theme entry: colours (-1 = the terminal's default) and attributes. */
struct theme_role {
    short fg, bg;
    attr_t attrs;
};

struct theme {
    const char *name;
    bool mono; /* attributes only */
    struct theme_role roles[ROLE_COUNT];
};

/*
 * Built-in themes. Every signal that has a colour also has a word or a glyph in the
 * view-model, so "mono" loses nothing but colour (NO_COLOR, monochrome terminals).
 * Theme files in themes/ (issue 4) will fill the same table.
 */
static const struct theme themes[] = {
    { "dark",
      false,
      {
          [ROLE_TEXT] = { -1, -1, A_NORMAL },
          [ROLE_BAR] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
          [ROLE_APP] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD },
          [ROLE_USER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
          [ROLE_DB_OK] = { COLOR_GREEN, COLOR_BLUE, A_BOLD },
          [ROLE_DB_WARN] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD },
          [ROLE_DB_ERR] = { COLOR_WHITE, COLOR_RED, A_BOLD },
          [ROLE_HEADING] = { COLOR_CYAN, -1, A_BOLD },
          [ROLE_LABEL] = { -1, -1, A_NORMAL },
          [ROLE_VALUE] = { -1, -1, A_BOLD },
          [ROLE_MUTED] = { -1, -1, A_DIM },
          [ROLE_ERROR] = { COLOR_RED, -1, A_BOLD },
          [ROLE_BORDER] = { COLOR_BLUE, -1, A_NORMAL },
          [ROLE_HINT] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
          [ROLE_HINT_KEY] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
          [ROLE_CURSOR] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
          [ROLE_TAG] = { COLOR_MAGENTA, -1, A_BOLD },
          [ROLE_TIMER_OK] = { COLOR_GREEN, -1, A_NORMAL },
          [ROLE_TIMER_WARN] = { COLOR_YELLOW, -1, A_BOLD },
          [ROLE_TIMER_LATE] = { COLOR_RED, -1, A_BOLD },
          [ROLE_TAB] = { -1, -1, A_NORMAL },
          [ROLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
          [ROLE_INPUT] = { -1, -1, A_BOLD },
      } },
    { "light",
      false,
      {
          [ROLE_TEXT] = { -1, -1, A_NORMAL },
          [ROLE_BAR] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
          [ROLE_APP] = { COLOR_BLUE, COLOR_CYAN, A_BOLD },
          [ROLE_USER] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
          [ROLE_DB_OK] = { COLOR_GREEN, COLOR_CYAN, A_BOLD },
          [ROLE_DB_WARN] = { COLOR_MAGENTA, COLOR_CYAN, A_BOLD },
          [ROLE_DB_ERR] = { COLOR_WHITE, COLOR_RED, A_BOLD },
          [ROLE_HEADING] = { COLOR_BLUE, -1, A_BOLD },
          [ROLE_LABEL] = { -1, -1, A_NORMAL },
          [ROLE_VALUE] = { -1, -1, A_BOLD },
          [ROLE_MUTED] = { -1, -1, A_DIM },
          [ROLE_ERROR] = { COLOR_RED, -1, A_BOLD },
          [ROLE_BORDER] = { COLOR_BLUE, -1, A_NORMAL },
          [ROLE_HINT] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
          [ROLE_HINT_KEY] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD },
          [ROLE_CURSOR] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
          [ROLE_TAG] = { COLOR_MAGENTA, -1, A_BOLD },
          [ROLE_TIMER_OK] = { COLOR_GREEN, -1, A_NORMAL },
          [ROLE_TIMER_WARN] = { COLOR_MAGENTA, -1, A_BOLD },
          [ROLE_TIMER_LATE] = { COLOR_RED, -1, A_BOLD },
          [ROLE_TAB] = { -1, -1, A_NORMAL },
          [ROLE_TAB_ACTIVE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
          [ROLE_INPUT] = { -1, -1, A_BOLD },
      } },
    { "high-contrast",
      false,
      {
          [ROLE_TEXT] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
          [ROLE_BAR] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
          [ROLE_APP] = { COLOR_BLACK, COLOR_WHITE, A_BOLD },
          [ROLE_USER] = { COLOR_BLACK, COLOR_WHITE, A_BOLD },
          [ROLE_DB_OK] = { COLOR_BLACK, COLOR_GREEN, A_BOLD },
          [ROLE_DB_WARN] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
          [ROLE_DB_ERR] = { COLOR_WHITE, COLOR_RED, A_BOLD },
          [ROLE_HEADING] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD },
          [ROLE_LABEL] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
          [ROLE_VALUE] = { COLOR_WHITE, COLOR_BLACK, A_BOLD },
          [ROLE_MUTED] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
          [ROLE_ERROR] = { COLOR_YELLOW, COLOR_RED, A_BOLD },
          [ROLE_BORDER] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
          [ROLE_HINT] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
          [ROLE_HINT_KEY] = { COLOR_BLACK, COLOR_WHITE, A_BOLD | A_UNDERLINE },
          [ROLE_CURSOR] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
          [ROLE_TAG] = { COLOR_CYAN, COLOR_BLACK, A_BOLD },
          [ROLE_TIMER_OK] = { COLOR_GREEN, COLOR_BLACK, A_BOLD },
          [ROLE_TIMER_WARN] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD },
          [ROLE_TIMER_LATE] = { COLOR_WHITE, COLOR_RED, A_BOLD },
          [ROLE_TAB] = { COLOR_WHITE, COLOR_BLACK, A_NORMAL },
          [ROLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
          [ROLE_INPUT] = { COLOR_WHITE, COLOR_BLACK, A_BOLD },
      } },
    { "mono",
      true,
      {
          [ROLE_TEXT] = { -1, -1, A_NORMAL },
          [ROLE_BAR] = { -1, -1, A_REVERSE },
          [ROLE_APP] = { -1, -1, A_REVERSE | A_BOLD },
          [ROLE_USER] = { -1, -1, A_REVERSE },
          [ROLE_DB_OK] = { -1, -1, A_REVERSE },
          [ROLE_DB_WARN] = { -1, -1, A_REVERSE | A_BOLD },
          [ROLE_DB_ERR] = { -1, -1, A_REVERSE | A_BOLD | A_UNDERLINE },
          [ROLE_HEADING] = { -1, -1, A_BOLD },
          [ROLE_LABEL] = { -1, -1, A_NORMAL },
          [ROLE_VALUE] = { -1, -1, A_BOLD },
          [ROLE_MUTED] = { -1, -1, A_DIM },
          [ROLE_ERROR] = { -1, -1, A_BOLD | A_UNDERLINE },
          [ROLE_BORDER] = { -1, -1, A_NORMAL },
          [ROLE_HINT] = { -1, -1, A_REVERSE },
          [ROLE_HINT_KEY] = { -1, -1, A_REVERSE | A_BOLD },
          [ROLE_CURSOR] = { -1, -1, A_REVERSE },
          [ROLE_TAG] = { -1, -1, A_BOLD },
          [ROLE_TIMER_OK] = { -1, -1, A_NORMAL },
          [ROLE_TIMER_WARN] = { -1, -1, A_BOLD },
          [ROLE_TIMER_LATE] = { -1, -1, A_BOLD | A_UNDERLINE },
          [ROLE_TAB] = { -1, -1, A_NORMAL },
          [ROLE_TAB_ACTIVE] = { -1, -1, A_REVERSE | A_BOLD },
          [ROLE_INPUT] = { -1, -1, A_BOLD },
      } },
};

/* Loop thread only (ncurses is process-global): the running terminal's settings. */
static struct {
    bool started;
    bool ascii;
    bool color;
    const struct theme *theme;  /* in use (mono when colours are off) */
    const struct theme *chosen; /* asked for */
    SCREEN *screen;
    WINDOW *input; /* 1×1, never drawn: keys are read here so no wgetch refreshes a pane */
} term;

static const struct theme *
theme_find(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return &themes[0];
    for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
        if (strcmp(themes[i].name, name) == 0)
            return &themes[i];
    return NULL;
}

static void
theme_apply(void)
{
    if (!term.color)
        return;
    start_color();
    use_default_colors();
    for (int r = 0; r < ROLE_COUNT; r++)
        init_pair((short)(r + 1), term.theme->roles[r].fg, term.theme->roles[r].bg);
}

int
term_start(const char *theme, struct err *e)
{
    const char *nc = getenv("NO_COLOR");
    const struct theme *t = theme_find(theme);

    if (t == NULL)
        return err_set(e, RC_INVAL, "tema desconocido: «%s» (dark, light, high-contrast, mono)",
                       theme);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_set(e, RC_IO, "el cliente de terminal necesita una terminal (TTY)");
    term.screen = newterm(NULL, stdout, stdin);
    if (term.screen == NULL)
        return err_set(e, RC_IO, "no se pudo iniciar la terminal «%s»",
                       getenv("TERM") != NULL ? getenv("TERM") : "");
    term.started = true;
    term.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    term.color = !t->mono && (nc == NULL || nc[0] == '\0') && has_colors();
    term.theme = term.color ? t : theme_find("mono");
    term.chosen = t;
    cbreak();
    noecho();
    nonl();
    curs_set(0);
    set_escdelay(25);
    theme_apply();
    term.input = newwin(1, 1, 0, 0);
    keypad(term.input, TRUE);
    nodelay(term.input, TRUE);
    return RC_OK;
}

void
term_stop(void)
{
    if (!term.started)
        return;
    term.started = false;
    if (term.input != NULL)
        delwin(term.input);
    term.input = NULL;
    endwin();
    delscreen(term.screen);
    term.screen = NULL;
}

void
term_cursor(WINDOW *w, int y, int x)
{
    if (!term.started)
        return;
    if (w == NULL || y < 0 || x < 0 || y >= getmaxy(w) || x >= getmaxx(w)) {
        curs_set(0);
        return;
    }
    curs_set(1);
    wmove(w, y, x);
    wnoutrefresh(w);
}

int
term_set_theme(const char *name, struct err *e)
{
    const struct theme *t = theme_find(name);
    const char *nc = getenv("NO_COLOR");

    if (t == NULL || name == NULL || name[0] == '\0')
        return err_set(e, RC_INVAL, "tema desconocido: «%s» (dark, light, high-contrast, mono)",
                       name != NULL ? name : "");
    term.color = !t->mono && (nc == NULL || nc[0] == '\0') && has_colors();
    term.theme = term.color ? t : theme_find("mono");
    term.chosen = t;
    theme_apply();
    return RC_OK;
}

const char *
term_theme_name(void)
{
    return term.chosen != NULL ? term.chosen->name : "";
}

bool
term_ascii(void)
{
    return term.ascii;
}

bool
term_has_color(void)
{
    return term.color;
}

void
term_size(int *lines, int *cols)
{
    *lines = LINES;
    *cols = COLS;
}

bool
term_resize(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
        return false;
    if (ws.ws_row == LINES && ws.ws_col == COLS)
        return false;
    resizeterm(ws.ws_row, ws.ws_col);
    return true;
}

static attr_t
role_attrs(enum vm_role role, short *pair)
{
    const struct theme_role *r = &term.theme->roles[(unsigned)role < ROLE_COUNT ? role : 0];

    *pair = term.color ? (short)(role + 1) : 0;
    return r->attrs;
}

void
term_role(WINDOW *w, enum vm_role role)
{
    short pair;
    attr_t a = role_attrs(role, &pair);

    wattr_set(w, a, pair, NULL);
}

void
term_fill(WINDOW *w, enum vm_role role)
{
    short pair;
    attr_t a = role_attrs(role, &pair);

    wbkgdset(w, (chtype)(a | (attr_t)COLOR_PAIR(pair)) | ' ');
    werase(w);
    term_role(w, role);
}

/* The box lines in the window's coordinates; Unicode or ASCII. */
static void
box_lines(WINDOW *win, int y, int x, int h, int w)
{
    if (term.ascii) {
        mvwhline(win, y, x + 1, '-', w - 2);
        mvwhline(win, y + h - 1, x + 1, '-', w - 2);
        mvwvline(win, y + 1, x, '|', h - 2);
        mvwvline(win, y + 1, x + w - 1, '|', h - 2);
        mvwaddch(win, y, x, '+');
        mvwaddch(win, y, x + w - 1, '+');
        mvwaddch(win, y + h - 1, x, '+');
        mvwaddch(win, y + h - 1, x + w - 1, '+');
        return;
    }
    mvwhline_set(win, y, x + 1, WACS_HLINE, w - 2);
    mvwhline_set(win, y + h - 1, x + 1, WACS_HLINE, w - 2);
    mvwvline_set(win, y + 1, x, WACS_VLINE, h - 2);
    mvwvline_set(win, y + 1, x + w - 1, WACS_VLINE, h - 2);
    mvwadd_wch(win, y, x, WACS_ULCORNER);
    mvwadd_wch(win, y, x + w - 1, WACS_URCORNER);
    mvwadd_wch(win, y + h - 1, x, WACS_LLCORNER);
    mvwadd_wch(win, y + h - 1, x + w - 1, WACS_LRCORNER);
}

void
term_box(WINDOW *win, int y, int x, int h, int w, const char *title)
{
    char clipped[VM_SPAN_BYTES];

    if (h < 2 || w < 2)
        return;
    term_role(win, ROLE_BORDER);
    box_lines(win, y, x, h, w);
    if (title != NULL && title[0] != '\0' && w > 4) {
        vm_clip(clipped, (int)sizeof clipped, title, w - 4, vm_ellipsis());
        term_role(win, ROLE_HEADING);
        mvwaddstr(win, y, x + 2, clipped);
    }
    term_role(win, ROLE_TEXT);
}

/* Maps a KEY_* function-key code; KK_OTHER for the ones the client has no use for. */
static void
key_from_code(wint_t c, struct key *k)
{
    static const struct {
        int code;
        enum key_kind kind;
    } map[] = {
        { KEY_UP, KK_UP },         { KEY_DOWN, KK_DOWN },
        { KEY_LEFT, KK_LEFT },     { KEY_RIGHT, KK_RIGHT },
        { KEY_PPAGE, KK_PGUP },    { KEY_NPAGE, KK_PGDN },
        { KEY_HOME, KK_HOME },     { KEY_END, KK_END },
        { KEY_ENTER, KK_ENTER },   { KEY_BACKSPACE, KK_BACKSPACE },
        { KEY_RESIZE, KK_RESIZE }, { KEY_BTAB, KK_TAB },
    };

    k->ch = 0;
    k->kind = KK_OTHER;
    if ((int)c >= KEY_F(1) && (int)c <= KEY_F(24)) {
        k->kind = KK_FN;
        k->ch = (uint32_t)((int)c - KEY_F0);
        return;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].code == (int)c)
            k->kind = map[i].kind;
}

/* Maps a character: control characters get their own kinds. */
static void
key_from_char(wint_t c, struct key *k)
{
    k->ch = 0;
    if (c == '\r' || c == '\n')
        k->kind = KK_ENTER;
    else if (c == 27)
        k->kind = KK_ESC;
    else if (c == '\t')
        k->kind = KK_TAB;
    else if (c == 127 || c == 8)
        k->kind = KK_BACKSPACE;
    else if (c < 32) {
        k->kind = KK_CTRL;
        k->ch = (uint32_t)('a' + (int)c - 1);
    } else {
        k->kind = KK_CHAR;
        k->ch = (uint32_t)c;
    }
}

bool
term_read_key(struct key *k)
{
    wint_t c;
    int r;

    k->kind = KK_NONE;
    k->ch = 0;
    if (!term.started)
        return false;
    r = wget_wch(term.input, &c);
    if (r == KEY_CODE_YES)
        key_from_code(c, k);
    else if (r == OK)
        key_from_char(c, k);
    return k->kind != KK_NONE;
}

bool
term_input_closed(void)
{
    int pending = 0;

    if (ioctl(STDIN_FILENO, FIONREAD, &pending) != 0)
        return true;
    return pending == 0;
}
