#include "ui/vm/status_vm.h"

#include <stdio.h>
#include <string.h>

const char *
status_db_label(enum status_db db)
{
    switch (db) {
    case STATUS_DB_CONNECTING:
        return "conectando…";
    case STATUS_DB_OK:
        return "conectado";
    case STATUS_DB_RECONNECTING:
        return "reconectando…";
    case STATUS_DB_DOWN:
        return "sin conexión";
    }
    return "";
}

static enum vm_role
status_db_role(enum status_db db)
{
    switch (db) {
    case STATUS_DB_OK:
        return ROLE_DB_OK;
    case STATUS_DB_CONNECTING:
    case STATUS_DB_RECONNECTING:
        return ROLE_DB_WARN;
    case STATUS_DB_DOWN:
        break;
    }
    return ROLE_DB_ERR;
}

/* The state glyph carries the same signal as the colour (for NO_COLOR and mono). */
static const char *
status_db_glyph(enum status_db db, bool ascii)
{
    switch (db) {
    case STATUS_DB_OK:
        return ascii ? "*" : "●";
    case STATUS_DB_CONNECTING:
    case STATUS_DB_RECONNECTING:
        return ascii ? "~" : "◐";
    case STATUS_DB_DOWN:
        break;
    }
    return ascii ? "x" : "○";
}

long
status_sweep_age(long read_age_s, uint64_t read_at_ms, uint64_t now_ms)
{
    if (read_age_s < 0)
        return read_age_s;
    return read_age_s + (now_ms > read_at_ms ? (long)((now_ms - read_at_ms) / 1000) : 0);
}

/* "⚠ barrido hace 12 min" / "⚠ sin barrido"; "" when the sweep is healthy or unknown. */
static void
sweep_text(char *buf, size_t sz, long age, bool ascii)
{
    const char *w = ascii ? "!" : "⚠";

    buf[0] = '\0';
    if (age == STATUS_SWEEP_NEVER)
        snprintf(buf, sz, "%s sin barrido", w);
    else if (age > STATUS_SWEEP_STALE_S && age < 2 * 3600)
        snprintf(buf, sz, "%s barrido hace %ld min", w, age / 60);
    else if (age >= 2 * 3600)
        snprintf(buf, sz, "%s barrido hace %ld h", w, age / 3600);
}

/* Puts text right-aligned ending before *right (with one blank after); updates *right. */
static void
put_right(struct vm_line *l, int *right, int min_col, enum vm_role role, const char *text)
{
    int w = vm_text_width(text), col = *right - w;

    if (text[0] == '\0' || col < min_col)
        return;
    vm_line_put(l, col, *right, role, text);
    *right = col - 2;
}

void
status_vm_build(struct status_vm *vm, const struct status_info *in, int width)
{
    char db[64], user[160], sweep[64];
    int right = width - 1, col;
    const char *sep = in->ascii ? " | " : " │ ";
    const char *prof = vm_profile_name(in->profile);

    vm->width = width;
    vm_line_init(&vm->line, ROLE_BAR);
    snprintf(db, sizeof db, "%s %s", status_db_glyph(in->db, in->ascii), status_db_label(in->db));
    sweep_text(sweep, sizeof sweep, in->sweep_age_s, in->ascii);
    put_right(&vm->line, &right, 0, status_db_role(in->db), db);
    if (sweep[0] != '\0' && right - vm_text_width(sweep) < 8)
        snprintf(sweep, sizeof sweep, "%s barrido", in->ascii ? "!" : "⚠"); /* short form */
    put_right(&vm->line, &right, 8, ROLE_DB_WARN, sweep);
    put_right(&vm->line, &right, 16, ROLE_BAR, in->clock != NULL ? in->clock : "");
    col = vm_line_put(&vm->line, 1, right, ROLE_APP, "embudo");
    if (in->login != NULL && in->login[0] != '\0') {
        const char *dot = in->ascii ? " - " : " · ";

        /* A read-only profile says so where the user's name is: it explains every missing
           action at a glance ("auditor · AUDITOR · solo lectura"). */
        snprintf(user, sizeof user, "%s%s%s%s%s", in->login, prof[0] == '\0' ? "" : dot, prof,
                 vm_profile_read_only(in->profile) ? dot : "",
                 vm_profile_read_only(in->profile) ? "solo lectura" : "");
        col = vm_line_put(&vm->line, col, right, ROLE_BAR, sep);
        vm_line_put(&vm->line, col, right, ROLE_USER, user);
    }
    vm_line_sort(&vm->line);
}

char *
status_vm_dump(const struct status_vm *vm)
{
    return vm_lines_dump(&vm->line, 1);
}

static int
tab_text(char *buf, size_t sz, int i, const char *title)
{
    snprintf(buf, sz, " %d %s ", i + 1, title);
    return vm_text_width(buf);
}

void
status_vm_tabs(struct vm_line *line, const char *const *titles, int n, int active, int width)
{
    const char *more = vm_ellipsis();
    char tab[96];
    int col = 1, keep = 0, mw = vm_text_width(more) + 1;
    bool full = false;

    vm_line_init(line, ROLE_TAB);
    if (active >= 0 && active < n)
        keep = tab_text(tab, sizeof tab, active, titles[active]) + 1; /* room it must keep */
    for (int i = 0; i < n && i < 9; i++) {
        int need = tab_text(tab, sizeof tab, i, titles[i]) + 1;

        if (i == active)
            keep = 0;
        else if (full || col + need + keep + (i + 1 < n ? mw : 0) > width) {
            if (!full) /* the first one that does not fit: "…" says there are more */
                col = vm_line_put(line, col, width, ROLE_TAB, more) + 1;
            full = true;
            continue;
        }
        col = vm_line_put(line, col, width, i == active ? ROLE_TAB_ACTIVE : ROLE_TAB, tab) + 1;
    }
}

int
status_vm_tab_at(const struct vm_line *line, int x)
{
    int before = 0; /* the number of the last tab left of x */

    for (int i = 0; i < line->nspans; i++) {
        const struct vm_span *sp = &line->spans[i];
        int n = 0;
        bool numbered = sscanf(sp->text, " %d", &n) == 1 && n >= 1; /* tab_text's " N Title " */

        if (x >= sp->col && x < sp->col + sp->width)
            return numbered ? n - 1 : before; /* "…": the first tab it stands for */
        if (numbered)
            before = n;
    }
    return -1;
}
