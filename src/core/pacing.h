/*
 * pacing — the sending governor: gaps, bursts and rests, typing time, the minimum gap
 * per recipient, the daily cap with its warm-up ramp, the per-day plan of a campaign,
 * its ETA, and whether "now" is inside the sending window.
 *
 * Pure and deterministic: the clock ("now") and the calendar (the upcoming operating
 * days with their windows, computed by the business-time code) come in as arguments,
 * randomness from a seeded struct rng. Every decision can be told in one Spanish line
 * (the *_explain functions and `why` outputs, written into caller buffers) so the
 * wizard and the status bar show what decides a limit.
 * Any thread; struct pacing has one owner (the account's sender). Constants and the
 * ramp are explained in docs/campanas.md.
 */
#ifndef CORE_PACING_H
#define CORE_PACING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

struct err;

#define PACING_DAILY_DEFAULT 180u /* messages per account per day when not configured */
#define PACING_DAILY_MAX     100000u
#define PACING_WARMUP_START  20u       /* the cap on the first day a number is used */
#define PACING_WARMUP_DAYS   14u       /* days of linear ramp up to the daily limit */
#define PACING_NEVER         INT64_MIN /* "never sent to this recipient" */
#define PACING_WHY_BYTES     200

struct pacing_config {
    int64_t gap_min_ms, gap_max_ms;   /* between two sends, drawn uniformly */
    unsigned burst_min, burst_max;    /* messages per burst; burst_max 0 = no rests */
    int64_t rest_min_ms, rest_max_ms; /* the longer pause after each burst */
    int64_t typing_base_ms;           /* "escribiendo…" for an empty text */
    int64_t typing_per_char_ms;       /* plus this per character */
    int64_t typing_max_ms;            /* capped here */
    int64_t recipient_gap_ms;         /* minimum time between two sends to one number */
    unsigned daily_limit;             /* configured cap; 0 = PACING_DAILY_DEFAULT */
    unsigned warmup_start;            /* first-day cap of the ramp */
    unsigned warmup_days;             /* ramp length; 0 = no warm-up */
};

enum pacing_preset {
    PACING_PRESET_NORMAL, /* the defaults of docs/campanas.md */
    PACING_PRESET_RAPIDO, /* tests and benchmarks only: zero gaps, rests and typing */
};

/* Fills c with a preset. Caps and warm-up are the same in both presets. */
void pacing_config_preset(struct pacing_config *c, enum pacing_preset p);

/* "normal" or "rapido" (EMBUDO_RITMO) to a preset; RC_INVAL names the valid values. */
int pacing_preset_parse(const char *name, enum pacing_preset *out, struct err *e)
    __attribute__((warn_unused_result));

/* RC_OK, or RC_INVAL naming the first inconsistent setting (min > max, negatives, a
 * daily limit above PACING_DAILY_MAX). */
int pacing_config_check(const struct pacing_config *c, struct err *e)
    __attribute__((warn_unused_result));

/* The daily limit in force: the configured one, or PACING_DAILY_DEFAULT when 0. */
unsigned pacing_daily_limit(const struct pacing_config *c);

/* Typing time for a text of chars characters: base + per_char * chars, capped. */
int64_t pacing_typing_ms(const struct pacing_config *c, size_t chars);

/* Characters (UTF-8 code points) in s, the unit of pacing_typing_ms. */
size_t pacing_text_chars(const char *s);

/* How long before `to` may receive another message: 0 when now is at least
 * recipient_gap_ms after last_sent_ms (PACING_NEVER = never sent). */
int64_t pacing_recipient_wait(const struct pacing_config *c, int64_t now, int64_t last_sent_ms);

/* ---- the per-message governor ------------------------------------------------ */

struct pacing {
    struct pacing_config cfg;
    struct rng rng;
    unsigned sent;       /* steps handed out */
    unsigned burst_left; /* sends left in the current burst */
    unsigned burst_len;  /* size of the current burst */
};

/* What to do before the next send: wait, then show "escribiendo…" for typing_ms, then
 * send. The send lands max(gap, typing, recipient wait) after the previous one. */
struct pacing_step {
    int64_t wait_ms; /* from the previous send (or now, for the first) to typing */
    int64_t typing_ms;
    bool rest;      /* this wait is the rest after a burst */
    unsigned burst; /* with rest: the size of the burst just finished */
};

/* Starts a governor (cfg copied) whose draws come from seed. */
void pacing_init(struct pacing *p, const struct pacing_config *cfg, uint64_t seed);

/* The step for the next message of text_chars characters, whose recipient may receive
 * it in recipient_wait_ms (pacing_recipient_wait). The first step has no gap. */
void pacing_next(struct pacing *p, size_t text_chars, int64_t recipient_wait_ms,
                 struct pacing_step *out);

/* One Spanish line for a step: "espera 34 s y escribe 2.4 s" / "descanso de 6 min 20 s
 * tras 12 mensajes". Returns buf. */
char *pacing_step_explain(const struct pacing_step *s, char *buf, size_t len);

/* ---- the daily cap ------------------------------------------------------------------ */

struct pacing_cap {
    unsigned cap;   /* messages allowed that day */
    unsigned limit; /* the configured (or default) limit */
    bool warming;   /* the ramp, not the limit, decides */
    unsigned day;   /* with warming: 1-based day of the ramp */
    unsigned days;  /* with warming: ramp length */
};

/*
 * The cap on local date `date` (YYYYMMDD) for a number in use since en_uso_desde
 * (YYYYMMDD; 0 = unknown, treated as first used on `date`): min(limit, ramp), the ramp
 * going linearly from warmup_start on day 1 to the limit on day warmup_days + 1. That is a
 * WhatsApp Web number's cap (crm.wa_tope); a number of Meta's official API has no ramp
 * (crm.wa_tope_fila, sql/100): its cap is the limit, what warmup_days = 0 gives here.
 */
void pacing_cap_for(const struct pacing_config *c, int32_t date, int32_t en_uso_desde,
                    struct pacing_cap *out);

/* What is left that day given sent and pending (reserved, not yet sent) messages, with
 * its reason in why: "hoy puede enviar 10: límite 180, ya enviados 170". */
unsigned pacing_allowance(const struct pacing_cap *cap, unsigned sent, unsigned pending, char *why,
                          size_t len);

/* ---- operating days, plan, ETA ---------------------------------------------------- */

/* One upcoming operating day of the account, as the business-time code computes it. */
struct pacing_day {
    int32_t date;              /* local date YYYYMMDD */
    int64_t open_ms, close_ms; /* the sending window, epoch ms */
    int open_min, close_min;   /* the same, as local minutes after midnight (for text) */
    unsigned sent, pending;    /* messages already sent / reserved that day, all campaigns */
};

struct pacing_plan_sum {
    unsigned planned;  /* messages placed in the given days */
    unsigned left;     /* requested - planned: beyond the given days */
    unsigned today;    /* placed on days[0] */
    int64_t finish_ms; /* expected time of the last send; 0 when nothing was placed */
    size_t last_day;   /* index of the last day used */
};

/*
 * Places `requested` messages on the operating days (sorted, windows not overlapping):
 * each day takes at most its remaining cap (pacing_cap_for minus sent and pending) and
 * at most what fits in its window from max(now, open) at the configured pace, using
 * mean gaps, bursts and rests and typing for avg_chars. counts[i] receives day i's
 * share; sum the totals and the ETA. "170 sent + 190 requested" gives 10 today and 180
 * the next operating day. RC_OK, or RC_INVAL for unsorted or malformed days.
 */
int pacing_plan_make(const struct pacing_config *c, int32_t en_uso_desde,
                     const struct pacing_day *days, size_t ndays, int64_t now, unsigned requested,
                     size_t avg_chars, unsigned *counts, struct pacing_plan_sum *sum, struct err *e)
    __attribute__((warn_unused_result));

/* The plan in one Spanish line: "10 hoy, 180 el lunes; termina el lunes hacia las
 * 16:40" (+ "; 20 no caben en los próximos 5 días hábiles"). Days more than a week
 * ahead carry their date ("el lunes 07/12"). Returns buf. */
char *pacing_plan_explain(const struct pacing_day *days, const unsigned *counts, size_t ndays,
                          const struct pacing_plan_sum *sum, int64_t now, char *buf, size_t len);

/*
 * Whether now is inside a sending window of days. When it is not, *resume_ms gets the
 * next opening (-1 when none is listed). why gets "en horario hasta las 19:00" or
 * "fuera de horario: reanuda el lunes 09:00" ("hoy a las", "mañana a las").
 */
bool pacing_window_check(const struct pacing_day *days, size_t ndays, int64_t now,
                         int64_t *resume_ms, char *why, size_t len);

/* Days from 1970-01-01 to the YYYYMMDD date; false when date is not a valid date. */
bool pacing_date_days(int32_t date, int64_t *days_out);

#endif
