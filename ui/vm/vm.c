#include "ui/vm/vm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "util/strbuf.h"

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_TEXT] = "text",     [ROLE_BAR] = "bar",         [ROLE_APP] = "app",
    [ROLE_USER] = "user",     [ROLE_DB_OK] = "db_ok",     [ROLE_DB_WARN] = "db_warn",
    [ROLE_DB_ERR] = "db_err", [ROLE_HEADING] = "heading", [ROLE_LABEL] = "label",
    [ROLE_VALUE] = "value",   [ROLE_MUTED] = "muted",     [ROLE_ERROR] = "error",
    [ROLE_BORDER] = "border", [ROLE_HINT] = "hint",       [ROLE_HINT_KEY] = "hint_key",
    [ROLE_CURSOR] = "cursor", [ROLE_TAG] = "tag",         [ROLE_TIMER_OK] = "timer_ok",
    [ROLE_TIMER_WARN] = "timer_warn", [ROLE_TIMER_LATE] = "timer_late",
    [ROLE_TAB] = "tab", [ROLE_TAB_ACTIVE] = "tab_active", [ROLE_INPUT] = "input",
};

const char *
vm_role_name(enum vm_role role)
{
    if ((unsigned)role >= ROLE_COUNT)
        return "?";
    return role_names[role];
}

enum vm_profile
vm_profile_parse(const char *rol)
{
    if (rol == NULL)
        return VM_PROFILE_UNKNOWN;
    if (strcasecmp(rol, "PROMOTOR") == 0)
        return VM_PROFILE_PROMOTOR;
    if (strcasecmp(rol, "SUPERVISOR") == 0)
        return VM_PROFILE_SUPERVISOR;
    if (strcasecmp(rol, "ADMIN") == 0)
        return VM_PROFILE_ADMIN;
    if (strcasecmp(rol, "AUDITOR") == 0)
        return VM_PROFILE_AUDITOR;
    return VM_PROFILE_UNKNOWN;
}

const char *
vm_profile_name(enum vm_profile p)
{
    switch (p) {
    case VM_PROFILE_PROMOTOR:
        return "PROMOTOR";
    case VM_PROFILE_SUPERVISOR:
        return "SUPERVISOR";
    case VM_PROFILE_ADMIN:
        return "ADMIN";
    case VM_PROFILE_AUDITOR:
        return "AUDITOR";
    case VM_PROFILE_UNKNOWN:
        break;
    }
    return "";
}

bool
vm_profile_read_only(enum vm_profile p)
{
    return p == VM_PROFILE_AUDITOR;
}

bool
vm_profile_sees_others(enum vm_profile p)
{
    return p == VM_PROFILE_SUPERVISOR || p == VM_PROFILE_ADMIN || p == VM_PROFILE_AUDITOR;
}

void
vm_layout_compute(struct vm_layout *l, int lines, int cols)
{
    l->cols = cols > 0 ? cols : 0;
    l->status_y = 0;
    l->hint_y = lines >= 2 ? lines - 1 : -1;
    l->tabs_y = lines >= 5 ? 1 : -1;
    l->body_y = l->tabs_y >= 0 ? 2 : 1;
    l->body_h = lines - l->body_y - 1 > 0 ? lines - l->body_y - 1 : 0;
}

/* One character of a UTF-8 string as the terminal will get it. */
struct vm_char {
    size_t len;    /* bytes consumed from the source */
    int cols;      /* columns it takes */
    size_t outlen; /* bytes in out */
    char out[8];   /* what is written: the same bytes, a blank, or an ASCII fold */
};

/* Decodes one UTF-8 sequence; returns its length, or 0 when invalid or cut short. */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;

    if (len == 0 || len > n || s[0] > 0xf4)
        return 0;
    *cp = s[0] & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    return len;
}

/*
 * The ASCII stand-in of a code point, for terminals whose locale is not UTF-8: Latin-1
 * letters lose their accent (ñ → n), the glyphs the view-models use get their ASCII
 * twins, anything else becomes '?'.
 */
static const char *
ascii_fold(uint32_t cp, char one[2])
{
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";

    if (cp >= 0xc0 && cp <= 0xff) {
        one[0] = latin1[cp - 0xc0];
        one[1] = '\0';
        return one;
    }
    switch (cp) {
    case 0xab:
    case 0xbb:
    case 0x201c:
    case 0x201d:
        return "\"";
    case 0x2018:
    case 0x2019:
        return "'";
    case 0xbf:
        return "?";
    case 0xa1:
        return "!";
    case 0xb7:
    case 0x2013:
    case 0x2014:
        return "-";
    case 0x2026:
        return "...";
    case 0x2502:
        return "|";
    case 0x25cf:
        return "*";
    case 0x2191:
        return "^";
    case 0x2193:
        return "v";
    case 0x2190:
        return "<";
    case 0x2192:
        return ">";
    case 0x2717:
        return "x";
    case 0x26a0:
        return "!";
    case 0x2713:
        return "+";
    case 0x25cb:
        return "o";
    case 0x25d0:
        return "~";
    case 0x2016:
        return "=";
    default:
        return "?";
    }
}

static int
char_set(struct vm_char *c, size_t len, int cols, const char *out, size_t outlen)
{
    c->len = len;
    c->cols = cols;
    c->outlen = outlen < sizeof c->out ? outlen : sizeof c->out - 1;
    memcpy(c->out, out, c->outlen);
    return cols;
}

/*
 * Measures the character at s (at most n bytes). Control characters (a newline in a
 * server message would move the cursor) become a blank; invalid bytes become '?'. When
 * the locale is not multibyte, non-ASCII characters are folded to ASCII.
 */
static int
char_next(const char *s, size_t n, struct vm_char *c)
{
    const unsigned char *u = (const unsigned char *)s;
    mbstate_t st;
    wchar_t wc;
    uint32_t cp;
    size_t r;

    if (u[0] < 0x20 || u[0] == 0x7f)
        return char_set(c, 1, 1, " ", 1);
    if (u[0] < 0x80)
        return char_set(c, 1, 1, s, 1);
    if (MB_CUR_MAX == 1) {
        char one[2];
        const char *f;

        r = utf8_decode(u, n, &cp);
        if (r == 0)
            return char_set(c, 1, 1, "?", 1);
        f = ascii_fold(cp, one);
        return char_set(c, r, (int)strlen(f), f, strlen(f));
    }
    memset(&st, 0, sizeof st);
    r = mbrtowc(&wc, s, n, &st);
    if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
        return char_set(c, 1, 1, "?", 1);
    return char_set(c, r, wcwidth(wc) < 0 ? 0 : wcwidth(wc), s, r);
}

int
vm_text_width(const char *s)
{
    return vm_text_width_n(s, strlen(s));
}

int
vm_text_width_n(const char *s, size_t n)
{
    int cols = 0;
    struct vm_char c;

    while (n > 0) {
        char_next(s, n, &c);
        cols += c.cols;
        s += c.len;
        n -= c.len;
    }
    return cols;
}

/*
 * Writes into dst (room bytes plus the NUL) whole characters of src while they fit in
 * maxcols; *used is how many bytes of src were consumed. Returns the columns written.
 */
static int
clip_prefix(char *dst, size_t room, const char *src, int maxcols, size_t *used)
{
    size_t n = strlen(src), off = 0, out = 0;
    int cols = 0;
    struct vm_char c;

    while (off < n) {
        char_next(src + off, n - off, &c);
        if (cols + c.cols > maxcols || out + c.outlen > room)
            break;
        memcpy(dst + out, c.out, c.outlen);
        out += c.outlen;
        cols += c.cols;
        off += c.len;
    }
    dst[out] = '\0';
    *used = off;
    return cols;
}

int
vm_clip(char *dst, int dstsz, const char *src, int maxcols, const char *ellipsis)
{
    size_t used, elen;
    int cols, ecols;

    if (dstsz <= 0)
        return 0;
    dst[0] = '\0';
    if (maxcols <= 0)
        return 0;
    cols = clip_prefix(dst, (size_t)dstsz - 1, src, maxcols, &used);
    if (src[used] == '\0' || ellipsis == NULL)
        return cols;
    /* Did not fit: make room for the ellipsis and clip again. */
    ecols = vm_text_width(ellipsis);
    elen = strlen(ellipsis);
    if (ecols > maxcols || elen + 1 > (size_t)dstsz)
        return cols;
    cols = clip_prefix(dst, (size_t)dstsz - 1 - elen, src, maxcols - ecols, &used);
    memcpy(dst + strlen(dst), ellipsis, elen + 1);
    return cols + ecols;
}

const char *
vm_ellipsis(void)
{
    return MB_CUR_MAX > 1 ? "…" : "~";
}

bool
vm_wrap_row(char *row, int rowsz, const char **text, int cols)
{
    const char *t = *text;
    size_t used, off = 0, out = 0, brk_in = 0, brk_out = 0;
    struct vm_char c;

    if (*t == '\0' || cols <= 0 || rowsz <= 0)
        return false;
    clip_prefix(row, (size_t)rowsz - 1, t, cols, &used);
    if (used == 0)
        return false;
    if (t[used] != '\0' && t[used] != ' ') {
        /* The word that did not fit starts the next row: cut at the last blank. Text and row
         * are walked together, as a fold to ASCII ("ñ" → "n") makes their bytes differ. */
        while (off < used) {
            char_next(t + off, used - off, &c);
            if (off > 0 && c.outlen == 1 && c.out[0] == ' ') {
                brk_in = off;
                brk_out = out;
            }
            off += c.len;
            out += c.outlen;
        }
        if (brk_in > 0) {
            row[brk_out] = '\0';
            used = brk_in + 1;
        }
    }
    t += used;
    while (*t == ' ')
        t++;
    *text = t;
    return true;
}

void
vm_line_init(struct vm_line *line, enum vm_role fill)
{
    line->fill = fill;
    line->item = 0;
    line->nspans = 0;
}

bool
vm_click_row(const struct vm_line *lines, int n, int y, int *cur)
{
    if (y < 0 || y >= n || lines[y].item <= 0)
        return false;
    *cur = lines[y].item - 1;
    return true;
}

int
vm_line_put(struct vm_line *line, int col, int limit, enum vm_role role, const char *text)
{
    struct vm_span *sp;

    if (line->nspans >= VM_LINE_SPANS || col >= limit || col < 0 || text[0] == '\0')
        return col;
    sp = &line->spans[line->nspans];
    sp->role = role;
    sp->col = col;
    sp->width = vm_clip(sp->text, (int)sizeof sp->text, text, limit - col, vm_ellipsis());
    if (sp->width == 0)
        return col;
    line->nspans++;
    return col + sp->width;
}

void
vm_line_sort(struct vm_line *line)
{
    /* Insertion sort: a line has at most VM_LINE_SPANS spans. */
    for (int i = 1; i < line->nspans; i++) {
        struct vm_span tmp = line->spans[i];
        int j = i;

        for (; j > 0 && line->spans[j - 1].col > tmp.col; j--)
            line->spans[j] = line->spans[j - 1];
        line->spans[j] = tmp;
    }
}

char *
vm_lines_dump(const struct vm_line *lines, int n)
{
    struct strbuf sb;
    char *out;

    strbuf_init(&sb);
    for (int y = 0; y < n; y++) {
        if (lines[y].fill != ROLE_TEXT)
            strbuf_addf(&sb, "%d fill=%s\n", y, vm_role_name(lines[y].fill));
        for (int i = 0; i < lines[y].nspans; i++) {
            const struct vm_span *sp = &lines[y].spans[i];
            strbuf_addf(&sb, "%d.%d %s|%s\n", y, sp->col, vm_role_name(sp->role), sp->text);
        }
    }
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

char *
vm_lines_pick_dump(const struct vm_line *lines, int n, const struct vm_box *box,
                   const struct vm_line *pick_lines, int npick)
{
    struct strbuf sb;
    char *dump = vm_lines_dump(lines, n), *out;

    strbuf_init(&sb);
    strbuf_addstr(&sb, dump);
    free(dump);
    if (box->h > 0) {
        strbuf_addf(&sb, "pick %d,%d %dx%d%s\n", box->y, box->x, box->h, box->w, box->title);
        dump = vm_lines_dump(pick_lines, npick);
        strbuf_addstr(&sb, dump);
        free(dump);
    }
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

size_t
vm_utf8_prev_len(const char *s, size_t at)
{
    size_t n = 1;

    while (n < at && ((unsigned char)s[at - n] & 0xc0) == 0x80)
        n++;
    return n;
}

size_t
vm_utf8_next_len(const char *s, size_t at)
{
    size_t n = 1;

    while (s[at + n] != '\0' && ((unsigned char)s[at + n] & 0xc0) == 0x80)
        n++;
    return n;
}

static size_t
utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

bool
vm_edit_insert(char *buf, size_t size, size_t *cursor, uint32_t cp)
{
    char enc[4];
    size_t n = utf8_encode(cp, enc), len = strlen(buf);

    if (len + n >= size)
        return false;
    memmove(buf + *cursor + n, buf + *cursor, len - *cursor + 1);
    memcpy(buf + *cursor, enc, n);
    *cursor += n;
    return true;
}

bool
vm_edit_delete(char *buf, size_t at)
{
    size_t len = strlen(buf), n;

    if (at >= len)
        return false;
    n = vm_utf8_next_len(buf, at);
    memmove(buf + at, buf + at + n, len - at - n + 1);
    return true;
}

/* Appends one rendered row: spans in column order, gaps as blanks. */
static void
render_line(struct strbuf *sb, const struct vm_line *line)
{
    int at = 0;

    for (int i = 0; i < line->nspans; i++) {
        const struct vm_span *sp = &line->spans[i];

        for (; at < sp->col; at++)
            strbuf_addch(sb, ' ');
        if (sp->col < at)
            continue; /* overlapping spans are a vm bug; keep the first */
        strbuf_addstr(sb, sp->text);
        at += sp->width;
    }
    while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
        sb->buf[--sb->len] = '\0';
    strbuf_addch(sb, '\n');
}

char *
vm_lines_render(const struct vm_line *lines, int n)
{
    struct strbuf sb;
    char *out;

    strbuf_init(&sb);
    for (int y = 0; y < n; y++)
        render_line(&sb, &lines[y]);
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}

void
vm_collapse_blanks(char *out, size_t outsz, const char *s)
{
    size_t n = 0;
    bool space = false;

    if (outsz == 0)
        return;
    for (; *s != '\0' && n + 1 < outsz; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < outsz)
            out[n++] = ' ';
        space = false;
        out[n++] = *s;
    }
    out[n] = '\0';
}

char *
vm_fmt_count(char *buf, int bufsz, long long v)
{
    char digits[32];
    int nd, out = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    nd = snprintf(digits, sizeof digits, "%llu", u);
    if (bufsz <= 0)
        return buf;
    if (v < 0 && out < bufsz - 1)
        buf[out++] = '-';
    for (int i = 0; i < nd && out < bufsz - 1; i++) {
        if (i > 0 && (nd - i) % 3 == 0 && out < bufsz - 2)
            buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}
