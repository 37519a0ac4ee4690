#include "ui/term/term.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/theme_file.h"
#include "util/err.h"

/* Loop thread only (ncurses is process-global): the running terminal's settings. */
static struct {
    bool started;
    bool ascii;
    bool color;
    bool color_started;
    struct theme_style styles[ROLE_COUNT]; /* in use (the mono twin when colours are off) */
    SCREEN *screen;
    WINDOW *input; /* 1×1, never drawn: keys are read here so no wgetch refreshes a pane */
    /* The last left-button press, to tell a double click (ncurses' own click resolution
       waits mouseinterval after every press; a click here is answered at once). */
    long long press_ms;
    int press_y, press_x;
} term;

/* Colours the terminal has: a theme asking for 12 on an 8-colour terminal gets 12 % 8. */
static short
color_fit(short c)
{
    if (c < 0)
        return -1;
    if (COLORS > 0 && c >= COLORS)
        return (short)(c % 8);
    return c;
}

static attr_t
attrs_of(unsigned bits)
{
    attr_t a = A_NORMAL;

    a |= (bits & THEME_BOLD) ? A_BOLD : 0;
    a |= (bits & THEME_DIM) ? A_DIM : 0;
    a |= (bits & THEME_REVERSE) ? A_REVERSE : 0;
    a |= (bits & THEME_UNDERLINE) ? A_UNDERLINE : 0;
    a |= (bits & THEME_ITALIC) ? A_ITALIC : 0;
    a |= (bits & THEME_STANDOUT) ? A_STANDOUT : 0;
    a |= (bits & THEME_BLINK) ? A_BLINK : 0;
    return a;
}

/* Chooses between the theme and its mono twin, then loads the colour pairs. */
static void
theme_apply(const struct theme_style *styles, const struct theme_style *mono)
{
    const char *nc = getenv("NO_COLOR");

    term.color =
        (nc == NULL || nc[0] == '\0') && has_colors() && theme_file_has_color(styles, ROLE_COUNT);
    memcpy(term.styles, term.color ? styles : mono, sizeof term.styles);
    if (!term.color)
        return;
    if (!term.color_started) {
        start_color();
        use_default_colors();
        term.color_started = true;
    }
    for (int r = 0; r < ROLE_COUNT; r++)
        init_pair((short)(r + 1), color_fit(term.styles[r].fg), color_fit(term.styles[r].bg));
}

int
term_start(const struct theme_style *styles, const struct theme_style *mono, struct err *e)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_set(e, RC_IO, "el cliente de terminal necesita una terminal (TTY)");
    term.screen = newterm(NULL, stdout, stdin);
    if (term.screen == NULL)
        return err_set(e, RC_IO, "no se pudo iniciar la terminal «%s»",
                       getenv("TERM") != NULL ? getenv("TERM") : "");
    term.started = true;
    term.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    cbreak();
    noecho();
    nonl();
    curs_set(0);
    set_escdelay(25);
    theme_apply(styles, mono);
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

void
term_set_styles(const struct theme_style *styles, const struct theme_style *mono)
{
    if (term.started)
        theme_apply(styles, mono);
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
    const struct theme_style *r = &term.styles[(unsigned)role < ROLE_COUNT ? role : 0];

    *pair = term.color ? (short)(role + 1) : 0;
    return attrs_of(r->attrs);
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
        { KEY_RESIZE, KK_RESIZE }, { KEY_BTAB, KK_BACKTAB },
        { KEY_DC, KK_DELETE },
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

/*
 * Esc followed at once by a printable character is how terminals send Alt+character (ncurses
 * gives them back one by one once no function-key sequence matched): that pair is one KK_ALT.
 * Anything else after the Esc is put back for the next read.
 */
static void
key_alt(struct key *k)
{
    struct key next;
    wint_t c;
    int r = wget_wch(term.input, &c);

    if (r == ERR)
        return;
    if (r == OK) {
        key_from_char(c, &next);
        if (next.kind == KK_CHAR) {
            k->kind = KK_ALT;
            k->ch = next.ch;
            return;
        }
        unget_wch((wchar_t)c);
        return;
    }
    ungetch((int)c); /* a function-key code goes back as such */
}

bool
term_mouse(bool on)
{
    mmask_t want = 0, got = 0;

    if (!term.started)
        return false;
    if (on) {
        want = BUTTON1_PRESSED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
        want |= BUTTON5_PRESSED;
#endif
    }
    mouseinterval(0); /* presses and releases as they come: no waiting to compose clicks */
    got = mousemask(want, NULL);
    term.press_ms = 0;
    return on && got != 0;
}

static long long
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The mouse report behind KEY_MOUSE into *m; false for one the client has no use for. */
static bool
mouse_read(struct mouse *m)
{
    MEVENT ev;
    long long now;

    if (getmouse(&ev) != OK)
        return false;
    m->y = ev.y;
    m->x = ev.x;
    if (ev.bstate & BUTTON4_PRESSED) {
        m->what = KM_WHEEL_UP;
        return true;
    }
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED) {
        m->what = KM_WHEEL_DOWN;
        return true;
    }
#endif
    if (!(ev.bstate & BUTTON1_PRESSED))
        return false;
    now = mono_ms();
    m->what = KM_CLICK;
    if (term.press_ms != 0 && now - term.press_ms < TERM_DOUBLE_MS && ev.y == term.press_y &&
        ev.x == term.press_x) {
        m->what = KM_DOUBLE;
        now = 0; /* a third press starts over */
    }
    term.press_ms = now;
    term.press_y = ev.y;
    term.press_x = ev.x;
    return true;
}

bool
term_read_key(struct key *k, struct mouse *m)
{
    wint_t c;
    int r;

    k->kind = KK_NONE;
    k->ch = 0;
    if (!term.started)
        return false;
    r = wget_wch(term.input, &c);
    if (r == KEY_CODE_YES && c == KEY_MOUSE) {
        if (!mouse_read(m))
            *m = (struct mouse){ .what = KM_NONE };
        k->kind = KK_MOUSE;
        k->ch = (uint32_t)m->what;
        return true;
    }
    if (r == KEY_CODE_YES)
        key_from_code(c, k);
    else if (r == OK)
        key_from_char(c, k);
    if (k->kind == KK_ESC)
        key_alt(k);
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
