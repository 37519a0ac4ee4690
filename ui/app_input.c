/*
 * app_input — where a key goes, in this order: a yes/no question, an open form, the
 * command line (with its history: Up/Down), the help overlay, then the visible pane (which
 * may decline the action), then the global meaning. A pane number on a key that cannot be
 * text (Alt-1…9) skips the pane. A read-only user (the auditor) pressing one of the pane's
 * write keys, which it has no binding for, is told so.
 *
 * The mouse is a shortcut to those keys, never a path of its own: a click on a tab is its
 * number, on a key of the bottom bar that key, on a pane's row the cursor moved there (the
 * pane's click()), a double click that and Enter; the wheel is ↑/↓ three times. While a
 * question or the command line is open only the bottom bar's keys answer. Loop thread only.
 */
#include <stdio.h>
#include <string.h>

#include "ui/app_internal.h"
#include "ui/term/term.h"
#include "util/log.h"

static void
quit_answer(struct app *a, bool yes, void *ctx)
{
    (void)ctx;
    if (yes)
        app_quit(a);
}

/* q: quits, asking first when a form or a pane holds unsaved input. */
void
app_quit_ask(struct app *a)
{
    bool dirty = a->form != NULL && form_vm_dirty(a->form);

    for (int i = 0; i < a->nslots && !dirty; i++)
        if (a->slots[i].ops->dirty != NULL && a->slots[i].ops->dirty(a->slots[i].st))
            dirty = true;
    if (!dirty) {
        app_quit(a);
        return;
    }
    app_confirm_ask(a, "Hay cambios sin guardar. ¿Salir de todos modos?", quit_answer, NULL);
}

static void
key_confirm(struct app *a, const struct key *k)
{
    enum action act = keymap_lookup(a->km, KEYMAP_CONFIRM, k);
    void (*answer)(struct app *, bool, void *) = a->confirm.answer;
    void *ctx = a->confirm.ctx;

    if (act != ACTION_YES && act != ACTION_NO)
        return;
    a->confirm.open = false;
    a->dirty |= DIRTY_ALL;
    if (answer != NULL)
        answer(a, act == ACTION_YES, ctx);
}

static void
discard_answer(struct app *a, bool yes, void *ctx)
{
    (void)ctx;
    if (yes)
        app_form_close(a);
}

static void
key_form(struct app *a, const struct key *k)
{
    struct form_vm *f = a->form;

    switch ((int)keymap_lookup(a->km, KEYMAP_FORM, k)) {
    case ACTION_SUBMIT:
        if (f->sending)
            break; /* a second Enter never sends twice */
        if (form_vm_validate(f)) {
            f->sending = true;
            a->form_ops->submit(a->form_ctx, f);
        }
        break;
    case ACTION_NEXT_FIELD:
        form_vm_focus_next(f);
        break;
    case ACTION_PREV_FIELD:
        form_vm_focus_prev(f);
        break;
    case ACTION_CLOSE:
        if (form_vm_dirty(f))
            app_confirm_ask(a, "¿Descartar lo escrito en el formulario?", discard_answer, NULL);
        else
            app_form_close(a);
        break;
    default:
        form_vm_input(f, k);
        break;
    }
    a->dirty |= DIRTY_BODY | DIRTY_HINT;
}

static void
key_cmdline(struct app *a, const struct key *k)
{
    switch ((int)keymap_lookup(a->km, KEYMAP_CMDLINE, k)) {
    case ACTION_CONFIRM: {
        char line[CMDLINE_BYTES];

        snprintf(line, sizeof line, "%s", a->cmd.text);
        a->cmdline = false;
        app_cmd_history_add(a, line);
        app_cmd_run(a, line);
        break;
    }
    case ACTION_COMPLETE:
        app_cmd_complete(a);
        break;
    case ACTION_UP:
        (void)cmdline_vm_recall(&a->cmd, -1);
        break;
    case ACTION_DOWN:
        (void)cmdline_vm_recall(&a->cmd, 1);
        break;
    case ACTION_CLOSE:
        a->cmdline = false;
        break;
    default:
        /* Backspace on an empty line closes it, as in vim. */
        if (k->kind == KK_BACKSPACE && a->cmd.text[0] == '\0')
            a->cmdline = false;
        else
            cmdline_vm_input(&a->cmd, k);
        break;
    }
    a->dirty |= DIRTY_HINT;
}

static void
key_help(struct app *a, const struct key *k)
{
    int page = a->layout.body_h > 6 ? a->layout.body_h - 6 : 1;

    switch ((int)keymap_lookup(a->km, KEYMAP_HELP, k)) {
    case ACTION_CLOSE:
        a->overlay = OVERLAY_NONE;
        break;
    case ACTION_QUIT:
        app_quit_ask(a);
        break;
    case ACTION_UP:
        a->help_scroll--;
        break;
    case ACTION_DOWN:
        a->help_scroll++;
        break;
    case ACTION_PAGE_UP:
        a->help_scroll -= page;
        break;
    case ACTION_PAGE_DOWN:
        a->help_scroll += page;
        break;
    case ACTION_TOP:
        a->help_scroll = 0;
        break;
    case ACTION_BOTTOM:
        a->help_scroll = 1 << 20; /* clamped by the build */
        break;
    default:
        return;
    }
    a->dirty |= DIRTY_ALL;
}

/* The n-th visible pane (0-based), or -1. */
static int
visible_nth(const struct app *a, int n)
{
    for (int i = 0; i < a->nslots; i++)
        if (app_slot_visible(a, i) && n-- == 0)
            return i;
    return -1;
}

static void
cycle_pane(struct app *a, int dir)
{
    for (int step = 1; step <= a->nslots; step++) {
        int i = ((a->active + dir * step) % a->nslots + a->nslots) % a->nslots;

        if (app_slot_visible(a, i)) {
            app_activate(a, i);
            return;
        }
    }
}

/* The global meaning of an action the pane did not take. */
static void
key_global(struct app *a, enum action act)
{
    if (act >= ACTION_PANE_1 && act <= ACTION_PANE_9) {
        int i = visible_nth(a, (int)(act - ACTION_PANE_1));

        if (i >= 0)
            app_activate(a, i);
        return;
    }
    switch ((int)act) {
    case ACTION_QUIT:
        app_quit_ask(a);
        break;
    case ACTION_HELP:
        a->overlay = OVERLAY_HELP;
        a->help_scroll = 0;
        a->dirty |= DIRTY_ALL;
        break;
    case ACTION_CMDLINE:
        a->cmdline = true;
        app_cmd_history_load(a);
        cmdline_vm_open(&a->cmd);
        a->dirty |= DIRTY_HINT;
        break;
    case ACTION_NEXT_PANE:
        cycle_pane(a, 1);
        break;
    case ACTION_PREV_PANE:
        cycle_pane(a, -1);
        break;
    case ACTION_REFRESH: {
        struct app_notify n = { .resync = true };

        app_refresh(a);
        app_notify_all(a, &n);
        break;
    }
    default:
        break;
    }
}

/* The context a key goes to now (the order of app_key). */
static enum keymap_ctx
key_ctx(const struct app *a)
{
    if (a->confirm.open)
        return KEYMAP_CONFIRM;
    if (a->form != NULL)
        return KEYMAP_FORM;
    if (a->cmdline)
        return KEYMAP_CMDLINE;
    if (a->overlay != OVERLAY_NONE)
        return KEYMAP_HELP;
    return a->slots[a->active].ops->ctx;
}

void
app_key(struct app *a, const struct key *k)
{
    const struct app_slot *s = &a->slots[a->active];
    enum action act;

    if (k->kind == KK_RESIZE) {
        a->dirty |= DIRTY_LAYOUT | DIRTY_ALL;
        return;
    }
    /* Esc and a character that arrive together read as Alt+character; when nothing here is
     * bound to that, they were two keys (Esc, then the character typed quickly or over a slow
     * link) and are handled as such. */
    if (k->kind == KK_ALT && keymap_lookup(a->km, key_ctx(a), k) == ACTION_NONE) {
        struct key esc = { KK_ESC, 0 }, ch = { KK_CHAR, k->ch };

        app_key(a, &esc);
        if (!a->quit)
            app_key(a, &ch);
        return;
    }
    if (a->message[0] != '\0') {
        a->message[0] = '\0';
        a->dirty |= DIRTY_HINT;
    }
    if (a->confirm.open) {
        key_confirm(a, k);
        return;
    }
    if (a->form != NULL) {
        key_form(a, k);
        return;
    }
    if (a->cmdline) {
        key_cmdline(a, k);
        return;
    }
    if (a->overlay != OVERLAY_NONE) {
        key_help(a, k);
        return;
    }
    act = keymap_lookup(a->km, s->ops->ctx, k);
    /* A pane number on a key that is never text (Alt-1) is the controller's, even while the
     * pane reads every key (a number field, a filter, the wizard's template). */
    if (act >= ACTION_PANE_1 && act <= ACTION_PANE_9 && k->kind != KK_CHAR) {
        key_global(a, act);
        return;
    }
    if (s->ops->key(s->st, act, k)) {
        a->dirty |= DIRTY_BODY | DIRTY_HINT;
        return;
    }
    /* A read-only user has no binding for the pane's write keys; say why m does nothing. */
    if (act == ACTION_NONE && vm_profile_read_only(a->profile) &&
        keymap_entries_write(s->ops->keys, s->ops->nkeys, s->ops->ctx, k)) {
        app_message(a, false, "Solo lectura: su perfil no cambia datos.");
        return;
    }
    key_global(a, act);
}

#define WHEEL_ROWS 3

/* The wheel: three rows of the help overlay, or three ↑/↓ in the visible pane. */
static void
mouse_wheel(struct app *a, bool up)
{
    const struct app_slot *s = &a->slots[a->active];
    struct key k = { up ? KK_UP : KK_DOWN, 0 };

    if (a->overlay != OVERLAY_NONE) {
        a->help_scroll += up ? -WHEEL_ROWS : WHEEL_ROWS;
        a->dirty |= DIRTY_ALL;
        return;
    }
    if (a->form != NULL)
        return;
    for (int i = 0; i < WHEEL_ROWS; i++)
        if (s->ops->key(s->st, up ? ACTION_UP : ACTION_DOWN, &k))
            a->dirty |= DIRTY_BODY | DIRTY_HINT;
}

void
app_mouse(struct app *a, const struct mouse *m)
{
    const struct app_slot *s = &a->slots[a->active];
    const struct vm_layout *l = &a->layout;

    if (m->what == KM_NONE)
        return;
    if (m->y == l->hint_y && !a->cmdline) {
        /* One press per click: a double click does not press the key twice; the wheel none. */
        const struct key *k = m->what == KM_CLICK ? hint_vm_key_at(&a->hint_vm, m->x) : NULL;

        if (k != NULL)
            app_key(a, k);
        return;
    }
    if (a->confirm.open || a->cmdline)
        return;
    if (m->what == KM_WHEEL_UP || m->what == KM_WHEEL_DOWN) {
        mouse_wheel(a, m->what == KM_WHEEL_UP);
        return;
    }
    if (a->form != NULL) {
        if (form_vm_click(a->form, m->y, m->x))
            a->dirty |= DIRTY_BODY | DIRTY_HINT;
        return;
    }
    if (a->overlay != OVERLAY_NONE)
        return;
    if (a->message[0] != '\0') {
        a->message[0] = '\0';
        a->dirty |= DIRTY_HINT;
    }
    if (m->y == l->tabs_y) {
        int i = visible_nth(a, status_vm_tab_at(&a->tabs_line, m->x));

        if (i >= 0 && i != a->active)
            app_activate(a, i);
        return;
    }
    if (m->y < l->body_y || m->y >= l->body_y + l->body_h || s->ops->click == NULL)
        return;
    a->dirty |= DIRTY_BODY | DIRTY_HINT;
    if (s->ops->click(s->st, m->y - l->body_y, m->x) && m->what == KM_DOUBLE) {
        struct key enter = { KK_ENTER, 0 };

        (void)s->ops->key(s->st, ACTION_OPEN, &enter);
    }
}
