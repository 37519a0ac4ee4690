#include "ui/vm/form_vm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/xmalloc.h"

enum {
    FORM_W = 100,       /* wide enough at 160 columns for messages beside the fields */
    FORM_MIN_BYTES = 32 /* a value's first allocation: most values fit it */
};

void
form_vm_fini(struct form_vm *f)
{
    /* Every slot, not just nfields: a slot past nfields holds NULLs, free takes them. */
    for (int i = 0; i < FORM_MAX_FIELDS; i++) {
        free(f->fields[i].value);
        free(f->fields[i].initial);
    }
    free(f->lines);
    memset(f, 0, sizeof *f);
}

void
form_vm_init(struct form_vm *f, const char *title)
{
    form_vm_fini(f);
    snprintf(f->title, sizeof f->title, " %s ", title);
    f->cursor_y = f->cursor_x = -1;
}

/* Bytes of s kept as a value: all of it when it fits FORM_VALUE_BYTES, else the longest
 * prefix that does and ends on a character boundary. */
static size_t
value_len(const char *s)
{
    size_t n = strlen(s);

    if (n < FORM_VALUE_BYTES)
        return n;
    n = FORM_VALUE_BYTES - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/* The bytes fd->value may reach by typing, NUL included: the characters its field takes
 * (struct form_field.max_len, or the default of its kind), four bytes each. Read at each key,
 * as callers set max_len and choices after form_vm_add. */
static size_t
field_capacity(const struct form_field *fd)
{
    size_t chars = fd->kind == FORM_TEXT ? FORM_TEXT_DEFAULT : FORM_SHORT_CHARS, bytes;

    if (fd->max_len > 0)
        chars = fd->max_len < FORM_TEXT_MAX ? (size_t)fd->max_len : FORM_TEXT_MAX;
    bytes = FORM_BYTES(chars);
    /* A choice may always be typed whole. */
    for (size_t i = 0; fd->kind == FORM_CHOICE && i < fd->nchoices; i++)
        if (strlen(fd->choices[i]) + 1 > bytes)
            bytes = strlen(fd->choices[i]) + 1;
    return bytes < FORM_VALUE_BYTES ? bytes : FORM_VALUE_BYTES;
}

/* Makes fd->value hold at least need bytes: doubling from its size, but never past most when
 * most >= need (so a full field holds exactly its capacity). */
static void
field_reserve(struct form_field *fd, size_t need, size_t most)
{
    size_t size = fd->size > 0 ? fd->size : FORM_MIN_BYTES;

    if (need <= fd->size)
        return;
    while (size < need)
        size *= 2;
    if (size > most && most >= need)
        size = most;
    fd->value = xrealloc(fd->value, size);
    fd->size = size;
}

/* Sets fd->value to s (cut as value_len says), the cursor at its end. */
static void
field_set(struct form_field *fd, const char *s)
{
    size_t n = value_len(s);

    field_reserve(fd, n + 1, n + 1 > FORM_MIN_BYTES ? n + 1 : FORM_MIN_BYTES);
    memcpy(fd->value, s, n);
    fd->value[n] = '\0';
    fd->cursor = n;
}

struct form_field *
form_vm_add(struct form_vm *f, const char *label, enum form_kind kind, bool required,
            const char *initial)
{
    struct form_field *fd;

    if (f->nfields >= FORM_MAX_FIELDS)
        return NULL;
    fd = &f->fields[f->nfields++];
    memset(fd, 0, sizeof *fd);
    fd->label = label;
    fd->kind = kind;
    fd->required = required;
    field_set(fd, initial != NULL ? initial : "");
    fd->initial = xstrdup(fd->value);
    return fd;
}

/* Characters (not bytes) in a UTF-8 string. */
static int
utf8_chars(const char *s)
{
    int n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool
check_int(const struct form_field *fd, char *msg, size_t msgsz)
{
    char lo[32], hi[32];
    long long v;

    for (const char *p = fd->value; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return snprintf(msg, msgsz, "Solo dígitos"), false;
    if (strlen(fd->value) > 15)
        return snprintf(msg, msgsz, "Número demasiado grande"), false;
    v = strtoll(fd->value, NULL, 10);
    if ((fd->min != 0 || fd->max != 0) && (v < fd->min || v > fd->max))
        return snprintf(msg, msgsz, "Debe estar entre %s y %s", vm_fmt_count(lo, 32, fd->min),
                        vm_fmt_count(hi, 32, fd->max)),
               false;
    return true;
}

static bool
check_money(const struct form_field *fd, char *msg, size_t msgsz)
{
    const char *p = fd->value, *dot = strchr(p, '.');
    size_t ndig = 0;
    bool nonzero = false;

    for (; *p != '\0'; p++) {
        if (*p == '.' && p == dot)
            continue;
        if (*p < '0' || *p > '9')
            return snprintf(msg, msgsz, "Monto inválido: use 12500 o 12500.50"), false;
        nonzero |= *p != '0';
        ndig++;
    }
    if (ndig == 0 || (dot != NULL && (strlen(dot + 1) == 0 || strlen(dot + 1) > 2)))
        return snprintf(msg, msgsz, "Monto inválido: use 12500 o 12500.50"), false;
    if (!nonzero)
        return snprintf(msg, msgsz, "El monto debe ser mayor que cero"), false;
    if ((dot != NULL ? (size_t)(dot - fd->value) : strlen(fd->value)) > 10)
        return snprintf(msg, msgsz, "Monto demasiado grande"), false;
    return true;
}

static bool
check_choice(const struct form_field *fd, char *msg, size_t msgsz)
{
    size_t off;

    for (size_t i = 0; i < fd->nchoices; i++)
        if (strcasecmp(fd->choices[i], fd->value) == 0)
            return true;
    off = (size_t)snprintf(msg, msgsz, "Elija una de:");
    for (size_t i = 0; i < fd->nchoices && off < msgsz; i++)
        off += (size_t)snprintf(msg + off, msgsz - off, "%s %s", i > 0 ? "," : "", fd->choices[i]);
    return false;
}

/* Validates fd into fd->msg; true when fine. */
static bool
field_check(struct form_field *fd)
{
    int len = utf8_chars(fd->value);

    fd->msg[0] = '\0';
    if (fd->value[0] == '\0') {
        if (fd->required)
            snprintf(fd->msg, sizeof fd->msg, "Obligatorio");
        return !fd->required;
    }
    if (fd->min_len > 0 && len < fd->min_len)
        return snprintf(fd->msg, sizeof fd->msg, "Mínimo %d caracteres", fd->min_len), false;
    if (fd->max_len > 0 && len > fd->max_len)
        return snprintf(fd->msg, sizeof fd->msg, "Máximo %d caracteres", fd->max_len), false;
    if (fd->kind == FORM_INT && !check_int(fd, fd->msg, sizeof fd->msg))
        return false;
    if (fd->kind == FORM_MONEY && !check_money(fd, fd->msg, sizeof fd->msg))
        return false;
    if (fd->kind == FORM_CHOICE && !check_choice(fd, fd->msg, sizeof fd->msg))
        return false;
    if (fd->check != NULL && !fd->check(fd->value, fd->msg, sizeof fd->msg))
        return false;
    return true;
}

/* Moves to the next (dir 1) or previous choice; true when the value changed. */
static bool
choice_cycle(struct form_field *fd, int dir)
{
    size_t at = 0;
    bool changed;

    if (fd->nchoices == 0)
        return false;
    for (size_t i = 0; i < fd->nchoices; i++)
        if (strcasecmp(fd->choices[i], fd->value) == 0)
            at = dir > 0 ? (i + 1) % fd->nchoices : (i + fd->nchoices - 1) % fd->nchoices;
    changed = strcmp(fd->value, fd->choices[at]) != 0;
    field_set(fd, fd->choices[at]);
    return changed;
}

/* The cursor keys (and ← → on a choice); *changed tells whether the value changed. */
static bool
cursor_move(struct form_field *fd, enum key_kind kind, bool *changed)
{
    size_t len = strlen(fd->value);

    if (fd->kind == FORM_CHOICE && (kind == KK_LEFT || kind == KK_RIGHT))
        *changed = choice_cycle(fd, kind == KK_RIGHT ? 1 : -1);
    else if (kind == KK_LEFT && fd->cursor > 0)
        fd->cursor -= vm_utf8_prev_len(fd->value, fd->cursor);
    else if (kind == KK_RIGHT && fd->cursor < len)
        fd->cursor += vm_utf8_next_len(fd->value, fd->cursor);
    else if (kind == KK_HOME)
        fd->cursor = 0;
    else if (kind == KK_END)
        fd->cursor = len;
    return true;
}

/* Inserts cp at the cursor when the field's capacity has room for it, growing the value's
 * storage as needed; false when full. */
static bool
field_insert(struct form_field *fd, uint32_t cp)
{
    size_t cap = field_capacity(fd), need = strlen(fd->value) + 5; /* a 4-byte character, NUL */

    if (need > fd->size && fd->size < cap)
        field_reserve(fd, need < cap ? need : cap, cap);
    /* The storage may exceed the capacity (an initial value or a choice longer than it):
     * typing then stops at the capacity. */
    return vm_edit_insert(fd->value, fd->size < cap ? fd->size : cap, &fd->cursor, cp);
}

/* The editing keys; returns true when value or cursor changed, *changed when the value did. */
static bool
field_edit(struct form_field *fd, const struct key *k, bool *changed)
{
    *changed = false;
    if (k->kind == KK_CHAR)
        return *changed = k->ch >= 0x20 && field_insert(fd, k->ch);
    if (k->kind == KK_BACKSPACE) {
        if (fd->cursor == 0)
            return false;
        fd->cursor -= vm_utf8_prev_len(fd->value, fd->cursor);
        return *changed = vm_edit_delete(fd->value, fd->cursor);
    }
    if (k->kind == KK_DELETE)
        return *changed = vm_edit_delete(fd->value, fd->cursor);
    if (k->kind == KK_LEFT || k->kind == KK_RIGHT || k->kind == KK_HOME || k->kind == KK_END)
        return cursor_move(fd, k->kind, changed);
    return false;
}

bool
form_vm_input(struct form_vm *f, const struct key *k)
{
    struct form_field *fd;
    bool changed;

    if (f->nfields == 0 || f->sending)
        return false;
    fd = &f->fields[f->focus];
    if (!field_edit(fd, k, &changed))
        return false;
    if (changed) {
        fd->touched = true;
        f->refusal[0] = '\0';
    }
    field_check(fd);
    return true;
}

static void
focus_move(struct form_vm *f, int dir)
{
    struct form_field *fd;

    if (f->nfields == 0)
        return;
    fd = &f->fields[f->focus];
    fd->touched = true;
    field_check(fd);
    f->focus = (f->focus + dir + f->nfields) % f->nfields;
}

void
form_vm_focus_next(struct form_vm *f)
{
    focus_move(f, 1);
}

void
form_vm_focus_prev(struct form_vm *f)
{
    focus_move(f, -1);
}

bool
form_vm_click(struct form_vm *f, int y, int x)
{
    int row = y - f->box.y, field;

    if (row < 0 || row >= f->nlines || x < f->box.x || x >= f->box.x + f->box.w ||
        f->lines[row].item <= 0)
        return false;
    field = f->lines[row].item - 1;
    if (field != f->focus)
        focus_move(f, field - f->focus);
    return true;
}

bool
form_vm_validate(struct form_vm *f)
{
    int first_bad = -1;

    for (int i = 0; i < f->nfields; i++) {
        f->fields[i].touched = true;
        if (!field_check(&f->fields[i]) && first_bad < 0)
            first_bad = i;
    }
    if (first_bad >= 0)
        f->focus = first_bad;
    return first_bad < 0;
}

void
form_vm_set_note(struct form_vm *f, const char *msg)
{
    snprintf(f->note, sizeof f->note, "%s", msg != NULL ? msg : "");
}

void
form_vm_set_refusal(struct form_vm *f, const char *msg)
{
    snprintf(f->refusal, sizeof f->refusal, "%s", msg != NULL ? msg : "");
    f->sending = false;
}

bool
form_vm_dirty(const struct form_vm *f)
{
    for (int i = 0; i < f->nfields; i++)
        if (strcmp(f->fields[i].value, f->fields[i].initial) != 0)
            return true;
    return false;
}

const char *
form_vm_value(const struct form_vm *f, int i)
{
    return i >= 0 && i < f->nfields ? f->fields[i].value : "";
}

/* Widest label, in columns. */
static int
label_cols(const struct form_vm *f)
{
    int w = 0;

    for (int i = 0; i < f->nfields; i++) {
        int lw = vm_text_width(f->fields[i].label);

        w = lw > w ? lw : w;
    }
    return w;
}

/*
 * The value as shown in vcols columns: the tail around the cursor when it is longer.
 * Returns the cursor's column inside the shown text.
 */
static int
field_window(const struct form_field *fd, int vcols, char *out, int outsz)
{
    const char *start = fd->value;
    int ccol = vm_text_width_n(fd->value, fd->cursor);

    while (ccol >= vcols && *start != '\0') {
        size_t n = vm_utf8_next_len(start, 0);
        char one[8];

        memcpy(one, start, n);
        one[n] = '\0';
        ccol -= vm_text_width(one);
        start += n;
    }
    vm_clip(out, outsz, start, vcols, NULL);
    return ccol;
}

/* The value box "[value___]" at columns vx-1 … vx+vcols of l, with the cursor when focused. */
static void
put_value(struct form_vm *f, const struct form_field *fd, int y, int vx, int vcols, int w)
{
    struct vm_line *l = &f->lines[y];
    /* vm_line_put keeps at most VM_SPAN_BYTES - 1 bytes and adds "…" when the text is longer;
     * room for one more character (vm_clip writes at most 7 bytes for one) keeps that telling
     * apart without holding the whole value. */
    char shown[VM_SPAN_BYTES + 8];
    bool bad = fd->touched && fd->msg[0] != '\0';
    int ccol = field_window(fd, vcols, shown, (int)sizeof shown);

    vm_line_put(l, vx - 1, w - 1, ROLE_MUTED, "[");
    vm_line_put(l, vx, vx + vcols, bad ? ROLE_ERROR : ROLE_VALUE, shown);
    vm_line_put(l, vx + vcols, w - 1, ROLE_MUTED, "]");
    if (fd == &f->fields[f->focus]) {
        f->cursor_y = f->box.y + y;
        f->cursor_x = f->box.x + vx + ccol;
    }
}

/* Rows a long text field takes: its label, its value, and its message when it shows. */
static int
largo_rows(const struct form_field *fd)
{
    return fd->touched && fd->msg[0] != '\0' ? 3 : 2;
}

/* A long text field (struct form_field.largo): the label and "12 de 4,096" on row y, the value
 * across the box on y + 1, the message under it. */
static int
build_largo(struct form_vm *f, int i, int y, int w)
{
    const struct form_field *fd = &f->fields[i];
    struct vm_line *l = &f->lines[y];
    char lab[160], n[32], max[32], cuenta[80] = "";
    int typed = utf8_chars(fd->value), cx = w - 1;

    vm_line_init(l, ROLE_TEXT);
    l->item = i + 1;
    if (fd->max_len > 0) {
        snprintf(cuenta, sizeof cuenta, "%s de %s", vm_fmt_count(n, (int)sizeof n, typed),
                 vm_fmt_count(max, (int)sizeof max, fd->max_len));
        cx = w - 2 - vm_text_width(cuenta);
    }
    snprintf(lab, sizeof lab, "%s%s", fd->label, fd->required ? "*" : "");
    vm_line_put(l, 2, cx - 2, i == f->focus ? ROLE_HEADING : ROLE_LABEL, lab);
    if (cuenta[0] != '\0')
        vm_line_put(l, cx, w - 1, typed > fd->max_len ? ROLE_ERROR : ROLE_MUTED, cuenta);
    vm_line_init(&f->lines[y + 1], ROLE_TEXT);
    f->lines[y + 1].item = i + 1;
    put_value(f, fd, y + 1, 3, w - 6, w);
    if (largo_rows(fd) == 2)
        return y + 2;
    vm_line_init(&f->lines[y + 2], ROLE_TEXT);
    vm_line_put(&f->lines[y + 2], 3, w - 1, ROLE_ERROR, "✗");
    vm_line_put(&f->lines[y + 2], 5, w - 1, ROLE_ERROR, fd->msg);
    return y + 3;
}

/* One field: label, "[value___]", message beside it when it fits, else on the next row. */
static int
build_field(struct form_vm *f, int i, int y, int lw, int w)
{
    const struct form_field *fd = &f->fields[i];
    struct vm_line *l = &f->lines[y];
    int vx = 2 + lw + 2, vcols = w - vx - 3, mx;
    char lab[96];
    bool focused = i == f->focus, bad = fd->touched && fd->msg[0] != '\0';

    if (fd->largo)
        return build_largo(f, i, y, w);
    if (vcols > 28 && w > 60)
        vcols = 28;
    vm_line_init(l, ROLE_TEXT);
    l->item = i + 1; /* a click on the row focuses the field */
    snprintf(lab, sizeof lab, "%s%s", fd->label, fd->required ? "*" : "");
    vm_line_put(l, 2, vx - 1, focused ? ROLE_HEADING : ROLE_LABEL, lab);
    put_value(f, fd, y, vx, vcols, w);
    if (!bad)
        return y + 1;
    mx = vx + vcols + 2;
    if (w - 1 - mx >= vm_text_width(fd->msg) + 2) {
        vm_line_put(l, mx, w - 1, ROLE_ERROR, "✗");
        vm_line_put(l, mx + 2, w - 1, ROLE_ERROR, fd->msg);
        return y + 1;
    }
    vm_line_init(&f->lines[y + 1], ROLE_TEXT);
    vm_line_put(&f->lines[y + 1], vx, w - 1, ROLE_ERROR, "✗");
    vm_line_put(&f->lines[y + 1], vx + 2, w - 1, ROLE_ERROR, fd->msg);
    return y + 2;
}

/* text wrapped to the form after a 2-column lead (prefix, e.g. "✗ "), at most max rows, the
 * last one cut with "…"; into lines from row 0 when lines is not NULL. Returns the rows. */
static int
wrapped_rows(const char *text, const char *prefix, enum vm_role role, int max, int w,
             struct vm_line *lines)
{
    char row[VM_SPAN_BYTES], cut[VM_SPAN_BYTES];
    int n = 0, cols = w - 5;

    while (n < max && vm_wrap_row(row, sizeof row, &text, cols)) {
        if (lines != NULL) {
            if (n == 0)
                vm_line_put(&lines[n], 2, w - 1, role, prefix);
            if (n == max - 1 && *text != '\0') {
                vm_clip(cut, sizeof cut - 4, row, cols - 1, NULL);
                strcat(cut, vm_ellipsis());
                vm_line_put(&lines[n], 4, w - 1, role, cut);
            } else {
                vm_line_put(&lines[n], 4, w - 1, role, row);
            }
        }
        n++;
    }
    return n;
}

/* The database's refusal after "✗ ". */
static int
refusal_rows(const struct form_vm *f, int w, struct vm_line *lines)
{
    return wrapped_rows(f->refusal, "✗ ", ROLE_ERROR, FORM_REFUSAL_ROWS, w, lines);
}

/* The note after "→ " (ASCII: "> "). */
static int
note_rows(const struct form_vm *f, int w, struct vm_line *lines)
{
    return wrapped_rows(f->note, "→ ", ROLE_MUTED, FORM_NOTE_ROWS, w, lines);
}

/* Rows the form needs: fields, their message rows, refusal, footer. */
static int
form_rows(const struct form_vm *f, int lw, int w)
{
    int rows = 4; /* borders, blank under the title, footer */
    int vx = 2 + lw + 2, vcols = w - vx - 3;

    if (vcols > 28 && w > 60)
        vcols = 28;
    for (int i = 0; i < f->nfields; i++) {
        const struct form_field *fd = &f->fields[i];

        if (fd->largo) {
            rows += largo_rows(fd);
            continue;
        }
        rows++;
        if (fd->touched && fd->msg[0] != '\0' &&
            w - 1 - (vx + vcols + 2) < vm_text_width(fd->msg) + 2)
            rows++;
    }
    return rows + (f->refusal[0] != '\0' ? refusal_rows(f, w, NULL) + 1 : 0) +
           (f->note[0] != '\0' ? note_rows(f, w, NULL) + 1 : 0);
}

void
form_vm_build(struct form_vm *f, int lines, int cols)
{
    int w = cols - 2 < FORM_W ? cols - 2 : FORM_W, lw = label_cols(f) + 1, h, y = 1;

    if (w < 20)
        w = cols > 0 ? cols : 0;
    if (lw > w / 3)
        lw = w / 3;
    h = form_rows(f, lw, w);
    h = h > lines ? lines : h;
    h = h > FORM_VM_LINES ? FORM_VM_LINES : h;
    f->box = (struct vm_box){ .h = h, .w = w };
    f->box.y = (lines - h) / 2 > 0 ? (lines - h) / 2 : 0;
    f->box.x = (cols - w) / 2 > 0 ? (cols - w) / 2 : 0;
    snprintf(f->box.title, sizeof f->box.title, "%s", f->title);
    if (h > f->lines_size) {
        f->lines = xreallocarray(f->lines, (size_t)h, sizeof *f->lines);
        f->lines_size = h;
    }
    f->nlines = h;
    f->cursor_y = f->cursor_x = -1;
    for (int i = 0; i < h; i++)
        vm_line_init(&f->lines[i], ROLE_TEXT);
    if (f->note[0] != '\0' && y + note_rows(f, w, NULL) + 1 < h)
        y += note_rows(f, w, &f->lines[y]) + 1;
    if (f->refusal[0] != '\0' && y + refusal_rows(f, w, NULL) + 1 < h)
        y += refusal_rows(f, w, &f->lines[y]) + 1;
    /* A field is laid out only when its rows and the footer's fit (a short field's message row
     * may take the blank above the footer). */
    for (int i = 0;
         i < f->nfields && y + (f->fields[i].largo ? largo_rows(&f->fields[i]) : 1) + 1 < h; i++)
        y = build_field(f, i, y, lw, w);
    if (h >= 3)
        vm_line_put(&f->lines[h - 2], 2, w - 1, ROLE_MUTED,
                    f->sending ? "Enviando…" : "* obligatorio");
}

char *
form_vm_dump(const struct form_vm *f)
{
    struct strbuf sb;
    char *out, *lines = vm_lines_dump(f->lines, f->nlines);

    strbuf_init(&sb);
    strbuf_addf(&sb, "box %d,%d %dx%d%s\ncursor %d,%d\n", f->box.y, f->box.x, f->box.h, f->box.w,
                f->box.title, f->cursor_y, f->cursor_x);
    strbuf_addstr(&sb, lines);
    free(lines);
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb);
    return out;
}
