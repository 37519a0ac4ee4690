/*
 * vm — what every view-model is made of: lines of spans, each span with a theme role,
 * clipped to a width measured in terminal columns (mbrtowc + wcwidth, so ñ, accents
 * and wide characters measure right), a string dump for snapshot tests, and the UTF-8
 * line editing shared by the vms that take typed text.
 *
 * Pure C: no curses. Any thread, but a vm is owned by one (the loop thread). Width
 * measuring follows LC_CTYPE, which the program sets once at start-up; text for a
 * non-UTF-8 terminal is folded to ASCII here, so panes copy bytes without deciding.
 */
#ifndef VM_VM_H
#define VM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Theme roles: the pane asks the theme for the attributes of a role, never a colour. */
enum vm_role {
    ROLE_TEXT,
    ROLE_BAR,     /* status bar background */
    ROLE_APP,     /* the program's name in the status bar */
    ROLE_USER,    /* login and role in the status bar */
    ROLE_DB_OK,   /* "conectado" */
    ROLE_DB_WARN, /* "conectando…", "reconectando…" */
    ROLE_DB_ERR,  /* "sin conexión" */
    ROLE_HEADING, /* titles inside panes */
    ROLE_LABEL,
    ROLE_VALUE, /* numbers and data */
    ROLE_MUTED, /* secondary text: timestamps, explanations */
    ROLE_ERROR, /* error messages in a pane */
    ROLE_BORDER,
    ROLE_HINT,     /* hint bar background and descriptions */
    ROLE_HINT_KEY, /* the key in the hint bar */
    /* Issue 4 panes (H11): selection, tags, timer states; each also has a glyph/word. */
    ROLE_CURSOR,     /* the selected row or card */
    ROLE_TAG,        /* a tagged row (Space) */
    ROLE_TIMER_OK,   /* ● time left */
    ROLE_TIMER_WARN, /* ◐ past the warning threshold */
    ROLE_TIMER_LATE, /* ○ overdue */
    ROLE_TAB,        /* a pane's tab */
    ROLE_TAB_ACTIVE, /* the visible pane's tab */
    ROLE_INPUT,      /* text being typed: the command line */
    ROLE_COUNT
};

#define VM_SPAN_BYTES 256 /* a span's text after clipping, NUL included */
#define VM_LINE_SPANS 16

struct vm_span {
    enum vm_role role;
    int col;   /* first column, relative to the pane */
    int width; /* columns the text occupies */
    char text[VM_SPAN_BYTES];
};

/* One row of a pane. fill is the role of the columns no span covers. */
struct vm_line {
    enum vm_role fill;
    /* The list entry this row shows, 1-based, for a click (vm_line_init: 0 = none); a pane
       with two lists numbers its second one negative (Bandeja's prórrogas). */
    int item;
    int nspans;
    struct vm_span spans[VM_LINE_SPANS];
};

/* A rectangle the pane draws as a box with a title in its top border. */
struct vm_box {
    int y, x, h, w; /* h == 0: no box */
    char title[64];
};

/* The user's profile, from crm.usuarios.rol; shapes what the screens offer. */
enum vm_profile {
    VM_PROFILE_UNKNOWN,
    VM_PROFILE_PROMOTOR,
    VM_PROFILE_SUPERVISOR,
    VM_PROFILE_ADMIN,
    VM_PROFILE_AUDITOR, /* reads what an admin reads, writes nothing (sql/071) */
};

/* "PROMOTOR", "SUPERVISOR", "ADMIN", "AUDITOR" (any case) → profile; anything else →
 * UNKNOWN. */
enum vm_profile vm_profile_parse(const char *rol);

/* The upper-case Spanish name shown to the user ("PROMOTOR"); "" for UNKNOWN. */
const char *vm_profile_name(enum vm_profile p);

/* True for a profile that may change no data (the auditor): no write action is offered. */
bool vm_profile_read_only(enum vm_profile p);

/* True for a profile that reads other users' work (a team or everyone): supervisors,
 * admins and auditors. */
bool vm_profile_sees_others(enum vm_profile p);

/* Where the fixed areas of the screen go for a terminal of lines × cols. */
struct vm_layout {
    int cols;
    int status_y; /* the status bar: one row at the top */
    int tabs_y;   /* the pane tabs: the second row (-1 below 5 rows: no tab row) */
    int body_y;   /* the pane area between the bars */
    int body_h;   /* may be 0 on a tiny terminal */
    int hint_y;   /* the hint bar: the last row (-1 when there is only one row) */
};

void vm_layout_compute(struct vm_layout *l, int lines, int cols);

/* Lower-case name of a role ("db_ok"), for dumps and theme files. */
const char *vm_role_name(enum vm_role role);

/*
 * Columns s occupies once written by vm_clip: control characters become a blank, invalid
 * bytes '?', and when the locale is not multibyte (LC_ALL=C) other characters are folded
 * to ASCII ("ñ" → "n", "…" → "...", "●" → "*"), so a width always matches the output.
 */
int vm_text_width(const char *s);

/* The same for the first n bytes of s (n at a character boundary, at most strlen(s)). */
int vm_text_width_n(const char *s, size_t n);

/*
 * Copies into dst (size dstsz) the longest prefix of src that fits in maxcols columns
 * and in dstsz bytes, never splitting a character. When src did not fit and ellipsis
 * is not NULL, the prefix is shortened so ellipsis fits after it. Control characters
 * (newline, tab…) become blanks. Returns the columns written (0 when maxcols <= 0).
 */
int vm_clip(char *dst, int dstsz, const char *src, int maxcols, const char *ellipsis);

/* "…" when the locale is multibyte (UTF-8), "~" otherwise. */
const char *vm_ellipsis(void);

/*
 * The next row of running text: copies into row (size rowsz) what of *text fits in cols
 * columns, breaking after the last blank that fits (a word longer than the row is cut), and
 * moves *text past it and the blanks after. False when nothing is left (or cols <= 0).
 */
bool vm_wrap_row(char *row, int rowsz, const char **text, int cols);

/* Resets line to no spans and the given fill role. */
void vm_line_init(struct vm_line *line, enum vm_role fill);

/*
 * Appends a span with text clipped so it ends before column limit (exclusive; vm_ellipsis()
 * when clipped). Spans beyond VM_LINE_SPANS or starting at/after limit are dropped.
 * Returns the column right after the span (col when nothing was added).
 */
int vm_line_put(struct vm_line *line, int col, int limit, enum vm_role role, const char *text);

/*
 * A click on row y of n lines: when that row shows a list entry (its item), *cur becomes the
 * entry's 0-based index and true is returned; otherwise *cur is left alone.
 */
bool vm_click_row(const struct vm_line *lines, int n, int y, int *cur);

/* Orders line's spans by column (for vms that place spans right to left). */
void vm_line_sort(struct vm_line *line);

/*
 * Dumps n lines for snapshot tests, one "row fill=<role>" line for rows whose fill is
 * not ROLE_TEXT and one "row.col role|text" line per span. The caller frees the result.
 */
char *vm_lines_dump(const struct vm_line *lines, int n);

/*
 * vm_lines_dump of lines, then, when box->h > 0, a picker: "pick y,x hxw<title>" and
 * vm_lines_dump of its npick lines. For vms that float a picker over their lines. Caller frees.
 */
char *vm_lines_pick_dump(const struct vm_line *lines, int n, const struct vm_box *box,
                         const struct vm_line *pick_lines, int npick);

/*
 * Renders n lines as plain text, one '\n'-terminated row each, spans placed at their
 * columns and trailing blanks removed (what a screen capture shows). Caller frees.
 */
char *vm_lines_render(const struct vm_line *lines, int n);

/*
 * Line editing of a NUL-terminated UTF-8 buffer with a byte cursor (the ':' line, form
 * fields). vm_utf8_prev_len: bytes of the character ending at s[at] (at > 0);
 * vm_utf8_next_len: bytes of the character starting at s[at].
 */
size_t vm_utf8_prev_len(const char *s, size_t at);
size_t vm_utf8_next_len(const char *s, size_t at);

/* Inserts cp, UTF-8 encoded, at *cursor and moves the cursor past it; false when buf is full. */
bool vm_edit_insert(char *buf, size_t size, size_t *cursor, uint32_t cp);

/* Deletes the character starting at buf[at]; false when at is the end. */
bool vm_edit_delete(char *buf, size_t at);

/*
 * s with its blanks trimmed and each run of white space made one space, into out (size
 * outsz): the database's own rule for a person's name (sql/002, 085, 099), so a form can tell
 * before sending whether what was typed is a change.
 */
void vm_collapse_blanks(char *out, size_t outsz, const char *s);

/* Formats v with ',' every three digits (es-MX: "100,000") into buf. Returns buf. */
char *vm_fmt_count(char *buf, int bufsz, long long v);

#endif
