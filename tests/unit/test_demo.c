/*
 * test_demo — the demo generator (core/demo.h): determinism (same seed → same bytes, other
 * seed → other bytes, rows independent of n), every COPY row valid against the CHECK
 * patterns read from sql/001_schema.sql itself, unique CURPs consistent with the person,
 * COPY escaping, and the shape of the distributions (skews, accents, ñ, contacts).
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/demo.h"
#include "core/plantilla.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* The COPY text of n clients (and, when contacts is not NULL, their contacts) from seed. */
static void
render(uint64_t seed, long n, struct strbuf *clientes, struct strbuf *contacts)
{
    struct demo_gen *g = demo_gen_new(seed, n);
    struct demo_cliente c;
    long next_id = 1;

    while (demo_gen_next(g, &c)) {
        demo_cliente_copy(&c, clientes);
        if (contacts != NULL)
            demo_contactos_copy(&c, &next_id, contacts);
    }
    demo_gen_free(g);
}

/* The text of sql/001_schema.sql (the tests run from the repository root). */
static char *
schema_text(void)
{
    const char *paths[] = { "sql/001_schema.sql", "../../sql/001_schema.sql" };

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        FILE *f = fopen(paths[i], "rb");
        struct strbuf sb;
        char buf[4096];
        size_t n;

        if (f == NULL)
            continue;
        strbuf_init(&sb);
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            strbuf_add(&sb, buf, n);
        fclose(f);
        char *text = strbuf_detach(&sb, NULL);
        strbuf_fini(&sb);
        return text;
    }
    fail_msg("no se encontró sql/001_schema.sql: ejecute la prueba desde la raíz del repositorio");
    return NULL;
}

/* The nth (0-based) regex literal following marker ("curp ~ '") in the schema. */
static char *
schema_pattern(const char *schema, const char *marker, int nth)
{
    const char *p = schema;

    for (int i = 0; i <= nth; i++) {
        p = strstr(p, marker);
        if (p == NULL)
            fail_msg("el esquema ya no contiene «%s» (#%d)", marker, nth);
        p += strlen(marker);
    }
    return xstrndup(p, strcspn(p, "'"));
}

struct patterns {
    regex_t curp, rfc, phone, email, clave;
};

static void
compile(regex_t *re, char *pattern)
{
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);

    if (rc != 0)
        fail_msg("patrón «%s» no compila (%d)", pattern, rc);
    free(pattern);
}

static void
patterns_load(struct patterns *p)
{
    char *schema = schema_text();

    compile(&p->curp, schema_pattern(schema, "(curp ~ '", 0));
    compile(&p->rfc, schema_pattern(schema, "(rfc ~ '", 0));
    compile(&p->phone, schema_pattern(schema, "valor ~ '", 0));
    compile(&p->email, schema_pattern(schema, "valor ~ '", 1));
    compile(&p->clave, schema_pattern(schema, "(clave ~ '", 0));
    free(schema);
}

static void
patterns_free(struct patterns *p)
{
    regfree(&p->curp);
    regfree(&p->rfc);
    regfree(&p->phone);
    regfree(&p->email);
    regfree(&p->clave);
}

static bool
matches(const regex_t *re, const char *s)
{
    return regexec(re, s, 0, NULL, 0) == 0;
}

/* Splits one COPY line (modified in place) into at most max fields; returns their count. */
static int
split_fields(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p != '\0'; p++)
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return max + 1;
            f[n++] = p + 1;
        }
    return n;
}

/* Number of characters (not bytes) of UTF-8 s. */
static size_t
utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool
in_list(const char *s, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool
is_null(const char *f)
{
    return strcmp(f, "\\N") == 0;
}

/* ---- determinism --------------------------------------------------------------------- */

static void
test_same_seed_same_bytes(void **state)
{
    struct strbuf a1, a2, k1, k2;

    (void)state;
    strbuf_init(&a1);
    strbuf_init(&a2);
    strbuf_init(&k1);
    strbuf_init(&k2);
    render(42, 3000, &a1, &k1);
    render(42, 3000, &a2, &k2);
    assert_true(a1.len > 3000 * 40);
    assert_int_equal(a1.len, a2.len);
    assert_memory_equal(a1.buf, a2.buf, a1.len);
    assert_int_equal(k1.len, k2.len);
    assert_memory_equal(k1.buf, k2.buf, k1.len);
    strbuf_fini(&a1);
    strbuf_fini(&a2);
    strbuf_fini(&k1);
    strbuf_fini(&k2);
}

static void
test_other_seed_other_bytes(void **state)
{
    struct strbuf a, b;
    size_t same_lines = 0;
    const char *pa, *pb;

    (void)state;
    strbuf_init(&a);
    strbuf_init(&b);
    render(1, 500, &a, NULL);
    render(2, 500, &b, NULL);
    assert_false(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
    /* Not just a shifted stream: almost no row is identical. */
    for (pa = a.buf, pb = b.buf; *pa != '\0' && *pb != '\0';) {
        size_t la = strcspn(pa, "\n"), lb = strcspn(pb, "\n");
        same_lines += la == lb && memcmp(pa, pb, la) == 0;
        pa += la + 1;
        pb += lb + 1;
    }
    assert_true(same_lines < 5);
    strbuf_fini(&a);
    strbuf_fini(&b);
}

/* The first rows do not depend on how many are asked for. */
static void
test_prefix_independent_of_n(void **state)
{
    struct strbuf small, big;

    (void)state;
    strbuf_init(&small);
    strbuf_init(&big);
    render(7, 200, &small, NULL);
    render(7, 5000, &big, NULL);
    assert_true(big.len > small.len);
    assert_memory_equal(small.buf, big.buf, small.len);
    strbuf_fini(&small);
    strbuf_fini(&big);
}

/* ---- validity against the schema --------------------------------------------------- */

/* Checks one padron.clientes COPY row against 001_schema.sql's CHECKs; returns its CURP. */
static void
check_cliente_row(const struct patterns *p, char *line, long want_id, char curp_out[19])
{
    char *f[14];
    char *end;

    assert_int_equal(split_fields(line, f, 13), 13);
    assert_int_equal(strtol(f[0], &end, 10), want_id);
    for (int i = 1; i <= 3; i++)
        if (i != 3 || !is_null(f[i]))
            assert_true(utf8_len(f[i]) >= 1 && utf8_len(f[i]) <= 80);
    if (!matches(&p->curp, f[4]))
        fail_msg("CURP inválida: %s", f[4]);
    assert_true(is_null(f[5]) || matches(&p->rfc, f[5]));
    long conv = strtol(f[6], &end, 10), ent = strtol(f[7], &end, 10);
    assert_true(conv >= 1 && conv <= (long)demo_convenios_len);
    assert_true(ent >= 1 && ent <= 32);
    assert_true(utf8_len(f[8]) >= 1 && utf8_len(f[8]) <= 120);
    long edad = strtol(f[9], &end, 10);
    assert_true(*end == '\0' && edad >= 18 && edad <= 85);
    if (!is_null(f[10])) {
        double cap = strtod(f[10], &end);
        assert_true(*end == '\0' && cap >= 0 && strchr(f[10], '.') != NULL);
        assert_int_equal(strlen(strchr(f[10], '.')), 3);
    }
    assert_true(is_null(f[11]) || (strlen(f[11]) == 1 && strchr("ABCD", f[11][0]) != NULL));
    assert_true(is_null(f[10]) == is_null(f[11]));
    assert_string_equal(f[12], DEMO_FECHA_CORTE);
    memcpy(curp_out, f[4], 19);
}

static void
test_clientes_pass_schema_checks(void **state)
{
    enum { N = 60000 };
    struct patterns p;
    struct strbuf sb;
    char curp[19];
    long id = 0;

    (void)state;
    patterns_load(&p);
    strbuf_init(&sb);
    render(2026, N, &sb, NULL);
    for (char *line = sb.buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        check_cliente_row(&p, line, ++id, curp);
        line = nl + 1;
    }
    assert_int_equal(id, N);
    strbuf_fini(&sb);
    patterns_free(&p);
}

static int
cmp_curp(const void *a, const void *b)
{
    return memcmp(a, b, 18);
}

/*
 * No CURP repeats among many rows. Homonyms born the same day in the same state (same first
 * 16 characters) do occur at this size, so the homoclave is what keeps them apart.
 */
static void
test_curps_unique(void **state)
{
    enum { N = 400000 };
    struct demo_gen *g = demo_gen_new(2026, N);
    char(*curps)[19] = xcalloc(N, sizeof *curps);
    struct demo_cliente c;
    size_t n = 0, shared_prefix = 0;

    (void)state;
    while (demo_gen_next(g, &c))
        memcpy(curps[n++], c.curp, 19);
    demo_gen_free(g);
    assert_int_equal(n, N);
    qsort(curps, N, sizeof *curps, cmp_curp);
    for (size_t i = 1; i < N; i++) {
        if (memcmp(curps[i - 1], curps[i], 18) == 0)
            fail_msg("CURP repetida: %s", curps[i]);
        shared_prefix += memcmp(curps[i - 1], curps[i], 16) == 0;
    }
    assert_true(shared_prefix > 0);
    free(curps);
}

static void
check_contacto_row(const struct patterns *p, char *line, long want_id, long *last_cliente)
{
    char *f[7];
    char *end;
    long cliente;

    assert_int_equal(split_fields(line, f, 6), 6);
    assert_int_equal(strtol(f[0], &end, 10), want_id);
    cliente = strtol(f[1], &end, 10);
    assert_true(cliente >= *last_cliente && cliente >= 1);
    *last_cliente = cliente;
    if (strcmp(f[2], "EMAIL") == 0) {
        if (!matches(&p->email, f[3]))
            fail_msg("correo inválido: %s", f[3]);
        for (const char *c = f[3]; *c != '\0'; c++)
            assert_false(*c >= 'A' && *c <= 'Z');
    } else {
        assert_true(strcmp(f[2], "CELULAR") == 0 || strcmp(f[2], "FIJO") == 0);
        if (!matches(&p->phone, f[3]))
            fail_msg("teléfono inválido: %s", f[3]);
    }
    assert_string_equal(f[4], "PADRON");
    assert_true(strcmp(f[5], "t") == 0 || strcmp(f[5], "f") == 0);
}

static void
test_contactos_pass_schema_checks(void **state)
{
    enum { N = 20000 };
    struct patterns p;
    struct strbuf cl, sb;
    long id = 0, last = 1;

    (void)state;
    patterns_load(&p);
    strbuf_init(&cl);
    strbuf_init(&sb);
    render(99, N, &cl, &sb);
    for (char *line = sb.buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        check_contacto_row(&p, line, ++id, &last);
        line = nl + 1;
    }
    assert_true(last <= N);
    assert_true(id > N && id < 2 * N); /* about 1.3 contacts per client */
    strbuf_fini(&cl);
    strbuf_fini(&sb);
    patterns_free(&p);
}

/* One client's contacts never repeat (cliente_id, tipo, valor): the table's UNIQUE. */
static void
test_contactos_unique_per_client(void **state)
{
    struct demo_gen *g = demo_gen_new(5, 20000);
    struct demo_cliente c;

    (void)state;
    while (demo_gen_next(g, &c))
        for (int i = 0; i < c.ncontactos; i++)
            for (int j = i + 1; j < c.ncontactos; j++)
                assert_false(strcmp(c.contactos[i].tipo, c.contactos[j].tipo) == 0 &&
                             strcmp(c.contactos[i].valor, c.contactos[j].valor) == 0);
    demo_gen_free(g);
}

static void
test_convenios_pass_schema_checks(void **state)
{
    struct patterns p;
    struct strbuf sb;
    size_t rows = 0;

    (void)state;
    patterns_load(&p);
    strbuf_init(&sb);
    demo_convenios_copy(&sb);
    for (char *line = sb.buf; *line != '\0'; rows++) {
        char *nl = strchr(line, '\n'), *f[6], *end;
        assert_non_null(nl);
        *nl = '\0';
        assert_int_equal(split_fields(line, f, 5), 5);
        assert_int_equal(strtol(f[0], &end, 10), (long)rows + 1);
        if (!matches(&p.clave, f[1]))
            fail_msg("clave inválida: %s", f[1]);
        assert_true(utf8_len(f[2]) >= 2 && utf8_len(f[2]) <= 120);
        assert_true(in_list(f[3], (const char *const[]){ "FEDERAL", "ESTATAL", "MUNICIPAL",
                                                         "PENSIONADOS", "PRIVADO", NULL }));
        assert_string_equal(f[4], "t");
        assert_true(demo_convenios[rows].entidad_id >= 0 && demo_convenios[rows].entidad_id <= 32);
        line = nl + 1;
    }
    assert_int_equal(rows, demo_convenios_len);
    strbuf_fini(&sb);
    patterns_free(&p);
}

/* ---- CURP ---------------------------------------------------------------------------- */

/* Published valid CURPs (python-stdnum, RENAPO examples): the check digit agrees. */
static void
test_curp_check_digit_vectors(void **state)
{
    const char *valid[] = { "HEGG560427MVZRRL04", "BOXW310820HNERXN09", "MAAR790213HMNRLF03",
                            "TUAZ040213MCLRLFA7", "XOAZ980927MCLRLFA6" };

    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_int_equal(demo_curp_digito(valid[i]), valid[i][17]);
    assert_int_not_equal(demo_curp_digito("BOXW310820HNERXN0"), '8');
}

/* The capital ASCII initial of UTF-8 word w (accents dropped, Ñ → X), as RENAPO writes it. */
static char
initial_of(const char *w)
{
    const unsigned char *u = (const unsigned char *)w;

    if (u[0] >= 'A' && u[0] <= 'Z')
        return (char)u[0];
    assert_int_equal(u[0], 0xC3);
    switch (u[1]) {
    case 0x81:
        return 'A';
    case 0x89:
        return 'E';
    case 0x8D:
        return 'I';
    case 0x93:
        return 'O';
    case 0x9A:
        return 'U';
    case 0x91:
        return 'X';
    default:
        fail_msg("inicial inesperada en «%s»", w);
    }
    return '?';
}

/* The word of a given name the CURP uses: the last one after María/José, else the first. */
static const char *
given_word(const char *nombre)
{
    if (strncmp(nombre, "María ", 7) == 0 || strncmp(nombre, "José ", 6) == 0)
        return strrchr(nombre, ' ') + 1;
    return nombre;
}

/* "De la Cruz", "Del Ángel": the CURP skips the particle. */
static bool
has_particle(const char *apellido)
{
    return strncmp(apellido, "De ", 3) == 0 || strncmp(apellido, "Del ", 4) == 0;
}

static const char *const entity_codes[] = {
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR",
    "HG", "JC", "MC", "MN", "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP",
    "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS", "NE", NULL,
};

/* Position 17 is a digit for births before 2000 and a letter after (unless exhausted). */
static bool
homoclave_fits(const struct demo_cliente *c)
{
    bool digit = c->curp[16] >= '0' && c->curp[16] <= '9';
    return digit == (c->nacimiento < 20000101);
}

static void
check_curp_consistent(const struct demo_cliente *c)
{
    char date[16], ent[3] = { c->curp[11], c->curp[12], '\0' };
    int y = c->nacimiento / 10000, md = c->nacimiento % 10000;

    snprintf(date, sizeof date, "%02d%04d", y % 100, md);
    assert_memory_equal(c->curp + 4, date, 6);
    assert_int_equal(c->curp[10], c->sexo);
    assert_true(in_list(ent, entity_codes));
    assert_int_equal(c->curp[17], demo_curp_digito(c->curp));
    /* Age on the cut-off date (parsed from DEMO_FECHA_CORTE, which fecha_carga carries). */
    int cy = 0, cm = 0, cd = 0;
    assert_int_equal(sscanf(DEMO_FECHA_CORTE, "%d-%d-%d", &cy, &cm, &cd), 3);
    assert_int_equal(cy - y - (md > cm * 100 + cd), c->edad);
    if (!has_particle(c->primer_apellido))
        assert_int_equal(c->curp[0], initial_of(c->primer_apellido));
    if (c->segundo_apellido == NULL)
        assert_int_equal(c->curp[2], 'X');
    else if (!has_particle(c->segundo_apellido))
        assert_int_equal(c->curp[2], initial_of(c->segundo_apellido));
    assert_int_equal(c->curp[3], initial_of(given_word(c->nombre)));
    if (c->rfc[0] != '\0')
        assert_memory_equal(c->rfc, c->curp, 10);
}

static void
test_curp_consistent_with_person(void **state)
{
    struct demo_gen *g = demo_gen_new(3, 30000);
    struct demo_cliente c;
    long misfits = 0, compound = 0, particle = 0;

    (void)state;
    while (demo_gen_next(g, &c)) {
        check_curp_consistent(&c);
        misfits += !homoclave_fits(&c);
        compound += given_word(c.nombre) != c.nombre;
        particle += has_particle(c.primer_apellido);
    }
    assert_true(misfits < 30);
    assert_true(compound > 1000); /* María Guadalupe, José Luis… were exercised */
    assert_true(particle > 0);    /* De la Cruz, Del Ángel */
    demo_gen_free(g);
}

/* "De la Cruz" takes its letters from CRUZ; "Muñoz" writes X for Ñ. */
static void
test_curp_particles_and_enye(void **state)
{
    struct demo_gen *g = demo_gen_new(11, 200000);
    struct demo_cliente c;
    bool saw_cruz = false, saw_munoz = false;

    (void)state;
    while (demo_gen_next(g, &c) && !(saw_cruz && saw_munoz)) {
        if (strcmp(c.primer_apellido, "De la Cruz") == 0) {
            assert_int_equal(c.curp[0], 'C');
            assert_true(c.curp[1] == 'U' || c.curp[1] == 'X'); /* X: CULO is altisonant */
            assert_int_equal(c.curp[13], 'R');
            saw_cruz = true;
        }
        if (strcmp(c.primer_apellido, "Muñoz") == 0) {
            assert_int_equal(c.curp[0], 'M');
            assert_true(c.curp[1] == 'U' || c.curp[1] == 'X'); /* X: MULA, MULO */
            assert_int_equal(c.curp[13], 'X');
            saw_munoz = true;
        }
    }
    assert_true(saw_cruz && saw_munoz);
    demo_gen_free(g);
}

/* ---- realism ------------------------------------------------------------------------- */

struct tally {
    long convenio[32], entidad[33];
    long enye, accent, one_surname, email, fijo, second_phone, cdmx, cdmx_local, no_phone;
    long pension_young, worker_sum, workers;
};

static void
tally_one(struct tally *t, const struct demo_cliente *c)
{
    const struct demo_convenio *cv = &demo_convenios[c->convenio_id - 1];
    char full[256];
    int phones = 0;

    t->convenio[c->convenio_id - 1]++;
    t->entidad[c->entidad_id]++;
    snprintf(full, sizeof full, "%s %s %s", c->nombre, c->primer_apellido,
             c->segundo_apellido != NULL ? c->segundo_apellido : "");
    t->enye += strstr(full, "ñ") != NULL;
    t->accent += strstr(full, "á") || strstr(full, "é") || strstr(full, "í") || strstr(full, "ó") ||
                 strstr(full, "ú") || strstr(full, "Á");
    t->one_surname += c->segundo_apellido == NULL;
    if (strcmp(cv->tipo, "PENSIONADOS") == 0) {
        t->pension_young += c->edad < 56;
    } else {
        t->worker_sum += c->edad;
        t->workers++;
    }
    for (int i = 0; i < c->ncontactos; i++) {
        t->email += strcmp(c->contactos[i].tipo, "EMAIL") == 0;
        t->fijo += strcmp(c->contactos[i].tipo, "FIJO") == 0;
        phones += strcmp(c->contactos[i].tipo, "EMAIL") != 0;
    }
    t->second_phone += phones == 2;
    t->no_phone += phones == 0;
    if (c->entidad_id == 9 && c->ncontactos > 0 && c->contactos[0].tipo[0] == 'C') {
        t->cdmx++;
        t->cdmx_local += strncmp(c->contactos[0].valor, "+5255", 5) == 0 ||
                         strncmp(c->contactos[0].valor, "+5256", 5) == 0;
    }
}

static size_t
argmax(const long *v, size_t n)
{
    size_t best = 0;

    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static void
test_distributions_look_mexican(void **state)
{
    enum { N = 40000 };
    struct demo_gen *g = demo_gen_new(8, N);
    struct demo_cliente c;
    struct tally t = { 0 };

    (void)state;
    while (demo_gen_next(g, &c))
        tally_one(&t, &c);
    demo_gen_free(g);
    assert_string_equal(demo_convenios[argmax(t.convenio, demo_convenios_len)].clave,
                        "IMSS-PENSIONADOS");
    assert_int_equal(argmax(t.entidad, 33), 15); /* Estado de México */
    assert_true(t.entidad[3] < N / 50);          /* Baja California Sur is small */
    assert_true(t.enye > N / 100);
    assert_true(t.accent > N / 2);
    assert_true(t.one_surname > N / 200 && t.one_surname < N / 25);
    assert_int_equal(t.pension_young, 0);
    assert_true(t.worker_sum / t.workers >= 35 && t.worker_sum / t.workers <= 48);
    assert_true(t.email > N / 10 && t.email < N / 4);
    assert_true(t.fijo > N / 50);
    assert_true(t.second_phone > N / 8 && t.second_phone < N / 3);
    assert_true(t.no_phone > 0 && t.no_phone < N / 10);
    assert_true(t.cdmx_local * 10 >= t.cdmx * 8);
}

/* ---- fixed data: users and funnel ---------------------------------------------------- */

/* Every starter template parses (the database's CHECK is the same parser), is for a working
   stage of the demo funnel (INICIAL or NORMAL), and each working stage has one. */
static void
test_plantillas_parse_for_working_stages(void **state)
{
    int working = 0;

    (void)state;
    for (size_t i = 0; i < demo_etapas_len; i++)
        working += strcmp(demo_etapas[i].tipo, "INICIAL") == 0 ||
                   strcmp(demo_etapas[i].tipo, "NORMAL") == 0;
    assert_int_equal(demo_plantillas_len, working);
    for (size_t i = 0; i < demo_plantillas_len; i++) {
        const struct demo_plantilla *p = &demo_plantillas[i];
        struct err e = { 0 };
        struct plantilla *t = plantilla_parse(p->texto, NULL, &e);
        const struct demo_etapa *et = NULL;

        if (t == NULL)
            fail_msg("plantilla «%s»: %s", p->nombre, e.msg);
        plantilla_free(t);
        for (size_t j = 0; j < demo_etapas_len; j++)
            if (strcmp(demo_etapas[j].nombre, p->etapa) == 0)
                et = &demo_etapas[j];
        assert_non_null(et);
        if (et != NULL)
            assert_true(strcmp(et->tipo, "INICIAL") == 0 || strcmp(et->tipo, "NORMAL") == 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(demo_plantillas[j].etapa, p->etapa);
    }
}

static void
test_usuarios_and_etapas(void **state)
{
    regex_t login;
    int prom_sup1 = 0, prom_sup2 = 0, iniciales = 0, ventas = 0;

    (void)state;
    assert_int_equal(regcomp(&login, "^[a-z_][a-z0-9_]{1,30}$", REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(demo_usuarios_len, 12);
    for (size_t i = 0; i < demo_usuarios_len; i++) {
        const struct demo_usuario *u = &demo_usuarios[i];
        assert_true(matches(&login, u->login));
        assert_true(utf8_len(u->nombre) >= 2 && utf8_len(u->nombre) <= 120);
        if (strcmp(u->rol, "PROMOTOR") != 0) {
            assert_null(u->supervisor);
            continue;
        }
        assert_true(u->cupo_diario >= 40 && u->cupo_diario <= 80);
        prom_sup1 += strcmp(u->supervisor, "sup1") == 0;
        prom_sup2 += strcmp(u->supervisor, "sup2") == 0;
        /* Supervisors are created before their promoters. */
        for (size_t j = i; j < demo_usuarios_len; j++)
            assert_string_not_equal(demo_usuarios[j].login, u->supervisor);
    }
    assert_int_equal(prom_sup1, 4);
    assert_int_equal(prom_sup2, 4);
    regfree(&login);
    for (size_t i = 0; i < demo_etapas_len; i++) {
        const struct demo_etapa *e = &demo_etapas[i];
        bool timed = strcmp(e->tipo, "INICIAL") == 0 || strcmp(e->tipo, "NORMAL") == 0;
        assert_true(timed ? e->horas > 0 : e->horas == 0);
        iniciales += strcmp(e->tipo, "INICIAL") == 0;
        ventas += strcmp(e->tipo, "VENTA") == 0;
    }
    assert_int_equal(iniciales, 1);
    assert_int_equal(ventas, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_other_seed_other_bytes),
        cmocka_unit_test(test_prefix_independent_of_n),
        cmocka_unit_test(test_clientes_pass_schema_checks),
        cmocka_unit_test(test_curps_unique),
        cmocka_unit_test(test_contactos_pass_schema_checks),
        cmocka_unit_test(test_contactos_unique_per_client),
        cmocka_unit_test(test_convenios_pass_schema_checks),
        cmocka_unit_test(test_curp_check_digit_vectors),
        cmocka_unit_test(test_curp_consistent_with_person),
        cmocka_unit_test(test_curp_particles_and_enye),
        cmocka_unit_test(test_distributions_look_mexican),
        cmocka_unit_test(test_usuarios_and_etapas),
        cmocka_unit_test(test_plantillas_parse_for_working_stages),
    };

    return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
