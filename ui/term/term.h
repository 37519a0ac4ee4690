/*
 * term — the ncurses boundary: start and restore the terminal, the theme (role → colour
 * pair and attributes), box drawing with an ASCII fallback, and keys read into struct key
 * (mouse reports too, when asked for: struct mouse).
 *
 * ncurses is process-global, so this module is too: one terminal per process, used only
 * from the loop thread (the UI thread). term_stop() is also the fatal() hook, safe to call
 * at any point and more than once.
 */
#ifndef TERM_TERM_H
#define TERM_TERM_H

#include <stdbool.h>

#include <curses.h>

#include "ui/vm/keymap.h"
#include "ui/vm/vm.h"

struct err;
struct theme_style;

/*
 * Starts curses on the controlling terminal: cbreak, no echo, hidden cursor, keypad,
 * non-blocking input window, short Esc delay, and the theme: styles[ROLE_COUNT] (a parsed
 * theme file), or its attributes-only twin mono[ROLE_COUNT] when NO_COLOR is set (non-empty),
 * the terminal has no colours, or the theme itself uses none. The caller has called
 * setlocale(LC_ALL, "") already. RC_IO when the terminal cannot be initialised.
 */
int term_start(const struct theme_style *styles, const struct theme_style *mono, struct err *e)
    __attribute__((warn_unused_result));

/* Restores the terminal (endwin). Idempotent; a no-op when not started. */
void term_stop(void);

/* True when the locale is not UTF-8: draw boxes and glyphs in ASCII. */
bool term_ascii(void);

/* True when colours are in use (false for mono, NO_COLOR, or a terminal without them). */
bool term_has_color(void);

/* The terminal's size now, after any term_resize(). */
void term_size(int *lines, int *cols);

/*
 * Reads the real size (TIOCGWINSZ) and tells curses (resizeterm). Call on SIGWINCH,
 * then re-create the windows. Returns true when the size changed.
 */
bool term_resize(void);

/*
 * Shows the text cursor at (y, x) of w (window coordinates) after the next doupdate(),
 * or hides it when w is NULL. Call after the frame's other wnoutrefresh() calls.
 */
void term_cursor(WINDOW *w, int y, int x);

/* Switches the theme while running (":tema"); same rules as term_start. */
void term_set_styles(const struct theme_style *styles, const struct theme_style *mono);

/* Sets w's drawing attributes to those of role. */
void term_role(WINDOW *w, enum vm_role role);

/* Sets w's background to role and clears it (the whole window takes the role). */
void term_fill(WINDOW *w, enum vm_role role);

/*
 * Draws a box at (y, x) of size h × w inside win, in ROLE_BORDER, with title (may be
 * NULL or "") in the top border in ROLE_HEADING. Lines are Unicode when the locale is
 * UTF-8 and ASCII ('+', '-', '|') otherwise.
 */
void term_box(WINDOW *win, int y, int x, int h, int w, const char *title);

/*
 * Reads one key without blocking into *k. Returns false (k->kind = KK_NONE) when no
 * input is pending. A KK_MOUSE key fills *m: a press of the left button (KM_DOUBLE when the
 * one before was on the same cell less than TERM_DOUBLE_MS ago), a wheel step, or KM_NONE
 * for any other report (a release, a middle click): bytes were read, so it is a key too.
 */
bool term_read_key(struct key *k, struct mouse *m);

#define TERM_DOUBLE_MS 400

/*
 * Asks the terminal for clicks and wheel steps (on), or gives the mouse back to it (off: the
 * terminal selects text again without Shift). Returns whether the terminal reports them.
 */
bool term_mouse(bool on);

/*
 * After the input fd polled readable and term_read_key() found nothing: true when the
 * terminal is gone (no bytes pending, i.e. end of file or hang-up).
 */
bool term_input_closed(void);

#endif
