#include "ui/vm/status_vm.h"

#include <stdio.h>

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

void
status_vm_build(struct status_vm *vm, const struct status_info *in, int width)
{
    char right[64], user[160];
    int rcol, col;
    const char *sep = in->ascii ? " | " : " │ ";
    const char *prof = vm_profile_name(in->profile);

    vm->width = width;
    vm_line_init(&vm->line, ROLE_BAR);
    snprintf(right, sizeof right, "%s %s", status_db_glyph(in->db, in->ascii),
             status_db_label(in->db));
    rcol = width - vm_text_width(right) - 1;
    if (rcol < 0)
        rcol = 0;
    col = vm_line_put(&vm->line, 1, rcol - 1, ROLE_APP, "embudo");
    if (in->login != NULL && in->login[0] != '\0') {
        snprintf(user, sizeof user, "%s%s%s", in->login,
                 prof[0] == '\0' ? ""
                 : in->ascii     ? " - "
                                 : " · ",
                 prof);
        col = vm_line_put(&vm->line, col, rcol - 1, ROLE_BAR, sep);
        vm_line_put(&vm->line, col, rcol - 1, ROLE_USER, user);
    }
    vm_line_put(&vm->line, rcol, width, status_db_role(in->db), right);
}

char *
status_vm_dump(const struct status_vm *vm)
{
    return vm_lines_dump(&vm->line, 1);
}
