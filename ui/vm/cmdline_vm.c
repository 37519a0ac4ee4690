#include "ui/vm/cmdline_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

void
cmdline_vm_open(struct cmdline_vm *c)
{
    struct cmdline_hist h = c->hist;

    memset(c, 0, sizeof *c);
    c->cand = -1;
    c->hist = h;
    c->hist.pos = h.n;
    c->hist.draft[0] = '\0';
}

/* ---- history -------------------------------------------------------------------- */

static bool
blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

void
cmdline_hist_add(struct cmdline_hist *h, const char *line)
{
    h->pos = h->n;
    if (blank(line) || strchr(line, '\n') != NULL ||
        (h->n > 0 && strcmp(h->lines[h->n - 1], line) == 0))
        return;
    if (h->n == CMDLINE_HIST_MAX) {
        free(h->lines[0]);
        memmove(h->lines, h->lines + 1, (CMDLINE_HIST_MAX - 1) * sizeof h->lines[0]);
        h->n--;
    }
    h->lines[h->n++] = xstrdup(line);
    h->pos = h->n;
}

bool
cmdline_vm_recall(struct cmdline_vm *c, int dir)
{
    struct cmdline_hist *h = &c->hist;
    int to = h->pos + (dir < 0 ? -1 : 1);

    if (to < 0 || to > h->n)
        return false;
    if (h->pos == h->n)
        snprintf(h->draft, sizeof h->draft, "%s", c->text); /* leaving what is being typed */
    h->pos = to;
    snprintf(c->text, sizeof c->text, "%s", to == h->n ? h->draft : h->lines[to]);
    c->cursor = strlen(c->text);
    c->ncands = 0;
    return true;
}

void
cmdline_hist_load(struct cmdline_hist *h, const char *text, size_t len)
{
    const char *p = text, *end = text + len;

    cmdline_hist_free(h);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);
        char line[CMDLINE_BYTES];

        if (n < sizeof line) { /* longer lines were never typed here: skipped */
            memcpy(line, p, n);
            line[n] = '\0';
            cmdline_hist_add(h, line);
        }
        p += n + 1;
    }
}

char *
cmdline_hist_text(const struct cmdline_hist *h)
{
    struct strbuf sb;

    strbuf_init(&sb);
    for (int i = 0; i < h->n; i++) {
        strbuf_addstr(&sb, h->lines[i]);
        strbuf_addch(&sb, '\n');
    }
    return strbuf_detach(&sb, NULL);
}

void
cmdline_hist_free(struct cmdline_hist *h)
{
    for (int i = 0; i < h->n; i++)
        free(h->lines[i]);
    memset(h, 0, sizeof *h);
}

bool
cmdline_vm_input(struct cmdline_vm *c, const struct key *k)
{
    size_t len = strlen(c->text);

    c->ncands = 0;
    if (k->kind == KK_CHAR && k->ch >= 0x20)
        return vm_edit_insert(c->text, sizeof c->text, &c->cursor, k->ch);
    if (k->kind == KK_BACKSPACE && c->cursor > 0) {
        c->cursor -= vm_utf8_prev_len(c->text, c->cursor);
        return vm_edit_delete(c->text, c->cursor);
    }
    if (k->kind == KK_DELETE)
        return vm_edit_delete(c->text, c->cursor);
    if (k->kind == KK_LEFT && c->cursor > 0)
        c->cursor -= vm_utf8_prev_len(c->text, c->cursor);
    else if (k->kind == KK_RIGHT && c->cursor < len)
        c->cursor += vm_utf8_next_len(c->text, c->cursor);
    else if (k->kind == KK_HOME)
        c->cursor = 0;
    else if (k->kind == KK_END)
        c->cursor = len;
    else
        return false;
    return true;
}

/* ---- commands ------------------------------------------------------------------- */

/* The command named exactly word, else the only one it is a prefix of; NULL otherwise. */
static const struct cmdline_cmd *
cmd_find(const struct cmdline_cmd *cmds, size_t n, const char *word, bool *ambiguous)
{
    const struct cmdline_cmd *hit = NULL;
    size_t wl = strlen(word);

    *ambiguous = false;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(cmds[i].name, word) == 0)
            return &cmds[i];
    for (size_t i = 0; i < n && wl > 0; i++) {
        if (strncasecmp(cmds[i].name, word, wl) != 0)
            continue;
        if (hit != NULL) {
            *ambiguous = true;
            return NULL;
        }
        hit = &cmds[i];
    }
    return hit;
}

/* Splits buf in place into argv; returns the count or -1 for an unclosed quote. */
static int
split(char *buf, char **argv, int max)
{
    int argc = 0;
    char *p = buf;

    while (*p != '\0') {
        char *out;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || argc == max)
            break;
        argv[argc++] = out = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            if (*p == '"') {
                char *close = strchr(p + 1, '"');

                if (close == NULL)
                    return -1;
                memmove(out, p + 1, (size_t)(close - p - 1));
                out += close - p - 1;
                p = close + 1;
                continue;
            }
            *out++ = *p++;
        }
        if (*p != '\0')
            p++;
        *out = '\0';
    }
    return argc;
}

static bool
key_known(const struct cmdline_cmd *cmd, const char *word, size_t keylen)
{
    for (const char *const *k = cmd->keys; k != NULL && *k != NULL; k++)
        if (strlen(*k) == keylen && strncmp(*k, word, keylen) == 0)
            return true;
    return false;
}

static int
bad_key(const struct cmdline_cmd *cmd, const char *word, size_t keylen, struct err *e)
{
    char list[160] = "";
    size_t off = 0;

    for (const char *const *k = cmd->keys; k != NULL && *k != NULL && off < sizeof list; k++)
        off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", off > 0 ? ", " : "", *k);
    if (list[0] == '\0')
        return err_set(e, RC_INVAL, ":%s no acepta «%.*s=»", cmd->name, (int)keylen, word);
    return err_set(e, RC_INVAL, "argumento desconocido «%.*s» (%s)", (int)keylen, word, list);
}

int
cmdline_parse(const char *line, const struct cmdline_cmd *cmds, size_t ncmds, char *buf,
              size_t bufsz, int *argc, char **argv, const struct cmdline_cmd **cmd, struct err *e)
{
    bool amb;
    int n;

    snprintf(buf, bufsz, "%s", line[0] == ':' ? line + 1 : line);
    n = split(buf, argv, CMDLINE_MAX_ARGS);
    if (n < 0)
        return err_set(e, RC_INVAL, "falta cerrar las comillas");
    if (n == 0)
        return err_set(e, RC_INVAL, "escriba un comando (Tab completa, :ayuda los lista)");
    *cmd = cmd_find(cmds, ncmds, argv[0], &amb);
    if (*cmd == NULL)
        return err_set(e, RC_INVAL,
                       amb ? "comando ambiguo «%s» (Tab completa)"
                           : "comando desconocido «%s» (:ayuda los lista)",
                       argv[0]);
    for (int i = 1; i < n; i++) {
        const char *eq = strchr(argv[i], '=');

        if (eq != NULL && !key_known(*cmd, argv[i], (size_t)(eq - argv[i])))
            return bad_key(*cmd, argv[i], (size_t)(eq - argv[i]), e);
    }
    if (n - 1 < (*cmd)->min_args || n - 1 > (*cmd)->max_args)
        return err_set(e, RC_INVAL, "uso: :%s%s%s", (*cmd)->name,
                       (*cmd)->usage[0] != '\0' ? " " : "", (*cmd)->usage);
    *argc = n;
    return RC_OK;
}

const char *
cmdline_arg(int argc, char **argv, const char *key, int index)
{
    int bare = 0;

    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');

        if (key != NULL && eq != NULL && strlen(key) == (size_t)(eq - argv[i]) &&
            strncmp(argv[i], key, (size_t)(eq - argv[i])) == 0)
            return eq + 1;
        if (key == NULL && eq == NULL && bare++ == index)
            return argv[i];
    }
    return NULL;
}

/* ---- completion ----------------------------------------------------------------- */

static void
cand_add(struct cmdline_vm *c, const char *s, const char *suffix)
{
    char one[sizeof c->cands[0]];

    if (c->ncands >= CMDLINE_CANDS)
        return;
    snprintf(one, sizeof one, "%s%s", s, suffix);
    for (int i = 0; i < c->ncands; i++)
        if (strcmp(c->cands[i], one) == 0)
            return;
    memcpy(c->cands[c->ncands++], one, sizeof one);
}

static void
cands_from_source(struct cmdline_vm *c, const struct cmdline_source *src, size_t nsrc,
                  const char *kind, const char *prefix)
{
    size_t pl = strlen(prefix);

    for (size_t s = 0; kind != NULL && s < nsrc; s++) {
        if (strcmp(src[s].kind, kind) != 0)
            continue;
        for (size_t i = 0; i < src[s].n; i++)
            if (strncasecmp(src[s].vals[i], prefix, pl) == 0)
                cand_add(c, src[s].vals[i], "");
    }
}

/* Fills c->cands for the word at [tok_start, cursor); sets c->tok_key for "key=" words. */
static void
gather(struct cmdline_vm *c, const struct cmdline_cmd *cmds, size_t ncmds,
       const struct cmdline_source *src, size_t nsrc, const char *word, bool first)
{
    char name[64];
    const char *eq = strchr(word, '=');
    const struct cmdline_cmd *cmd;
    bool amb;

    c->ncands = 0;
    c->tok_key[0] = '\0';
    if (first) {
        for (size_t i = 0; i < ncmds; i++)
            if (strncasecmp(cmds[i].name, word, strlen(word)) == 0)
                cand_add(c, cmds[i].name, "");
        return;
    }
    sscanf(c->text[0] == ':' ? c->text + 1 : c->text, "%63s", name);
    cmd = cmd_find(cmds, ncmds, name, &amb);
    if (cmd == NULL)
        return;
    if (eq != NULL) {
        snprintf(c->tok_key, sizeof c->tok_key, "%.*s", (int)(eq - word + 1), word);
        c->tok_key[sizeof c->tok_key - 1] = '\0';
        *strchr(c->tok_key, '=') = '\0';
        cands_from_source(c, src, nsrc, c->tok_key, eq + 1);
        strncat(c->tok_key, "=", sizeof c->tok_key - strlen(c->tok_key) - 1);
        return;
    }
    for (const char *const *k = cmd->keys; k != NULL && *k != NULL; k++)
        if (strncasecmp(*k, word, strlen(word)) == 0)
            cand_add(c, *k, "=");
    cands_from_source(c, src, nsrc, cmd->positional, word);
}

/* Replaces [tok_start, cursor) with tok_key + s (+ blank when whole and not "key="). */
static void
replace_word(struct cmdline_vm *c, const char *s, bool whole)
{
    char rest[CMDLINE_BYTES], head[CMDLINE_BYTES];
    size_t sl = strlen(s);
    bool blank = whole && sl > 0 && s[sl - 1] != '=';

    snprintf(rest, sizeof rest, "%s", c->text + c->cursor);
    snprintf(head, sizeof head, "%.*s%s%s%s", (int)c->tok_start, c->text, c->tok_key, s,
             blank && rest[0] != ' ' ? " " : "");
    c->cursor = strlen(head);
    if (strlen(head) + strlen(rest) >= sizeof c->text)
        rest[sizeof c->text - 1 - strlen(head)] = '\0'; /* the line is full: drop the tail */
    memcpy(c->text, head, c->cursor);
    memcpy(c->text + c->cursor, rest, strlen(rest) + 1);
}

static size_t
common_prefix(const struct cmdline_vm *c)
{
    size_t n = strlen(c->cands[0]);

    for (int i = 1; i < c->ncands; i++) {
        size_t j = 0;

        while (j < n && c->cands[i][j] != '\0' &&
               (c->cands[i][j] | 0x20) == (c->cands[0][j] | 0x20))
            j++;
        n = j;
    }
    while (n > 0 && ((unsigned char)c->cands[0][n] & 0xc0) == 0x80)
        n--; /* never cut a character */
    return n;
}

int
cmdline_vm_complete(struct cmdline_vm *c, const struct cmdline_cmd *cmds, size_t ncmds,
                    const struct cmdline_source *src, size_t nsrc)
{
    char word[CMDLINE_BYTES], pre[64];
    size_t start = c->cursor, lead = c->text[0] == ':' ? 1 : 0;

    if (c->ncands > 1 && strcmp(c->text, c->after) == 0) {
        c->cand = (c->cand + 1) % c->ncands; /* cycle */
        replace_word(c, c->cands[c->cand], true);
        snprintf(c->after, sizeof c->after, "%s", c->text);
        return c->ncands;
    }
    while (start > lead && c->text[start - 1] != ' ')
        start--;
    snprintf(word, sizeof word, "%.*s", (int)(c->cursor - start), c->text + start);
    c->tok_start = start;
    gather(c, cmds, ncmds, src, nsrc, word, strspn(c->text + lead, " ") + lead == start);
    c->cand = -1;
    if (c->ncands == 1)
        replace_word(c, c->cands[0], true);
    else if (c->ncands > 1) {
        snprintf(pre, sizeof pre, "%.*s", (int)common_prefix(c), c->cands[0]);
        if (strlen(pre) >= strlen(strchr(word, '=') != NULL ? strchr(word, '=') + 1 : word))
            replace_word(c, pre, false);
    }
    snprintf(c->after, sizeof c->after, "%s", c->text);
    return c->ncands;
}

/* ---- layout --------------------------------------------------------------------- */

void
cmdline_vm_build(struct cmdline_vm *c, int width)
{
    char head[CMDLINE_BYTES], shown[CMDLINE_BYTES + 2];
    const char *start = c->text;
    int ccol, col;

    vm_line_init(&c->line, ROLE_INPUT);
    snprintf(head, sizeof head, "%.*s", (int)c->cursor, c->text);
    ccol = 1 + vm_text_width(head);
    while (ccol >= width - 1 && *start != '\0') {
        size_t n = vm_utf8_next_len(start, 0);
        char one[8];

        snprintf(one, sizeof one, "%.*s", (int)n, start);
        ccol -= vm_text_width(one);
        start += n;
    }
    snprintf(shown, sizeof shown, "%s%s", start == c->text ? ":" : "", start);
    if (start != c->text)
        ccol--;
    col = vm_line_put(&c->line, 0, width, ROLE_INPUT, shown);
    c->cursor_col = ccol;
    col += 2;
    for (int i = 0; i < c->ncands && c->ncands > 1; i++) {
        int need = vm_text_width(c->cands[i]);

        if (col + need > width)
            break;
        col = vm_line_put(&c->line, col, width, i == c->cand ? ROLE_HINT_KEY : ROLE_MUTED,
                          c->cands[i]) +
              2;
    }
}

char *
cmdline_vm_dump(const struct cmdline_vm *c)
{
    struct strbuf sb;
    char *out, *lines = vm_lines_dump(&c->line, 1);

    strbuf_init(&sb);
    strbuf_addf(&sb, "cursor %d\n%s", c->cursor_col, lines);
    free(lines);
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb);
    return out;
}
