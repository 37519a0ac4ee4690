/*
 * demo — the deterministic demo generator (demo.h).
 *
 * DESIGN. One xoshiro256** stream (seeded through splitmix64) is consumed in a fixed order per
 * client, with integer arithmetic only, so the rows are a function of (seed, position) and
 * never of the platform. Weighted choices use cumulative tables and a binary search. CURPs
 * are built with RENAPO's rules (initials, first inner vowel and consonants, altisonant words,
 * entity code, check digit); uniqueness comes from the homoclave (position 17): a hash table
 * maps each 16-character prefix to the set of homoclaves already handed out, so a repeated
 * prefix gets a different one — digits for births before 2000, letters after, as RENAPO does.
 */
#include "core/demo.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo_data.h"
#include "core/rng.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

const struct demo_convenio demo_convenios[] = {
    { "IMSS", "Instituto Mexicano del Seguro Social", "FEDERAL", 0, 140, 550, 9000, 35000 },
    { "IMSS-PENSIONADOS", "Pensionados y jubilados del IMSS", "PENSIONADOS", 0, 220, 480, 5000,
      25000 },
    { "ISSSTE", "Trabajadores del Estado afiliados al ISSSTE", "FEDERAL", 0, 100, 520, 10000,
      30000 },
    { "ISSSTE-PENSIONADOS", "Pensionados del ISSSTE", "PENSIONADOS", 0, 120, 500, 6000, 28000 },
    { "SEP", "Secretaría de Educación Pública", "FEDERAL", 0, 120, 620, 11000, 32000 },
    { "PEMEX", "Petróleos Mexicanos", "FEDERAL", 0, 30, 250, 18000, 60000 },
    { "CFE", "Comisión Federal de Electricidad", "FEDERAL", 0, 30, 220, 15000, 45000 },
    { "SEDENA", "Secretaría de la Defensa Nacional", "FEDERAL", 0, 20, 180, 12000, 35000 },
    { "SALUD", "Secretaría de Salud", "FEDERAL", 0, 40, 650, 10000, 30000 },
    { "GEM", "Gobierno del Estado de México", "ESTATAL", 15, 40, 520, 9000, 28000 },
    { "ISSEMYM", "Instituto de Seguridad Social del Estado de México y Municipios", "ESTATAL", 15,
      20, 520, 9000, 27000 },
    { "GOBCDMX", "Gobierno de la Ciudad de México", "ESTATAL", 9, 20, 500, 10000, 30000 },
    { "GOBJAL", "Gobierno del Estado de Jalisco", "ESTATAL", 14, 20, 500, 9000, 28000 },
    { "PENSIONES-JAL", "Pensionados del Instituto de Pensiones del Estado de Jalisco",
      "PENSIONADOS", 14, 10, 480, 6000, 24000 },
    { "GOBNL", "Gobierno del Estado de Nuevo León", "ESTATAL", 19, 20, 480, 10000, 30000 },
    { "GOBPUE", "Gobierno del Estado de Puebla", "ESTATAL", 21, 15, 500, 8500, 26000 },
    { "GOBVER", "Gobierno del Estado de Veracruz", "ESTATAL", 30, 20, 500, 8500, 26000 },
    { "MUN-GDL", "Ayuntamiento de Guadalajara", "MUNICIPAL", 14, 5, 450, 8000, 20000 },
    { "MUN-MTY", "Municipio de Monterrey", "MUNICIPAL", 19, 5, 450, 8500, 22000 },
    { "TELMEX", "Teléfonos de México (trabajadores y jubilados)", "PRIVADO", 0, 5, 400, 9000,
      30000 },
};
const size_t demo_convenios_len = LEN(demo_convenios);

const struct demo_usuario demo_usuarios[] = {
    { "admin", "Alicia Ramírez Soto", "ADMIN", NULL, 50, 500 },
    { "sup1", "Sergio Peña Ibáñez", "SUPERVISOR", NULL, 50, 500 },
    { "sup2", "Mónica Muñoz Zúñiga", "SUPERVISOR", NULL, 50, 500 },
    { "prom1", "José Luis Hernández García", "PROMOTOR", "sup1", 60, 400 },
    { "prom2", "María Guadalupe López Núñez", "PROMOTOR", "sup1", 45, 350 },
    { "prom3", "Juan Carlos Martínez Ortiz", "PROMOTOR", "sup1", 80, 600 },
    { "prom4", "Ana Laura Sánchez Peña", "PROMOTOR", "sup1", 50, 400 },
    { "prom5", "Jesús Ramírez Cruz", "PROMOTOR", "sup2", 70, 500 },
    { "prom6", "Verónica Flores Ávila", "PROMOTOR", "sup2", 40, 300 },
    { "prom7", "Miguel Ángel Gómez Ruiz", "PROMOTOR", "sup2", 55, 450 },
    { "prom8", "Patricia Reyes Domínguez", "PROMOTOR", "sup2", 65, 500 },
    { "auditor", "Laura Gómez Treviño", "AUDITOR", NULL, 50, 500 },
};
const size_t demo_usuarios_len = LEN(demo_usuarios);

/* The default funnel of docs/api.md plus "Documentación"; timers in business hours. */
const struct demo_etapa demo_etapas[] = {
    { "Nuevo", "INICIAL", 24 },       { "Contactado", "NORMAL", 48 },
    { "Interesado", "NORMAL", 72 },   { "Documentación", "NORMAL", 72 },
    { "En trámite", "NORMAL", 120 },  { "Venta", "VENTA", 0 },
    { "No localizado", "SALIDA", 0 }, { "No interesado", "SALIDA", 0 },
    { "No califica", "SALIDA", 0 },
};
const size_t demo_etapas_len = LEN(demo_etapas);

/* Starter templates, one per working stage, so the campaign wizard has something to offer:
 * what a promoter of payroll loans writes, with a little spintax so no two messages are equal. */
const struct demo_plantilla demo_plantillas[] = {
    { "Nuevo", "Primer contacto",
      "{Hola|Buen día|Qué tal} {nombre}, le saluda {promotor}. {Ayudo|Apoyo} a personas de su "
      "convenio ({convenio}) con préstamos con descuento vía nómina, sin aval y con tasa fija. "
      "¿Le interesa que le comparta una cotización sin compromiso?" },
    { "Contactado", "Seguimiento",
      "{Hola|Buen día} {nombre}, {gracias por su tiempo|gracias por atenderme}. Como quedamos, "
      "le preparo su cotización; ¿me confirma su último talón de pago para calcular el monto "
      "exacto?" },
    { "Interesado", "Cotización lista",
      "{nombre}, {ya tengo|le tengo lista} su cotización. {Con gusto se la explico|Se la explico "
      "en cinco minutos} por llamada o aquí mismo. ¿Qué horario le acomoda?" },
    { "Documentación", "Documentos",
      "{Hola|Buen día} {nombre}, para avanzar con su trámite necesito su INE por ambos lados, un "
      "comprobante de domicilio reciente y sus dos últimos talones de pago. Puede mandarlos por "
      "aquí en foto. ¡Gracias!" },
    { "En trámite", "Avance del trámite",
      "{nombre}, su solicitud ya está en revisión. {Le aviso en cuanto tenga respuesta|En cuanto "
      "la aprueben le escribo}; cualquier duda estoy a sus órdenes. {promotor}" },
};
const size_t demo_plantillas_len = LEN(demo_plantillas);

/* ---- random numbers: core/rng.h (splitmix64), narrowed to this file's int ranges ---- */

static uint32_t
demo_below(struct rng *r, uint32_t n)
{
    return (uint32_t)rng_below(r, n);
}

/* True with probability per_mille / 1000. */
static bool
demo_mil(struct rng *r, uint32_t per_mille)
{
    return rng_chance(r, per_mille * 1000u);
}

/* Uniform in [lo, hi]. */
static int
demo_range(struct rng *r, int lo, int hi)
{
    return (int)rng_range(r, lo, hi);
}

/* ---- weighted tables ------------------------------------------------------------------ */

struct wtab {
    uint32_t *cum; /* cum[i] = sum of weights 0..i */
    size_t n;
};

static void
wtab_init(struct wtab *t, const unsigned *w, size_t n)
{
    uint32_t sum = 0;

    assert(n > 0);
    t->cum = xcalloc(n, sizeof *t->cum);
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        sum += w[i];
        t->cum[i] = sum;
    }
    assert(sum > 0);
}

static void
wtab_init_pesos(struct wtab *t, const struct demo_peso *p, size_t n)
{
    unsigned *w = xcalloc(n, sizeof *w);

    for (size_t i = 0; i < n; i++)
        w[i] = p[i].peso;
    wtab_init(t, w, n);
    free(w);
}

static void
wtab_fini(struct wtab *t)
{
    free(t->cum);
    t->cum = NULL;
}

/* An index drawn with the table's weights. */
static size_t
wtab_pick(const struct wtab *t, struct rng *r)
{
    uint32_t x = demo_below(r, t->cum[t->n - 1]);
    size_t lo = 0, hi = t->n - 1;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ---- the CURP uniqueness table -------------------------------------------------------- */

/* Open addressing: key = hash of the 16-character prefix (never 0), value = homoclaves used. */
struct curp_set {
    uint64_t *keys;
    uint64_t *used;
    size_t cap; /* a power of two, at least 1.5 × the rows */
};

static void
curp_set_init(struct curp_set *s, long n)
{
    size_t want = (size_t)n + (size_t)n / 2 + 16;

    s->cap = 1024;
    while (s->cap < want)
        s->cap *= 2;
    s->keys = xcalloc(s->cap, sizeof *s->keys);
    s->used = xcalloc(s->cap, sizeof *s->used);
}

static void
curp_set_fini(struct curp_set *s)
{
    free(s->keys);
    free(s->used);
}

/* The used-homoclave bit set of prefix16, inserted empty when new. */
static uint64_t *
curp_set_slot(struct curp_set *s, const char *prefix16)
{
    uint64_t h = rng_hash(prefix16, 16, 0) | 1; /* never 0: 0 marks an empty slot */

    for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == h)
            return &s->used[i];
        if (s->keys[i] == 0) {
            s->keys[i] = h;
            return &s->used[i];
        }
    }
}

/* ---- dates ---------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long
days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The civil date of a day count, as yyyymmdd. */
static int
civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    return (int)((y + (m <= 2)) * 10000 + m * 100 + d);
}

/* DEMO_FECHA_CORTE's parts. */
enum { CORTE_Y = 2026, CORTE_M = 1, CORTE_D = 5 };

/* ---- names to CURP letters ------------------------------------------------------------ */

/* The ASCII capital of the Latin-1 letter whose UTF-8 second byte (after 0xC3) is b. */
static char
latin1_fold(unsigned char b, char enye)
{
    switch (b | 0x20) {
    case 0xA0:
    case 0xA1:
    case 0xA4:
        return 'A';
    case 0xA8:
    case 0xA9:
    case 0xAB:
        return 'E';
    case 0xAC:
    case 0xAD:
    case 0xAF:
        return 'I';
    case 0xB2:
    case 0xB3:
    case 0xB6:
        return 'O';
    case 0xB9:
    case 0xBA:
    case 0xBC:
        return 'U';
    case 0xB1:
        return enye;
    default:
        return 0;
    }
}

/*
 * s (UTF-8) as capital ASCII letters and single spaces: accents dropped, Ñ → enye (RENAPO
 * writes X in a CURP), anything else skipped.
 */
static void
ascii_upper(const char *s, char enye, char *out, size_t cap)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 1 < cap; p++) {
        char c = 0;
        if (*p >= 'a' && *p <= 'z')
            c = (char)(*p - 'a' + 'A');
        else if ((*p >= 'A' && *p <= 'Z') || *p == ' ')
            c = (char)*p;
        else if (*p == 0xC3 && p[1] != '\0')
            c = latin1_fold(*++p, enye);
        if (c != 0)
            out[n++] = c;
    }
    out[n] = '\0';
}

static bool
word_is(const char *w, size_t len, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strlen(*list) == len && strncmp(w, *list, len) == 0)
            return true;
    return false;
}

/*
 * The word of up (capitals, single spaces) a CURP takes its letters from: particles (DE, LA,
 * DEL…) are skipped, and in a given name MARIA/JOSE too when another word follows. *len gets
 * its length.
 */
static const char *
curp_word(const char *up, bool given_name, size_t *len)
{
    static const char *const particles[] = { "DA",  "DAS", "DE",  "DEL", "DER", "DI", "DIE",
                                             "DD",  "EL",  "LA",  "LOS", "LAS", "LE", "LES",
                                             "MAC", "MC",  "VAN", "VON", "Y",   NULL };
    static const char *const common[] = { "MARIA", "MA", "JOSE", "J", NULL };
    const char *found = up;
    size_t found_len = strcspn(up, " ");
    bool have = false;

    for (const char *w = up; *w != '\0';) {
        size_t l = strcspn(w, " ");
        const char *next = w + l + (w[l] == ' ');
        if (l > 0 && !word_is(w, l, particles)) {
            bool skip_common = given_name && !have && word_is(w, l, common);
            found = w;
            found_len = l;
            have = true;
            if (!skip_common)
                break;
        }
        w = next;
    }
    *len = found_len;
    return found;
}

static bool
is_vowel(char c)
{
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

/* The first vowel (want_vowel) or consonant after the first letter of w[0..len), else 'X'. */
static char
inner_letter(const char *w, size_t len, bool want_vowel)
{
    for (size_t i = 1; i < len; i++)
        if (w[i] >= 'A' && w[i] <= 'Z' && is_vowel(w[i]) == want_vowel)
            return w[i];
    return 'X';
}

/* The word's letters for the CURP: initial, inner vowel, inner consonant ('X' when absent). */
struct curp_letters {
    char initial, vowel, consonant;
};

static struct curp_letters
curp_letters_of(const char *name, bool given_name)
{
    struct curp_letters l = { 'X', 'X', 'X' };
    char up[96];
    size_t len;
    const char *w;

    if (name == NULL)
        return l;
    ascii_upper(name, 'X', up, sizeof up);
    w = curp_word(up, given_name, &len);
    if (len == 0)
        return l;
    l.initial = w[0];
    l.vowel = inner_letter(w, len, true);
    l.consonant = inner_letter(w, len, false);
    return l;
}

char
demo_curp_digito(const char *curp17)
{
    long sum = 0;

    for (int i = 0; i < 17; i++) {
        char ch = curp17[i];
        long v = ch >= '0' && ch <= '9' ? ch - '0' : ch <= 'N' ? ch - 'A' + 10 : ch - 'A' + 11;
        sum += v * (18 - i);
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

/* Writes v (>= 0) as exactly width decimal digits, zero-padded (no NUL). */
static void
put_digits(char *out, long v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* The first 16 characters of c's CURP (born in entity code ent2), NUL-terminated. */
static void
curp_base(const struct demo_cliente *c, const char *ent2, char out[17])
{
    struct curp_letters a1 = curp_letters_of(c->primer_apellido, false);
    struct curp_letters a2 = curp_letters_of(c->segundo_apellido, false);
    struct curp_letters n = curp_letters_of(c->nombre, true);
    int b = c->nacimiento;

    out[0] = a1.initial;
    out[1] = a1.vowel;
    out[2] = a2.initial;
    out[3] = n.initial;
    put_digits(out + 4, b / 10000 % 100, 2);
    put_digits(out + 6, b / 100 % 100, 2);
    put_digits(out + 8, b % 100, 2);
    out[10] = c->sexo;
    out[11] = ent2[0];
    out[12] = ent2[1];
    out[13] = a1.consonant;
    out[14] = a2.consonant;
    out[15] = n.consonant;
    out[16] = '\0';
    for (size_t i = 0; i < demo_curp_altisonantes_len; i++)
        if (strncmp(out, demo_curp_altisonantes[i], 4) == 0)
            out[1] = 'X';
}

/* ---- the generator -------------------------------------------------------------------- */

struct demo_gen {
    struct rng rng;
    long n;    /* rows to produce */
    long next; /* id of the next row */
    struct wtab nombres_h, nombres_m, apellidos, dominios, convenios, entidades;
    struct wtab munis[32];
    struct curp_set curps;
};

struct demo_gen *
demo_gen_new(uint64_t seed, long n)
{
    struct demo_gen *g = xcalloc(1, sizeof *g);
    unsigned w[LEN(demo_convenios) > 32 ? LEN(demo_convenios) : 32];

    assert(n >= DEMO_CLIENTES_MIN && n <= DEMO_CLIENTES_MAX);
    rng_seed(&g->rng, seed);
    g->n = n;
    g->next = 1;
    wtab_init_pesos(&g->nombres_h, demo_nombres_h, demo_nombres_h_len);
    wtab_init_pesos(&g->nombres_m, demo_nombres_m, demo_nombres_m_len);
    wtab_init_pesos(&g->apellidos, demo_apellidos, demo_apellidos_len);
    wtab_init_pesos(&g->dominios, demo_dominios, demo_dominios_len);
    for (size_t i = 0; i < demo_convenios_len; i++)
        w[i] = demo_convenios[i].peso;
    wtab_init(&g->convenios, w, demo_convenios_len);
    for (size_t i = 0; i < 32; i++) {
        size_t nm = 0;
        w[i] = demo_entidades[i].poblacion;
        while (demo_entidades[i].munis[nm].s != NULL)
            nm++;
        wtab_init_pesos(&g->munis[i], demo_entidades[i].munis, nm);
    }
    wtab_init(&g->entidades, w, 32);
    curp_set_init(&g->curps, n);
    return g;
}

void
demo_gen_free(struct demo_gen *g)
{
    if (g == NULL)
        return;
    wtab_fini(&g->nombres_h);
    wtab_fini(&g->nombres_m);
    wtab_fini(&g->apellidos);
    wtab_fini(&g->dominios);
    wtab_fini(&g->convenios);
    wtab_fini(&g->entidades);
    for (size_t i = 0; i < 32; i++)
        wtab_fini(&g->munis[i]);
    curp_set_fini(&g->curps);
    free(g);
}

/* Sex, given name and surnames (2 % have only one surname). */
static void
gen_persona(struct demo_gen *g, const struct demo_convenio *cv, struct demo_cliente *c)
{
    c->sexo = demo_mil(&g->rng, cv->mujeres) ? 'M' : 'H';
    if (c->sexo == 'M')
        c->nombre = demo_nombres_m[wtab_pick(&g->nombres_m, &g->rng)].s;
    else
        c->nombre = demo_nombres_h[wtab_pick(&g->nombres_h, &g->rng)].s;
    c->primer_apellido = demo_apellidos[wtab_pick(&g->apellidos, &g->rng)].s;
    c->segundo_apellido =
        demo_mil(&g->rng, 20) ? NULL : demo_apellidos[wtab_pick(&g->apellidos, &g->rng)].s;
}

/* Entidad (the convenio's, or by population) and one of its main municipios. */
static void
gen_lugar(struct demo_gen *g, const struct demo_convenio *cv, struct demo_cliente *c)
{
    c->entidad_id =
        cv->entidad_id != 0 ? cv->entidad_id : (int)wtab_pick(&g->entidades, &g->rng) + 1;
    const struct demo_entidad *e = &demo_entidades[c->entidad_id - 1];
    c->municipio = e->munis[wtab_pick(&g->munis[c->entidad_id - 1], &g->rng)].s;
}

/* Age on the cut-off date (pensioners 56–85, workers 18–65, both peaked) and a birth date. */
static void
gen_edad(struct demo_gen *g, const struct demo_convenio *cv, struct demo_cliente *c)
{
    if (strcmp(cv->tipo, "PENSIONADOS") == 0)
        c->edad = 56 + (demo_range(&g->rng, 0, 29) + demo_range(&g->rng, 0, 29)) / 2;
    else
        c->edad = 18 + (demo_range(&g->rng, 0, 47) + demo_range(&g->rng, 0, 47)) / 2;
}

/* A birth date giving exactly c->edad on the cut-off date. */
static void
gen_nacimiento(struct demo_gen *g, struct demo_cliente *c)
{
    long lo = days_from_civil(CORTE_Y - c->edad - 1, CORTE_M, CORTE_D) + 1;
    long hi = days_from_civil(CORTE_Y - c->edad, CORTE_M, CORTE_D);

    c->nacimiento = civil_from_days(lo + (long)demo_below(&g->rng, (uint32_t)(hi - lo + 1)));
}

/* A homoclave index (0–9 digits, 10–35 letters) not yet used for this prefix, or -1. */
static int
pick_homoclave(struct demo_gen *g, uint64_t *used, bool born_2000s)
{
    int lo = born_2000s ? 10 : 0, span = born_2000s ? 26 : 10;
    int first = (int)demo_below(&g->rng, (uint32_t)span);

    for (int k = 0; k < span; k++) {
        int idx = lo + (first + k) % span;
        if ((*used & (UINT64_C(1) << idx)) == 0)
            return idx;
    }
    for (int idx = 0; idx < 36; idx++)
        if ((*used & (UINT64_C(1) << idx)) == 0)
            return idx;
    return -1;
}

/* Birth date, place of birth and a CURP no earlier row has. */
static void
gen_curp(struct demo_gen *g, struct demo_cliente *c)
{
    static const char homoclaves[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const char *ent2;
    int idx;

    if (demo_mil(&g->rng, 10))
        ent2 = "NE"; /* born abroad */
    else if (demo_mil(&g->rng, 130))
        ent2 = demo_entidades[wtab_pick(&g->entidades, &g->rng)].curp;
    else
        ent2 = demo_entidades[c->entidad_id - 1].curp;
    do {
        uint64_t *used;
        gen_nacimiento(g, c);
        curp_base(c, ent2, c->curp);
        used = curp_set_slot(&g->curps, c->curp);
        idx = pick_homoclave(g, used, c->nacimiento >= 20000101);
        if (idx >= 0)
            *used |= UINT64_C(1) << idx;
    } while (idx < 0);
    c->curp[16] = homoclaves[idx];
    c->curp[17] = demo_curp_digito(c->curp);
    c->curp[18] = '\0';
}

/* The RFC (70 % of clients): the CURP's first ten characters and a homoclave. */
static void
gen_rfc(struct demo_gen *g, struct demo_cliente *c)
{
    static const char hc[] = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ";
    static const char dv[] = "0123456789A";

    c->rfc[0] = '\0';
    if (!demo_mil(&g->rng, 700))
        return;
    memcpy(c->rfc, c->curp, 10);
    c->rfc[10] = hc[demo_below(&g->rng, (uint32_t)(sizeof hc - 1))];
    c->rfc[11] = hc[demo_below(&g->rng, (uint32_t)(sizeof hc - 1))];
    c->rfc[12] = dv[demo_below(&g->rng, (uint32_t)(sizeof dv - 1))];
    c->rfc[13] = '\0';
}

/*
 * Capacidad de pago: 8–35 % of a net income skewed to the low end of the convenio's range,
 * 0 for 5 % (already fully discounted), unknown for 4 %. Segment from the amount.
 */
static void
gen_capacidad(struct demo_gen *g, const struct demo_convenio *cv, struct demo_cliente *c)
{
    int span = cv->ingreso_max - cv->ingreso_min;
    int a, b;
    long pct;

    c->capacidad = -1;
    c->segmento = '\0';
    if (demo_mil(&g->rng, 40))
        return;
    a = demo_range(&g->rng, 0, span);
    b = demo_range(&g->rng, 0, span);
    pct = demo_mil(&g->rng, 50) ? 0 : demo_range(&g->rng, 8, 35);
    /* income (pesos) × pct % = income × pct centavos. */
    c->capacidad = (long)(cv->ingreso_min + (a < b ? a : b)) * pct;
    if (pct > 0)
        c->capacidad += demo_range(&g->rng, 0, 99);
    c->segmento = c->capacidad >= 600000   ? 'A'
                  : c->capacidad >= 300000 ? 'B'
                  : c->capacidad >= 120000 ? 'C'
                                           : 'D';
}

/* A phone of entidad ent in E.164: one of its area codes (the first one 60 % of the time). */
static void
gen_telefono(struct demo_gen *g, int ent, char out[static 14])
{
    const char *p = demo_entidades[ent - 1].ladas;
    uint32_t count = 1, k = 0;
    size_t n = 3;

    for (const char *q = p; *q != '\0'; q++)
        count += *q == ' ';
    if (count > 1 && !demo_mil(&g->rng, 600))
        k = 1 + demo_below(&g->rng, count - 1);
    while (k > 0) /* advance to the k-th code */
        if (*p++ == ' ')
            k--;
    memcpy(out, "+52", 3);
    while (*p >= '0' && *p <= '9')
        out[n++] = *p++;
    out[n++] = (char)('2' + demo_below(&g->rng, 8));
    while (n < 13)
        out[n++] = (char)('0' + demo_below(&g->rng, 10));
    out[n] = '\0';
}

/* The lower-case ASCII letters of the first word of s, or of all its words when whole. */
static void
ascii_lower(const char *s, bool whole, char *out, size_t cap)
{
    char up[96];
    size_t n = 0;

    ascii_upper(s, 'N', up, sizeof up);
    for (const char *p = up; *p != '\0' && n + 1 < cap; p++) {
        if (*p == ' ') {
            if (!whole)
                break;
            continue;
        }
        out[n++] = (char)(*p - 'A' + 'a');
    }
    out[n] = '\0';
}

/* A plausible personal address: jose.hernandez@…, maria_lopez27@…, jgarcia84@… */
static void
gen_email(struct demo_gen *g, const struct demo_cliente *c, char out[static 64])
{
    char nom[24], ap[24];
    const char *dom = demo_dominios[wtab_pick(&g->dominios, &g->rng)].s;
    int num = demo_range(&g->rng, 1, 999);

    ascii_lower(c->nombre, false, nom, sizeof nom);
    ascii_lower(c->primer_apellido, true, ap, sizeof ap);
    switch (demo_below(&g->rng, 4)) {
    case 0:
        snprintf(out, 64, "%s.%s@%s", nom, ap, dom);
        break;
    case 1:
        snprintf(out, 64, "%s_%s%d@%s", nom, ap, num % 100, dom);
        break;
    case 2:
        snprintf(out, 64, "%c%s%02d@%s", nom[0], ap, c->nacimiento / 10000 % 100, dom);
        break;
    default:
        snprintf(out, 64, "%s%s%d@%s", ap, nom, num, dom);
        break;
    }
}

/*
 * Contacts: a mobile for 93 % (10 % of them from another state's area code), a second phone
 * (mobile or landline) for 22 %, an e-mail for 18 %; 4 % of phones are no longer vigente.
 */
static void
gen_contactos(struct demo_gen *g, struct demo_cliente *c)
{
    struct demo_contacto *k = c->contactos;
    int ent = c->entidad_id;

    c->ncontactos = 0;
    if (demo_mil(&g->rng, 100))
        ent = (int)wtab_pick(&g->entidades, &g->rng) + 1;
    if (demo_mil(&g->rng, 930)) {
        k[0].tipo = "CELULAR";
        gen_telefono(g, ent, k[0].valor);
        k[0].vigente = !demo_mil(&g->rng, 40);
        c->ncontactos++;
    }
    if (demo_mil(&g->rng, 220)) {
        struct demo_contacto *x = &k[c->ncontactos];
        x->tipo = demo_mil(&g->rng, 600) ? "CELULAR" : "FIJO";
        do
            gen_telefono(g, c->entidad_id, x->valor);
        while (c->ncontactos > 0 && strcmp(x->valor, k[0].valor) == 0);
        x->vigente = !demo_mil(&g->rng, 40);
        c->ncontactos++;
    }
    if (demo_mil(&g->rng, 180)) {
        k[c->ncontactos].tipo = "EMAIL";
        gen_email(g, c, k[c->ncontactos].valor);
        k[c->ncontactos].vigente = true;
        c->ncontactos++;
    }
}

bool
demo_gen_next(struct demo_gen *g, struct demo_cliente *out)
{
    const struct demo_convenio *cv;

    if (g->next > g->n)
        return false;
    memset(out, 0, sizeof *out);
    out->id = g->next++;
    cv = &demo_convenios[wtab_pick(&g->convenios, &g->rng)];
    out->convenio_id = (int)(cv - demo_convenios) + 1;
    gen_persona(g, cv, out);
    gen_lugar(g, cv, out);
    gen_edad(g, cv, out);
    gen_curp(g, out);
    gen_rfc(g, out);
    gen_capacidad(g, cv, out);
    gen_contactos(g, out);
    return true;
}

/* ---- COPY text ------------------------------------------------------------------------ */

void
demo_convenios_copy(struct strbuf *sb)
{
    for (size_t i = 0; i < demo_convenios_len; i++) {
        strbuf_addf(sb, "%zu\t", i + 1);
        strbuf_add_copy_text(sb, demo_convenios[i].clave);
        strbuf_addch(sb, '\t');
        strbuf_add_copy_text(sb, demo_convenios[i].nombre);
        strbuf_addch(sb, '\t');
        strbuf_add_copy_text(sb, demo_convenios[i].tipo);
        strbuf_add(sb, "\tt\n", 3);
    }
}

/* Appends a field and the tab after it. */
static void
field_tab(struct strbuf *sb, const char *s)
{
    strbuf_add_copy_text(sb, s);
    strbuf_addch(sb, '\t');
}

void
demo_cliente_copy(const struct demo_cliente *c, struct strbuf *sb)
{
    char seg[2] = { c->segmento, '\0' };

    strbuf_addf(sb, "%ld\t", c->id);
    field_tab(sb, c->nombre);
    field_tab(sb, c->primer_apellido);
    field_tab(sb, c->segundo_apellido);
    field_tab(sb, c->curp);
    field_tab(sb, c->rfc[0] != '\0' ? c->rfc : NULL);
    strbuf_addf(sb, "%d\t%d\t", c->convenio_id, c->entidad_id);
    field_tab(sb, c->municipio);
    strbuf_addf(sb, "%d\t", c->edad);
    if (c->capacidad >= 0)
        strbuf_addf(sb, "%ld.%02ld\t", c->capacidad / 100, c->capacidad % 100);
    else
        strbuf_add(sb, "\\N\t", 3);
    field_tab(sb, c->segmento != '\0' ? seg : NULL);
    strbuf_addstr(sb, DEMO_FECHA_CORTE "\n");
}

void
demo_contactos_copy(const struct demo_cliente *c, long *next_id, struct strbuf *sb)
{
    for (int i = 0; i < c->ncontactos; i++) {
        const struct demo_contacto *k = &c->contactos[i];
        strbuf_addf(sb, "%ld\t%ld\t", (*next_id)++, c->id);
        field_tab(sb, k->tipo);
        field_tab(sb, k->valor);
        strbuf_addstr(sb, k->vigente ? "PADRON\tt\n" : "PADRON\tf\n");
    }
}
