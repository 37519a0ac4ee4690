#include "core/pacing.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static const char *const weekday_names[7] = {
    "domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
};

#define MIN_MS INT64_C(60000)

/* ---- configuration ----------------------------------------------------------------- */

void
pacing_config_preset(struct pacing_config *c, enum pacing_preset p)
{
    memset(c, 0, sizeof *c);
    c->daily_limit = PACING_DAILY_DEFAULT;
    c->warmup_start = PACING_WARMUP_START;
    c->warmup_days = PACING_WARMUP_DAYS;
    switch (p) {
    case PACING_PRESET_NORMAL:
        c->gap_min_ms = 25000;
        c->gap_max_ms = 55000;
        c->burst_min = 8;
        c->burst_max = 15;
        c->rest_min_ms = 4 * MIN_MS;
        c->rest_max_ms = 10 * MIN_MS;
        c->typing_base_ms = 800;
        c->typing_per_char_ms = 30;
        c->typing_max_ms = 4000;
        c->recipient_gap_ms = MIN_MS;
        break;
    case PACING_PRESET_RAPIDO:
        break; /* every gap, rest and typing time is zero */
    }
}

int
pacing_preset_parse(const char *name, enum pacing_preset *out, struct err *e)
{
    if (strcmp(name, "normal") == 0)
        *out = PACING_PRESET_NORMAL;
    else if (strcmp(name, "rapido") == 0 || strcmp(name, "rápido") == 0)
        *out = PACING_PRESET_RAPIDO;
    else
        return err_set(e, RC_INVAL, "ritmo desconocido «%s»: use normal o rapido", name);
    return RC_OK;
}

static int
check_pair(const char *what, int64_t lo, int64_t hi, struct err *e)
{
    if (lo < 0 || lo > hi)
        return err_set(e, RC_INVAL, "ritmo: %s inválido (mínimo %lld ms, máximo %lld ms)", what,
                       (long long)lo, (long long)hi);
    return RC_OK;
}

int
pacing_config_check(const struct pacing_config *c, struct err *e)
{
    int rc;

    if ((rc = check_pair("intervalo entre mensajes", c->gap_min_ms, c->gap_max_ms, e)) ||
        (rc = check_pair("descanso entre ráfagas", c->rest_min_ms, c->rest_max_ms, e)) ||
        (rc = check_pair("tiempo de escritura", c->typing_base_ms, c->typing_max_ms, e)))
        return rc;
    if (c->burst_min > c->burst_max || (c->burst_max > 0 && c->burst_min == 0))
        return err_set(e, RC_INVAL, "ritmo: ráfaga inválida (%u a %u mensajes)", c->burst_min,
                       c->burst_max);
    if (c->typing_per_char_ms < 0 || c->recipient_gap_ms < 0)
        return err_set(e, RC_INVAL, "ritmo: tiempos negativos");
    if (c->daily_limit > PACING_DAILY_MAX)
        return err_set(e, RC_INVAL, "límite diario %u fuera de rango (máximo %u)", c->daily_limit,
                       PACING_DAILY_MAX);
    return RC_OK;
}

unsigned
pacing_daily_limit(const struct pacing_config *c)
{
    return c->daily_limit == 0 ? PACING_DAILY_DEFAULT : c->daily_limit;
}

int64_t
pacing_typing_ms(const struct pacing_config *c, size_t chars)
{
    int64_t t;

    if (chars > (size_t)INT32_MAX)
        chars = (size_t)INT32_MAX;
    t = c->typing_base_ms + c->typing_per_char_ms * (int64_t)chars;
    return t > c->typing_max_ms ? c->typing_max_ms : t;
}

size_t
pacing_text_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

int64_t
pacing_recipient_wait(const struct pacing_config *c, int64_t now, int64_t last_sent_ms)
{
    int64_t ready;

    if (last_sent_ms == PACING_NEVER)
        return 0;
    ready = last_sent_ms + c->recipient_gap_ms;
    return ready > now ? ready - now : 0;
}

/* ---- the governor ---------------------------------------------------------------- */

void
pacing_init(struct pacing *p, const struct pacing_config *cfg, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    rng_seed(&p->rng, seed);
}

static void
new_burst(struct pacing *p)
{
    if (p->cfg.burst_max == 0)
        return;
    p->burst_len = (unsigned)rng_range(&p->rng, p->cfg.burst_min, p->cfg.burst_max);
    p->burst_left = p->burst_len;
}

void
pacing_next(struct pacing *p, size_t text_chars, int64_t recipient_wait_ms, struct pacing_step *out)
{
    int64_t gap = 0;

    memset(out, 0, sizeof *out);
    if (p->sent == 0) {
        new_burst(p);
    } else if (p->cfg.burst_max > 0 && p->burst_left == 0) {
        out->rest = true;
        out->burst = p->burst_len;
        gap = rng_range(&p->rng, p->cfg.rest_min_ms, p->cfg.rest_max_ms);
        new_burst(p);
    } else {
        gap = rng_range(&p->rng, p->cfg.gap_min_ms, p->cfg.gap_max_ms);
    }
    if (p->burst_left > 0)
        p->burst_left--;
    p->sent++;
    /* Typing happens inside the gap: the send lands `gap` after the previous one unless
     * typing alone, or the recipient's own minimum gap, takes longer. */
    out->typing_ms = pacing_typing_ms(&p->cfg, text_chars);
    if (recipient_wait_ms > gap)
        gap = recipient_wait_ms;
    out->wait_ms = gap > out->typing_ms ? gap - out->typing_ms : 0;
}

/* "34 s", "2.4 s", "6 min 20 s", "2 h 5 min". */
static void
duration_text(int64_t ms, char *buf, size_t len)
{
    int64_t s = (ms + 500) / 1000;

    if (ms < 10000)
        snprintf(buf, len, "%lld.%lld s", (long long)(ms / 1000), (long long)(ms % 1000 / 100));
    else if (s < 60)
        snprintf(buf, len, "%lld s", (long long)s);
    else if (s < 3600 && s % 60 == 0)
        snprintf(buf, len, "%lld min", (long long)(s / 60));
    else if (s < 3600)
        snprintf(buf, len, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(buf, len, "%lld h %lld min", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

char *
pacing_step_explain(const struct pacing_step *s, char *buf, size_t len)
{
    char w[32], t[32];

    duration_text(s->wait_ms, w, sizeof w);
    duration_text(s->typing_ms, t, sizeof t);
    if (s->rest)
        snprintf(buf, len, "descanso de %s tras %u mensajes, luego escribe %s", w, s->burst, t);
    else
        snprintf(buf, len, "espera %s y escribe %s", w, t);
    return buf;
}

/* ---- dates and the daily cap --------------------------------------------------------- */

/* Howard Hinnant's days_from_civil: proleptic Gregorian, valid for any year here. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool
pacing_date_days(int32_t date, int64_t *days_out)
{
    static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t y = date / 10000, m = date / 100 % 100, d = date % 100;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (date <= 0 || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return false;
    *days_out = days_from_civil(y, m, d);
    return true;
}

/* 0 = Sunday … 6 = Saturday; -1 for an invalid date. */
static int
weekday(int32_t date)
{
    int64_t z;

    if (!pacing_date_days(date, &z))
        return -1;
    return (int)(((z % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
}

void
pacing_cap_for(const struct pacing_config *c, int32_t date, int32_t en_uso_desde,
               struct pacing_cap *out)
{
    int64_t today, since, d = 0;
    unsigned ramp;

    memset(out, 0, sizeof *out);
    out->limit = out->cap = pacing_daily_limit(c);
    if (c->warmup_days == 0 || c->warmup_start >= out->limit)
        return;
    if (en_uso_desde != 0 && pacing_date_days(date, &today) &&
        pacing_date_days(en_uso_desde, &since) && today > since)
        d = today - since; /* 0 on the first day of use */
    if (d >= (int64_t)c->warmup_days)
        return;
    ramp = c->warmup_start +
           (unsigned)((uint64_t)(out->limit - c->warmup_start) * (uint64_t)d / c->warmup_days);
    out->cap = ramp;
    out->warming = true;
    out->day = (unsigned)d + 1;
    out->days = c->warmup_days;
}

unsigned
pacing_allowance(const struct pacing_cap *cap, unsigned sent, unsigned pending, char *why,
                 size_t len)
{
    unsigned used = sent + pending, left = used < cap->cap ? cap->cap - used : 0;
    char decide[96], usedtxt[64];

    if (cap->warming)
        snprintf(decide, sizeof decide, "calentamiento día %u de %u, %u (límite %u)", cap->day,
                 cap->days, cap->cap, cap->limit);
    else
        snprintf(decide, sizeof decide, "límite %u", cap->limit);
    if (pending > 0)
        snprintf(usedtxt, sizeof usedtxt, "ya enviados %u y programados %u", sent, pending);
    else
        snprintf(usedtxt, sizeof usedtxt, "ya enviados %u", sent);
    if (why != NULL)
        snprintf(why, len, "hoy puede enviar %u: %s, %s", left, decide, usedtxt);
    return left;
}

/* ---- plan and ETA ------------------------------------------------------------------ */

/* Mean pace, for planning (sending itself draws from the ranges). */
struct pace {
    int64_t first;    /* typing before the first send of a day */
    int64_t interval; /* between two sends inside a burst */
    int64_t rest;     /* between the last send of a burst and the next */
    unsigned burst;   /* mean burst size; 0 = no rests */
};

static void
mean_pace(const struct pacing_config *c, size_t avg_chars, struct pace *p)
{
    int64_t typing = pacing_typing_ms(c, avg_chars);
    int64_t gap = (c->gap_min_ms + c->gap_max_ms) / 2;
    int64_t rest = (c->rest_min_ms + c->rest_max_ms) / 2;

    p->first = typing;
    p->interval = gap > typing ? gap : typing;
    p->rest = rest > typing ? rest : typing;
    p->burst = c->burst_max == 0 ? 0 : (c->burst_min + c->burst_max) / 2;
}

/* Time from the start of a day's sending to its k-th send (k >= 1). */
static int64_t
span_for(const struct pace *p, unsigned k)
{
    int64_t gaps = (int64_t)k - 1, rests = p->burst > 0 ? gaps / (int64_t)p->burst : 0;

    return p->first + (gaps - rests) * p->interval + rests * p->rest;
}

/* The most sends, at most limit, whose last one lands by `room` ms (binary search: the
 * span grows with k). */
static unsigned
fits_in(const struct pace *p, int64_t room, unsigned limit)
{
    unsigned lo = 0, hi = limit;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo + 1) / 2;

        if (span_for(p, mid) <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int
check_days(const struct pacing_day *days, size_t ndays, struct err *e)
{
    int64_t z;

    for (size_t i = 0; i < ndays; i++) {
        if (!pacing_date_days(days[i].date, &z) || days[i].open_ms > days[i].close_ms)
            return err_set(e, RC_INVAL, "día hábil %zu inválido (fecha %d)", i + 1,
                           (int)days[i].date);
        if (i > 0 && (days[i].date <= days[i - 1].date || days[i].open_ms < days[i - 1].close_ms))
            return err_set(e, RC_INVAL, "los días hábiles deben ir en orden y sin traslaparse");
    }
    return RC_OK;
}

int
pacing_plan_make(const struct pacing_config *c, int32_t en_uso_desde, const struct pacing_day *days,
                 size_t ndays, int64_t now, unsigned requested, size_t avg_chars, unsigned *counts,
                 struct pacing_plan_sum *sum, struct err *e)
{
    struct pace pace;
    unsigned left = requested;
    int rc;

    memset(sum, 0, sizeof *sum);
    if ((rc = check_days(days, ndays, e)) != RC_OK)
        return rc;
    mean_pace(c, avg_chars, &pace);
    for (size_t i = 0; i < ndays; i++) {
        struct pacing_cap cap;
        int64_t start = now > days[i].open_ms ? now : days[i].open_ms;
        unsigned room, take = 0;

        pacing_cap_for(c, days[i].date, en_uso_desde, &cap);
        room = pacing_allowance(&cap, days[i].sent, days[i].pending, NULL, 0);
        if (left > 0 && room > 0 && start < days[i].close_ms)
            take = fits_in(&pace, days[i].close_ms - start, left < room ? left : room);
        counts[i] = take;
        if (take == 0)
            continue;
        left -= take;
        sum->last_day = i;
        sum->finish_ms = start + span_for(&pace, take);
    }
    sum->planned = requested - left;
    sum->left = left;
    sum->today = ndays > 0 ? counts[0] : 0;
    return RC_OK;
}

/* "hoy", "mañana" or "el lunes 30/11", seen from now. Local midnight is derived from
 * the window's local opening minute (Mexico has kept no DST since 2022). */
static void
day_label(const struct pacing_day *d, int64_t now, char *buf, size_t len)
{
    int64_t midnight = d->open_ms - (int64_t)d->open_min * MIN_MS;
    int wd = weekday(d->date);

    if (now >= midnight && now < midnight + 1440 * (int64_t)MIN_MS)
        snprintf(buf, len, "hoy");
    else if (now >= midnight - 1440 * (int64_t)MIN_MS && now < midnight)
        snprintf(buf, len, "mañana");
    else if (now >= midnight - 6 * 1440 * (int64_t)MIN_MS && now < midnight && wd >= 0)
        snprintf(buf, len, "el %s", weekday_names[wd]); /* within a week: unambiguous */
    else
        snprintf(buf, len, "el %s %02d/%02d", wd >= 0 ? weekday_names[wd] : "día",
                 (int)(d->date % 100), (int)(d->date / 100 % 100));
}

static int
local_minute(const struct pacing_day *d, int64_t t)
{
    int64_t m = d->open_min + (t - d->open_ms) / MIN_MS;

    return (int)(m < 0 ? 0 : m % 1440);
}

char *
pacing_plan_explain(const struct pacing_day *days, const unsigned *counts, size_t ndays,
                    const struct pacing_plan_sum *sum, int64_t now, char *buf, size_t len)
{
    size_t off = 0;
    char label[48];
    int m;

    buf[0] = '\0';
    for (size_t i = 0; i < ndays && off < len; i++) {
        if (counts[i] == 0)
            continue;
        day_label(&days[i], now, label, sizeof label);
        off += (size_t)snprintf(buf + off, len - off, "%s%u %s", off ? ", " : "", counts[i], label);
    }
    if (sum->planned == 0 && off < len)
        off += (size_t)snprintf(buf + off, len - off, "nada cabe en los días hábiles dados");
    if (sum->planned > 0 && off < len) {
        day_label(&days[sum->last_day], now, label, sizeof label);
        m = local_minute(&days[sum->last_day], sum->finish_ms);
        off += (size_t)snprintf(buf + off, len - off, "; termina %s hacia las %02d:%02d", label,
                                m / 60, m % 60);
    }
    if (sum->left > 0 && off < len)
        snprintf(buf + off, len - off, "; %u no caben en los próximos %zu días hábiles", sum->left,
                 ndays);
    return buf;
}

bool
pacing_window_check(const struct pacing_day *days, size_t ndays, int64_t now, int64_t *resume_ms,
                    char *why, size_t len)
{
    char label[48];

    for (size_t i = 0; i < ndays; i++) {
        if (now >= days[i].open_ms && now < days[i].close_ms) {
            *resume_ms = now;
            snprintf(why, len, "en horario hasta las %02d:%02d", days[i].close_min / 60,
                     days[i].close_min % 60);
            return true;
        }
        if (now < days[i].open_ms) {
            *resume_ms = days[i].open_ms;
            day_label(&days[i], now, label, sizeof label);
            snprintf(why, len, "fuera de horario: reanuda %s%s %02d:%02d", label,
                     strcmp(label, "hoy") == 0 || strcmp(label, "mañana") == 0 ? " a las" : "",
                     days[i].open_min / 60, days[i].open_min % 60);
            return false;
        }
    }
    *resume_ms = -1;
    snprintf(why, len, "fuera de horario: no hay días hábiles en el calendario dado");
    return false;
}
