#include "ui/vm/cambios_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/equipo_vm.h"
#include "ui/vm/scroll.h"

enum {
    CUANDO_W = 14, /* "29/11/26 10:42" */
    TEXTO_X = 1 + CUANDO_W + 2,
};

void
cambios_model_init(struct cambios_model *m, const char *login, const char *nombre)
{
    memset(m, 0, sizeof *m);
    snprintf(m->login, sizeof m->login, "%s", login);
    snprintf(m->nombre, sizeof m->nombre, "%s", nombre != NULL ? nombre : "");
}

void
cambios_model_fini(struct cambios_model *m)
{
    free(m->filas);
    m->filas = NULL;
    m->nfilas = 0;
}

void
cambios_model_take(struct cambios_model *m, struct cambios_fila *filas, size_t n)
{
    cambios_model_fini(m);
    m->filas = filas;
    m->nfilas = n;
    m->loaded = true;
    m->error[0] = '\0';
}

bool
cambios_model_action(struct cambios_model *m, enum action a, int page)
{
    bool moved = false;

    return scroll_action(&m->scroll, a, page, &moved) && moved;
}

static const char *const campos[][2] = {
    { "alta", "Alta" },
    { "estado", "Estado" },
    { "rol", "Rol" },
    { "supervisor", "Supervisor" },
    { "cupo_diario", "Cupo diario" },
    { "cartera_max", "Cartera máxima" },
    { "nombre", "Nombre" },
    { "whatsapp", "WhatsApp" }, /* sql/100: WhatsApp Web or the official API */
};

const char *
cambios_campo_nombre(const char *campo)
{
    for (size_t i = 0; i < sizeof campos / sizeof campos[0]; i++)
        if (strcmp(campo, campos[i][0]) == 0)
            return campos[i][1];
    return campo;
}

char *
cambios_valor(char *buf, size_t bufsz, const char *campo, const char *valor, bool ascii)
{
    if (valor[0] == '\0')
        snprintf(buf, bufsz, "%s", ascii ? "-" : "—");
    else if (strcmp(campo, "estado") == 0)
        snprintf(buf, bufsz, "%s", equipo_estado_etiqueta(valor));
    else if (strcmp(campo, "rol") == 0 || strcmp(campo, "alta") == 0)
        snprintf(buf, bufsz, "%s", equipo_rol_etiqueta(valor));
    else
        snprintf(buf, bufsz, "%s", valor);
    return buf;
}

/* ---- view-model --------------------------------------------------------------------- */

/* Content rows under the title: rows before scroll or past the page are counted, not put. */
struct emit {
    struct cambios_vm *vm;
    int head;   /* the first row under the title (and the error, when there is one) */
    int y;      /* content rows so far */
    int scroll; /* the first one shown */
};

static struct vm_line *
emit_row(struct emit *e)
{
    int row = e->y++ - e->scroll;

    return row >= 0 && row < e->vm->page ? &e->vm->lines[e->head + row] : NULL;
}

/* The reason, whole, wrapped between words under the change. */
static void
emit_motivo(struct emit *e, const char *motivo)
{
    char quoted[sizeof((struct cambios_fila *)0)->motivo + 8], row[VM_SPAN_BYTES];
    const char *rest = quoted;
    struct vm_line *l;

    snprintf(quoted, sizeof quoted, "«%s»", motivo);
    while (vm_wrap_row(row, (int)sizeof row, &rest, e->vm->width - TEXTO_X - 1))
        if ((l = emit_row(e)) != NULL)
            vm_line_put(l, TEXTO_X, e->vm->width, ROLE_MUTED, row);
}

static void
emit_fila(struct emit *e, const struct cambios_model *m, const struct cambios_fila *f)
{
    char antes[192], despues[192], what[512], who[96];
    struct vm_line *l;
    int x;

    cambios_valor(antes, sizeof antes, f->campo, f->anterior, m->ascii);
    cambios_valor(despues, sizeof despues, f->campo, f->nuevo, m->ascii);
    if (strcmp(f->campo, "alta") == 0) /* sql/098: the user created, with its rol */
        snprintf(what, sizeof what, "Alta como %s", despues);
    else
        snprintf(what, sizeof what, "%s: %s %s %s", cambios_campo_nombre(f->campo), antes,
                 m->ascii ? "->" : "→", despues);
    snprintf(who, sizeof who, "por %s",
             f->hecho_por[0] != '\0' ? f->hecho_por : "el dueño de la base");
    if ((l = emit_row(e)) != NULL) {
        vm_line_put(l, 1, e->vm->width, ROLE_MUTED, f->cuando);
        x = vm_line_put(l, TEXTO_X, e->vm->width, ROLE_VALUE, what);
        vm_line_put(l, x + 2, e->vm->width, ROLE_MUTED, who);
    }
    if (f->motivo[0] != '\0')
        emit_motivo(e, f->motivo);
}

static void
emit_todo(struct emit *e, const struct cambios_model *m)
{
    struct vm_line *l;
    char buf[192];

    if (m->nfilas == 0 && (l = emit_row(e)) != NULL) {
        snprintf(buf, sizeof buf, "No hay cambios registrados de %s.", m->login);
        vm_line_put(l, 1, e->vm->width, ROLE_MUTED, buf);
    }
    for (size_t i = 0; i < m->nfilas; i++)
        emit_fila(e, m, &m->filas[i]);
    if (m->nfilas >= CAMBIOS_LIMITE && (l = emit_row(e)) != NULL) {
        snprintf(buf, sizeof buf,
                 "Solo los %d más recientes; «embudo usuario cambios %s --limite N» da más.",
                 CAMBIOS_LIMITE, m->login);
        vm_line_put(l, 1, e->vm->width, ROLE_MUTED, buf);
    }
}

/* The title and, when the rows do not fit, which show ("1–20 de 45"). */
static void
build_title(struct cambios_vm *vm, const struct cambios_model *m)
{
    char title[256], pos[48];
    int end = vm->width;

    if (m->loaded && vm->content > vm->page) {
        int last = m->scroll + vm->page < vm->content ? m->scroll + vm->page : vm->content;

        snprintf(pos, sizeof pos, "%d–%d de %d", m->scroll + 1, last, vm->content);
        end = vm->width - 1 - vm_text_width(pos);
        vm_line_put(&vm->lines[0], end, vm->width, ROLE_MUTED, pos);
        end--;
    }
    snprintf(title, sizeof title, "Cambios de %s%s%s", m->login, m->nombre[0] != '\0' ? " · " : "",
             m->nombre);
    vm_line_put(&vm->lines[0], 1, end, ROLE_HEADING, title);
    vm_line_sort(&vm->lines[0]);
}

void
cambios_vm_build(struct cambios_vm *vm, struct cambios_model *m, int width, int height)
{
    int head = m->error[0] != '\0' ? 2 : 1, foot;
    struct emit e = { vm, head, 0, 0 };

    vm->width = width;
    vm->height = height;
    vm->nlines = height < CAMBIOS_VM_LINES ? (height > 0 ? height : 0) : CAMBIOS_VM_LINES;
    foot = vm->nlines > head + 1 ? 1 : 0;
    vm->page = vm->nlines - head - foot > 0 ? vm->nlines - head - foot : 0;
    vm->content = 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines == 0 || width <= 0)
        return;
    if (m->loaded) {
        /* Clamp the scroll to the content, measured by a first pass. */
        emit_todo(&e, m);
        vm->content = e.y;
        if (m->scroll > vm->content - vm->page)
            m->scroll = vm->content - vm->page > 0 ? vm->content - vm->page : 0;
        for (int y = 0; y < vm->nlines; y++)
            vm_line_init(&vm->lines[y], ROLE_TEXT);
        e = (struct emit){ vm, head, 0, m->scroll };
        emit_todo(&e, m);
    } else if (m->error[0] == '\0' && vm->nlines > 1) {
        vm_line_put(&vm->lines[1], 1, width, ROLE_MUTED, "Consultando los cambios…");
    }
    build_title(vm, m);
    if (m->error[0] != '\0' && vm->nlines > 1)
        vm_line_put(&vm->lines[1], 1, width, ROLE_ERROR, m->error);
    if (foot > 0)
        vm_line_put(&vm->lines[vm->nlines - 1], 1, width, ROLE_MUTED, "Esc o q: volver al equipo");
}

char *
cambios_vm_dump(const struct cambios_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
